"""Public pages rendered once per change of the data, kept in each worker.

A public page (home, calendar, a center, an activity, a lab, a group, a
public verbale) reads the same for every visitor who is not signed in, on the
same day, with the same address and the same remembered town. Such a page is
kept in this process's memory under a key made of those (scheme included: an absolute
link in a page read over http must not reach a visitor over https) and of the data's
*generation*: a counter in the database that every commit changing data
raises by one, in the same transaction as the change. So a kept page is never
older than the data: the first request after a change renders it again.

- Only GET and HEAD from someone not signed in, with no message waiting to be
  shown (a flash), and only a 200 text/html answer that set no cookie of its
  own, are kept.
- A page's forms carry a CSRF token tied to the visitor's session: the token
  is stored as a placeholder and every visitor gets their own.
- Writes to tables no public page shows (audit log, messages, feed caches, a
  pact's read log...) do not count as a change, nor do writes to an account's
  columns that no public page reads: a login, a logout of every session, a new
  password (`QUIET_COLUMNS`). Staff signing in on a weekday morning leave the
  visitors' pages kept.
- The generation is read once per request, before the page's own queries (so
  a page is never kept under a newer generation than its data); with
  `PAGE_GENERATION_SECONDS` above zero (1 in production) a worker trusts the
  value it read for that long: a kept page then costs no query at all (0.4 ms
  of CPU instead of 1.5 on PostgreSQL), and a change made in another worker
  shows within that second (one made in this worker, at once).
- A page kept for the person signed in (`personal_page`) is keyed by the login their session
  carries; a worker that found that login good (an active account, the token of its current
  sessions) trusts it for the same `PAGE_GENERATION_SECONDS`, so the page again costs no query.
  Any write to the accounts in this worker forgets what it trusted; a logout of every session or
  an account closed in another worker is read within that second, as a change of data is.
- The key holds the page's path and only the query arguments the page reads, in a canonical
  form (`public_page(args=...)`): an unknown argument, the same filters in another order or
  spelling, a page number written "01", all share one entry; made-up query strings cannot
  fill the memory with copies of one page.
- The memory is bounded (`PAGE_CACHE_BYTES` per worker, least recently used pages go
  first), counting each entry's body, headers and key and a fixed allowance for the
  objects that hold them; 0 turns the cache off.
- Pages whose keys visitors make up by typing (the search's words: `public_page(segment=...)`)
  are kept in a part of their own with its own, smaller bound (`PAGE_CACHE_SEARCH_BYTES` per
  worker, 16 MiB by default; 0 keeps none of them): 20,000 different words only push one another
  out, never the home or the calendar.
- Such a page shares one entry among the spellings that find the same things («Teatro,
  ragazzi» and «ragazzi teatro»), yet each visitor reads what they typed: the view prints
  `echoed(text)` where the typed text goes, the kept page holds a mark there, and every answer
  gets its own visitor's text in its place, escaped as the page would have (`public_page(echo=...)`).
"""

import threading
import time
from functools import wraps
from itertools import chain

from cachetools import LRUCache
from flask import Flask, Response, current_app, g, make_response, message_flashed, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from sqlalchemy import DDL, BigInteger, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.common.timeutil import today_in_rome
from app.platform.database import app_session
from app.platform.extensions import db

