"""agenda point attachments: an allegato may go with a point of the ordine del giorno

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-07 01:10:00

minutes_attachments.point_id (nullable): the point the file goes with; the convocazione, the
meeting page, the print view and the PDF/A list it under that point. Removing a point removes
its attachments: the application deletes the rows and their files (app/minutes/attachments.py);
ON DELETE CASCADE only keeps the database consistent if a point goes some other way. Downgrade
drops the column: the files stay attached to their meeting (or verbale).
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("minutes_attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("point_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_minutes_attachments_point_id_agenda_points"), "agenda_points", ["point_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_minutes_attachments_point_id"), ["point_id"], unique=False)


def downgrade():
    with op.batch_alter_table("minutes_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_attachments_point_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_minutes_attachments_point_id_agenda_points"), type_="foreignkey"
        )
        batch_op.drop_column("point_id")
