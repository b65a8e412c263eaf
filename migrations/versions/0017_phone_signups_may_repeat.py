"""lab registrations: one active sign-up per e-mail; phone-only sign-ups may repeat

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 10:00:00

Siblings signed up by one parent share a phone, and refusing a second phone-only
sign-up told a stranger that the number was registered (issue 12). The partial
unique index now covers only e-mail keys; the organiser's list shows shared phones.

Downgrade restores the index on every active contact. Active phone-only doubles
would break it, so each one after the first gets its id appended to its
contact_key ('tel:3331234567#42'): no registration is lost or withdrawn, and the
first keeps the key that a new sign-up with that number would meet.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEX = "uq_lab_registrations_active_contact"
OLD_WHERE = "status != 'withdrawn'"
NEW_WHERE = "status != 'withdrawn' AND contact_key NOT LIKE 'tel:%'"


def _replace_index(where: str) -> None:
    with op.batch_alter_table("lab_registrations", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(
            INDEX, ["lab_id", "contact_key"], unique=True,
            sqlite_where=sa.text(where), postgresql_where=sa.text(where),
        )  # fmt: skip


def upgrade():
    _replace_index(NEW_WHERE)


def downgrade():
    op.execute(
        sa.text(
            "UPDATE lab_registrations SET contact_key = contact_key || '#' || CAST(id AS VARCHAR(20)) "
            "WHERE status != 'withdrawn' AND EXISTS (SELECT 1 FROM lab_registrations AS earlier "
            "WHERE earlier.lab_id = lab_registrations.lab_id AND earlier.contact_key = lab_registrations.contact_key "
            "AND earlier.status != 'withdrawn' AND earlier.id < lab_registrations.id)"
        )
    )
    _replace_index(OLD_WHERE)
