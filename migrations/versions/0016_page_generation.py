"""page generation: one counter that every commit changing data raises (the public pages' cache)

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-26 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_generation")),
    )
    op.execute("INSERT INTO page_generation (id, value) VALUES (1, 0)")


def downgrade():
    op.drop_table("page_generation")
