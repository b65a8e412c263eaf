"""version columns for towns, zones, accounts and pacts (issue 27)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:00:00

Towns, zones, user accounts and Patti Gener-Attivi get the integer `version` the other
editable rows carry (app/platform/versioning.py): a save from a form opened at an older
version is a conflict (409), not a lost update (a stale account form giving back a removed
role). Existing rows start at 1.

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLES = ("towns", "zones", "users", "pacts")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop these tables, which
    # other rows point to, and SQLite's foreign keys refuse that.
    for table in reversed(TABLES):
        op.drop_column(table, "version")