EXTENSION = "legami_page_cache"
STALE = "legami_pages_stale"
RAISED = "legami_pages_raised"
ACCOUNTS_WRITTEN = "legami_pages_accounts_written"
FLASHED = "legami_page_flashed"
NOT_KEPT = "legami_page_not_kept"
ECHO = "legami_page_echo"
# Stands for the visitor's CSRF token in a kept page (if someone typed it into a title, the worst
# is that they read their own token there).
TOKEN_MARK = b"legami-csrf-placeholder-4b1d"
# Stands for the text the visitor typed (`echoed`): letters and dashes only, so escaping leaves it whole.
ECHO_MARK = "legami-typed-text-placeholder-9e3a"
# The parts with a bound of their own (`public_page(segment=...)`) and the setting giving it.
SEGMENTS = {"search": "PAGE_CACHE_SEARCH_BYTES"}
# Entries of kept_for_generation per worker: a few per generation (a filter's choices per town).
KEPT_DATA = 256
MISSING = object()
# What an entry costs beyond its bytes: the key's tuple and strings, the headers' tuples, the
# LRU's bookkeeping (measured at about 1.5 KiB a page with ten headers; rounded up).
ENTRY_OVERHEAD = 2048
# Writes here never change what a visitor who is not signed in reads.
QUIET_TABLES = frozenset(
    {
        "page_generation", "audit_entries", "messages", "message_preferences", "follows",
        "feed_cache", "event_fragments", "activity_day_totals", "personal_feed_tokens", "password_resets", "pact_reads",
        "scheduled_runs",
    }
)  # fmt: skip
# Where a session's login is checked (a login already checked, trusted for a second, is not again).
ACCOUNTS_TABLE = "users"
# Columns of the accounts whose writes leave every login as good as it was.
LOGIN_QUIET_COLUMNS = frozenset({"last_login_at"})
# Logins trusted at once by one worker, at most (past it, the oldest trust is dropped).
TRUSTED_LOGINS = 10_000
# Columns of a shown table that no public page reads: writing only these is not a change.
QUIET_COLUMNS = {"users": frozenset({"last_login_at", "session_token", "password_hash", "version"})}


class PageGeneration(db.Model):
    """One row: how many commits have changed data since the database was made."""

    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


event.listen(
    PageGeneration.__table__, "after_create", DDL("INSERT INTO page_generation (id, value) VALUES (1, 0)")
)


def _lru(max_bytes: int) -> LRUCache:
    return LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda page: page[2])


class PageCache:
    def __init__(self, max_bytes: int, generation_seconds: float, segments: dict[str, int] | None = None):
        """`segments`: the bytes of each part with a bound of its own (0: none of its pages is kept)."""
        self._lock = threading.Lock()
        self._pages: LRUCache = _lru(max_bytes)
        self._segments = {name: _lru(size) for name, size in (segments or {}).items() if size > 0}
        self._seconds = generation_seconds
        self._generation: tuple[int, float] | None = None
        self._forgotten = 0  # raised by each forget: a read that began before it is not trusted
        self._logins: dict[str, float] = {}  # a session's login -> when it was last found good
        self._logins_forgotten = 0
        self._data: LRUCache = LRUCache(maxsize=KEPT_DATA)  # kept_for_generation's

    def generation(self) -> int | None:
        with self._lock:
            known, epoch = self._generation, self._forgotten
        started = time.monotonic()  # trusted from before the query, not from after it
        if known is not None and started - known[1] < self._seconds:
            return known[0]
        value = db.session.scalar(select(PageGeneration.value).where(PageGeneration.id == 1))
        if value is not None and self._seconds > 0:
            with self._lock:
                if self._forgotten == epoch:
                    self._generation = (value, started)
        return value

    def forget_generation(self) -> None:
        with self._lock:
            self._generation = None
            self._forgotten += 1

    def trusts(self, login: str) -> bool:
        """Whether this worker found the login good less than the trusted seconds ago."""
        with self._lock:
            checked = self._logins.get(login)
        return checked is not None and time.monotonic() - checked < self._seconds

    def trust(self, login: str, checked: float, epoch: int) -> None:
        """Remember that the login was found good by a check begun at `checked` (monotonic) when
        `forget_logins` had run `epoch` times (a check begun before a forget is not remembered)."""
        if self._seconds <= 0:
            return
        with self._lock:
            if self._logins_forgotten != epoch:
                return
            self._logins.pop(login, None)
            self._logins[login] = checked
            if len(self._logins) > TRUSTED_LOGINS:
                del self._logins[next(iter(self._logins))]

    def logins_epoch(self) -> int:
        with self._lock:
            return self._logins_forgotten

    def forget_logins(self) -> None:
        with self._lock:
            self._logins.clear()
            self._logins_forgotten += 1

    def data(self, key: tuple, build):
        """What `build()` gives, kept under `key` (which holds the generation): see kept_for_generation."""
        with self._lock:
            found = self._data.get(key, MISSING)
        if found is MISSING:
            found = build()
            with self._lock:
                self._data[key] = found
        return found

    def forget_data(self) -> None:
        with self._lock:
            self._data.clear()

    def _part(self, segment: str | None) -> LRUCache | None:
        """The pages of a segment (None: a segment turned off), or the main part's."""
        return self._pages if segment is None else self._segments.get(segment)

    def keeps(self, segment: str | None) -> bool:
        return self._part(segment) is not None

    def get(self, key: tuple, segment: str | None = None) -> tuple[bytes, list] | None:
        part = self._part(segment)
        if part is None:
            return None
        with self._lock:
            kept = part.get(key)
        return kept[:2] if kept is not None else None

    def put(self, key: tuple, page: tuple[bytes, list], segment: str | None = None) -> None:
        part = self._part(segment)
        body, headers = page
        cost = entry_cost(key, body, headers)
        if part is None or cost > part.maxsize:
            return
        with self._lock:
            part[key] = (body, headers, cost)

    def size(self, segment: str | None = None) -> tuple[int, int]:
        """(entries, bytes counted against the bound) of the main part or of a segment."""
        part = self._part(segment)
        if part is None:
            return 0, 0
        with self._lock:
            return len(part), part.currsize


