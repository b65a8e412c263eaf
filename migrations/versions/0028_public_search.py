"""public search: the words of every public activity, lab and center, for /cerca

Revision ID: 0028
Revises: 0030
Create Date: 2026-12-07 01:20:00

One row per public activity, lab and center (`search_entries`), kept current by the app in the
transaction of each change (app/agenda/search.py). PostgreSQL: a GIN index on
to_tsvector('italian', document). SQLite: an FTS5 external-content table kept in step by
triggers. The rows of an existing database are filled here from titles, descriptions, places
and towns (the app adds the Italian labels of categories and audiences at the next change of
each thing, or at once with `flask search rebuild`). Downgrade drops the table and its index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0030"
branch_labels = None
depends_on = None

# The same statements as app/agenda/search.py, copied so that this migration stays as written.
SQLITE_FTS = [
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
POSTGRES_FTS = [
    "CREATE INDEX IF NOT EXISTS ix_search_entries_document_fts ON search_entries "
    "USING gin (to_tsvector('italian', document))",
]
FILL = [
    "INSERT INTO search_entries (kind, ref_id, document) "
    "SELECT 'activity', a.id, a.title || ' ' || a.description || ' ' || c.name || ' ' || c.address "
    "|| ' ' || t.name FROM activities a JOIN civic_centers c ON c.id = a.center_id "
    "JOIN towns t ON t.id = c.town_id WHERE a.deleted_at IS NULL AND a.status <> 'draft'",
    "INSERT INTO search_entries (kind, ref_id, document) "
    "SELECT 'lab', l.id, l.title || ' ' || l.description || ' ' || l.partners || ' ' || l.venue "
    "|| ' ' || COALESCE(c.name, '') || ' ' || t.name FROM labs l JOIN towns t ON t.id = l.town_id "
    "LEFT JOIN civic_centers c ON c.id = l.center_id WHERE l.deleted_at IS NULL AND l.status <> 'draft'",
    "INSERT INTO search_entries (kind, ref_id, document) "
    "SELECT 'center', c.id, c.name || ' ' || c.description || ' ' || c.address || ' ' || t.name "
    "FROM civic_centers c JOIN towns t ON t.id = c.town_id",
]


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_search_entries_kind")),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_FTS, "postgresql": POSTGRES_FTS}.get(dialect, []):
        op.execute(statement)
    for statement in FILL:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entries_document_fts")
    op.drop_table("search_entries")
