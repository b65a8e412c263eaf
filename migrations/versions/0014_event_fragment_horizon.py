"""event fragments: the days a fragment holds for (the series in or out of the feeds' horizon);
feed bodies stored uncompressed on PostgreSQL

Revision ID: 0014
Revises: 0006
Create Date: 2026-11-26 04:00:00

Fragments are a cache: the old rows are dropped (the next feed request or
`flask feeds warm` rebuilds them), so the new columns need no default.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012_version_columns"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM event_fragments")
    with op.batch_alter_table("event_fragments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("horizon_from", sa.Date(), nullable=False))
        batch_op.add_column(sa.Column("horizon_to", sa.Date(), nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE feed_cache ALTER COLUMN body SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE feed_cache ALTER COLUMN body SET STORAGE EXTENDED")
    op.execute("DELETE FROM event_fragments")  # an empty body would read as a series' events
    with op.batch_alter_table("event_fragments", schema=None) as batch_op:
        batch_op.drop_column("horizon_to")
        batch_op.drop_column("horizon_from")
