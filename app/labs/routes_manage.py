"""Community Makers' pages: their labs, sessions, registrations and attendance."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.models import User
from app.auth.services import find_or_invite
from app.common.forms import EmptyForm
from app.common.timeutil import utcnow
from app.labs import bp, registrations, services
from app.labs.forms import (
    HeadcountForm,
    LabForm,
    MakerForm,
    SessionCancelForm,
    SessionMoveForm,
    SessionPlanForm,
)
from app.labs.loaders import get_lab_or_404, get_registration_or_404, get_session_or_404
from app.labs.models import Lab, Registration
from app.platform import versioning
from app.platform.extensions import db
from app.towns import services as places


def _lab_form(lab=None, saved=False) -> LabForm:
    """The lab form, from the request; `saved`: only what the database holds."""
    form = LabForm(formdata=None, obj=lab) if saved else LabForm(obj=lab)
    form.town_id.choices = places.town_choices()
    form.zone_id.choices = places.zone_choices()
    form.center_id.choices = services.center_choices()
    if lab is not None and (saved or not form.is_submitted()):
        form.zone_id.data = lab.zone_id or 0
        form.center_id.data = lab.center_id or 0
    return form


def _save(lab, form, maker=None) -> bool:
    try:
        services.apply_lab_form(lab, form, maker)
    except places.PlaceError as error:
        places.place_error(form, error)
        db.session.rollback()
        return False
    registrations.places_changed(lab)
    return True


@bp.route("/gestione/laboratori/")
@login_required
def manage_index():
    """The labs you make (every lab for coordinators)."""
    if not services.can_create_labs(current_user):
        abort(403)
    labs = db.session.scalars(services.managed_labs_query(current_user)).all()
    return render_template("labs/manage_index.html", labs=labs)


@bp.route("/gestione/laboratori/nuovo", methods=["GET", "POST"])
@login_required
def create():
    """A new lab; its creator becomes one of its makers."""
    if not services.can_create_labs(current_user):
        abort(403)
    form = _lab_form()
    if form.validate_on_submit():
        lab = Lab(slug=None)
        if _save(lab, form, maker=db.session.get(User, current_user.id)):
            db.session.commit()
            flash(
                _("Laboratorio «%(title)s» creato. Ora pianifica gli incontri.", title=lab.title), "success"
            )
            return redirect(url_for("labs.edit", slug=lab.slug))
    return render_template("labs/lab_form.html", form=form, lab=None)


@bp.route("/gestione/laboratori/<slug>", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a lab; plan and cancel its sessions; add co-makers."""
    lab = get_lab_or_404(slug, manage=True)
    form = _lab_form(lab)
    if form.validate_on_submit():
        try:
            with versioning.saving(lab, form.opened_at()):
                if _save(lab, form):
                    db.session.commit()
                    flash(_("Laboratorio aggiornato."), "success")
                    return redirect(url_for("labs.edit", slug=lab.slug))
        except versioning.Conflict:
            return _edit_page(
                lab, form, 409, conflict=versioning.conflict(form, _lab_form(lab, saved=True), lab)
            )
    return _edit_page(lab, form)


def _edit_page(lab, form, status=200, plan_form=None, maker_form=None, **context):
    return render_template(
        "labs/lab_form.html", lab=lab, form=form, button=EmptyForm(), **context,
        plan_form=plan_form or SessionPlanForm(formdata=None, prefix="incontri"),
        maker_form=maker_form or MakerForm(formdata=None, prefix="maker"),
        cancel_form=SessionCancelForm(formdata=None, prefix="annulla"), now=utcnow(),
    ), status  # fmt: skip


@bp.route("/gestione/laboratori/<slug>/incontri", methods=["POST"])
@login_required
def plan_sessions(slug: str):
    """Add one session or a recurring series."""
    lab = get_lab_or_404(slug, manage=True)
    plan = SessionPlanForm(prefix="incontri")
    if not plan.validate_on_submit():
        return _edit_page(lab, _lab_form(lab), 400, plan_form=plan)
    added = services.plan_sessions(
        lab, plan.start_on.data, plan.start_time.data, plan.end_time.data, plan.recurrence()
    )
    db.session.commit()
    flash(_("Incontri aggiunti: %(n)d.", n=len(added)), "success")
    return redirect(url_for("labs.edit", slug=lab.slug))


