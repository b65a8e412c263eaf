"""Approved versions: freeze the document, number it, issue its PDF/A. No commit.

A version is made once, at approval (number 1) and at each rettifica (2, 3, ...); its PDF is
stored and never regenerated, and its SHA-256 lets anyone check a copy (routes_verify.py)."""

import hashlib
from datetime import date

from flask import render_template
from sqlalchemy import func, select

from app.common.timeutil import today_in_rome
from app.minutes import document, notices
from app.minutes.models import ApprovedVersion, Minutes
from app.platform.documents import APP_DIR, html_to_pdfa
from app.platform.extensions import db
from app.platform.storage import storage


def assign_number(minutes: Minutes) -> None:
    """ "Verbale n. 3/2026": the next number of the group in the year of the meeting."""
    if minutes.number:
        return
    year = minutes.meeting.held_on.year
    last = db.session.scalar(
        select(func.max(Minutes.number)).where(Minutes.group_id == minutes.group_id, Minutes.year == year)
    )
    minutes.number, minutes.year = (last or 0) + 1, year


def _issue(minutes: Minutes, user, doc: dict, reason: str) -> ApprovedVersion:
    number = len(minutes.versions) + 1
    doc = {**doc, "version": number}
    html = render_template("minutes/pdf.html", doc=doc, names_visible=True)
    pdf = html_to_pdfa(html, base_url=str(APP_DIR) + "/")
    version = ApprovedVersion(
        number=number, author_id=user.id, reason=reason.strip(), snapshot=document.dumps(doc),
        pdf_key=storage().put(pdf, ".pdf"), pdf_sha256=hashlib.sha256(pdf).hexdigest(), pdf_size=len(pdf),
    )  # fmt: skip
    minutes.versions.append(version)
    db.session.flush()
    return version


def first_version(minutes: Minutes, user, method: str, session_on: date | None, approvers: list[str]):
    """At approval: the whole header as it is now, with the approval line."""
    assign_number(minutes)
    doc = document.build(minutes)
    doc["approval"] = document.approval_line(method, session_on, today_in_rome(), user.display_name)
    doc["approval"]["approvers"] = approvers
    return _issue(minutes, user, doc, "")


# What a rettifica of the header takes again from the live meeting; the rest (actions, next
# meeting, officers, approval) stays as approved.
HEADER_KEYS = ("venue", "start", "end", "present", "absent", "excused", "unrecorded", "quorum")


def correction(minutes: Minutes, user, reason: str, header: bool = False) -> ApprovedVersion:
    """A rettifica: the text changes (and, with header, place, hours and attendance are taken
    again from the corrected meeting); the reason and what changed join the history."""
    previous = document.loads(minutes.current_version.snapshot)
    doc = {**previous, "title": minutes.title, "body": minutes.body}
    changes = []
    if header:
        live = document.build(minutes)
        doc |= {key: live[key] for key in HEADER_KEYS}
        changes = document.header_changes(previous, doc)
    entry = {"on": today_in_rome().isoformat(), "reason": reason.strip(), "by": user.display_name,
             "version": len(minutes.versions) + 1, "changes": changes}  # fmt: skip
    doc["corrections"] = [*previous.get("corrections", []), entry]
    notices.minutes_corrected(minutes, entry)
    doc["attachments"] = [
        {"filename": a.filename, "size": a.size, "sha256": a.sha256} for a in minutes.attachments
    ]
    return _issue(minutes, user, doc, reason)


def find_by_checksum(sha256: str) -> ApprovedVersion | None:
    query = (
        select(ApprovedVersion)
        .join(ApprovedVersion.minutes)
        .where(ApprovedVersion.pdf_sha256 == sha256.strip().lower(), Minutes.deleted_at.is_(None))
    )
    return db.session.scalar(query.limit(1))
