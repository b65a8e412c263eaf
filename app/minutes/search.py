"""Full-text search over verbali, one interface over each database's own engine.

The DDL below is the single source for the search index: db.create_all() runs it
through the event listeners, and the Alembic migration should run the same
statements (SQLITE_DDL / POSTGRES_DDL, and their DROP lists on downgrade).
SQLite: an FTS5 external-content table kept in step by triggers.
PostgreSQL: a GIN index on to_tsvector('italian', search_document).
"""

import re

from sqlalchemy import DDL, event, select, text

from app.minutes.models import Minutes
from app.platform.extensions import db

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS minutes_fts USING fts5(search_document, content='minutes', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS minutes_fts_ai AFTER INSERT ON minutes BEGIN "
    "INSERT INTO minutes_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS minutes_fts_ad AFTER DELETE ON minutes BEGIN "
    "INSERT INTO minutes_fts(minutes_fts, rowid, search_document) VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS minutes_fts_au AFTER UPDATE ON minutes BEGIN "
    "INSERT INTO minutes_fts(minutes_fts, rowid, search_document) VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO minutes_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS minutes_fts"]
POSTGRES_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_minutes_search_document_fts ON minutes "
    "USING gin (to_tsvector('italian', search_document))",
]

for statement in SQLITE_DDL:
    event.listen(Minutes.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in SQLITE_DROP:
    event.listen(Minutes.__table__, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_DDL:
    event.listen(Minutes.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))

WORD = re.compile(r"\w+", re.UNICODE)


def document(title: str, body: str, agenda: str) -> str:
    return "\n".join((title, agenda, body))


def matching_ids(query: str):
    """A SELECT of the ids of the verbali matching every word of query; None if no words."""
    words = WORD.findall(query)[:12]
    if not words:
        return None
    if db.engine.dialect.name == "sqlite":
        # Each word quoted, so FTS5 operators typed by users are plain text; prefix match.
        match = " ".join(f'"{w}"*' for w in words)
        return (
            select(text("rowid"))
            .select_from(text("minutes_fts"))
            .where(text("minutes_fts MATCH :match").bindparams(match=match))
        )
    if db.engine.dialect.name == "postgresql":
        return select(Minutes.id).where(
            text(
                "to_tsvector('italian', minutes.search_document) @@ plainto_tsquery('italian', :q)"
            ).bindparams(q=" ".join(words))
        )
    # Other databases: a plain substring search, slow but correct.
    condition = [Minutes.search_document.ilike(f"%{w}%") for w in words]
    return select(Minutes.id).where(*condition)
