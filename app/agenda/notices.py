"""Residents following a center, a lab or a town: the confirmation, then each Monday
"cosa c'è questa settimana" with cancellations and moves highlighted, one-click unsubscribe."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.agenda import follow_targets
from app.agenda import services as agenda
from app.common.timeutil import ROME
from app.messages import follows, scheduled
from app.messages.kinds import Gone, Kind, register
from app.messages.models import Follow
from app.messages.render import link
from app.messages.services import enqueue, enqueue_many
from app.platform.extensions import db

KIND_SLUGS = {value: key for key, value in follow_targets.TARGETS.items()}


def target_name(kind: str, found) -> str:
    if kind == "town":
        return _("il Comune di %(name)s", name=found.name)
    if kind == "lab":
        return _("il laboratorio «%(name)s»", name=found.title)
    return f"«{found.name}»"


def _load(data: dict) -> dict:
    follow = db.session.get(Follow, data["follow_id"])
    found = follow_targets.target_of(follow) if follow is not None else None
    if found is None:
        raise Gone(_("Chi segue o cosa segue non esiste più."))
    ctx = {"follow": follow, "target": found, "name": target_name(follow.target, found)}
    if data.get("week_of"):
        ctx["entries"] = week_entries(follow.target, found, datetime.fromisoformat(data["week_of"]).date())
    return ctx


def week_entries(kind: str, found, first):
    """What happens in the seven days from `first`: activities and lab sessions, cancelled ones too."""
    last = first + timedelta(days=6)
    filters = agenda.Filters(
        town_id=found.id if kind == "town" else None,
        center_id=found.id if kind == "center" else None,
        lab_id=found.id if kind == "lab" else None,
    )
    activities = [] if kind == "lab" else agenda.public_activities(filters)
    sessions = agenda.public_sessions(filters, first, last)
    return agenda.entries(activities, first, last, sessions)


def _stop_link(ctx: dict) -> str:
    return link("agenda.follow_stop", token=follows.token(ctx["follow"], "stop"))


def _reason(ctx: dict) -> str:
    return _("Ricevi questo messaggio perché hai chiesto di seguire %(name)s su Legami.", name=ctx["name"])


register(
    Kind(
        "follow_confirm",
        lambda ctx: _("Conferma: vuoi seguire %(name)s?", name=ctx["name"]),
        _reason,
        load=lambda data: {
            **_load(data),
            "confirm_token": follows.token(db.session.get(Follow, data["follow_id"]), "confirm"),
        },
        limited=True,  # anyone can ask with any address
    )
)
register(
    Kind(
        "follow_weekly",
        lambda ctx: _("Cosa c'è questa settimana: %(name)s", name=ctx["name"]),
        _reason,
        load=_load,
        unsubscribe=_stop_link,
    )
)


def asked(follow: Follow, found) -> None:
    """A confirmation link (again, if asked again); nothing when already confirmed."""
    if follow.confirmed_at is not None:
        return
    stamp = datetime.now(ROME).strftime("%Y%m%d%H%M")
    enqueue(
        "follow_confirm", follow.email, {"follow_id": follow.id}, key=f"follow:{follow.id}:confirm:{stamp}"
    )


@scheduled.job
def weekly_follows(now: datetime) -> int:
    """Monday from 7:00 (Rome): one message per confirmed follow for the week ahead."""
    local = now.astimezone(ROME)
    if local.weekday() != 0 or local.hour < 7:
        return 0
    week = local.strftime("%G-W%V")
    confirmed = db.session.scalars(
        select(Follow).where(Follow.confirmed_at.is_not(None)).order_by(Follow.id)
    ).all()
    rows = [
        {"to": f.email, "data": {"follow_id": f.id, "week_of": local.date().isoformat()}, "key": f"follow:{f.id}:week:{week}"}
        for f in confirmed
    ]  # fmt: skip
    return enqueue_many("follow_weekly", rows)
