"""meeting_participant.reply, reply_reason, replied_at: the answer to the invitation

Revision ID: 5d2e8b41c0f7
Revises: 731bfdcc6ab5
Create Date: 2026-12-01 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision = '5d2e8b41c0f7'
down_revision = '731bfdcc6ab5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_participant', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reply', sa.String(length=20), nullable=False, server_default='pending')
        )
        batch_op.add_column(sa.Column('reply_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('replied_at', core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_participant', schema=None) as batch_op:
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply_reason')
        batch_op.drop_column('reply')
