"""The public home page: the resident's town first (remembered in a cookie, no account), bounded."""

from datetime import timedelta
from typing import NamedTuple

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.agenda import listing
from app.agenda.services import Filters, town_by_slug
from app.common.forms import EmptyForm
from app.common.timeutil import today_in_rome
from app.home import bp
from app.platform.extensions import db
from app.platform.page_cache import keep_not, kept_for_generation, public_page
from app.towns.models import Town

HOME_DAYS = 7
TODAY_ITEMS = 12  # each section shows at most this many; the calendar has the rest
LATER_ITEMS = 12
ELSEWHERE_ITEMS = 6
COOKIE = "legami_comune"
COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _chosen_town() -> tuple[Town | None, bool]:
    """The town in the address (?comune=), else the remembered one; and whether it is remembered."""
    remembered = request.cookies.get(COOKIE, "")
    slug = request.args.get("comune") or remembered
    town = town_by_slug(slug[:120]) if slug else None
    if request.args.get("comune") and town is None:
        keep_not()  # a made-up town in the address: shown as no town, not kept once per spelling
    return town, town is not None and town.slug == remembered


class TownRow(NamedTuple):
    id: int
    slug: str
    name: str
    district: str | None
    zones: tuple[str, ...]


def _towns() -> tuple[TownRow, ...]:
    """Every town with its zones' names, in order: the same on every home page until the data changes."""
    towns = db.session.scalars(select(Town).options(selectinload(Town.zones)).order_by(Town.name))
    return tuple(TownRow(t.id, t.slug, t.name, t.district, tuple(z.name for z in t.zones)) for t in towns)


@bp.route("/")
@public_page(cookies=(COOKIE,), args=("comune",))
def index():
    """What is on today and this week (the chosen town first), and the towns Legami covers."""
    towns = kept_for_generation("home towns", (), _towns)
    town, remembered = _chosen_town()
    first = today_in_rome()
    last = first + timedelta(days=HOME_DAYS - 1)
    where = Filters(town_id=town.id if town else None)
    today, later = listing.first_and_after(where, first, last, TODAY_ITEMS, LATER_ITEMS)
    elsewhere = []
    if town is not None:
        elsewhere = listing.upcoming(Filters(), first, last, ELSEWHERE_ITEMS, other_than_town=town.id)
    return render_template(
        "home/index.html", towns=towns, town=town, remembered=remembered,
        town_choices=tuple((t.slug, t.name) for t in towns),
        form=EmptyForm() if town else None,  # a CSRF token (and a session cookie) only when needed
        today=today, later=later,
        elsewhere=elsewhere, day_url=url_for("agenda.calendar", vista="giorno", comune=town.slug if town else None),
        week_url=url_for("agenda.calendar", comune=town.slug if town else None),
        limits={"today": TODAY_ITEMS, "later": LATER_ITEMS},
        # Once per district, not once per town (a translation in a loop costs as much as its row).
        district_labels={d: _("distretto di %(d)s", d=d) for d in {t.district for t in towns if t.district}},
    )  # fmt: skip


@bp.route("/comune-preferito", methods=["POST"])
def remember_town():
    """Remember the resident's town on this device (a cookie: no account, nothing stored on our side)."""
    form = EmptyForm()
    town = town_by_slug(request.form.get("comune", "")[:120])
    if not form.validate_on_submit() or town is None:
        flash(_("Scegli un Comune dall'elenco."), "danger")
        return redirect(url_for("home.index"))
    response = redirect(url_for("home.index"))
    response.set_cookie(
        COOKIE, town.slug, max_age=COOKIE_AGE, httponly=True, samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )  # fmt: skip
    flash(_("Da ora la pagina iniziale mostra prima %(town)s.", town=town.name), "success")
    return response


@bp.route("/comune-preferito/dimentica", methods=["POST"])
def forget_town():
    form = EmptyForm()
    response = redirect(url_for("home.index"))
    if form.validate_on_submit():
        response.delete_cookie(COOKIE, samesite="Lax")
        flash(_("La pagina iniziale non ricorda più il tuo Comune."), "success")
    return response
