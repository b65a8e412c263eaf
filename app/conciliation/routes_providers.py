"""Providers: asking for accreditation, the provider's page (details, staff, services), the
catalogue's services, and the coordinators' page (accredit or suspend, categories, alliance)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.common.timeutil import today_in_rome
from app.conciliation import bp
from app.conciliation.catalogue import categories, is_coordinator, providers_of
from app.conciliation.forms_market import (
    PROVIDER_FIELDS,
    SERVICE_FIELDS,
    CategoryForm,
    ProviderForm,
    ServiceForm,
    StaffForm,
    StateForm,
    fill,
)
from app.conciliation.loaders_market import managed_service_or_404, provider_or_404
from app.conciliation.models import (
    AllianceCompany,
    Provider,
    ProviderStaff,
    ProviderState,
    Service,
    ServiceCategory,
)
from app.platform.extensions import db
from app.platform.versioning import Conflict, saving
from app.towns.models import Town


def _town_choices(form) -> list[Town]:
    towns = list(db.session.scalars(select(Town).order_by(Town.name)))
    form.towns.choices = [(t.id, t.name) for t in towns]
    return towns


def _chosen(towns: list[Town], ids) -> list[Town]:
    return [t for t in towns if t.id in set(ids or [])]


def _tax_code_taken(form, provider: Provider | None) -> bool:
    other = db.session.scalar(select(Provider.id).where(Provider.tax_code == form.tax_code.data))
    if other is not None and (provider is None or other != provider.id):
        form.tax_code.errors.append(_("Un fornitore con questo codice è già registrato."))
        return True
    return False


@bp.route("/fornitori/")
@login_required
def my_providers():
    return render_template("conciliation/my_providers.html", providers=providers_of(current_user))


@bp.route("/fornitori/nuovo", methods=["GET", "POST"])
@login_required
def provider_new():
    """Anyone signed in may ask to accredit a provider; they become its first staff member."""
    form = ProviderForm()
    towns = _town_choices(form)
    if form.validate_on_submit() and not _tax_code_taken(form, None):
        provider = Provider(state=ProviderState.REQUESTED)
        fill(provider, form, *PROVIDER_FIELDS)
        provider.towns = _chosen(towns, form.towns.data)
        provider.staff_links.append(ProviderStaff(user_id=current_user.id, added_by_id=current_user.id))
        db.session.add(provider)
        db.session.commit()
        flash(_("Richiesta di accreditamento inviata: il coordinamento la esaminerà."), "success")
        return redirect(url_for("conciliation.provider_page", provider_id=provider.id))
    return render_template(
        "conciliation/provider_form.html", form=form, provider=None
    ), 400 if form.errors else 200


@bp.route("/fornitori/<int:provider_id>", methods=["GET", "POST"])
@login_required
def provider_page(provider_id: int):
    provider = provider_or_404(provider_id)
    form = ProviderForm(obj=provider)
    if request.method != "POST":
        # WTForms prefers obj's attribute to a keyword: the towns' ids are set after, as data.
        form.towns.data = [t.id for t in provider.towns]
    towns = _town_choices(form)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit() and not _tax_code_taken(form, provider):
            try:
                with saving(provider, form.opened_at()):
                    fill(provider, form, *PROVIDER_FIELDS)
                    provider.towns = _chosen(towns, form.towns.data)
                    db.session.commit()
            except Conflict:
                flash(
                    _("Qualcun altro ha cambiato i dati del fornitore: ricarica e ripeti la modifica."),
                    "danger",
                )
                status = 409
            else:
                flash(_("Dati del fornitore salvati."), "success")
                return redirect(url_for("conciliation.provider_page", provider_id=provider.id))
    services = db.session.scalars(
        select(Service).where(Service.provider_id == provider.id).options(selectinload(Service.category)).order_by(Service.title)
    ).all()  # fmt: skip
    staff = db.session.scalars(
        select(User).join(ProviderStaff, ProviderStaff.user_id == User.id)
        .where(ProviderStaff.provider_id == provider.id).order_by(User.full_name)
    ).all()  # fmt: skip
    return render_template(
        "conciliation/provider.html", provider=provider, form=form, services=services, staff=staff,
        staff_form=StaffForm(formdata=None), state_form=StateForm(formdata=None),
        is_coordinator=is_coordinator(current_user),
    ), status  # fmt: skip


@bp.route("/fornitori/<int:provider_id>/personale", methods=["POST"])
@login_required
def staff_add(provider_id: int):
    provider = provider_or_404(provider_id)
    form = StaffForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.lower()))
        if user is not None and db.session.get(ProviderStaff, (provider.id, user.id)) is None:
            db.session.add(
                ProviderStaff(provider_id=provider.id, user_id=user.id, added_by_id=current_user.id)
            )
            db.session.commit()
        # The same words whether or not the address has an account: no enumeration.
        flash(_("Se l'indirizzo appartiene a un account di Legami, ora fa parte del personale."), "success")
    else:
        flash(_("Scrivi un indirizzo e-mail valido."), "danger")
    return redirect(url_for("conciliation.provider_page", provider_id=provider.id))


@bp.route("/fornitori/<int:provider_id>/stato/<state>", methods=["POST"])
@login_required
def provider_state(provider_id: int, state: str):
    """A coordinator accredits or suspends a provider (a suspension needs its reason)."""
    if not is_coordinator(current_user):
        abort(403)
    provider = db.session.get(Provider, provider_id) or abort(404)
    if state not in (ProviderState.ACCREDITED, ProviderState.SUSPENDED):
        abort(404)
    form = StateForm()
    if not form.validate_on_submit() or (state == ProviderState.SUSPENDED and not form.reason.data):
        flash(_("Scrivi il motivo della sospensione."), "danger")
        return redirect(url_for("conciliation.provider_page", provider_id=provider.id))
    provider.state, provider.state_reason = state, form.reason.data
    provider.state_on, provider.state_by_id = today_in_rome(), current_user.id
    db.session.commit()
    flash(
        _("Fornitore accreditato.") if state == ProviderState.ACCREDITED else _("Fornitore sospeso."),
        "success",
    )
    return redirect(url_for("conciliation.provider_page", provider_id=provider.id))


def _service_form(service: Service | None) -> tuple[ServiceForm, list[Town]]:
    if request.method == "POST":
        form = ServiceForm()
    elif service is None:
        form = ServiceForm(lead_hours=24, weekdays=["0", "1", "2", "3", "4"], is_active=True)
    else:
        # WTForms prefers obj's attribute (a relationship, a string) to a keyword: set the choices after.
        form = ServiceForm(obj=service)
        form.weekdays.data = [str(d) for d in service.weekday_numbers]
        form.towns.data = [t.id for t in service.towns]
        form.category.data = service.category_id
    form.category.choices = [(c.id, c.name) for c in categories()]
    return form, _town_choices(form)


def _save_service(service: Service, form: ServiceForm, towns: list[Town]) -> None:
    fill(service, form, *SERVICE_FIELDS)
    service.category_id = form.category.data
    service.weekdays = ",".join(sorted(form.weekdays.data))
    service.towns = _chosen(towns, form.towns.data)


@bp.route("/fornitori/<int:provider_id>/servizi/nuovo", methods=["GET", "POST"])
@login_required
def service_new(provider_id: int):
    provider = provider_or_404(provider_id)
    form, towns = _service_form(None)
    if form.validate_on_submit():
        service = Service(provider=provider)
        _save_service(service, form, towns)
        db.session.add(service)
        db.session.commit()
        flash(_("Servizio aggiunto al catalogo."), "success")
        return redirect(url_for("conciliation.provider_page", provider_id=provider.id))
    return render_template(
        "conciliation/service_form.html", form=form, provider=provider, service=None
    ), 400 if form.errors else 200


@bp.route("/servizi/<int:service_id>/modifica", methods=["GET", "POST"])
@login_required
def service_edit(service_id: int):
    service = managed_service_or_404(service_id)
    form, towns = _service_form(service)
    if form.validate_on_submit():
        try:
            with saving(service, form.opened_at()):
                _save_service(service, form, towns)
                db.session.commit()
        except Conflict:
            flash(_("Qualcun altro ha cambiato il servizio: ricarica e ripeti la modifica."), "danger")
            return render_template("conciliation/service_form.html", form=form, provider=service.provider,
                                   service=service), 409  # fmt: skip
        flash(_("Servizio salvato."), "success")
        return redirect(url_for("conciliation.provider_page", provider_id=service.provider_id))
    return render_template(
        "conciliation/service_form.html", form=form, provider=service.provider, service=service
    ), 400 if form.errors else 200


@bp.route("/coordinamento/", methods=["GET", "POST"])
@login_required
def coordination():
    """Providers by state, the categories (a coordinator adds one here) and the alliance."""
    if not is_coordinator(current_user):
        abort(403)
    form = CategoryForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            slug = slugify(form.name.data)
            taken = select(ServiceCategory.id).where(
                (ServiceCategory.slug == slug) | (func.lower(ServiceCategory.name) == form.name.data.lower())
            )
            if not slug or db.session.scalar(taken) is not None:
                form.name.errors.append(_("Questa categoria c'è già."))
            else:
                db.session.add(ServiceCategory(slug=slug, name=form.name.data))
                db.session.commit()
                flash(_("Categoria aggiunta."), "success")
                return redirect(url_for("conciliation.coordination"))
    providers = db.session.scalars(select(Provider).order_by(Provider.state.desc(), Provider.name)).all()
    companies = db.session.scalars(select(AllianceCompany).order_by(AllianceCompany.name)).all()
    return render_template(
        "conciliation/coordination.html", providers=providers, categories=categories(), form=form,
        companies=companies, today=today_in_rome(),
    ), status  # fmt: skip
