"""Verbali: the review request to those present at the meeting, the approval and rettifica notices to the group."""

from flask_babel import gettext as _

from app.accounts.models import User
from app.common.timeutil import utcnow
from app.groups.models import AttendanceStatus
from app.groups.notices import group_reason, members
from app.messages import preferences
from app.messages.kinds import Gone, Kind, register
from app.messages.services import enqueue
from app.minutes.models import Minutes
from app.platform.extensions import db


def _minutes(data: dict) -> dict:
    minutes = db.session.get(Minutes, data["minutes_id"])
    if minutes is None or minutes.deleted_at is not None:
        raise Gone(_("Il verbale non esiste più."))
    user = db.session.get(User, data["user_id"]) if data.get("user_id") else None
    return {"minutes": minutes, "meeting": minutes.meeting, "group": minutes.meeting.group, "user": user,
            "correction": data.get("correction")}  # fmt: skip


register(
    Kind(
        "minutes_review",
        lambda ctx: _("Verbale da rivedere: %(group)s", group=ctx["group"].name),
        group_reason,
        load=_minutes,
    )
)
register(
    Kind(
        "minutes_approved",
        lambda ctx: _("Verbale approvato: %(group)s", group=ctx["group"].name),
        group_reason,
        load=_minutes,
    )
)

register(
    Kind(
        "minutes_corrected",
        lambda ctx: _("Verbale rettificato: %(group)s", group=ctx["group"].name),
        group_reason,
        load=_minutes,
    )
)


def minutes_to_review(minutes) -> None:
    """Those present at the meeting are asked to review the verbale."""
    present = [
        a.user for a in minutes.meeting.attendances
        if a.user is not None and a.user.is_active and a.status == AttendanceStatus.PRESENT
        and preferences.wants(a.user, "minutes")
    ]  # fmt: skip
    stamp = utcnow().strftime("%Y%m%d%H%M")
    for user in sorted(present, key=lambda u: u.id):
        enqueue(
            "minutes_review", user.email, {"minutes_id": minutes.id, "user_id": user.id},
            key=f"minutes:{minutes.id}:{user.id}:review:{stamp}", name=user.full_name, user=user,
        )  # fmt: skip


def minutes_approved(minutes) -> None:
    for user in members(minutes.meeting.group, "minutes"):
        enqueue(
            "minutes_approved", user.email, {"minutes_id": minutes.id, "user_id": user.id},
            key=f"minutes:{minutes.id}:{user.id}:approved", name=user.full_name, user=user,
        )  # fmt: skip


def minutes_corrected(minutes, entry: dict) -> None:
    """A rettifica: the group's members are told who made it, when, and why (entry: the
    correction as the new approved version records it)."""
    correction = {
        "by": entry["by"],
        "on": entry["on"],
        "reason": entry["reason"],
        "version": entry["version"],
    }
    for user in members(minutes.meeting.group, "minutes"):
        enqueue(
            "minutes_corrected", user.email,
            {"minutes_id": minutes.id, "user_id": user.id, "correction": correction},
            key=f"minutes:{minutes.id}:{user.id}:corrected:{entry['version']}", name=user.full_name, user=user,
        )  # fmt: skip
