"""No lost updates: every editable row carries a version, every edit form the version it was opened at.

One mechanism for all of them (civic centers, activities, labs, lab sessions, groups, meetings,
and the verbale, whose version is its revision number):

- the model mixes in `Versioned`: SQLAlchemy's `version_id_col`, so every UPDATE says
  `WHERE version = <the version read>` and bumps it; a writer that lost a race updates no row;
- the form mixes in `VersionForm`: a hidden `version`, the one the form was opened at;
- the view saves inside `saving(obj, form.opened_at())`: it compares the two before any change
  and turns what a lost race raises at flush or commit (StaleDataError, a unique or serialization
  error on PostgreSQL) into `Conflict`, once the row is seen to have moved on;
- `conflict(form, saved_form, obj)` merges what the person typed with what was saved since
  (a field only the other person changed takes their value, one only this person changed keeps
  theirs) and lists what differs; the view answers 409 with its own edit page and `conflict=`,
  and base.html shows the list above the form, which carries the new version.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time

from flask import Flask, render_template
from flask_babel import gettext as _
from sqlalchemy import Integer
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from app.platform.extensions import db

TECHNICAL_FIELDS = frozenset({"CSRFTokenField", "HiddenField", "SubmitField", "FieldList"})


class Versioned:
    """Model mixin: an integer `version`, checked and bumped by every UPDATE of the row."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class VersionForm:
    """Form mixin: the row's version when the form was opened, and a fingerprint of the values
    it showed (a short hash per field), so a conflict can tell who changed what."""

    version = HiddenField()
    opened = HiddenField()

    def opened_at(self) -> int:
        """The version sent with the form; -1 (a conflict) when none was sent."""
        raw = (self.version.raw_data or [""])[0].strip()
        return int(raw) if raw.isdigit() and len(raw) < 12 else -1

    def fingerprint(self) -> str:
        return ".".join(_hash(_shown(field)) for field in _editable(self))

    def opened_value(self) -> str:
        """What the hidden `opened` carries: as received, or the values shown now."""
        base = getattr(self, "_opened_base", None)
        return base or (self.opened.raw_data or [None])[0] or self.fingerprint()


class Conflict(Exception):
    """Someone else saved the row after this form was opened."""


def version_of(obj) -> int:
    mapper = sa_inspect(obj).mapper
    return getattr(obj, mapper.get_property_by_column(mapper.version_id_col).key)


def bump(obj) -> None:
    """Mark obj changed, so its row is updated (and its version raised) even when the save changed
    only rows linked to it (roles, areas, followers), which SQLAlchemy would not count as a change."""
    state = sa_inspect(obj)
    mapper = state.mapper
    skip = {mapper.version_id_col, *mapper.primary_key}
    key = next(a.key for a in mapper.column_attrs if a.columns[0] not in skip and a.key in state.dict)
    flag_modified(obj, key)


@contextmanager
def saving(obj, opened_at: int):
    """Run a save (changes, flush and commit) only if obj is still at opened_at.

    Raises Conflict, with the session rolled back, when obj moved on before or during the save."""
    if opened_at != version_of(obj):
        raise Conflict
    try:
        yield
    except (StaleDataError, DBAPIError):
        db.session.rollback()
        if version_of(obj) == opened_at:
            raise  # not a lost race: a real error
        raise Conflict from None


@dataclass(frozen=True)
class Difference:
    label: str
    saved: str  # what the other person saved
    typed: str  # what this person sent
    kept_mine: bool  # both changed it: the form keeps this person's value; else it now shows the saved one


def _editable(form):
    return [field for field in form if field.type not in TECHNICAL_FIELDS]


def _hash(shown: str) -> str:
    return hashlib.sha256(shown.encode()).hexdigest()[:8]


def _shown(field) -> str:
    data = field.data
    if data is None or data == "" or data == []:
        return "—"
    if getattr(field, "choices", None) is not None:
        labels = {str(value): str(label) for value, label, *_rest in field.iter_choices()}
        values = data if isinstance(data, list | tuple) else [data]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(data, bool):
        return _("Sì") if data else _("No")
    if isinstance(data, date):
        return data.strftime("%d/%m/%Y")
    if isinstance(data, time):
        return data.strftime("%H:%M")
    return str(data).replace("\r\n", "\n").strip() or "—"


def conflict(form, saved_form, obj) -> list[Difference]:
    """Merge what the person typed with what was saved since, and say what differs.

    A field only the other person changed now shows their value; a field only this person
    changed keeps what they typed; a field both changed keeps what they typed and is flagged.
    The form gets the new version, so saving it again succeeds. The view renders its edit page
    (409) with `conflict=` this list: base.html shows it above the form (_conflict.html)."""
    opened = (form.opened.raw_data or [""])[0].split(".")
    rows = []
    for index, field in enumerate(_editable(form)):
        if field.name not in saved_form:
            continue
        saved_field = saved_form[field.name]
        saved, typed = _shown(saved_field), _shown(field)
        if saved == typed:
            continue
        was = opened[index] if index < len(opened) else None
        if was == _hash(saved):
            continue  # only this person changed it
        mine = was != _hash(typed)
        if not mine:
            field.data, field.raw_data = saved_field.data, None
        rows.append(Difference(str(field.label.text), saved, typed, mine))
    form.version.data, form.version.raw_data = str(version_of(obj)), None
    form._opened_base = saved_form.fingerprint()
    return rows


def init_app(app: Flask) -> None:
    """A lost race caught nowhere else (another change to a versioned row): 409, not 500."""

    @app.errorhandler(StaleDataError)
    def stale(_error):
        db.session.rollback()
        return render_template(
            "errors/error.html", code=409, title=_("Modificato da qualcun altro"),
            message=_("Qualcun altro ha cambiato questi dati mentre salvavi: non è stato salvato nulla. "
                      "Torna alla pagina, ricaricala e ripeti la modifica."),
        ), 409  # fmt: skip