def entry_cost(key: tuple, body: bytes, headers: list) -> int:
    """The bytes an entry is counted for: body, headers and key, and the objects holding them."""
    return (
        len(body)
        + sum(len(name) + len(value) for name, value in headers)
        + sum(len(str(part)) for part in key)
        + ENTRY_OVERHEAD
    )


def init_app(app: Flask) -> None:
    """After every feature's blueprint: the generation's hook runs after theirs (see below)."""
    app.extensions[EXTENSION] = PageCache(
        app.config["PAGE_CACHE_BYTES"], app.config["PAGE_GENERATION_SECONDS"],
        {name: app.config[setting] for name, setting in SEGMENTS.items()},
    )  # fmt: skip
    message_flashed.connect(_note_flash, app)
    for name, hook in (
        ("after_flush", _note_flush), ("do_orm_execute", _note_statement), ("before_commit", _raise_generation),
        ("after_commit", _forget_generation), ("after_soft_rollback", _forget_stale),
    ):  # fmt: skip
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def _cache() -> PageCache:
    return current_app.extensions[EXTENSION]


# --- the pages -----------------------------------------------------------------


def public_page(*, cookies: tuple[str, ...] = (), args=(), segment=None, echo=None):
    """Keep this view's page for visitors who are not signed in; `cookies`: those the page reads;
    `args`: the query arguments it reads, as names (their values are the key's) or as a function
    of `request.args` giving them in a canonical form, with no query (any other argument is not
    part of the key: the page reads the same with it or without it).

    `segment`: the part of the cache (SEGMENTS) holding pages whose keys visitors make up, or a
    function of `request.args` naming it (None: the main part). `echo`: a function of
    `request.args` giving the text the visitor typed, which the page prints with `echoed` and
    which is not part of the key (only its canonical form, in `args`)."""
    return _kept_page(
        may_use=lambda: not current_user.is_authenticated,
        reader=lambda: tuple(request.cookies.get(name, "") for name in cookies),
        args=args, segment=segment, echo=echo,
    )  # fmt: skip


def personal_page(*, args=()):
    """Keep this view's page for the person signed in who reads it (their login is in the key), until
    the data changes, like a public page. Only for a page that shows data and today's date alone,
    whose access rules are data too (roles, staff lists: a change raises the generation, so a kept
    page never outlives the right to read it), and that records nothing when read: never a page
    whose reads are logged (a pact, a voucher application). `args` as for `public_page`.

    Put it above `login_required`: a kept page is served to a login this worker found good within
    the trusted seconds without loading the account again; any other is checked first (the
    account loaded, as `login_required` does), and a visitor gets the view (sent to sign in).
    Flask-Login's session protection is "basic" (app/__init__.py): it never refuses a session, so
    a trusted login skips nothing it would do (with "strong", every login is checked again)."""
    return _kept_page(
        may_use=lambda: bool(_claimed_login()), reader=lambda: ("person", _claimed_login()), args=args,
        check=_check_login, headers={"Cache-Control": "no-store, private"},  # app/platform/security.py's
    )  # fmt: skip


