"""conference: recordings kept with the conference

Revision ID: 584abfbfb469
Revises: 0e87180e7580
Create Date: 2026-12-01 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision = '584abfbfb469'
down_revision = '0e87180e7580'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conference_recording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('recording', 'done', 'failed', name='recordingstatus', native_enum=False, length=20), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('stopped_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('work_path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('duration', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_recording_conference_id_conference'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_conference_recording_sha256_stored_file')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_conference_recording_started_by_id_user')),
    sa.ForeignKeyConstraint(['stopped_by_id'], ['user.id'], name=op.f('fk_conference_recording_stopped_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_recording'))
    )
    with op.batch_alter_table('conference_recording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_recording_conference_id'), ['conference_id'], unique=False)



def downgrade():
    with op.batch_alter_table('conference_recording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_recording_conference_id'))

    op.drop_table('conference_recording')
