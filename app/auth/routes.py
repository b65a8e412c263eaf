"""Views for logging in and out, changing a password, accepting an invitation."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.security import safe_next_url


def _login_account_key() -> str:
    """Rate-limit key for the account being tried, existing or not."""
    email = services.normalise_email(request.form.get("email", ""))[:254]
    return f"login-account:{email}"


def _failed(response) -> bool:
    # A successful login redirects; a failed one shows the form again.
    return response.status_code != 302


@bp.route("/accedi", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_failed,
    scope="login-account",
)
def login():
    """Log in with e-mail and password."""
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            flash(_("Ti diamo il bentornato, %(name)s.", name=user.full_name), "success")
            return redirect(next_url or url_for("core.dashboard"))
        # One message whatever was wrong: no hint that an account exists.
        flash(_("Indirizzo e-mail o password non corretti."), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/esci", methods=["GET", "POST"])
def logout():
    """Log out, ending every session of the account (POST); GET asks to confirm."""
    form = EmptyForm()
    if not current_user.is_authenticated:
        return redirect(url_for("core.index"))
    if form.validate_on_submit():
        current_user.end_all_sessions()
        db.session.commit()
        logout_user()
        flash(_("La sessione di Legami è chiusa."), "info")
        return redirect(url_for("core.index"))
    return render_template("auth/logout.html", form=form)


@bp.route("/profilo/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("La password attuale non è corretta."))
        else:
            services.change_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Password cambiata. Le altre sessioni sono state chiuse."), "success")
            return redirect(url_for("core.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/invito/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set the first password of an invited account."""
    user = services.user_from_invitation(token)
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(_("Ti diamo il benvenuto in Legami, %(name)s.", name=user.full_name), "success")
        return redirect(url_for("core.dashboard"))
    return render_template("auth/invitation.html", form=form, user=user)
