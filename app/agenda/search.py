"""Finding by words: public activities, labs and centers, with the calendar's filters.

Each public activity, lab and center has one row in `search_entries` holding its words (title,
description, place, town, what kind of thing it is). The row is rewritten in the transaction of
any change to what it reads: the unit of work notes what was flushed (`after_flush`) and the
rows are written just before the commit (`before_commit`), as the stored occurrences are
(app/agenda/store.py). A draft, a trashed activity or lab has no row.

PostgreSQL: a GIN index on to_tsvector('italian', document), so «laboratori» finds «laboratorio»
(Italian stemming, each stem matched as a prefix). SQLite: an FTS5 external-content table kept
in step by triggers; a word loses its last vowel and matches as a prefix, a rough stemming
(«laboratori» → «laborator*»).
The DDL below is the single source: db.create_all() runs it, migration 0028 runs a copy.

A search costs a fixed number of queries whatever the data size: one per kind of result (with
its places loaded alongside), each capped at LIMIT rows.
"""

import re
from dataclasses import dataclass, replace
from itertools import chain

from sqlalchemy import DDL, Select, delete, event, insert, select, text
from sqlalchemy.orm import Session, contains_eager, selectinload

from app.agenda.models import SearchEntry
from app.agenda.services import Filters
from app.civic_centers.models import Activity, CivicCenter
from app.labs.models import Lab, LabSession, LabStatus
from app.platform.database import app_session
from app.platform.extensions import db
from app.towns.models import Town

LIMIT = 30  # of each kind; the page says when there are more
MAX_WORDS = 8
PENDING = "legami_search_pending"
ACTIVITY, LAB, CENTER = "activity", "lab", "center"

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(document, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, document) VALUES (new.id, new.document); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, document) VALUES ('delete', old.id, old.document); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, document) VALUES ('delete', old.id, old.document); "
    "INSERT INTO search_fts(rowid, document) VALUES (new.id, new.document); END",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_search_entries_document_fts ON search_entries "
    "USING gin (to_tsvector('italian', document))",
]

for statement in SQLITE_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))

WORD = re.compile(r"\w+", re.UNICODE)
VOWELS = "aeiouàèéìòù"


# --- the words of each thing ---------------------------------------------------------


def _words(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def activity_document(activity: Activity) -> str:
    center = activity.center
    return _words(activity.title, activity.description, activity.category_label, activity.audience_label,
                  center.name, center.address, center.town.name)  # fmt: skip


def lab_document(lab: Lab) -> str:
    return _words(lab.title, lab.description, lab.theme_label, lab.partners, lab.place, lab.town.name)


def center_document(center: CivicCenter) -> str:
    return _words(center.name, center.kind_label, center.description, center.address, center.town.name)


def reindex(activities: set[int], labs: set[int], centers: set[int]) -> None:
    """Rewrite the rows of these things: each public one gets its words, the others none."""
    rows = []
    if activities:
        found = db.session.scalars(
            select(Activity).where(Activity.id.in_(activities))
            .options(selectinload(Activity.center).selectinload(CivicCenter.town))
        )  # fmt: skip
        rows += [(ACTIVITY, a.id, activity_document(a)) for a in found if a.is_public]
    if labs:
        found = db.session.scalars(
            select(Lab).where(Lab.id.in_(labs)).options(selectinload(Lab.town), selectinload(Lab.center))
        )
        rows += [(LAB, lab.id, lab_document(lab)) for lab in found if lab.is_public]
    if centers:
        found = db.session.scalars(
            select(CivicCenter).where(CivicCenter.id.in_(centers)).options(selectinload(CivicCenter.town))
        )
        rows += [(CENTER, c.id, center_document(c)) for c in found]
    for kind, ids in ((ACTIVITY, activities), (LAB, labs), (CENTER, centers)):
        if ids:
            db.session.execute(
                delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id.in_(ids)),
                execution_options={"synchronize_session": False},
            )
    if rows:
        db.session.execute(
            insert(SearchEntry),
            [{"kind": kind, "ref_id": ref, "document": words} for kind, ref, words in rows],
        )


def reindex_all() -> int:
    """Every row again (`flask search rebuild`, after loading data with the hooks off)."""
    activities = set(db.session.scalars(select(Activity.id)))
    labs = set(db.session.scalars(select(Lab.id)))
    centers = set(db.session.scalars(select(CivicCenter.id)))
    db.session.execute(delete(SearchEntry))
    reindex(activities, labs, centers)
    return len(activities) + len(labs) + len(centers)


