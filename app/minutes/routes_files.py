"""Attachments of a verbale, its approved PDFs' public check: upload, download, remove, verify."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.forms import EmptyForm
from app.groups.access import Locked, get_meeting_or_404
from app.groups.models import AgendaPoint
from app.minutes import access, attachments, bp, services, versions
from app.minutes.forms import AttachmentForm, VerifyForm
from app.minutes.models import Attachment
from app.platform.extensions import db
from app.platform.storage import storage

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


def _upload(owner, back, minutes=None):
    """Read the posted file and attach it to a verbale or a meeting; flash what happened."""
    request.max_content_length = attachments.MAX_BYTES + 64 * 1024
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.file.errors)) or _("Scegli un file."), "warning")
        return back
    upload = form.file.data
    try:
        found = attachments.add(
            owner, current_user, upload.filename, upload.read(attachments.MAX_BYTES + 1), minutes=minutes
        )
    except attachments.Refused as error:
        flash(_(UPLOAD_ERRORS[str(error)]), "danger")
        return back
    db.session.commit()
    flash(_("Allegato «%(name)s» aggiunto.", name=found.filename), "success")
    return back


def _send(found: Attachment) -> Response:
    """The file, always as a download, never cached."""
    return Response(
        storage().stream(found.storage_key), mimetype=found.content_type, direct_passthrough=True,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"', "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "private, no-store", "Content-Length": str(found.size)},
    )  # fmt: skip


def _remove(found: Attachment, back):
    if EmptyForm().validate_on_submit():
        attachments.remove(found)
        db.session.commit()  # the file goes at the next `flask files cleanup` (app/platform/storage.py)
        flash(_("Allegato tolto."), "success")
    return back


@bp.route("/verbali/<int:minutes_id>/allegati", methods=["POST"])
@login_required
def attachment_add(minutes_id: int):
    """Attach a file while the verbale can be edited; its type is read from the content."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_attach(current_user, minutes):
        _refuse(minutes)
    return _upload(minutes, _detail(minutes))


@bp.route("/verbali/<int:minutes_id>/allegati/<int:attachment_id>")
def attachment_download(minutes_id: int, attachment_id: int):
    """Under the verbale's own access rules."""
    minutes = access.get_minutes_or_404(minutes_id)
    return _send(_attachment_or_404(minutes, attachment_id))


@bp.route("/verbali/<int:minutes_id>/allegati/<int:attachment_id>/elimina", methods=["POST"])
@login_required
def attachment_remove(minutes_id: int, attachment_id: int):
    minutes = access.get_minutes_or_404(minutes_id)
    if not access.can_attach(current_user, minutes):
        _refuse(minutes)
    return _remove(_attachment_or_404(minutes, attachment_id), _detail(minutes))


# A meeting without a verbale: its allegati are the group's (members and coordinators) until
# the verbale takes them.


def _meeting_page(meeting):
    return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id, _anchor="allegati"))


def _meeting_attachment_or_404(meeting, attachment_id: int) -> Attachment:
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.meeting_id != meeting.id or found.minutes_id is not None:
        abort(404)
    return found


def _without_minutes(meeting):
    """The meeting to attach to, or None (with a message) when its verbale is already written."""
    if services.minutes_of(meeting, trashed_too=True) is not None:
        flash(
            _("L'incontro ha già un verbale: gli allegati si aggiungono e si tolgono dal verbale."), "warning"
        )
        return None
    return meeting


@bp.route("/incontri/<int:meeting_id>/allegati", methods=["POST"])
@login_required
def meeting_attachment_add(meeting_id: int):
    """Attach a file to a meeting before its verbale is written (agenda papers, slides...)."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    if _without_minutes(meeting) is None:
        return _meeting_page(meeting)
    return _upload(meeting, _meeting_page(meeting))


@bp.route("/incontri/<int:meeting_id>/allegati/<int:attachment_id>")
@login_required
def meeting_attachment_download(meeting_id: int, attachment_id: int):
    meeting = get_meeting_or_404(meeting_id)
    return _send(_meeting_attachment_or_404(meeting, attachment_id))


@bp.route("/incontri/<int:meeting_id>/allegati/<int:attachment_id>/elimina", methods=["POST"])
@login_required
def meeting_attachment_remove(meeting_id: int, attachment_id: int):
    meeting = get_meeting_or_404(meeting_id, edit=True)
    return _remove(_meeting_attachment_or_404(meeting, attachment_id), _meeting_page(meeting))


# A point's allegati (the papers of point 2 of the ordine del giorno): the group's, under the
# meeting's loader; once a verbale is written it holds them too (and its rules then apply there).


def _point_or_404(meeting, point_id: int) -> AgendaPoint:
    point = db.session.get(AgendaPoint, point_id)
    if point is None or point.meeting_id != meeting.id:
        abort(404)
    return point


def _point_attachment_or_404(point, attachment_id: int) -> Attachment:
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.point_id != point.id:
        abort(404)
    return found


def _point_page(meeting, point):
    return redirect(url_for("groups.meeting_detail", meeting_id=meeting.id, _anchor=f"punto-{point.id}"))


@bp.route("/incontri/<int:meeting_id>/punti/<int:point_id>/allegati", methods=["POST"])
@login_required
def point_attachment_add(meeting_id: int, point_id: int):
    """Attach a file to a point while the meeting can be changed (its verbale not approved)."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    point = _point_or_404(meeting, point_id)
    return _upload(point, _point_page(meeting, point), services.minutes_of(meeting, trashed_too=True))


@bp.route("/incontri/<int:meeting_id>/punti/<int:point_id>/allegati/<int:attachment_id>")
@login_required
def point_attachment_download(meeting_id: int, attachment_id: int, point_id: int):
    """For the group's members and coordinators (the link in the convocazione leads here)."""
    meeting = get_meeting_or_404(meeting_id)
    return _send(_point_attachment_or_404(_point_or_404(meeting, point_id), attachment_id))


@bp.route(
    "/incontri/<int:meeting_id>/punti/<int:point_id>/allegati/<int:attachment_id>/elimina", methods=["POST"]
)
@login_required
def point_attachment_remove(meeting_id: int, point_id: int, attachment_id: int):
    meeting = get_meeting_or_404(meeting_id, edit=True)
    point = _point_or_404(meeting, point_id)
    return _remove(_point_attachment_or_404(point, attachment_id), _point_page(meeting, point))


@bp.route("/verbali/verifica", methods=["GET", "POST"])
def verify():
    """Anyone checks a PDF's SHA-256 against the approved verbali (nothing private is shown)."""
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        result = versions.find_by_checksum(form.checksum.data) or False
    return render_template("minutes/verify.html", form=form, result=result)
