"""The group's meeting rule: set, change or end it (the chair or the secretary)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.groups import access, bp, meeting_rules
from app.groups.forms import MeetingRuleForm
from app.platform.extensions import db


def _form(rule) -> MeetingRuleForm:
    if rule is None:
        return MeetingRuleForm()
    data = {
        "start_on": rule.start_on, "start_time": rule.start_time, "end_time": rule.end_time,
        "venue": rule.venue, "freq": rule.freq, "interval": rule.interval,
        "weekdays": [int(d) for d in rule.weekdays.split(",") if d], "month_week": rule.month_week or 1,
        "month_weekday": rule.month_weekday or 0, "until_on": rule.until_on,
    }  # fmt: skip
    return MeetingRuleForm(data=data)


def _group_for_rule(slug: str):
    group = access.get_group_or_404(slug)
    if not access.can_see_private(current_user, group):
        abort(404)
    if not access.can_publish(current_user, group):
        abort(403)
    return group


@bp.route("/gruppi/<slug>/regola-incontri", methods=["GET", "POST"])
@login_required
def meeting_rule(slug: str):
    """Set the rule («il primo lunedì del mese», «ogni due giovedì alle 17:30») and make the
    meetings of the coming weeks at once (the hourly job keeps making them)."""
    group = _group_for_rule(slug)
    rule = meeting_rules.rule_of(group)
    form = _form(rule)
    if form.validate_on_submit():
        rule = meeting_rules.save_rule(
            group, form.recurrence(), form.start_on.data, form.start_time.data, form.end_time.data,
            form.venue.data,
        )  # fmt: skip
        made = meeting_rules.make_due(rule, today_in_rome(), current_app.config["MEETING_RULE_WEEKS_AHEAD"])
        db.session.commit()
        flash(_("Regola salvata: %(rule)s. Incontri convocati ora: %(n)d.", rule=meeting_rules.describe(rule),
                n=len(made)), "success")  # fmt: skip
        return redirect(url_for("groups.detail", slug=group.slug))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "groups/meeting_rule.html", form=form, group=group, rule=rule, button=EmptyForm(),
        words=meeting_rules.describe(rule) if rule else None,
    ), status  # fmt: skip


@bp.route("/gruppi/<slug>/regola-incontri/fine", methods=["POST"])
@login_required
def meeting_rule_end(slug: str):
    """No more meetings from the rule; those already in the calendar stay."""
    group = _group_for_rule(slug)
    if EmptyForm().validate_on_submit() and meeting_rules.end_rule(group):
        db.session.commit()
        flash(_("Regola tolta: gli incontri già in calendario restano."), "success")
    return redirect(url_for("groups.detail", slug=group.slug))
