"""mail suppressions: addresses that asked, in one click, for no more mail

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 22:10:00

Every message that is not essential (account, password) carries a List-Unsubscribe link
(RFC 8058) for its address; following it records the address here, and enqueue then skips
all but essential messages to it (issue 27). Downgrade drops the table: the addresses would
get mail again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_suppressions",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_mail_suppressions")),
    )


def downgrade():
    op.drop_table("mail_suppressions")
