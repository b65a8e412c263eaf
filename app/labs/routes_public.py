"""Public pages: labs, one lab with its sessions, signing up and withdrawing."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agenda import services as agenda
from app.agenda.subscribe import Subscription
from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.events.urls import session_add_url
from app.labs import bp, confirmation, notices, registrations, signup_limits
from app.labs.forms import RegistrationForm
from app.labs.loaders import get_lab_or_404
from app.labs.models import UNCONFIRMED, Lab, LabStatus, RegistrationStatus
from app.labs.services import can_create_labs, can_manage, counts_by_lab, upcoming_sessions
from app.platform import paging
from app.platform.extensions import db
from app.platform.page_cache import keep_not, page_number, public_page

PER_PAGE = 30  # labs on a page of the index, as groups and centers
INDEX = (
    select(Lab)
    .where(Lab.deleted_at.is_(None), Lab.status != LabStatus.DRAFT)
    .options(joinedload(Lab.town))
    .order_by(Lab.status.desc(), Lab.title, Lab.id)
)


def _subscription(lab: Lab) -> Subscription:
    return Subscription(lab.title, url_for("agenda.feed_lab", slug=lab.slug, _external=True))


@bp.route("/laboratori/")
@public_page(args=page_number)
def index():
    """Open and closed labs (drafts stay private), 30 a page."""
    page = paging.paginate(INDEX, PER_PAGE)
    taken = counts_by_lab([lab.id for lab in page.items])
    return render_template(
        "labs/index.html", page=page, taken=taken, can_create=can_create_labs(current_user)
    )


@bp.route("/laboratori/<slug>")
@public_page()
def detail(slug: str):
    """One lab: what it is, its sessions, the sign-up form."""
    lab = get_lab_or_404(slug)
    return _detail_page(lab, RegistrationForm(formdata=None))


def _detail_page(lab: Lab, form, status: int = 200, refusal: str | None = None):
    sessions = upcoming_sessions(lab, today_in_rome())
    upcoming = agenda.session_entries(lab, sessions, url_for("labs.detail", slug=lab.slug))
    taken, held = registrations.places_taken(lab)
    if held:  # a held place frees itself when its time runs out, with no change to the data
        keep_not()
    places_left = max(lab.capacity - taken, 0)
    return render_template(
        "labs/detail.html", lab=lab, form=form, entries=upcoming, places_left=places_left,
        subscription=_subscription(lab), can_manage=can_manage(current_user, lab), refusal=refusal,
        add_url=session_add_url(lab, sessions),
    ), status  # fmt: skip


@bp.route("/laboratori/<slug>/iscrizione", methods=["POST"])
def register(slug: str):
    """Sign up for a lab. With an e-mail the sign-up is pending until the address's owner confirms it
    from the message (a second sign-up gets the same page); with a phone only, the page it lands on
    is the private link, a new one each time."""
    lab = get_lab_or_404(slug)
    form = RegistrationForm()
    refused = signup_limits.refusal(lab)
    if refused:
        return _detail_page(lab, form, 429, refusal=refused)
    if not form.validate_on_submit():
        return _detail_page(lab, form, 400)
    try:
        registration, token = registrations.register(
            lab, form.full_name.data, form.email.data or "", form.phone.data or "", form.note.data or "",
            form.guardian_consent.data,
        )  # fmt: skip
    except registrations.RegistrationError as error:
        db.session.rollback()
        if str(error) == "duplicate":  # only an e-mail can be one
            # The same page as a new sign-up: the address's owner gets their link by e-mail.
            notices.signed_up_again(lab, registrations.contact_key(form.email.data, ""))
            db.session.commit()
            return redirect(url_for("labs.signup_received", slug=lab.slug))
        messages = {
            "closed": _("Le iscrizioni a questo laboratorio sono chiuse."),
            "full": _("I posti sono esauriti e non c'è una lista d'attesa."),
        }
        flash(messages[str(error)], "danger")
        return _detail_page(lab, form, 400)
    if registration.email:
        notices.ask_confirmation(registration, token)
        db.session.commit()
        return redirect(url_for("labs.signup_received", slug=lab.slug))
    db.session.commit()
    if registration.status == RegistrationStatus.CONFIRMED:
        flash(_("Iscrizione confermata: hai un posto."), "success")
    else:
        flash(_("I posti sono esauriti: sei in lista d'attesa. Se si libera un posto, è tuo."), "info")
    return redirect(url_for("labs.registration", slug=lab.slug, token=token))


@bp.route("/laboratori/<slug>/iscrizione-ricevuta")
def signup_received(slug: str):
    """After a sign-up with an e-mail: confirm it from the message, within the hold."""
    lab = get_lab_or_404(slug)
    return render_template("labs/signup_received.html", lab=lab, hold=notices.hold_text())


@bp.route("/laboratori/<slug>/conferma/<signed>", methods=["GET", "POST"])
def confirm_signup(slug: str, signed: str):
    """The link in the message: GET shows what is confirmed and a button, POST confirms it."""
    lab = get_lab_or_404(slug)
    found = confirmation.from_token(signed)
    if found is None or found.lab_id != lab.id:
        abort(404)
    form, status, refusal = EmptyForm(), 200, None
    if request.method == "POST" and found.status in UNCONFIRMED:
        if not form.validate_on_submit():
            status, refusal = 400, _("Il modulo è scaduto: premi di nuovo il pulsante per confermare.")
        else:
            try:
                registrations.confirm(found)
            except registrations.RegistrationError as error:
                db.session.rollback()
                status, refusal = 409, {
                    "closed": _("Le iscrizioni a questo laboratorio sono chiuse: l'iscrizione non è confermata."),
                    "full": _("I posti sono esauriti e non c'è una lista d'attesa: l'iscrizione non è confermata."),
                }[str(error)]  # fmt: skip
            else:
                token = notices.private_token(found)
                db.session.commit()
                if found.status == RegistrationStatus.CONFIRMED:
                    flash(_("Iscrizione confermata: hai un posto. Ti abbiamo scritto i dettagli."), "success")
                else:
                    flash(_("Iscrizione confermata: i posti sono esauriti, sei in lista d'attesa."), "info")
                return redirect(url_for("labs.registration", slug=lab.slug, token=token))
    return render_template(
        "labs/confirm_signup.html", lab=lab, registration=found, form=form, refusal=refusal
    ), status


@bp.route("/laboratori/<slug>/iscrizione/<token>")
def registration(slug: str, token: str):
    """The registrant's private page: their place or waiting position, and a way to withdraw."""
    lab = get_lab_or_404(slug)
    found = registrations.by_token(lab, token) or abort(404)
    return render_template(
        "labs/registration.html", lab=lab, registration=found, token=token,
        position=registrations.waiting_position(found), form=EmptyForm(),
    )  # fmt: skip


@bp.route("/laboratori/<slug>/iscrizione/<token>/ritiro", methods=["POST"])
def withdraw(slug: str, token: str):
    """Withdraw with the private link; the waiting list moves up."""
    lab = get_lab_or_404(slug)
    found = registrations.by_token(lab, token) or abort(404)
    registrations.withdraw(found)
    db.session.commit()
    flash(_("Hai ritirato la tua iscrizione. Grazie per averlo comunicato."), "success")
    return redirect(url_for("labs.registration", slug=lab.slug, token=token))
