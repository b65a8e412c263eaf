"""The register: list, new pact, the pact's page, editing, the read log."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.audit.services import record
from app.common.timeutil import today_in_rome
from app.pacts import access, bp, forms, services
from app.pacts.models import STATUS_LABELS, Pact, PactRead, pact_followers
from app.pacts.views import int_list, render_detail, require_register_user, show_error
from app.platform import versioning
from app.platform.extensions import db


def list_query(user, status_filter: str = ""):
    """The pacts a user may see: their own (operators), or all (coordinators)."""
    query = select(Pact).options(
        selectinload(Pact.town),
        selectinload(Pact.areas),
        selectinload(Pact.reviews),
        selectinload(Pact.responsible),
    )
    if not access.is_coordinator(user):
        followed = select(pact_followers.c.pact_id).where(pact_followers.c.user_id == user.id)
        query = query.where(or_(Pact.responsible_id == user.id, Pact.id.in_(followed)))
    if status_filter in {s.value for s in STATUS_LABELS}:
        query = query.where(Pact.status == status_filter)
    return query.order_by(Pact.year.desc(), Pact.seq.desc())


@bp.route("/")
@login_required
def index():
    """Pacts by number, town, area, status and next review: no beneficiary's name here."""
    require_register_user()
    status_filter = request.args.get("stato", "")
    page = db.paginate(list_query(current_user, status_filter), per_page=30)
    return render_template(
        "pacts/index.html", page=page, status_filter=status_filter, statuses=STATUS_LABELS,
        can_create=current_user.is_operator and bool(services.towns_of(current_user)),
    )  # fmt: skip


def _pact_form(form, pact: Pact | None):
    town_choices = services.towns_of(current_user)
    if pact is not None and pact.town not in town_choices:
        town_choices = [pact.town, *town_choices]
    form.town.choices = [("", _("Scegli il Comune"))] + [(str(t.id), t.name) for t in town_choices]
    areas = services.active_areas()
    if pact is not None:
        areas += [a for a in pact.areas if a not in areas]
    form.areas.choices = [(str(a.id), a.name) for a in areas]
    # Operators of every town offered; the service checks they work in the pact's town.
    operators = {
        u.id: u for town in town_choices for u in services.operators_of(town.id) if u.id != current_user.id
    }
    form.followers.choices = [
        (str(u.id), u.full_name) for u in sorted(operators.values(), key=lambda u: u.full_name)
    ]
    if not form.followers.choices:
        form.followers.description = _("Nessun altro operatore lavora nei tuoi Comuni.")
    return form


def _data(form) -> dict:
    return {
        "town_id": int(form.town.data) if (form.town.data or "").isdigit() else None,
        "area_ids": int_list(form.areas.data), "follower_ids": int_list(form.followers.data),
        "start_on": form.start_on.data, "goal": form.goal.data or "",
        "beneficiary_name": form.beneficiary_name.data or "", "beneficiary_contact": form.beneficiary_contact.data or "",
        "beneficiary_age": form.beneficiary_age.data, "age_band": form.age_band.data,
        "household_size": form.household_size.data,
    }  # fmt: skip


@bp.route("/nuovo", methods=["GET", "POST"])
@login_required
def create():
    """A new pact in bozza; its responsible operator is whoever writes it."""
    if not current_user.is_operator:
        abort(404)
    form = _pact_form(forms.PactForm(), None)
    if not form.town.choices[1:]:
        flash(_("Non ti è ancora stato assegnato alcun Comune: chiedilo a un amministratore."), "warning")
        return redirect(url_for("pacts.index"))
    if form.validate_on_submit():
        try:
            pact = services.create_pact(current_user, _data(form), today_in_rome())
        except services.PactError as error:  # refused before anything was added
            show_error(form, error)
        else:
            access.log_read(current_user, pact, "scheda")
            record(current_user, "pact.create", pact.number)
            db.session.commit()
            flash(_("Patto %(number)s creato in bozza.", number=pact.number), "success")
            return redirect(url_for("pacts.detail", number=pact.number))
    return render_template("pacts/form.html", form=form, pact=None), 200 if request.method == "GET" else 400


@bp.route("/<number>")
@login_required
def detail(number: str):
    """The pact with its beneficiary: reading it is logged."""
    return render_detail(access.get_pact_or_404(number))


@bp.route("/<number>/modifica", methods=["GET", "POST"])
@login_required
def edit(number: str):
    pact = access.get_pact_or_404(number, manage=True)
    form, conflict = _edit_form(pact), None
    if form.validate_on_submit():
        try:
            with versioning.saving(pact, form.opened_at()):
                if _save(pact, form):
                    return redirect(url_for("pacts.detail", number=pact.number))
        except versioning.Conflict:
            if inspect(pact).expired:  # the save was rolled back, and the read log entry with it
                access.log_read(current_user, pact, "scheda")
            conflict = versioning.conflict(form, _edit_form(pact, saved=True), pact)
    db.session.commit()  # the read log entry
    status_code = 409 if conflict is not None else 400 if request.method == "POST" else 200
    return render_template("pacts/form.html", form=form, pact=pact, conflict=conflict), status_code


def _edit_form(pact: Pact, saved: bool = False) -> forms.PactForm:
    """The edit form, from the request; `saved` (or a GET): what the database holds, with the
    pact's town, areas and followers chosen (the form's own names would read the objects)."""
    form = forms.PactForm(formdata=None, obj=pact) if saved else forms.PactForm(obj=pact)
    if saved or not form.is_submitted():
        form.town.data = str(pact.town_id)
        form.areas.data = [str(area.id) for area in pact.areas]
        form.followers.data = [str(user.id) for user in pact.followers]
    return _pact_form(form, pact)


def _save(pact: Pact, form) -> bool:
    try:
        services.apply_fields(current_user, pact, _data(form))
    except services.PactError as error:  # refused before anything changed
        show_error(form, error)
        return False
    versioning.bump(pact)  # a change of areas or followers alone is a new version of the pact
    record(current_user, "pact.update", pact.number)
    db.session.commit()
    flash(_("Patto aggiornato."), "success")
    return True


@bp.route("/<number>/accessi")
@login_required
def reads(number: str):
    """Who read this pact's personal data, and when: for coordinators."""
    pact = access.get_pact_or_404(number, read=None)
    if not current_user.has_role(Role.COORDINATOR):
        abort(404)
    query = select(PactRead).where(PactRead.pact_id == pact.id).options(selectinload(PactRead.user))
    page = db.paginate(query.order_by(PactRead.id.desc()), per_page=50)
    return render_template("pacts/reads.html", pact=pact, page=page)