def _claimed_login() -> str | None:
    """The login the session carries (Flask-Login's id: the account and its sessions' token), unchecked."""
    return session.get("_user_id")


def _check_login() -> bool:
    """Whether the session's login is good: trusted if this worker found it so within the trusted
    seconds, else checked by loading the account (and then trusted from before the check)."""
    cache, claimed = _cache(), _claimed_login()
    if cache.trusts(claimed) and current_app.login_manager.session_protection != "strong":
        return True
    checked, epoch = time.monotonic(), cache.logins_epoch()
    if current_user.is_authenticated and current_user.get_id() == claimed:
        cache.trust(claimed, checked, epoch)
        return True
    return False


def _kept_page(*, may_use, reader, args, segment=None, echo=None, check=None, headers=None):
    """`check`: whether the page may be served to this request, asked once its key is known (None:
    always); `headers`: set on every answer, as it is kept and as it is served."""

    def decorate(view):
        @wraps(view)
        def wrapper(*view_args, **kwargs):
            if not (_may_use_cache() and may_use()):
                return view(*view_args, **kwargs)
            part = segment(request.args) if callable(segment) else segment
            generation = _cache().generation() if _cache().keeps(part) else None
            if generation is None:  # a database without the counter, a part turned off: nothing is kept
                return view(*view_args, **kwargs)
            key = (  # the scheme too: a page may carry absolute links (url_for(_external=True))
                request.scheme, request.host, request.path, _read_args(args), today_in_rome(), generation,
                *reader(),
            )  # fmt: skip
            if check is not None and not check():
                return view(*view_args, **kwargs)
            typed = echo(request.args) if echo else ""
            kept = _cache().get(key, part)
            if kept is not None:
                return _from_kept(*kept, typed)
            if typed:
                g.setdefault(ECHO, typed)
            response = make_response(view(*view_args, **kwargs))
            if headers and response.status_code == 200:
                response.headers.update(headers)
            if _may_keep(response):
                _cache().put(key, _to_keep(response), part)
            if typed:
                _put_back(response, typed)
            return response

        return wrapper

    return decorate


def kept_for_generation(name: str, key: tuple, build):
    """What `build()` gives (plain values, never ORM objects), built once per generation of the data
    in this worker: data that changes only with public data, read by many pages (the calendar's
    filters list every town and center). As fresh as a kept page: a change in this worker shows at
    once, in another within the trusted second. Built again every time within a request that has
    written anything (flushed or not: a query would flush it into what is read) or with no counter."""
    session = db.session()
    written = session.info.get(STALE) or session.new or session.dirty or session.deleted
    generation = None if written else _cache().generation()
    if generation is None:
        return build()
    return _cache().data((name, key, generation), build)


def _read_args(args) -> tuple:
    if callable(args):
        return args(request.args)
    return tuple(request.args.get(name, "") for name in args)


def page_number(args) -> tuple:
    """The key of a page paginated with `db.paginate` (it reads `page`, as a number, and nothing else;
    "01" is page 1). A `page` that is not a number gets a key of its own, as db.paginate answers it
    with a 404 (never kept), not with page 1."""
    try:
        return (int(args.get("page", 1)),)
    except ValueError:
        return ("not a number",)


def echoed(text: str) -> str:
    """What a page kept with `public_page(echo=...)` prints where the visitor's own `text` goes
    (as it is, escaped by the template): a mark in a page that may be kept, which every answer
    replaces with its own visitor's text; the text itself in a page that is not kept."""
    return ECHO_MARK if text and g.get(ECHO) == text else text


def _typed_back(body: bytes, typed: str) -> bytes:
    """This visitor's text where the page printed the mark (`echoed`), escaped as the template would."""
    return body.replace(ECHO_MARK.encode(), str(escape(typed)).encode())


def _put_back(response: Response, typed: str) -> None:
    if not response.is_streamed:
        response.set_data(_typed_back(response.get_data(), typed))


def keep_not() -> None:
    """This answer reads something that changes with time alone, not with the data (a lab place
    held for a while): serve it, but do not keep it."""
    g.setdefault(NOT_KEPT, True)


