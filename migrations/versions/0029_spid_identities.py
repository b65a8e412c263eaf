"""spid identities: the identity a person proved with SPID or CIE, and the consumed SAML ids

Revision ID: 0029
Revises: 0024
Create Date: 2026-12-07 01:40:00

`verified_identities`: one per account and one per codice fiscale (normalised), with the names
and date of birth the identity provider asserted (issue 25). `spid_consumed_ids`: the ids of the
Responses and Assertions already used, until they expire, so that none is used twice.
Downgrade drops both: accounts stay, their digital identities are forgotten.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "verified_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_number", sa.String(length=16), nullable=False),
        sa.Column("given_name", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("provider", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_verified_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verified_identities")),
        sa.UniqueConstraint("fiscal_number", name=op.f("uq_verified_identities_fiscal_number")),
        sa.UniqueConstraint("user_id", name=op.f("uq_verified_identities_user_id")),
    )
    op.create_table(
        "spid_consumed_ids",
        sa.Column("saml_id", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("saml_id", name=op.f("pk_spid_consumed_ids")),
    )
    op.create_index(
        op.f("ix_spid_consumed_ids_expires_at"), "spid_consumed_ids", ["expires_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_spid_consumed_ids_expires_at"), table_name="spid_consumed_ids")
    op.drop_table("spid_consumed_ids")
    op.drop_table("verified_identities")