@bp.route("/gestione/laboratori/<slug>/co-maker", methods=["POST"])
@login_required
def add_maker(slug: str):
    """Add a co-maker by e-mail; an address without an account is invited (same reply either way)."""
    lab = get_lab_or_404(slug, manage=True)
    form = MakerForm(prefix="maker")
    if not form.validate_on_submit():
        flash(_("Scrivi un indirizzo e-mail valido."), "danger")
        return redirect(url_for("labs.edit", slug=lab.slug))
    user = find_or_invite(form.email.data)
    if user not in lab.makers:
        lab.makers.append(user)
    db.session.commit()
    flash(
        _(
            "%(email)s ora gestisce il laboratorio. Se non aveva ancora un account, riceverà un invito per crearlo.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("labs.edit", slug=lab.slug))


@bp.route("/gestione/incontri-lab/<int:session_id>/annulla", methods=["POST"])
@login_required
def cancel_session(session_id: int):
    """Cancel one session, with a reason residents will see."""
    session = get_session_or_404(session_id)
    form = SessionCancelForm(prefix="annulla")
    if form.validate_on_submit():
        services.cancel_session(session, form.reason.data)
        db.session.commit()
        flash(_("Incontro annullato."), "success")
    else:
        flash(_("Scrivi il motivo dell'annullamento."), "danger")
    return redirect(url_for("labs.edit", slug=session.lab.slug))


@bp.route("/gestione/incontri-lab/<int:session_id>/sposta", methods=["GET", "POST"])
@login_required
def move_session(session_id: int):
    """Move one session to another date or time."""
    session = get_session_or_404(session_id)
    form, conflict = SessionMoveForm(obj=session), None
    if form.validate_on_submit():
        try:
            with versioning.saving(session, form.opened_at()):
                services.move_session(session, form.start_on.data, form.start_time.data, form.end_time.data)
                db.session.commit()
                flash(_("Incontro spostato."), "success")
                return redirect(url_for("labs.edit", slug=session.lab.slug))
        except versioning.Conflict:
            conflict = versioning.conflict(form, SessionMoveForm(formdata=None, obj=session), session)
    page = render_template(
        "labs/move_session.html", form=form, session=session, lab=session.lab, conflict=conflict
    )
    return page, 409 if conflict is not None else (400 if form.errors else 200)


@bp.route("/gestione/incontri-lab/<int:session_id>/ripristina", methods=["POST"])
@login_required
def restore_session(session_id: int):
    """Put a cancelled session back in the programme."""
    session = get_session_or_404(session_id)
    services.restore_session(session)
    db.session.commit()
    return redirect(url_for("labs.edit", slug=session.lab.slug))


@bp.route("/gestione/laboratori/<slug>/iscrizioni")
@login_required
def registrations_list(slug: str):
    """Who signed up: confirmed, waiting, withdrawn, and who shares a phone (maybe a double).
    Makers and coordinators only."""
    lab = get_lab_or_404(slug, manage=True)
    rows = db.session.scalars(
        select(Registration).where(Registration.lab_id == lab.id).order_by(Registration.id)
    ).all()
    shared = registrations.shared_phones(rows)
    return render_template("labs/registrations.html", lab=lab, rows=rows, shared=shared, button=EmptyForm())


@bp.route("/gestione/iscrizioni/<int:registration_id>/ritira", methods=["POST"])
@login_required
def withdraw_registration(registration_id: int):
    """A maker withdraws someone (who called to say so); the waiting list moves up."""
    registration = get_registration_or_404(registration_id)
    promoted = registrations.withdraw(registration)
    db.session.commit()
    if promoted is not None:
        flash(
            _(
                "Iscrizione ritirata: il posto è andato a %(name)s, primo in lista d'attesa.",
                name=promoted.full_name,
            ),
            "success",
        )
    else:
        flash(_("Iscrizione ritirata."), "success")
    return redirect(url_for("labs.registrations_list", slug=registration.lab.slug))


@bp.route("/gestione/incontri-lab/<int:session_id>/presenze", methods=["GET", "POST"])
@login_required
def attendance(session_id: int):
    """Tick who came, add walk-ins, or just count heads."""
    session = get_session_or_404(session_id)
    lab = session.lab
    form = HeadcountForm(obj=session)
    confirmed = [
        r
        for r in db.session.scalars(select(Registration).where(Registration.lab_id == lab.id))
        if r.status == "confirmed"
    ]
    named = [r for r in confirmed if services.names_allowed(lab, r)]
    if form.validate_on_submit():
        present = {int(v) for v in request.form.getlist("presenti") if v.isdigit()}
        walk_ins = [line.strip() for line in (form.walk_ins.data or "").splitlines() if line.strip()]
        try:
            services.record_attendance(session, present, walk_ins, form.headcount.data, utcnow())
        except services.RuleError:
            form.headcount.errors = [
                *form.headcount.errors,
                _("L'incontro non si è ancora svolto: le presenze si registrano dopo l'inizio."),
            ]
        else:
            db.session.commit()
            flash(_("Presenze salvate."), "success")
            return redirect(url_for("labs.edit", slug=lab.slug))
    if not form.is_submitted():
        form.walk_ins.data = "\n".join(a.walk_in_name for a in session.attendances if a.walk_in_name)
    present_ids = {a.registration_id for a in session.attendances if a.registration_id}
    return render_template(
        "labs/attendance.html", lab=lab, session=session, form=form, named=named, present_ids=present_ids
    ), (400 if form.errors else 200)