def _note_flash(_app, **_extra) -> None:
    g.setdefault(FLASHED, True)


def _may_use_cache() -> bool:
    return (
        current_app.config["PAGE_CACHE_BYTES"] > 0
        and request.method in ("GET", "HEAD")
        and "_flashes" not in session
    )


def _may_keep(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not g.get(FLASHED)  # a message raised by this request, whether shown now or kept for later
        and not g.get(NOT_KEPT)
    )


def _to_keep(response: Response) -> tuple[bytes, list]:
    body = response.get_data()
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token:
        body = body.replace(token.encode(), TOKEN_MARK)
    headers = [(k, v) for k, v in response.headers.items() if k not in ("Content-Length", "Set-Cookie")]
    return body, headers


def _from_kept(body: bytes, headers: list, typed: str = "") -> Response:
    if TOKEN_MARK in body:
        body = body.replace(TOKEN_MARK, generate_csrf().encode())
    if typed:
        body = _typed_back(body, typed)
    return Response(body, 200, headers)


# --- the generation: raised in the transaction of every change ---------------------


def _touches_pages(table_name: str | None, columns: set[str] | None = None) -> bool:
    """Whether writing `columns` of the table (None: a whole row) can change a public page."""
    if table_name in QUIET_TABLES:
        return False
    quiet = QUIET_COLUMNS.get(table_name)
    return not (quiet and columns is not None and columns <= quiet)


def _touches_logins(table_name: str | None, columns: set[str] | None = None) -> bool:
    """Whether the write may make a login that was good bad (an account closed, its sessions'
    token changed, the account gone): any write to the accounts but the time of the last login."""
    return table_name == ACCOUNTS_TABLE and not (columns is not None and columns <= LOGIN_QUIET_COLUMNS)


def _changed_columns(obj) -> set[str]:
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _note_flush(session: Session, _context) -> None:
    rows = chain(
        ((obj, None) for obj in chain(session.new, session.deleted)),
        ((obj, _changed_columns(obj)) for obj in session.dirty if obj not in session.deleted),
    )
    for obj in chain(session.new, session.deleted, session.dirty):
        if getattr(obj, "__tablename__", None) == ACCOUNTS_TABLE:
            whole = obj in session.new or obj in session.deleted
            if _touches_logins(ACCOUNTS_TABLE, None if whole else _changed_columns(obj)):
                session.info[ACCOUNTS_WRITTEN] = True
                break
    for obj, columns in rows:
        if _touches_pages(getattr(obj, "__tablename__", None), columns):
            session.info[STALE] = True
            return


def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        # An UPDATE's SET clause (SQLAlchemy keeps it in `_values`, keyed by column or name).
        values = getattr(state.statement, "_values", None) if state.is_update else None
        columns = {getattr(key, "key", key) for key in values} if values else None
        if _touches_logins(getattr(table, "name", None), columns):
            state.session.info[ACCOUNTS_WRITTEN] = True
        if _touches_pages(getattr(table, "name", None), columns):
            state.session.info[STALE] = True


def _raise_generation(session: Session) -> None:
    """Listened to after the stored occurrences' hook (init_app runs after the blueprints), so the
    counter's row lock is the transaction's last: two writers never wait on each other through it."""
    if session is not app_session() or session.in_nested_transaction():
        return  # a savepoint's release: the outer commit raises it, once, as its last lock
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.pop(STALE, False):
        session.execute(
            update(PageGeneration).where(PageGeneration.id == 1).values(value=PageGeneration.value + 1)
        )
        session.info[RAISED] = True


def _forget_generation(session: Session) -> None:
    if session.in_nested_transaction():
        return
    cache = current_app.extensions.get(EXTENSION) if current_app else None
    if session.info.pop(RAISED, False) and cache:
        cache.forget_generation()
    if session.info.pop(ACCOUNTS_WRITTEN, False) and cache:
        cache.forget_logins()


def _forget_stale(session: Session, _previous) -> None:
    if session.in_nested_transaction():  # a savepoint rolled back: the outer changes still count
        return
    session.info.pop(STALE, None)
    session.info.pop(RAISED, None)
    session.info.pop(ACCOUNTS_WRITTEN, None)
