"""Administrators manage accounts and read the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.decorators import roles_required
from app.accounts.models import Role, User
from app.admin import bp, services
from app.admin.forms import UserCreateForm, UserEditForm, UserSearchForm
from app.audit.models import AuditEntry
from app.audit.services import record
from app.auth import invitations
from app.auth import services as accounts
from app.auth.notices import send_invitation
from app.common.forms import EmptyForm
from app.platform import versioning
from app.platform.extensions import db

admin_only = roles_required(Role.ADMIN)


def get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _user_form(user: User, saved: bool = False) -> UserEditForm:
    """The account form, from the request; `saved`: only what the database holds."""
    form = UserEditForm(formdata=None, obj=user) if saved else UserEditForm(obj=user)
    if saved or not form.is_submitted():
        form.roles.data = [value for value, _label in form.roles.choices if Role(value) in user.roles]
    return form


def _roles(form) -> set[Role]:
    return {Role(value) for value in form.roles.data or []}


@bp.route("/utenti/")
@admin_only
def user_index():
    """Accounts, searchable by name or e-mail."""
    search = UserSearchForm(request.args)
    term = search.q.data or "" if search.validate() else ""
    page = db.paginate(services.user_list_query(term), per_page=25)
    return render_template("admin/users.html", page=page, search=search)


@bp.route("/utenti/nuovo", methods=["GET", "POST"])
@admin_only
def user_create():
    """Create an account and get the invitation link for its owner."""
    form = UserCreateForm()
    if form.validate_on_submit():
        if accounts.find_by_email(form.email.data) is not None:
            form.email.errors.append(_("Esiste già un account con questo indirizzo."))
        else:
            user = accounts.create_user(form.email.data, form.full_name.data, _roles(form))
            record(current_user, "user.create", user.email)
            send_invitation(user)
            db.session.commit()
            flash(
                _(
                    "Account creato: abbiamo mandato a %(name)s il link per scegliere la password "
                    "(è anche qui sotto).",
                    name=user.full_name,
                ),
                "success",
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/utenti/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_detail(user_id: int):
    """Edit an account's name and roles; see its invitation link."""
    user = get_user_or_404(user_id)
    form, conflict = _user_form(user), None
    if form.validate_on_submit():
        try:
            services.guard_self_lockout(current_user, user, _roles(form), deactivate=False)
        except services.LockoutError:
            form.roles.errors.append(_("Non puoi togliere a te stesso il ruolo di amministratore."))
        else:
            try:
                with versioning.saving(user, form.opened_at()):
                    user.full_name = form.full_name.data.strip()
                    accounts.set_roles(user, _roles(form))
                    versioning.bump(user)  # a change of roles alone is a new version of the account
                    record(current_user, "user.update", user.email)
                    db.session.commit()
                    flash(_("Account aggiornato."), "success")
                    return redirect(url_for("admin.user_detail", user_id=user.id))
            except versioning.Conflict:
                conflict = versioning.conflict(form, _user_form(user, saved=True), user)
    invite_url = None
    if not user.has_password and user.is_active:
        invite_url = url_for(
            "auth.accept_invitation", token=invitations.invitation_token(user), _external=True
        )
    return render_template(
        "admin/user_form.html", form=form, user=user, invite_url=invite_url, button=EmptyForm(),
        conflict=conflict,
    ), 409 if conflict is not None else 200  # fmt: skip


@bp.route("/utenti/<int:user_id>/link-password", methods=["POST"])
@admin_only
def user_reset_link(user_id: int):
    """A new link to set the password; older links and every session end."""
    user = get_user_or_404(user_id)
    if not user.is_active:
        flash(_("L'account è disattivato: riattivalo prima."), "warning")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    user.end_all_sessions()
    record(current_user, "user.reset_link", user.email)
    send_invitation(user)
    db.session.commit()
    url = url_for("auth.accept_invitation", token=invitations.invitation_token(user), _external=True)
    return render_template("admin/reset_link.html", user=user, url=url)


@bp.route("/utenti/<int:user_id>/disattiva", methods=["POST"])
@admin_only
def user_deactivate(user_id: int):
    """Deactivate an account: it cannot log in; its history stays."""
    user = get_user_or_404(user_id)
    try:
        services.guard_self_lockout(current_user, user, None, deactivate=True)
    except services.LockoutError:
        flash(_("Non puoi disattivare il tuo stesso account."), "danger")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    user.is_active = False
    user.end_all_sessions()
    record(current_user, "user.deactivate", user.email)
    db.session.commit()
    flash(_("Account di %(name)s disattivato.", name=user.full_name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/utenti/<int:user_id>/riattiva", methods=["POST"])
@admin_only
def user_reactivate(user_id: int):
    """Let a deactivated account log in again."""
    user = get_user_or_404(user_id)
    user.is_active = True
    record(current_user, "user.reactivate", user.email)
    db.session.commit()
    flash(_("Account di %(name)s riattivato.", name=user.full_name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/registro")
@admin_only
def audit_log():
    """The audit log, newest first."""
    query = select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    return render_template("admin/audit.html", page=db.paginate(query, per_page=50))
