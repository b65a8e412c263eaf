"""The parts of a pact: commitments, diary, reviews, links to labs, activities and groups."""

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.civic_centers.models import Activity, CivicCenter
from app.common.forms import EmptyForm
from app.groups.models import WorkingGroup
from app.labs.models import Lab
from app.pacts import access, bp, forms, services
from app.pacts.models import Commitment, Review
from app.pacts.views import int_list, render_detail, show_error
from app.platform.extensions import db


def _saved(pact, form, change, message: str, anchor: str, audit: str = ""):
    """Run change(), a service call that may refuse with PactError (shown on the form: None is
    returned); otherwise audit, commit, say so and go back to the pact's section."""
    try:
        change()
    except services.PactError as error:
        show_error(form, error)
        return None
    if audit:
        record(current_user, audit, pact.number)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("pacts.detail", number=pact.number, _anchor=anchor))


@bp.route("/<number>/impegni", methods=["POST"])
@login_required
def add_commitment(number: str):
    pact = access.get_pact_or_404(number, manage=True)
    form = forms.CommitmentForm()
    if form.validate_on_submit():
        change = partial(services.add_commitment, pact, form.data)
        done = _saved(pact, form, change, _("Impegno aggiunto."), "impegni", "pact.commitment")
        if done:
            return done
    return render_detail(pact, commitment_form=form)


@bp.route("/<number>/impegni/<int:commitment_id>/elimina", methods=["POST"])
@login_required
def remove_commitment(number: str, commitment_id: int):
    pact = access.get_pact_or_404(number, read=None, manage=True)
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.pact_id != pact.id or not EmptyForm().validate_on_submit():
        abort(404)
    db.session.delete(commitment)
    record(current_user, "pact.commitment", pact.number)
    db.session.commit()
    flash(_("Impegno tolto."), "success")
    return redirect(url_for("pacts.detail", number=number, _anchor="impegni"))


@bp.route("/<number>/diario", methods=["POST"])
@login_required
def add_note(number: str):
    pact = access.get_pact_or_404(number, work=True)
    form = forms.NoteForm()
    if form.validate_on_submit():
        change = partial(services.add_note, pact, current_user, form.written_on.data, form.body.data)
        return _saved(pact, form, change, _("Nota aggiunta al diario."), "diario")
    return render_detail(pact, note_form=form)


@bp.route("/<number>/verifiche", methods=["POST"])
@login_required
def plan_review(number: str):
    pact = access.get_pact_or_404(number, work=True)
    form = forms.ReviewPlanForm()
    if form.validate_on_submit():
        change = partial(services.plan_review, pact, form.planned_on.data)
        done = _saved(pact, form, change, _("Verifica programmata."), "verifiche", "pact.review")
        if done:
            return done
    return render_detail(pact, review_form=form)


@bp.route("/<number>/verifiche/<int:review_id>", methods=["GET", "POST"])
@login_required
def record_review(number: str, review_id: int):
    """Record how a review meeting went."""
    pact = access.get_pact_or_404(number, work=True)
    review = db.session.get(Review, review_id)
    if review is None or review.pact_id != pact.id:
        abort(404)
    form = forms.ReviewRecordForm(obj=review if request.method == "GET" else None)
    if request.method == "GET" and review.held_on is None:
        form.held_on.data = review.planned_on
    if form.validate_on_submit():
        change = partial(
            services.record_review, pact, review, form.held_on.data, form.result.data, form.notes.data or ""
        )
        done = _saved(pact, form, change, _("Verifica registrata."), "verifiche", "pact.review")
        if done:
            return done
    db.session.commit()  # the read log entry
    return render_template("pacts/review.html", pact=pact, review=review, form=form), (
        400 if request.method == "POST" else 200
    )


def _link_choices(pact):
    labs = db.session.scalars(
        select(Lab).where(Lab.town_id == pact.town_id, Lab.deleted_at.is_(None)).order_by(Lab.title)
    ).all()
    activities = db.session.scalars(
        select(Activity).join(Activity.center).where(CivicCenter.town_id == pact.town_id, Activity.deleted_at.is_(None))
        .options(selectinload(Activity.center)).order_by(Activity.title)
    ).all()  # fmt: skip
    groups = db.session.scalars(
        select(WorkingGroup).where(or_(WorkingGroup.town_id == pact.town_id, WorkingGroup.town_id.is_(None)))
        .order_by(WorkingGroup.name)
    ).all()  # fmt: skip
    return labs, activities, groups


@bp.route("/<number>/collegamenti", methods=["GET", "POST"])
@login_required
def links(number: str):
    """The labs, civic-center activities and working groups the pact involves (in its town)."""
    pact = access.get_pact_or_404(number, read=None, manage=True)
    labs, activities, groups = _link_choices(pact)
    data = None
    if request.method == "GET":
        data = {"labs": [str(x.id) for x in pact.labs], "activities": [str(x.id) for x in pact.activities],
                "groups": [str(x.id) for x in pact.groups]}  # fmt: skip
    form = forms.LinksForm(data=data)
    form.labs.choices = [(str(x.id), x.title) for x in labs]
    form.activities.choices = [(str(x.id), f"{x.title} ({x.center.name})") for x in activities]
    form.groups.choices = [(str(x.id), x.name) for x in groups]
    if form.validate_on_submit():
        chosen = [set(int_list(f.data)) for f in (form.labs, form.activities, form.groups)]
        services.set_links(
            pact,
            *[
                [x for x in options if x.id in ids]
                for options, ids in zip((labs, activities, groups), chosen, strict=False)
            ],
        )
        record(current_user, "pact.links", pact.number)
        db.session.commit()
        flash(_("Collegamenti salvati."), "success")
        return redirect(url_for("pacts.detail", number=number, _anchor="collegamenti"))
    return render_template("pacts/links.html", pact=pact, form=form), 400 if request.method == "POST" else 200
