"""agenda points: the ordine del giorno as numbered points, each with its decision

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:30:00

A meeting's free-text agenda (meetings.agenda) becomes one row of agenda_points: title,
presenter, minutes planned, the point it takes up again, the decision (deliberazione,
raccomandazione or none). Today's texts are moved, not lost: a meeting with agenda text
gets one point per non-empty line, in order (titles over 200 characters are cut), and the
column goes. Downgrade writes the points back as lines of meetings.agenda (decisions and
presenters are lost) and drops the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

meetings = sa.table("meetings", sa.column("id", sa.Integer), sa.column("agenda", sa.Text))
points = sa.table(
    "agenda_points",
    sa.column("meeting_id", sa.Integer), sa.column("position", sa.Integer), sa.column("title", sa.String),
    sa.column("presenter", sa.String), sa.column("decision_kind", sa.String), sa.column("decision", sa.Text),
)  # fmt: skip


def upgrade():
    op.create_table(
        "agenda_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("presenter", sa.String(length=120), server_default="", nullable=False),
        sa.Column("minutes_planned", sa.Integer(), nullable=True),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("decision_kind", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("decision", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["carried_from_id"], ["agenda_points.id"],
            name=op.f("fk_agenda_points_carried_from_id_agenda_points"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_points_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_points")),
    )  # fmt: skip
    with op.batch_alter_table("agenda_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_points_carried_from_id"), ["carried_from_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agenda_points_meeting_id"), ["meeting_id"], unique=False)

    conn = op.get_bind()
    rows = []
    for meeting_id, agenda in conn.execute(
        sa.select(meetings.c.id, meetings.c.agenda).order_by(meetings.c.id)
    ):
        lines = [line.strip() for line in (agenda or "").splitlines() if line.strip()]
        rows += [
            {"meeting_id": meeting_id, "position": n, "title": line[:200], "presenter": "",
             "decision_kind": "none", "decision": ""}
            for n, line in enumerate(lines, start=1)
        ]  # fmt: skip
    if rows:
        op.bulk_insert(points, rows)

    # Not a batch: on SQLite a batch drop_column copies the table and drops the old one, and with
    # foreign keys on that DROP deletes, by cascade, every attendance, action and verbale of every
    # meeting. ALTER TABLE ... DROP COLUMN (SQLite 3.35+, PostgreSQL) leaves the rows alone.
    op.drop_column("meetings", "agenda")


def downgrade():
    op.add_column(
        "meetings", sa.Column("agenda", sa.Text(), server_default="", nullable=False)
    )  # no copy (see above)
    conn = op.get_bind()
    texts: dict[int, list[str]] = {}
    query = sa.select(points.c.meeting_id, points.c.title).order_by(points.c.meeting_id, points.c.position)
    for meeting_id, title in conn.execute(query):
        texts.setdefault(meeting_id, []).append(title)
    for meeting_id, titles in texts.items():
        conn.execute(meetings.update().where(meetings.c.id == meeting_id).values(agenda="\n".join(titles)))
    with op.batch_alter_table("agenda_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_points_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_points_carried_from_id"))
    op.drop_table("agenda_points")
