"""Password dimenticata?: ask for a link by e-mail, then choose a new password with it."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.auth import bp, reset, services
from app.auth.forms import ForgotPasswordForm, SetPasswordForm
from app.auth.notices import send_password_reset
from app.platform.extensions import db, limiter


def _address_key() -> str:
    return "reset-address:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/password-dimenticata", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"], key_func=_address_key, scope="reset"
)
def forgot_password():
    """The same reply whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_password_reset(form.email.data)  # the same work for any address (auth/reset.py)
        db.session.commit()
        flash(
            _(
                "Se l'indirizzo corrisponde a un account, ti abbiamo scritto un link per scegliere una nuova "
                "password. Vale un'ora."
            ),
            "info",
        )
        return redirect(url_for("auth.forgot_password"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password-dimenticata/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with the link received by e-mail (once, within an hour)."""
    found = reset.find_valid(token)
    if found is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = reset.use(found)
        services.change_password(user, form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(_("Password cambiata. Ora sei dentro."), "success")
        return redirect(url_for("home.dashboard"))
    return render_template("auth/reset_password.html", form=form, user=found.user)
