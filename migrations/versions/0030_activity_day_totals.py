"""activity day totals: the dashboard's activity dates held and their length, per day and town

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 01:45:00

The coordinators' dashboard counted every stored occurrence of its period (about 100,000
for a year of the district): its time grew with the district. The store now keeps, in the
same transaction as the occurrences, one row per day and town with the public activity
dates held there and their seconds (app/agenda/store.py); the dashboard reads past days
from it. Upgrade fills it from the stored occurrences; downgrade drops it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_day_totals",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("town_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "town_id", name=op.f("pk_activity_day_totals")),
    )
    if op.get_bind().dialect.name == "postgresql":
        seconds = "CAST(EXTRACT(EPOCH FROM o.ends_at - o.starts_at) AS BIGINT)"
    else:
        seconds = "CAST(ROUND((julianday(o.ends_at) - julianday(o.starts_at)) * 86400) AS INTEGER)"
    fill = (
        "INSERT INTO activity_day_totals (day, town_id, held, seconds, headcount, counted) "
        "SELECT o.day, o.town_id, COUNT(*), SUM(%s), COALESCE(SUM(h.headcount), 0), COUNT(h.headcount) "
        "FROM occurrences o LEFT JOIN activity_headcounts h "
        "ON h.activity_id = o.activity_id AND h.original_on = o.original_on "
        "WHERE o.activity_id IS NOT NULL AND o.is_public AND o.status IN ('regular', 'moved-to') "
        "GROUP BY o.day, o.town_id"
    )
    op.execute(fill % seconds)  # one of the two fixed expressions above


def downgrade():
    op.drop_table("activity_day_totals")
