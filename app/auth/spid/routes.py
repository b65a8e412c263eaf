"""SPID's pages, on the auth blueprint: the metadata, the way to the identity provider and back,
the account of a new identity, the profile's sign-in methods, Single Logout."""

import logging

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts.identity import identity_row
from app.accounts.models import User
from app.auth import bp, services
from app.auth.spid import accounts, assertion, linking, login, logout, settings
from app.auth.spid.forms import AddressForm
from app.auth.spid.metadata import signed_metadata
from app.auth.spid.notices import send_link
from app.common.forms import EmptyForm
from app.platform.extensions import csrf, db, limiter
from app.platform.security import safe_next_url

log = logging.getLogger(__name__)


def _configured() -> None:
    if not settings.is_configured():
        abort(404)


@bp.route("/spid/metadata")
def spid_metadata():
    """The SP's signed metadata, the URL registered with AgID."""
    _configured()
    return Response(signed_metadata(), mimetype="application/samlmetadata+xml")


@bp.route("/spid/accedi")
def spid_login():
    """Off to the chosen identity provider with a signed AuthnRequest (a link, not a form: the
    redirect leaves the site, which a form's CSP form-action would stop)."""
    _configured()
    try:
        location = login.start(request.args.get("idp", ""), safe_next_url(request.args.get("next")))
    except login.UnknownProvider:
        abort(404)
    return redirect(location)


def _refused(error: assertion.Refused):
    log.warning("SPID response refused: %s", error)
    login.session_drop()
    return render_template("auth/spid_refused.html", message=error.message), 403


@bp.route("/spid/acs", methods=["POST"])
# Each response that passes the cheap checks costs several xmlsec1 runs (about a second): a client
# may post only so many.
@limiter.limit(lambda: current_app.config["SPID_ACS_LIMIT"], methods=["POST"])
@csrf.exempt  # a cross-site POST from the identity provider; the signed Response is its proof
def spid_acs():
    """The identity provider's Response (HTTP-POST). A browser that kept our Lax session cookie
    back (the POST came from another site) is asked to post it again from our own page."""
    _configured()
    value = request.form.get("SAMLResponse", "")
    pending = login.pending()
    if (
        pending is None
        and not request.args.get("f")
        and not request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    ):
        return render_template(
            "auth/spid_forward.html", value=value, relay=request.form.get("RelayState", "")
        )
    try:
        proved = assertion.validate(value, pending)
    except assertion.Refused as error:
        db.session.commit()  # the expired ids purged; nothing else was written
        return _refused(error)
    login.session_drop()
    data = linking.as_data(proved)
    user = accounts.linked_account(proved.fiscal_number)
    if user is None and proved.email and services.find_by_email(proved.email) is None:
        user = accounts.create(proved.email, data)
        flash(
            _("Ti diamo il benvenuto in Legami, %(name)s: il tuo account è pronto.", name=user.display_name),
            "success",
        )
    elif user is not None:
        if not user.is_active:
            db.session.commit()
            return render_template("auth/spid_refused.html", message=_("Questo account è disattivato.")), 403
        accounts.refresh(user, data)
        flash(_("Ti diamo il bentornato, %(name)s.", name=user.display_name), "success")
    else:
        linking.hold(data)
        db.session.commit()
        return redirect(url_for("auth.spid_welcome"))
    db.session.commit()
    logout_user()
    login_user(user)
    logout.remember(proved.provider, proved.name_id, proved.session_index)
    return redirect(pending.get("next") or url_for("home.dashboard"))


@bp.route("/spid/primo-accesso", methods=["GET", "POST"])
def spid_welcome():
    """A new identity whose address has an account, or that came without one: the person names the
    address of the account to create or join, and confirms it from the message."""
    data = linking.held()
    if data is None:
        return redirect(url_for("auth.login"))
    form = AddressForm(data={"email": data.get("email", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        send_link(form.email.data, data)
        db.session.commit()
        flash(_("Ti abbiamo scritto a %(address)s: apri il link entro un'ora per completare l'accesso.",
                address=form.email.data.strip().lower()), "info")  # fmt: skip
        return redirect(url_for("auth.spid_welcome"))
    return render_template("auth/spid_welcome.html", form=form, identity=data)


@bp.route("/spid/collega/<token>", methods=["GET", "POST"])
def spid_confirm_link(token: str):
    """The link from the message, opened in the browser that entered with SPID: GET asks to
    confirm, POST creates or joins the account and signs in."""
    address = linking.address_of(token)
    if address is None:
        abort(404)
    data = linking.held_for(token)
    if data is None:
        return render_template("auth/spid_link_elsewhere.html"), 409
    user = services.find_by_email(address)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            if user is None:
                user = accounts.create(address, data)
            elif not user.is_active:
                abort(404)
            else:
                accounts.link(user, data)
                services.mark_login(user)
        except accounts.OtherIdentity:
            db.session.rollback()
            flash(_("Questo account ha già un'altra identità digitale, o questa identità è già collegata a un altro "
                    "account: non l'abbiamo collegata."), "danger")  # fmt: skip
            return redirect(url_for("auth.login"))
        db.session.commit()
        linking.drop()
        logout_user()
        login_user(user)
        flash(
            _("La tua identità digitale è collegata all'account %(address)s.", address=user.email), "success"
        )
        return redirect(url_for("home.dashboard"))
    return render_template(
        "auth/spid_confirm.html", form=form, identity=data, address=address, exists=user is not None
    )


@bp.route("/profilo/accesso")
@login_required
def signin_methods():
    """How this account signs in, with the identity it proved."""
    return render_template("auth/signin_methods.html", identity=identity_row(current_user), form=EmptyForm(),
                           required=accounts.must_use_spid(current_user), spid=settings.is_configured())  # fmt: skip


@bp.route("/profilo/accesso/scollega", methods=["POST"])
@login_required
def spid_unlink():
    """Unlink the identity; every session of the account ends but this one."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if accounts.must_use_spid(current_user):
        flash(_("Per il tuo ruolo si entra solo con SPID o CIE: l'identità resta collegata."), "danger")
        return redirect(url_for("auth.signin_methods"))
    user: User = current_user._get_current_object()
    if accounts.unlink(user):
        db.session.commit()
        login_user(user)
        flash(_("L'identità digitale non è più collegata al tuo account."), "success")
    return redirect(url_for("auth.signin_methods"))


@bp.route("/spid/slo", methods=["GET", "POST"])
@csrf.exempt  # the identity provider's signed messages
def spid_slo():
    """Single Logout: the provider's answer to our LogoutRequest, or its own LogoutRequest."""
    _configured()
    values = request.form if request.method == "POST" else request.args
    if values.get("SAMLResponse"):
        if logout.read_response(values["SAMLResponse"], request.method):
            flash(_("Hai chiuso anche la sessione presso il gestore dell'identità."), "info")
        return redirect(url_for("home.index"))
    if values.get("SAMLRequest"):
        location = logout.answer_request(values["SAMLRequest"], request.method, values.to_dict())
        if location is None:
            abort(400)
        if current_user.is_authenticated and logout.current():
            logout_user()
        logout.forget()
        return redirect(location)
    abort(400)
