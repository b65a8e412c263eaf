"""voucher spending and statements: orders pay with vouchers; providers' monthly statements

Revision ID: 0031
Revises: 0027
Create Date: 2026-12-07 02:10:00

The two keys left open by 0023 and 0024 are added (`conc_orders.voucher_id` → `vouchers`,
`voucher_movements.order_id` → `conc_orders`), and the monthly statements of what vouchers paid
each provider (`conc_statements`, with their frozen lines `conc_statement_lines`).
Downgrade drops the statements and the two keys; the columns stay, as 0023 and 0024 made them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conc_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_orders_voucher_id"), ["voucher_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_conc_orders_voucher_id_vouchers"),
            "vouchers",
            ["voucher_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("voucher_movements", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_voucher_movements_order_id_conc_orders"), "conc_orders", ["order_id"], ["id"],
            ondelete="RESTRICT",
        )  # fmt: skip
    op.create_table(
        "conc_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_conc_statements_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["conc_providers.id"],
            name=op.f("fk_conc_statements_provider_id_conc_providers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_statements")),
        sa.UniqueConstraint("provider_id", "month", name="uq_conc_statements_provider_month"),
    )
    op.create_table(
        "conc_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_title", sa.String(length=160), nullable=False),
        sa.Column("voucher_number", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("voucher_cents", sa.Integer(), nullable=False),
        sa.Column("family_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["conc_orders.id"],
            name=op.f("fk_conc_statement_lines_order_id_conc_orders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["conc_statements.id"],
            name=op.f("fk_conc_statement_lines_statement_id_conc_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conc_statement_lines_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_statement_lines")),
        sa.UniqueConstraint("order_id", name=op.f("uq_conc_statement_lines_order_id")),
    )
    with op.batch_alter_table("conc_statement_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conc_statement_lines_statement_id"), ["statement_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("conc_statement_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_statement_lines_statement_id"))
    op.drop_table("conc_statement_lines")
    op.drop_table("conc_statements")
    with op.batch_alter_table("voucher_movements", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_voucher_movements_order_id_conc_orders"), type_="foreignkey")
    with op.batch_alter_table("conc_orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_conc_orders_voucher_id_vouchers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_conc_orders_voucher_id"))
