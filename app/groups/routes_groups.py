"""Groups: the public list and page; coordinators create; chairs manage members."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.groups import access, bp, meeting_rules, services
from app.groups.access import Locked
from app.groups.forms import GroupForm, MemberForm, PersonForm, RoleForm
from app.groups.models import GroupMembership, WorkingGroup
from app.minutes.services import decisions, published_statement
from app.platform import paging, versioning
from app.platform.extensions import db
from app.platform.page_cache import page_number, public_page

INDEX = (
    select(WorkingGroup).options(selectinload(WorkingGroup.town)).order_by(WorkingGroup.name, WorkingGroup.id)
)


def _group_form(group=None, saved=False) -> GroupForm:
    """The group form, from the request; `saved`: only what the database holds."""
    form = GroupForm(formdata=None, obj=group) if saved else GroupForm(obj=group)
    form.town_id.choices = services.town_choices()
    if group is not None and (saved or not form.is_submitted()):
        form.town_id.data = group.town_id or 0
    return form


@bp.route("/gruppi/")
@public_page(args=page_number)
def index():
    """Every working group."""
    return render_template("groups/index.html", page=paging.paginate(INDEX, per_page=30))


@bp.route("/gruppi/nuovo", methods=["GET", "POST"])
@login_required
def create():
    """Coordinators create a group."""
    if not current_user.is_coordinator:
        abort(403)
    form = _group_form()
    if form.validate_on_submit():
        try:
            group = services.create_group(
                form.name.data, form.description.data, form.town_id.data, form.district.data
            )
            group.quorum_rule, group.quorum_number = form.quorum_rule.data, _quorum_number(form)
        except services.RuleError:
            form.town_id.errors.append(_("Scegli un Comune dell'elenco."))
        else:
            db.session.commit()
            flash(_("Gruppo «%(name)s» creato. Ora aggiungi i membri.", name=group.name), "success")
            return redirect(url_for("groups.detail", slug=group.slug))
    return render_template("groups/form.html", form=form, group=None)


@bp.route("/gruppi/<slug>")
@public_page(args=page_number)
def detail(slug: str):
    """A group: members (to its members), next meeting, open action items, published verbali."""
    group = access.get_group_or_404(slug)
    private = access.can_see_private(current_user, group)
    page = paging.paginate(published_statement(private), 10, {"group_id": group.id})
    actions = db.session.scalars(services.open_actions_query(group.id)).all() if private else []
    meetings = services.recent_meetings(group) if private else []
    rule = meeting_rules.rule_of(group)
    return render_template(
        "groups/detail.html", group=group, private=private, page=page, actions=actions, meetings=meetings,
        rule_words=meeting_rules.describe(rule) if rule else None, rule_venue=rule.venue if rule else "",
        can_publish=access.can_publish(current_user, group),
        next_meeting=services.next_meeting(group, today_in_rome()),
        can_work=access.can_work_in(current_user, group), can_manage=access.can_manage_members(current_user, group),
        can_export=access.can_export(current_user, group), roster=group.roster(today_in_rome()) if private else [],
        decisions=decisions(group.id, private),
    )  # fmt: skip


@bp.route("/gruppi/<slug>/modifica", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a group; add members and change their roles."""
    group = access.get_group_or_404(slug)
    if not access.can_manage_members(current_user, group):
        abort(403)
    form, conflict = _group_form(group), None
    if form.validate_on_submit():
        try:
            with versioning.saving(group, form.opened_at()):
                if _save_group(group, form):
                    db.session.commit()
                    flash(_("Gruppo aggiornato."), "success")
                    return redirect(url_for("groups.edit", slug=group.slug))
        except versioning.Conflict:
            conflict = versioning.conflict(form, _group_form(group, saved=True), group)
    member_form = MemberForm(formdata=None, prefix="member")
    return _edit_page(group, form, member_form, 409 if conflict is not None else 200, conflict=conflict)


def _save_group(group, form) -> bool:
    try:
        services.update_group(
            group, form.name.data, form.description.data, form.town_id.data, form.district.data
        )
    except services.RuleError:
        form.town_id.errors.append(_("Scegli un Comune dell'elenco."))
        return False
    group.quorum_rule, group.quorum_number = form.quorum_rule.data, _quorum_number(form)
    return True


def _quorum_number(form) -> int | None:
    return form.quorum_number.data if form.quorum_rule.data == "fixed" else None


