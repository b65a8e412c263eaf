"""version columns: every editable row carries the version its edit form was opened at

Revision ID: 0012_version_columns
Revises: 0013
Create Date: 2026-11-26 03:30:00

Civic centers, activities, labs, lab sessions, working groups and meetings get an
integer `version` (SQLAlchemy's version_id_col, app/platform/versioning.py): a save from a
form opened at an older version is a conflict, not a lost update. Existing rows
start at 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_version_columns"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLES = ("civic_centers", "activities", "labs", "lab_sessions", "working_groups", "meetings")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
