"""Views for logging in and out, changing a password, accepting an invitation."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, invitations, login_link, services, throttle
from app.auth.forms import ChangePasswordForm, InvitedForm, LoginForm, SetPasswordForm
from app.auth.notices import send_login_link
from app.auth.spid import accounts as spid_accounts
from app.auth.spid import logout as spid_logout
from app.auth.spid import settings as spid_settings
from app.common.forms import EmptyForm
from app.platform.extensions import db
from app.platform.security import safe_next_url


@bp.route("/accedi", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; failures slow down their source (throttle.py)."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email, password = form.email.data, form.password.data
        refused = throttle.login_refusal(email)
        if refused:
            flash(refused, "danger")
            return _login_page(form), 429
        if throttle.under_guard(email):
            return _guarded_login(email, password)
        user = services.authenticate(email, password)
        if user is not None and spid_accounts.must_use_spid(user):
            db.session.rollback()
            flash(_("Per il tuo ruolo si entra solo con SPID o CIE: usa i pulsanti qui sopra."), "danger")
            return _login_page(form), 403
        if user is not None:
            login_user(user)
            db.session.commit()
            flash(
                _("Ti diamo il bentornato, %(name)s.", name=user.full_name)
                if user.full_name
                else _("Ti diamo il bentornato."),
                "success",
            )
            return redirect(next_url or url_for("home.dashboard"))
        throttle.login_failed(email)
        # One message whatever was wrong: no hint that an account exists.
        flash(_("Indirizzo e-mail o password non corretti."), "danger")
    return _login_page(form)


def _login_page(form):
    return render_template("auth/login.html", form=form, spid_providers=spid_settings.offered())


def _guarded_login(email: str, password: str):
    """An account under guard: the right password mails a login link; the reply is the same either way."""
    user = services.check_credentials(email, password)
    if user is None:
        throttle.login_failed(email)
    else:
        send_login_link(user)
        db.session.commit()
    flash(
        _(
            "Questo account ha ricevuto molti tentativi sbagliati, quindi per proteggerlo la password non basta: "
            "se era giusta, ti abbiamo mandato via e-mail un link per entrare, valido %(minutes)d minuti.",
            minutes=current_app.config["LOGIN_LINK_MAX_AGE_SECONDS"] // 60,
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/accedi/link/<token>", methods=["GET", "POST"])
def login_with_link(token: str):
    """A login link from an e-mail: GET asks to confirm, POST logs in (once)."""
    user = login_link.user_from_token(token)
    if user is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        if spid_accounts.must_use_spid(user):
            flash(_("Per il tuo ruolo si entra solo con SPID o CIE."), "danger")
            return redirect(url_for("auth.login"))
        services.mark_login(user)
        logout_user()
        login_user(user)
        db.session.commit()
        flash(
            _("Ti diamo il bentornato, %(name)s.", name=user.full_name)
            if user.full_name
            else _("Ti diamo il bentornato."),
            "success",
        )
        return redirect(url_for("home.dashboard"))
    return render_template("auth/login_link.html", form=form, user=user)


@bp.route("/esci", methods=["GET", "POST"])
def logout():
    """Log out, ending every session of the account (POST); GET asks to confirm."""
    form = EmptyForm()
    if not current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if form.validate_on_submit():
        current_user.end_all_sessions()
        db.session.commit()
        provider_logout = spid_logout.request_url() if spid_settings.is_configured() else None
        logout_user()
        flash(_("La sessione di Legami è chiusa."), "info")
        # A page with a link, not a redirect: the CSP's form-action keeps a form's redirects on this site.
        if provider_logout:
            return render_template("auth/spid_logout.html", location=provider_logout)
        return redirect(url_for("home.index"))
    return render_template("auth/logout.html", form=form)


@bp.route("/profilo/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        refused = throttle.password_check_refusal(current_user.id)
        if refused:
            form.current.errors.append(refused)
            return render_template("auth/change_password.html", form=form), 429
        if not current_user.check_password(form.current.data):
            throttle.password_check_failed(current_user.id)
            form.current.errors.append(_("La password attuale non è corretta."))
        else:
            services.change_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Password cambiata. Le altre sessioni sono state chiuse."), "success")
            return redirect(url_for("home.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/invito/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set the first password of an invited account."""
    user = invitations.user_from_invitation(token)
    if user is None:
        abort(404)
    form = SetPasswordForm() if user.full_name else InvitedForm()  # a nameless account gives its name
    if form.validate_on_submit():
        if isinstance(form, InvitedForm):
            user.full_name = form.full_name.data
        services.change_password(user, form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(
            _("Ti diamo il benvenuto in Legami, %(name)s.", name=user.full_name)
            if user.full_name
            else _("Ti diamo il benvenuto in Legami."),
            "success",
        )
        return redirect(url_for("home.dashboard"))
    return render_template("auth/invitation.html", form=form, user=user)
