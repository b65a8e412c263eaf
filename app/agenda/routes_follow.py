"""Follow a civic center, a lab or a town by e-mail: ask, confirm from the message, leave in one click."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.agenda import bp, follow_targets
from app.agenda import notices as mail
from app.common.forms import BaseForm, EmptyForm
from app.messages import follows
from app.messages.forms import MailAddress
from app.platform.extensions import csrf, db, limiter


class FollowForm(BaseForm):
    email = EmailField(
        _l("La tua e-mail"),
        validators=[
            DataRequired(_l("Scrivi il tuo indirizzo e-mail.")),
            Length(max=254, message=_l("L'indirizzo è troppo lungo.")),
            Email(
                _l("Scrivi un indirizzo e-mail valido, ad esempio nome@esempio.it."),
                check_deliverability=False,
            ),
            MailAddress(),
        ],
    )
    submit = SubmitField(_l("Seguimi per e-mail"))


def _target_or_404(kind_slug: str, slug: str):
    kind = follow_targets.TARGETS.get(kind_slug) or abort(404)
    return kind, follow_targets.target_by_slug(kind, slug) or abort(404)


@bp.route("/segui/<kind_slug>/<slug>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def follow(kind_slug: str, slug: str):
    """Ask for the weekly e-mail about a center, a lab or a town; the same reply for everyone."""
    kind, found = _target_or_404(kind_slug, slug)
    form = FollowForm()
    if form.validate_on_submit():
        mail.asked(follows.start(form.email.data, kind, found), found)
        db.session.commit()
        return redirect(url_for("agenda.follow_asked", kind_slug=kind_slug, slug=slug))
    name = mail.target_name(kind, found)
    return render_template("agenda/follow.html", form=form, name=name), 400 if form.errors else 200


@bp.route("/segui/<kind_slug>/<slug>/inviato")
def follow_asked(kind_slug: str, slug: str):
    kind, found = _target_or_404(kind_slug, slug)
    return render_template("agenda/follow_asked.html", name=mail.target_name(kind, found))


@bp.route("/segui/conferma/<token>", methods=["GET", "POST"])
def follow_confirm(token: str):
    """The link in the confirmation message: a button confirms (nothing changes on GET)."""
    found = follows.from_token(token, "confirm") or abort(404)
    target = follow_targets.target_of(found) or abort(404)
    name = mail.target_name(found.target, target)
    form = EmptyForm()
    if form.validate_on_submit():
        follows.confirm(found)
        db.session.commit()
        return render_template("agenda/follow_done.html", name=name, confirmed=True)
    return render_template("agenda/follow_done.html", name=name, confirmed=False, form=form)


@bp.route("/segui/smetti/<token>", methods=["GET", "POST"])
@csrf.exempt  # one click from the mail app (List-Unsubscribe-Post): the signed token is the proof
def follow_stop(token: str):
    found = follows.from_token(token, "stop") or abort(404)
    target = follow_targets.target_of(found)
    name = mail.target_name(found.target, target) if target is not None else ""
    if request.method == "POST":
        follows.stop(found)
        db.session.commit()
        return render_template("agenda/follow_stopped.html", name=name, done=True)
    return render_template("agenda/follow_stopped.html", name=name, done=False, form=EmptyForm())


FEED_PATHS = {"laboratori": "laboratorio", "centri": "centro", "comuni": "comune"}


@bp.app_template_global("follow_url")
def follow_url(feed_url: str) -> str | None:
    """The "follow by e-mail" page matching a lab's, center's or town's feed (none for others)."""
    path = "/" + feed_url.split("://", 1)[-1].split("/", 1)[-1]
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "ical" and parts[1] in FEED_PATHS and parts[2].endswith(".ics"):
        return url_for("agenda.follow", kind_slug=FEED_PATHS[parts[1]], slug=parts[2][: -len(".ics")])
    return None
