"""meeting responses: a member answers a convocazione (sì, no, forse) with a short note

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:40:00

One row per meeting and member (issue 28): the secretary sees who is expected and the
foreseen quorum; attendance is still recorded apart. Downgrade drops the table and the
answers with it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_responses_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_meeting_responses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_responses")),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_responses_meeting_id_user_id"),
    )
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_responses_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_responses_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_responses_user_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_responses_meeting_id"))
    op.drop_table("meeting_responses")
