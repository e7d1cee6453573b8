"""conference: city-ward video conferences and their sites

Revision ID: b7c41e9d2a10
Revises: 1194bf45832a
Create Date: 2026-12-01 00:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
import core.db


# revision identifiers, used by Alembic.
revision = 'b7c41e9d2a10'
down_revision = '1194bf45832a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.Enum('conference', 'class', name='conferencekind', native_enum=False, create_constraint=False, length=20), nullable=False),
        sa.Column('status', sa.Enum('open', 'ended', name='conferencestatus', native_enum=False, create_constraint=False, length=20), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_meeting_id'), ['meeting_id'], unique=False)
    op.create_table(
        'conference_site',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('is_host', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('has_floor', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('conference_id', 'organization_id'),
    )
    with op.batch_alter_table('conference_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_site_conference_id'), ['conference_id'], unique=False)


def downgrade():
    with op.batch_alter_table('conference_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_site_conference_id'))
    op.drop_table('conference_site')
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_meeting_id'))
    op.drop_table('conference')
