"""closed days index: the calendar pages' closed days read from a partial index

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 15:40:00

Every calendar page reads the closed days of the centers it lists (app/agenda/changes.py): a
few stored occurrences in a hundred, grouped by day and center. They were found by scanning
every public occurrence of the dates shown (at Christmas on the district, a month's 17,000 for
its 2,800 closed ones); this index holds the closed ones only, in the order they are grouped, with
the columns the statement reads (PostgreSQL reads it without the table).
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

CLOSED_ROWS = "status = 'closed'"


def upgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_occurrences_closed_day", ["day", "center_id"], unique=False,
            postgresql_include=["is_public", "town_id", "reason", "place", "path"],
            postgresql_where=sa.text(CLOSED_ROWS), sqlite_where=sa.text(CLOSED_ROWS),
        )  # fmt: skip


def downgrade():
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrences_closed_day")