# --- kept current in the transaction of each change -----------------------------------


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(PENDING, {k: set() for k in ("activities", "labs", "centers", "towns")})


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        kind = {Activity: "activities", Lab: "labs", CivicCenter: "centers", Town: "towns"}.get(type(obj))
        if kind and (obj in session.new or obj in session.deleted or session.is_modified(obj, False)):
            _pending(session)[kind].add(obj.id)


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session is not app_session():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending or not any(pending.values()):
        return
    activities, labs, centers, towns = (pending[k] for k in ("activities", "labs", "centers", "towns"))
    if towns:
        centers |= set(session.scalars(select(CivicCenter.id).where(CivicCenter.town_id.in_(towns))))
        labs |= set(session.scalars(select(Lab.id).where(Lab.town_id.in_(towns))))
    if centers:  # an activity's and a lab's words name their center
        activities |= set(session.scalars(select(Activity.id).where(Activity.center_id.in_(centers))))
        labs |= set(session.scalars(select(Lab.id).where(Lab.center_id.in_(centers))))
    reindex(activities, labs, centers)
    session.info.pop(PENDING, None)  # the rewrite's own flushes note nothing new


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(PENDING, None)


# --- searching ------------------------------------------------------------------------


def words_of(query: str) -> tuple[str, ...]:
    """The words searched for, in a canonical form (lower case, no punctuation, each once, in
    alphabetical order): two queries with the same words find the same things (every word must match), and
    share one kept page (app/agenda/routes_search.py)."""
    return tuple(sorted(set(WORD.findall(query.lower())[:MAX_WORDS])))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word[-1] in VOWELS else word


def _matching(kind: str, words: tuple[str, ...]) -> Select:
    """The ids of one kind of thing whose words hold every word of the query."""
    if db.engine.dialect.name == "postgresql":
        # Each word stemmed, then matched as a prefix (the stemmer cuts «laboratori» shorter than
        # «laboratorio»); words are only letters and digits, so nothing typed is query syntax.
        condition = text("to_tsvector('italian', search_entries.document) @@ to_tsquery('italian', :q)")
        prefixes = " & ".join(f"{w}:*" for w in words)
        # The words first, from the GIN index, then the kind: asked for both at once, PostgreSQL
        # read every entry of a small kind (the centers) by the kind's index and computed each one's
        # tsvector (2.2 ms on the district; 0.7 this way).
        hits = (
            select(SearchEntry.kind, SearchEntry.ref_id)
            .where(condition.bindparams(q=prefixes))
            .cte(f"{kind}_hits")
            .prefix_with("MATERIALIZED")
        )
        return select(hits.c.ref_id).where(hits.c.kind == kind)
    # Each word quoted, so FTS5 operators typed by users are plain text; a prefix match.
    match = " ".join(f'"{_stem(w)}"*' for w in words)
    rows = select(text("rowid")).select_from(text("search_fts")).where(text("search_fts MATCH :match"))
    return select(SearchEntry.ref_id).where(
        SearchEntry.kind == kind, SearchEntry.id.in_(rows.params(match=match))
    )


@dataclass(frozen=True)
class Found:
    activities: list[Activity]
    labs: list[Lab]
    centers: list[CivicCenter]

    @property
    def total(self) -> int:
        return len(self.activities) + len(self.labs) + len(self.centers)

    @property
    def capped(self) -> bool:
        return any(len(kind) > LIMIT for kind in (self.activities, self.labs, self.centers))


def _only_places(filters: Filters) -> bool:
    """Centers have no audience, category, age, price, sign-up or hours: they are found only
    when the filters are about places."""
    return replace(filters, town_id=None, center_id=None) == Filters()


def find(query: str, filters: Filters) -> Found:
    """What matches every word and the filters: at most LIMIT + 1 of each kind, in at most 6 queries."""
    words = words_of(query)
    if not words:
        return Found([], [], [])
    activities = db.session.scalars(
        filters.apply(
            select(Activity).join(Activity.center).join(CivicCenter.town)
            .where(Activity.id.in_(_matching(ACTIVITY, words)))
            .options(contains_eager(Activity.center).contains_eager(CivicCenter.town))
        ).order_by(Activity.title, Activity.id).limit(LIMIT + 1)
    ).all()  # fmt: skip
    labs: list[Lab] = []
    if filters.includes_labs:
        lab_query = select(Lab).where(
            Lab.id.in_(_matching(LAB, words)), Lab.deleted_at.is_(None), Lab.status != LabStatus.DRAFT
        )
        if filters.town_id:
            lab_query = lab_query.where(Lab.town_id == filters.town_id)
        if filters.age is not None or filters.free_only or filters.time_of_day:  # judged on its sessions
            lab_query = lab_query.where(
                Lab.id.in_(filters.apply_sessions(select(LabSession.lab_id).join(LabSession.lab)))
            )
        labs = db.session.scalars(
            lab_query.options(selectinload(Lab.town), selectinload(Lab.center))
            .order_by(Lab.title, Lab.id).limit(LIMIT + 1)
        ).all()  # fmt: skip
    centers: list[CivicCenter] = []
    if _only_places(filters):
        center_query = select(CivicCenter).where(CivicCenter.id.in_(_matching(CENTER, words)))
        if filters.town_id:
            center_query = center_query.where(CivicCenter.town_id == filters.town_id)
        if filters.center_id:
            center_query = center_query.where(CivicCenter.id == filters.center_id)
        centers = db.session.scalars(
            center_query.options(selectinload(CivicCenter.town)).order_by(CivicCenter.name).limit(LIMIT + 1)
        ).all()
    return Found(list(activities), list(labs), list(centers))
