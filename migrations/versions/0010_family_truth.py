"""family truth: ages, costs and three-state accessibility on activities and labs; activity headcounts

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-25 23:42:38

An unticked accessibility box used to be stored as False and published as
"Accesso con gradini"; nobody had said so. Those become NULL ("not said").
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None

ACCESS = ("step_free_access", "hearing_loop")


def upgrade():
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("age_max", sa.Integer(), nullable=True))
        for name in ACCESS:
            batch_op.alter_column(name, existing_type=sa.Boolean(), nullable=True, server_default=None)
    activities = sa.table("activities", *(sa.column(name, sa.Boolean()) for name in ACCESS))
    for name in ACCESS:
        op.execute(activities.update().where(activities.c[name] == sa.false()).values({name: None}))

    with op.batch_alter_table("labs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_free", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("price", sa.String(length=80), server_default="", nullable=False))
        batch_op.add_column(sa.Column("age_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("age_max", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("step_free_access", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("hearing_loop", sa.Boolean(), nullable=True))

    op.create_table(
        "activity_headcounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("original_on", sa.Date(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_activity_headcounts_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_headcounts")),
        sa.UniqueConstraint("activity_id", "original_on", name="uq_activity_headcounts_activity_day"),
    )


def downgrade():
    op.drop_table("activity_headcounts")
    with op.batch_alter_table("labs", schema=None) as batch_op:
        for name in ("hearing_loop", "step_free_access", "age_max", "age_min", "price", "is_free"):
            batch_op.drop_column(name)

    activities = sa.table("activities", *(sa.column(name, sa.Boolean()) for name in ACCESS))
    for name in ACCESS:
        op.execute(activities.update().where(activities.c[name].is_(None)).values({name: False}))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        for name in ACCESS:
            batch_op.alter_column(name, existing_type=sa.Boolean(), nullable=False, server_default=sa.false())
        batch_op.drop_column("age_max")
        batch_op.drop_column("age_min")