def _edit_page(group, form, member_form, status=200, person_form=None, conflict=None):
    today = today_in_rome()
    members = sorted(group.memberships, key=lambda m: (m.end_on is not None, m.listed_as.lower()))
    role_forms = {m.id: RoleForm(formdata=None, role=m.role, prefix=f"r{m.id}") for m in members}
    return render_template(
        "groups/form.html", form=form, group=group, member_form=member_form, members=members,
        role_forms=role_forms, button=EmptyForm(), today=today, conflict=conflict,
        person_form=person_form or PersonForm(formdata=None, prefix="person"),
    ), status  # fmt: skip


@bp.route("/gruppi/<slug>/membri", methods=["POST"])
@login_required
def member_add(slug: str):
    """Add a member with a group role."""
    group = access.get_group_or_404(slug)
    if not access.can_manage_members(current_user, group):
        abort(403)
    form = MemberForm(prefix="member")
    if form.validate_on_submit() and not _role_refused(group, None, form):
        try:
            services.add_member(group, form.email.data, form.role.data, form.start_on.data, form.name.data)
        except services.RuleError:
            form.email.errors.append(_("Questa persona è già nel gruppo."))
        else:
            db.session.commit()
            flash(
                _(
                    "%(email)s fa ora parte del gruppo. Se non aveva ancora un account, riceverà un invito "
                    "per crearlo.",
                    email=form.email.data.strip().lower(),
                ),
                "success",
            )
            return redirect(url_for("groups.edit", slug=group.slug))
    return _edit_page(group, _group_form(group), form, 400)


@bp.route("/gruppi/<slug>/persone", methods=["POST"])
@login_required
def person_add(slug: str):
    """The secretary records a member who has no account, by name (and optionally an e-mail)."""
    group = access.get_group_or_404(slug)
    if not access.can_manage_members(current_user, group):
        abort(403)
    form = PersonForm(prefix="person")
    if form.validate_on_submit() and not _role_refused(group, None, form):
        try:
            link = services.add_person(
                group, form.name.data, form.email.data, form.role.data, form.start_on.data
            )
        except services.RuleError:
            form.name.errors.append(_("Questa persona è già nel gruppo."))
        else:
            db.session.commit()
            flash(_("%(name)s fa ora parte del gruppo.", name=link.name), "success")
            return redirect(url_for("groups.edit", slug=group.slug))
    return _edit_page(group, _group_form(group), MemberForm(formdata=None, prefix="member"), 400, form)


def _membership(group, membership_id) -> GroupMembership:
    link = db.session.get(GroupMembership, membership_id)
    if link is None or link.group_id != group.id:
        abort(404)
    return link


@bp.route("/gruppi/<slug>/membri/<int:membership_id>", methods=["POST"])
@login_required
def member_role(slug: str, membership_id: int):
    """Change a member's role, or remove them (button "remove")."""
    group = access.get_group_or_404(slug)
    if not access.can_manage_members(current_user, group):
        abort(403)
    link = _membership(group, membership_id)
    if "remove" in request.form and EmptyForm().validate_on_submit():
        refused = access.role_refusal(current_user, group, link, None)
        if refused:
            flash(refused, "danger")
        else:
            services.end_membership(link, today_in_rome())
            db.session.commit()
            flash(_("%(name)s non fa più parte del gruppo da oggi.", name=link.listed_as), "success")
    else:
        form = RoleForm(prefix=f"r{link.id}")
        if form.validate_on_submit():
            refused = access.role_refusal(current_user, group, link, form.role.data)
            if refused:
                flash(refused, "danger")
            else:
                link.role = form.role.data
                db.session.commit()
                flash(_("Ruolo aggiornato."), "success")
    return redirect(url_for("groups.edit", slug=group.slug))


def _role_refused(group, link, form) -> bool:
    """Puts the reason on the role field when the rule of access.role_refusal says no."""
    refused = access.role_refusal(current_user, group, link, form.role.data)
    if refused:
        form.role.errors.append(refused)
    return refused is not None


@bp.app_errorhandler(Locked)
def locked_page(_error):
    """409 for any change to a meeting or verbale once the verbale is approved (access.Locked)."""
    return render_template(
        "errors/error.html", code=409, title=_("Verbale già approvato"),
        message=_("Il verbale di questo incontro è approvato: incontro, presenze e testo non cambiano più. "
                  "Le correzioni passano da una rettifica del verbale."),
    ), 409  # fmt: skip
