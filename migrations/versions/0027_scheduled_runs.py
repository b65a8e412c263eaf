"""scheduled runs: each scheduled job claims its hour or day once, across job consumers

Revision ID: 0027
Revises: 0028
Create Date: 2026-12-07 01:10:00

Several machines may run the job consumer (Huey on Redis); each one's clock enqueues the hourly
and nightly jobs. A job first inserts (job, slot): the primary key lets one claim commit, and
the others skip the run (app/platform/schedule.py). Downgrade drops the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduled_runs",
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ran_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("job", "slot"),
    )


def downgrade():
    op.drop_table("scheduled_runs")
