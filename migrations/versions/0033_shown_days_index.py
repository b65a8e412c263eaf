"""shown days index: a calendar day's first rows and its count without the closed ones

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 19:10:00

Every calendar page reads each day's first rows and that day's count (app/agenda/listing.py)
from the public occurrences that are not closed. In December on the district a third of a day's
rows are closed (the schools' holidays): the day index read them and threw them away, for the
rows and for the count. This index holds the rows the pages list, in their order, with the
status for the count (PostgreSQL counts from the index alone); the statements write the statuses
they list, so that a prepared statement's generic plan still proves this index's condition.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

SHOWN_ROWS = "status <> 'closed'"


def upgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_occurrences_shown_day", ["is_public", "day", "starts_at", "title", "id"], unique=False,
            postgresql_include=["status"],
            postgresql_where=sa.text(SHOWN_ROWS), sqlite_where=sa.text(SHOWN_ROWS),
        )  # fmt: skip


def downgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_shown_day")
