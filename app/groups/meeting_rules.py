"""A group's meeting rule: app.calendar's Recurrence stored for the group, the meetings it makes
a few weeks ahead, and the rule in words. No request, no commit.

Each rule date becomes a Meeting of its own (rule_id, rule_on), convened when made; a rule date
that already has a meeting of the group (made by the rule, then moved or cancelled, or scheduled
by hand on that day) is never made again. The hourly job that makes them is registered here
(not in notices.py: services import the notices, and this module imports the services)."""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select

from app.calendar import words
from app.calendar.occurrences import Recurrence, Schedule, original_starts
from app.common.timeutil import ROME, utcnow
from app.groups import services
from app.groups.models import Meeting, MeetingRule, WorkingGroup
from app.messages import scheduled
from app.platform.extensions import db

RULE_OF = select(MeetingRule).where(MeetingRule.group_id == bindparam("group_id"))  # built once


def rule_of(group: WorkingGroup) -> MeetingRule | None:
    return db.session.scalar(RULE_OF, {"group_id": group.id})


def recurrence_of(rule: MeetingRule) -> Recurrence:
    return Recurrence(
        freq=rule.freq,
        interval=rule.interval,
        weekdays=tuple(int(d) for d in rule.weekdays.split(",") if d),
        month_week=rule.month_week,
        month_weekday=rule.month_weekday,
        until=rule.until_on,
    )


def save_rule(
    group: WorkingGroup, recurrence: Recurrence, start_on: date, start, end, venue: str
) -> MeetingRule:
    """Set (or replace) the group's rule. Meetings already made stay as they are."""
    rule = rule_of(group) or MeetingRule(group=group)
    rule.freq, rule.interval = recurrence.freq, recurrence.interval
    rule.weekdays = ",".join(str(d) for d in recurrence.weekdays)
    rule.month_week, rule.month_weekday = recurrence.month_week, recurrence.month_weekday
    rule.until_on = recurrence.until
    rule.start_on = recurrence.first_on_or_after(start_on)  # the first date must be a rule date
    rule.start_time, rule.end_time, rule.venue = start, end, venue.strip()
    rule.updated_at = utcnow() if rule.id else None
    db.session.add(rule)
    db.session.flush()
    return rule


def end_rule(group: WorkingGroup) -> bool:
    """No more meetings from the rule; those already made stay."""
    rule = rule_of(group)
    if rule is None:
        return False
    for meeting in db.session.scalars(select(Meeting).where(Meeting.rule_id == rule.id)):
        meeting.rule_id = None  # rule_on stays: the date is still "already made"
    db.session.delete(rule)
    db.session.flush()
    return True


def rule_dates(rule: MeetingRule, first: date, last: date) -> list[date]:
    """The rule's dates between two dates (inclusive), bounded by app.calendar's limits."""
    schedule = Schedule(rule.start_on, rule.start_time, rule.end_time, recurrence_of(rule))
    return [
        start.date()
        for start in original_starts(schedule, max(first, rule.start_on), min(last, rule.until_on))
    ]


def make_due(rule: MeetingRule, today: date, weeks: int) -> list[Meeting]:
    """Make (and convene) the meetings of the rule from today to `weeks` weeks ahead."""
    days = rule_dates(rule, today, today + timedelta(weeks=weeks))
    if not days:
        return []
    taken = set(
        db.session.scalars(
            select(Meeting.rule_on).where(Meeting.group_id == rule.group_id, Meeting.rule_on.in_(days))
        )
    ) | set(
        db.session.scalars(
            select(Meeting.held_on).where(
                Meeting.group_id == rule.group_id,
                Meeting.held_on.in_(days),
                or_(Meeting.is_cancelled.is_(False), Meeting.rule_on.is_not(None)),
            )
        )
    )
    made = []
    for day in days:
        if day in taken:
            continue
        made.append(
            services.schedule_meeting(
                rule.group, day, rule.start_time, rule.end_time, rule.venue, "", rule=rule, rule_on=day
            )
        )
    return made


def make_all_due(today: date, weeks: int) -> int:
    """The scheduled job's work: every rule's meetings up to `weeks` weeks ahead."""
    rules = db.session.scalars(
        select(MeetingRule).where(MeetingRule.until_on >= today).order_by(MeetingRule.id)
    ).all()
    return sum(len(make_due(rule, today, weeks)) for rule in rules)


@scheduled.job
def meetings_from_rules(now) -> int:
    """Each group's meeting rule makes (and convenes) its meetings MEETING_RULE_WEEKS_AHEAD ahead."""
    return make_all_due(now.astimezone(ROME).date(), current_app.config.get("MEETING_RULE_WEEKS_AHEAD", 6))


def describe(rule: MeetingRule) -> str:
    """The rule in words: «Ogni due settimane il giovedì, 17:30–19:00, fino al 30 giugno 2027»."""
    return words.describe(Schedule(rule.start_on, rule.start_time, rule.end_time, recurrence_of(rule)))
