"""A user's notices on their profile; one-click unsubscribe from a message's link."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.common.forms import EmptyForm
from app.messages import bp, preferences, suppressions
from app.messages.forms import PreferencesForm
from app.platform.extensions import csrf, db

CHOICE_LABELS = {
    "meetings": _l("Convocazioni degli incontri"),
    "minutes": _l("Verbali"),
    "actions": _l("Azioni affidate"),
    "actions_digest": _l("Riepilogo settimanale delle azioni"),
}


@bp.route("/profilo/notifiche", methods=["GET", "POST"])
@login_required
def my_preferences():
    """Which notices to get by e-mail (invitations and password links always arrive)."""
    current = preferences.of(current_user)
    form = PreferencesForm(obj=current)
    if form.validate_on_submit():
        preferences.save(
            current_user, meetings=form.meetings.data, minutes=form.minutes.data, actions=form.actions.data,
            actions_digest=form.actions_digest.data,
        )  # fmt: skip
        db.session.commit()
        flash(_("Preferenze salvate."), "success")
        return redirect(url_for("messages.my_preferences"))
    return render_template("messages/preferences.html", form=form), 400 if form.errors else 200


@bp.route("/disiscrizione/<token>", methods=["GET", "POST"])
@csrf.exempt  # List-Unsubscribe-Post comes from the mail provider: the signed token is the proof
def unsubscribe(token: str):
    """GET asks to confirm; POST (the page's button, or the mail app's one click) turns the notice off."""
    found = preferences.from_token(token) or abort(404)
    user, choice = found
    if request.method == "POST":
        preferences.turn_off(user, choice)
        db.session.commit()
        return render_template("messages/unsubscribed.html", label=CHOICE_LABELS[choice], done=True)
    return render_template(
        "messages/unsubscribed.html", label=CHOICE_LABELS[choice], done=False, form=EmptyForm()
    )


@bp.route("/disiscrizione/indirizzo/<token>", methods=["GET", "POST"])
@csrf.exempt  # List-Unsubscribe-Post comes from the mail provider: the signed token is the proof
def address_optout(token: str):
    """The link in every message that is not essential: GET asks to confirm; POST (the page's
    button, or the mail app's one click) stops all mail to the address but the essential."""
    email = suppressions.from_token(token) or abort(404)
    if request.method == "POST":
        suppressions.suppress(email)
        db.session.commit()
        return render_template(
            "messages/address_optout.html", token=token, email=email, done=True, form=EmptyForm()
        )
    return render_template(
        "messages/address_optout.html", token=token, email=email, done=False, form=EmptyForm()
    )


@bp.route("/disiscrizione/indirizzo/<token>/annulla", methods=["POST"])
def address_optout_undo(token: str):
    """Changed one's mind (the button on the page above, with its CSRF token): mail again."""
    email = suppressions.from_token(token) or abort(404)
    if EmptyForm().validate_on_submit():
        suppressions.restore(email)
        db.session.commit()
    return render_template(
        "messages/address_optout.html", token=token, email=email, done=False, restored=True, form=EmptyForm()
    )
