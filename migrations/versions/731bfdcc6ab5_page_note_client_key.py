"""page_note.client_key: a note sent again after an outage is saved once

Revision ID: 731bfdcc6ab5
Revises: 3c1f2a9d7e44
Create Date: 2026-12-01 04:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "731bfdcc6ab5"
down_revision = "3c1f2a9d7e44"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("page_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("page_note", schema=None) as batch_op:
        batch_op.drop_column("client_key")
