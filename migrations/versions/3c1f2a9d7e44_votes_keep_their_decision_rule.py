"""vote.members, vote.pass_base, vote.quorum_met: each vote keeps the rule it was decided by

Revision ID: 3c1f2a9d7e44
Revises: 3380a729224d
Create Date: 2026-12-01 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f2a9d7e44'
down_revision = '3380a729224d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pass_base', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('quorum_met', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_column('quorum_met')
        batch_op.drop_column('pass_base')
        batch_op.drop_column('members')
