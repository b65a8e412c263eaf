"""group meeting rules: a group's recurring meetings, made a few weeks ahead

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:45:00

A group stores one meeting rule (app.calendar's recurrence: weekly, every N weeks, nth weekday
of the month, with times, place and an end date); the hourly job makes its meetings ahead of
time. Each meeting made by the rule records which rule and which rule date (rule_id, rule_on,
unique together), so a moved or cancelled one is never made again (issue 28).
Accounts invited by e-mail used to be named after their address: those names are emptied (the
pages then read «Ospite senza nome» and the invitation asks for the name).
Downgrade drops the rule table and the two columns: the meetings stay, as ordinary meetings;
an empty name becomes the address again, as it was.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_meeting_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("freq", sa.String(length=10), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=20), nullable=False),
        sa.Column("month_week", sa.Integer(), nullable=True),
        sa.Column("month_weekday", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_groups.id"],
            name=op.f("fk_group_meeting_rules_group_id_working_groups"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_meeting_rules")),
    )  # fmt: skip
    op.create_index(op.f("ix_group_meeting_rules_group_id"), "group_meeting_rules", ["group_id"], unique=True)
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rule_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_meetings_rule_id_group_meeting_rules"), "group_meeting_rules", ["rule_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        batch.create_index(batch.f("ix_meetings_rule_id"), ["rule_id"], unique=False)
        batch.create_unique_constraint(batch.f("uq_meetings_rule_id_rule_on"), ["rule_id", "rule_on"])
    op.execute("UPDATE users SET full_name = '' WHERE full_name = email")


def downgrade():
    op.execute("UPDATE users SET full_name = substr(email, 1, 120) WHERE full_name = ''")
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint(batch.f("uq_meetings_rule_id_rule_on"), type_="unique")
        batch.drop_index(batch.f("ix_meetings_rule_id"))
        batch.drop_constraint(batch.f("fk_meetings_rule_id_group_meeting_rules"), type_="foreignkey")
        batch.drop_column("rule_on")
        batch.drop_column("rule_id")
    op.drop_index(op.f("ix_group_meeting_rules_group_id"), table_name="group_meeting_rules")
    op.drop_table("group_meeting_rules")
