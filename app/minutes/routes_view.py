"""Reading verbali: the page, the A4 print view, revisions and diffs, trash, search."""

from datetime import date

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.common.forms import EmptyForm
from app.groups import access as group_access
from app.groups.models import GroupMembership, Meeting
from app.minutes import access, bp, document, search, services
from app.minutes.forms import ApproveForm, AttachmentForm, CommentForm, SearchForm
from app.minutes.models import Minutes, MinutesStatus, Visibility
from app.platform.extensions import db
from app.platform.page_cache import public_page
from app.platform.storage import storage


@bp.app_template_filter("fromiso")
def from_iso(value: str):
    return date.fromisoformat(value) if value else None


def _page_data(minutes):
    # Attendee names are never public (DESIGN.md): outsiders see how many came.
    private = group_access.can_see_private(current_user, minutes.group)
    return {
        "names_visible": private, "doc": document.current(minutes), "version": minutes.current_version,
        "minutes": minutes, "meeting": minutes.meeting, "group": minutes.group,
    }  # fmt: skip


@bp.route("/gruppi/<slug>/verbali/<int:minutes_id>")
@public_page()
def detail(slug: str, minutes_id: int):
    """A verbale: header, present/absent, body, action items; review and approval for members."""
    minutes = access.get_minutes_or_404(minutes_id, slug=slug)
    can_approve = access.can_approve(current_user, minutes)
    return render_template(
        "minutes/detail.html", **_page_data(minutes), can_edit=access.can_edit(current_user, minutes),
        can_review=access.can_review(current_user, minutes), can_approve=can_approve,
        can_correct=access.can_correct(current_user, minutes), can_delete=access.can_delete(current_user, minutes),
        private=group_access.can_see_private(current_user, minutes.group),
        comment_form=CommentForm(formdata=None), approve_form=ApproveForm(formdata=None), button=EmptyForm(),
        approvals=services.approvals(minutes) if can_approve else [],  # read only by whoever approves
        attachment_form=AttachmentForm(formdata=None),
        can_attach=access.can_attach(current_user, minutes),
    )  # fmt: skip


@bp.route("/verbali/<int:minutes_id>/stampa")
def print_view(minutes_id: int):
    """A clean A4 page to print, laid out like a handwritten verbale; "BOZZA" until approved."""
    minutes = access.get_minutes_or_404(minutes_id)
    return render_template("minutes/print.html", **_page_data(minutes))


@bp.route("/verbali/<int:minutes_id>/versioni-approvate/<int:number>.pdf")
@login_required
def pdf(minutes_id: int, number: int):
    """The stored PDF/A of an approved version, as issued (never regenerated)."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not group_access.can_see_private(current_user, minutes.group):
        abort(404)  # the PDF names the people present
    version = next((v for v in minutes.versions if v.number == number), None) or abort(404)
    name = f"verbale-{minutes.number}-{minutes.year}-v{number}.pdf"
    return Response(
        storage().stream(version.pdf_key), mimetype="application/pdf", direct_passthrough=True,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
                 "Content-Length": str(version.pdf_size)},
    )  # fmt: skip


@bp.route("/verbali/<int:minutes_id>/versioni")
@login_required
def revisions(minutes_id: int):
    """Every saved version, newest first."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not group_access.can_see_private(current_user, minutes.group):
        abort(404)
    return render_template("minutes/revisions.html", minutes=minutes, can_edit=access.can_edit(current_user, minutes),
                           button=EmptyForm())  # fmt: skip


@bp.route("/verbali/<int:minutes_id>/versioni/<int:number>")
@login_required
def revision(minutes_id: int, number: int):
    """One version and what changed from the one before."""
    minutes = access.get_minutes_or_404(minutes_id)
    if not group_access.can_see_private(current_user, minutes.group):
        abort(404)
    rev = next((r for r in minutes.revisions if r.number == number), None) or abort(404)
    before = services.previous_revision(minutes, rev)
    lines = services.diff(before.body, rev.body) if before else []  # a first version: its text is below
    return render_template("minutes/revision.html", minutes=minutes, revision=rev, before=before, lines=lines,
                           can_edit=access.can_edit(current_user, minutes), button=EmptyForm())  # fmt: skip


@bp.route("/gruppi/<slug>/cestino")
@login_required
def trash(slug: str):
    """The group's deleted verbali, to restore."""
    group = group_access.get_group_or_404(slug)
    if not group_access.can_see_private(current_user, group):
        abort(404)
    items = db.session.scalars(
        select(Minutes).where(Minutes.group_id == group.id, Minutes.deleted_at.is_not(None))
        .options(selectinload(Minutes.meeting)).order_by(Minutes.deleted_at.desc())
    ).all()  # fmt: skip
    return render_template("minutes/trash.html", group=group, items=items, button=EmptyForm())


@bp.route("/verbali/cerca")
def search_page():
    """Full-text search over the verbali you may see."""
    form = SearchForm(request.args)
    page = None
    if form.validate():
        ids = search.matching_ids(form.q.data)
        if ids is not None:
            query = (
                select(Minutes).join(Minutes.meeting).where(Minutes.id.in_(ids), Minutes.deleted_at.is_(None))
                .options(selectinload(Minutes.meeting), selectinload(Minutes.group))
                .order_by(Meeting.held_on.desc())
            )  # fmt: skip
            public = (Minutes.status == MinutesStatus.APPROVED) & (Minutes.visibility == Visibility.PUBLIC)
            if not current_user.is_authenticated:
                query = query.where(public)
            elif not current_user.is_coordinator:
                mine = select(GroupMembership.group_id).where(GroupMembership.user_id == current_user.id)
                query = query.where(or_(public, Minutes.group_id.in_(mine)))
            page = db.paginate(query, per_page=20)
    return render_template("minutes/search.html", form=form, page=page)
