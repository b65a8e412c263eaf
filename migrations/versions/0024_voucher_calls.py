"""voucher calls: calls (bandi), applications with their household and protocol numbers, the
ranking's fields, vouchers and the ledger of their movements, coordinators' reads (issue 24)

Revision ID: 0024
Revises: 0025
Create Date: 2026-12-07 01:03:33

voucher_movements.order_id is a plain integer without a foreign key: orders are built beside
this migration and the key is added when vouchers are connected to them.
Downgrade drops the tables (calls, applications, vouchers and their ledger are lost).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "voucher_protocol_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_voucher_protocol_counters")),
    )
    op.create_table(
        "voucher_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("budget_cents", sa.Integer(), nullable=False),
        sa.Column("voucher_cents", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("min_weekly_hours", sa.Integer(), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("points_per_member", sa.Integer(), nullable=False),
        sa.Column("points_per_care_need", sa.Integer(), nullable=False),
        sa.Column("isee_bands", sa.JSON(), nullable=False),
        sa.Column("incompatibilities", sa.JSON(), nullable=False),
        sa.Column("ranked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_voucher_calls_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_calls")),
    )
    op.create_table(
        "voucher_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("fiscal_code", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("employment", sa.String(length=16), nullable=False),
        sa.Column("weekly_hours", sa.Integer(), nullable=True),
        sa.Column("employer", sa.String(length=160), nullable=False),
        sa.Column("fund", sa.String(length=24), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("town_link", sa.String(length=16), nullable=False),
        sa.Column("isee_cents", sa.Integer(), nullable=False),
        sa.Column("isee_issued_on", sa.Date(), nullable=False),
        sa.Column("declarations", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["voucher_calls.id"],
            name=op.f("fk_voucher_applications_call_id_voucher_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_voucher_applications_town_id_towns"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_voucher_applications_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_voucher_applications_number")),
        sa.UniqueConstraint("year", "seq", name="uq_voucher_applications_year_seq"),
    )
    with op.batch_alter_table("voucher_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_applications_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voucher_applications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "voucher_call_towns",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["voucher_calls.id"],
            name=op.f("fk_voucher_call_towns_call_id_voucher_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_voucher_call_towns_town_id_towns"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("call_id", "town_id", name=op.f("pk_voucher_call_towns")),
    )
    op.create_table(
        "voucher_application_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["voucher_applications.id"],
            name=op.f("fk_voucher_application_reads_application_id_voucher_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_voucher_application_reads_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_application_reads")),
    )
    with op.batch_alter_table("voucher_application_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_application_reads_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "voucher_household_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_code", sa.String(length=16), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("care_needs", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["voucher_applications.id"],
            name=op.f("fk_voucher_household_members_application_id_voucher_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["voucher_calls.id"],
            name=op.f("fk_voucher_household_members_call_id_voucher_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_household_members")),
    )
    with op.batch_alter_table("voucher_household_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_household_members_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            "ix_voucher_household_members_call_code", ["call_id", "fiscal_code"], unique=False
        )

    op.create_table(
        "vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("value_cents", sa.Integer(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["voucher_applications.id"],
            name=op.f("fk_vouchers_application_id_voucher_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["voucher_calls.id"],
            name=op.f("fk_vouchers_call_id_voucher_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("application_id", name=op.f("uq_vouchers_application_id")),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vouchers_call_id"), ["call_id"], unique=False)

    op.create_table(
        "voucher_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["vouchers.id"],
            name=op.f("fk_voucher_movements_voucher_id_vouchers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_movements")),
    )
    with op.batch_alter_table("voucher_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_movements_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voucher_movements_voucher_id"), ["voucher_id"], unique=False)


def downgrade():
    with op.batch_alter_table("voucher_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_movements_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_voucher_movements_order_id"))

    op.drop_table("voucher_movements")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vouchers_call_id"))

    op.drop_table("vouchers")
    with op.batch_alter_table("voucher_household_members", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_household_members_call_code")
        batch_op.drop_index(batch_op.f("ix_voucher_household_members_application_id"))

    op.drop_table("voucher_household_members")
    with op.batch_alter_table("voucher_application_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_application_reads_application_id"))

    op.drop_table("voucher_application_reads")
    op.drop_table("voucher_call_towns")
    with op.batch_alter_table("voucher_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_applications_user_id"))
        batch_op.drop_index(batch_op.f("ix_voucher_applications_call_id"))

    op.drop_table("voucher_applications")
    op.drop_table("voucher_calls")
    op.drop_table("voucher_protocol_counters")
