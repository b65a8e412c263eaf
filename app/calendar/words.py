"""A schedule in words, the one way every page says it: «Ogni martedì e giovedì, 16:30–18:00,
fino al 30 giugno», «Il primo lunedì del mese, 18:00–20:00», «Sabato 12 giugno 2027, 10:00–12:00».

The end's year is said only when it is not the year the schedule starts in."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from app.calendar.occurrences import Frequency, Schedule

NUMBERS = {2: "due", 3: "tre", 4: "quattro", 5: "cinque", 6: "sei", 7: "sette", 8: "otto",
           9: "nove", 10: "dieci", 11: "undici", 12: "dodici"}  # fmt: skip
DAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
NTH = {1: ("il primo", "la prima"), 2: ("il secondo", "la seconda"), 3: ("il terzo", "la terza"),
       4: ("il quarto", "la quarta"), -1: ("l'ultimo", "l'ultima")}  # fmt: skip


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " e " + words[-1]


def _the_day(weekday: int) -> str:
    return ("la " if weekday == 6 else "il ") + DAYS[weekday]


def _until(day: date, start_on: date) -> str:
    number = "1º" if day.day == 1 else str(day.day)
    article = "all'" if day.day in (8, 11) else "al "
    return article + number + " " + format_date(day, "MMMM" if day.year == start_on.year else "MMMM y")


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def _head(schedule: Schedule) -> str:
    rule = schedule.recurrence
    if rule.freq == Frequency.WEEKLY:
        days = sorted(rule.weekdays) or [schedule.start_on.weekday()]
        if rule.interval == 1:
            return _("Ogni %(days)s", days=_listed([DAYS[d] for d in days]))
        return _(
            "Ogni %(n)s settimane %(days)s",
            n=NUMBERS.get(rule.interval, rule.interval), days=_listed([_the_day(d) for d in days]),
        )  # fmt: skip
    if rule.freq == Frequency.MONTHLY:
        day = f"{NTH[rule.month_week][1 if rule.month_weekday == 6 else 0]} {DAYS[rule.month_weekday]}"
        if rule.interval == 1:
            return _capitalised(_("%(day)s del mese", day=day))
        return _("Ogni %(n)s mesi, %(day)s del mese", n=NUMBERS.get(rule.interval, rule.interval), day=day)
    return _capitalised(format_date(schedule.start_on, "EEEE d MMMM y"))


def describe(schedule: Schedule) -> str:
    """The schedule in words: days, hours, and until when (a date or a number of times)."""
    hours = f"{schedule.start_time.strftime('%H:%M')}–{schedule.end_time.strftime('%H:%M')}"
    words = f"{_head(schedule)}, {hours}"
    rule = schedule.recurrence
    if rule.is_recurring and rule.until:
        return _("%(words)s, fino %(until)s", words=words, until=_until(rule.until, schedule.start_on))
    if rule.is_recurring and rule.count:
        return _("%(words)s, per %(n)s volte", words=words, n=rule.count)
    return words
