"""meeting attachments: an allegato belongs to a meeting, and to its verbale once written

Revision ID: 0013
Revises: 0006
Create Date: 2026-11-26 03:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("minutes_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE minutes_attachments SET meeting_id = "
        "(SELECT minutes.meeting_id FROM minutes WHERE minutes.id = minutes_attachments.minutes_id)"
    )
    with op.batch_alter_table("minutes_attachments", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("minutes_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_minutes_attachments_meeting_id_meetings"), "meetings", ["meeting_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_minutes_attachments_meeting_id"), ["meeting_id"], unique=False)


def downgrade():
    op.execute("DELETE FROM minutes_attachments WHERE minutes_id IS NULL")
    with op.batch_alter_table("minutes_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_attachments_meeting_id"))
        batch_op.drop_constraint(batch_op.f("fk_minutes_attachments_meeting_id_meetings"), type_="foreignkey")
        batch_op.alter_column("minutes_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("meeting_id")
