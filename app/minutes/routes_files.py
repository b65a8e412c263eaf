"""Attachments of a verbale, its approved PDFs' public check: upload, download, remove, verify."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import EmptyForm
from app.groups.access import Locked
from app.minutes import access, attachments, bp, versions
from app.minutes.forms import AttachmentForm, VerifyForm
from app.minutes.models import Attachment
from app.storage import storage

UPLOAD_ERRORS = {
    "type": "Il contenuto del file non è un PDF, ODT, DOCX, ODS, XLSX, PNG o JPEG: non è stato allegato.",
    "too_big": "Il file supera i 10 MB: non è stato allegato.",
    "empty": "Il file è vuoto: non è stato allegato.",
}


def _refuse(minutes):
    if minutes.status == "approved":
        raise Locked
    abort(403)


def _detail(minutes):
    return redirect(url_for("minutes.detail", slug=minutes.group.slug, minutes_id=minutes.id))


def _attachment_or_404(minutes, attachment_id: int) -> Attachment:
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.minutes_id != minutes.id:
        abort(404)
    return found


@bp.route("/verbali/<int:minutes_id>/allegati", methods=["POST"])
@login_required
def attachment_add(minutes_id: int):
    """Attach a file while the verbale can be edited; its type is read from the content."""
    request.max_content_length = attachments.MAX_BYTES + 64 * 1024
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_attach(current_user, minutes):
        _refuse(minutes)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or _("Scegli un file."), "warning")
        return _detail(minutes)
    upload = form.file.data
    try:
        found = attachments.add(
            minutes, current_user, upload.filename, upload.read(attachments.MAX_BYTES + 1)
        )
    except attachments.Refused as error:
        flash(_(UPLOAD_ERRORS[str(error)]), "danger")
        return _detail(minutes)
    db.session.commit()
    flash(_("Allegato «%(name)s» aggiunto.", name=found.filename), "success")
    return _detail(minutes)


@bp.route("/verbali/<int:minutes_id>/allegati/<int:attachment_id>")
def attachment_download(minutes_id: int, attachment_id: int):
    """The file, always as a download, under the verbale's own access rules."""
    minutes = access.get_minutes_or_404(minutes_id)
    found = _attachment_or_404(minutes, attachment_id)
    return Response(
        storage().get(found.storage_key), mimetype=found.content_type,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"', "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "private, no-store"},
    )  # fmt: skip


@bp.route("/verbali/<int:minutes_id>/allegati/<int:attachment_id>/elimina", methods=["POST"])
@login_required
def attachment_remove(minutes_id: int, attachment_id: int):
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_attach(current_user, minutes):
        _refuse(minutes)
    found = _attachment_or_404(minutes, attachment_id)
    if EmptyForm().validate_on_submit():
        key = found.storage_key
        attachments.remove(found)
        db.session.commit()
        storage().delete(key)
        flash(_("Allegato tolto."), "success")
    return _detail(minutes)


@bp.route("/verbali/verifica", methods=["GET", "POST"])
def verify():
    """Anyone checks a PDF's SHA-256 against the approved verbali (nothing private is shown)."""
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        result = versions.find_by_checksum(form.checksum.data) or False
    return render_template("minutes/verify.html", form=form, result=result)
