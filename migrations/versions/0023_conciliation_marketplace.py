"""conciliation marketplace: providers, their staff and services, the alliance, orders

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:03:15

Per il tuo tempo's marketplace (issue 24): accredited providers (partita IVA or codice fiscale,
towns served, accreditation state with its reason, date and coordinator), their staff, service
categories (seeded here with the eight the district started with), services with a full and an
alliance price in integer cents, the alliance's member companies and their confirmed employees,
and orders. An order records its voucher money (`voucher_cents`) and the family's share
(`family_cents`); `voucher_id` is a plain integer without a foreign key until the vouchers'
table exists. Downgrade drops the tables (orders and catalogue are lost).
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

CATEGORIES = [
    ("stireria", "Stireria"),
    ("maggiordomo-aziendale", "Maggiordomo aziendale"),
    ("maggiordomo-di-via", "Maggiordomo di via"),
    ("maggiordomo-di-comunita", "Maggiordomo di comunità"),
    ("baby-sitting", "Baby sitting"),
    ("pulizie", "Pulizie"),
    ("consegna-spesa", "Consegna a domicilio della spesa"),
    ("consegna-farmaci", "Consegna a domicilio dei farmaci"),
]


def upgrade():
    op.create_table(
        "conc_alliance_companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("domains", sa.String(length=300), nullable=False),
        sa.Column("hr_name", sa.String(length=120), nullable=False),
        sa.Column("hr_email", sa.String(length=254), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_alliance_companies")),
        sa.UniqueConstraint("name", name=op.f("uq_conc_alliance_companies_name")),
    )
    op.create_table(
        "conc_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_conc_categories_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_conc_categories_slug")),
    )
    categories = sa.table("conc_categories", sa.column("slug", sa.String), sa.column("name", sa.String))
    op.bulk_insert(categories, [{"slug": slug, "name": name} for slug, name in CATEGORIES])
    op.create_table(
        "conc_alliance_employees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("work_email", sa.String(length=254), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["conc_alliance_companies.id"],
            name=op.f("fk_conc_alliance_employees_company_id_conc_alliance_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_conc_alliance_employees_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_alliance_employees")),
        sa.UniqueConstraint("company_id", "user_id", name="uq_conc_alliance_employees_company_user"),
    )
    with op.batch_alter_table("conc_alliance_employees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_alliance_employees_user_id"), ["user_id"], unique=False)

    op.create_table(
        "conc_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("tax_code", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_reason", sa.String(length=300), nullable=False),
        sa.Column("state_on", sa.Date(), nullable=True),
        sa.Column("state_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["state_by_id"],
            ["users.id"],
            name=op.f("fk_conc_providers_state_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_providers")),
        sa.UniqueConstraint("tax_code", name=op.f("uq_conc_providers_tax_code")),
    )
    with op.batch_alter_table("conc_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_providers_state"), ["state"], unique=False)

    op.create_table(
        "conc_provider_staff",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_conc_provider_staff_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["conc_providers.id"],
            name=op.f("fk_conc_provider_staff_provider_id_conc_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conc_provider_staff_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("provider_id", "user_id", name=op.f("pk_conc_provider_staff")),
    )
    with op.batch_alter_table("conc_provider_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_provider_staff_user_id"), ["user_id"], unique=False)

    op.create_table(
        "conc_provider_towns",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["conc_providers.id"],
            name=op.f("fk_conc_provider_towns_provider_id_conc_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_conc_provider_towns_town_id_towns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("provider_id", "town_id", name=op.f("pk_conc_provider_towns")),
    )
    op.create_table(
        "conc_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("full_cents", sa.Integer(), nullable=False),
        sa.Column("alliance_cents", sa.Integer(), nullable=False),
        sa.Column("lead_hours", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["conc_categories.id"],
            name=op.f("fk_conc_services_category_id_conc_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["conc_providers.id"],
            name=op.f("fk_conc_services_provider_id_conc_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_services")),
    )
    with op.batch_alter_table("conc_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_services_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conc_services_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "conc_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cents", sa.Integer(), nullable=False),
        sa.Column("is_alliance_price", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("voucher_cents", sa.Integer(), server_default="0", nullable=False),
        sa.Column("family_cents", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("refusal_reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["conc_providers.id"],
            name=op.f("fk_conc_orders_provider_id_conc_providers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["conc_services.id"],
            name=op.f("fk_conc_orders_service_id_conc_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_conc_orders_town_id_towns"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conc_orders_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conc_orders")),
    )
    with op.batch_alter_table("conc_orders", schema=None) as batch_op:
        batch_op.create_index("ix_conc_orders_provider_day", ["provider_id", "day"], unique=False)
        batch_op.create_index(batch_op.f("ix_conc_orders_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conc_orders_user_id"), ["user_id"], unique=False)

    op.create_table(
        "conc_service_towns",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["conc_services.id"],
            name=op.f("fk_conc_service_towns_service_id_conc_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["towns.id"], name=op.f("fk_conc_service_towns_town_id_towns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_id", "town_id", name=op.f("pk_conc_service_towns")),
    )
    with op.batch_alter_table("conc_service_towns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conc_service_towns_town_id"), ["town_id"], unique=False)


def downgrade():
    with op.batch_alter_table("conc_service_towns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_service_towns_town_id"))

    op.drop_table("conc_service_towns")
    with op.batch_alter_table("conc_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_orders_user_id"))
        batch_op.drop_index(batch_op.f("ix_conc_orders_service_id"))
        batch_op.drop_index("ix_conc_orders_provider_day")

    op.drop_table("conc_orders")
    with op.batch_alter_table("conc_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_services_provider_id"))
        batch_op.drop_index(batch_op.f("ix_conc_services_category_id"))

    op.drop_table("conc_services")
    op.drop_table("conc_provider_towns")
    with op.batch_alter_table("conc_provider_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_provider_staff_user_id"))

    op.drop_table("conc_provider_staff")
    with op.batch_alter_table("conc_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_providers_state"))

    op.drop_table("conc_providers")
    with op.batch_alter_table("conc_alliance_employees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conc_alliance_employees_user_id"))

    op.drop_table("conc_alliance_employees")
    op.drop_table("conc_categories")
    op.drop_table("conc_alliance_companies")
