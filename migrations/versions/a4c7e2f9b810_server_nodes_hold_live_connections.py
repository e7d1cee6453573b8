"""server_node, and the process that holds each live connection (meeting_connection.node,
lesson_connection.node): the devices of a process that is gone are forgotten

Revision ID: a4c7e2f9b810
Revises: 9d4e2b7a1c30
Create Date: 2026-12-02 00:45:00

"""
from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision = 'a4c7e2f9b810'
down_revision = '9d4e2b7a1c30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('server_node',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('seen_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_node'))
    )
    for table in ('meeting_connection', 'lesson_connection'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('node', sa.String(length=40), server_default='', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_node'), ['node'], unique=False)


def downgrade():
    for table in ('lesson_connection', 'meeting_connection'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_node'))
            batch_op.drop_column('node')
    op.drop_table('server_node')
