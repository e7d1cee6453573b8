"""classroom assignments, attachments, submissions and grades

Revision ID: 0e87180e7580
Revises: 5d2e8b41c0f7
Create Date: 2026-12-01 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision = '0e87180e7580'
down_revision = '5d2e8b41c0f7'
branch_labels = None
depends_on = None


def _file_columns():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
    ]


def upgrade():
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('due_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('allow_late', sa.Boolean(), nullable=False),
    sa.Column('allow_resubmission', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_class.id'], name=op.f('fk_assignment_class_id_school_class'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_assignment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_class_id'), ['class_id'], unique=False)

    op.create_table('assignment_file',
    *_file_columns(),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_file_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_assignment_file_sha256_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_file'))
    )
    with op.batch_alter_table('assignment_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_file_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('assignment_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'returned', name='submissionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_submission_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['user.id'], name=op.f('fk_assignment_submission_graded_by_id_user')),
    sa.ForeignKeyConstraint(['student_id'], ['user.id'], name=op.f('fk_assignment_submission_student_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_submission')),
    sa.UniqueConstraint('assignment_id', 'student_id', name=op.f('uq_assignment_submission_assignment_id'))
    )
    with op.batch_alter_table('assignment_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_submission_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_submission_student_id'), ['student_id'], unique=False)

    op.create_table('submission_file',
    *_file_columns(),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_submission_file_sha256_stored_file')),
    sa.ForeignKeyConstraint(['submission_id'], ['assignment_submission.id'], name=op.f('fk_submission_file_submission_id_assignment_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_file'))
    )
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_file_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_file_submission_id'))
    op.drop_table('submission_file')
    with op.batch_alter_table('assignment_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_submission_student_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_submission_assignment_id'))
    op.drop_table('assignment_submission')
    with op.batch_alter_table('assignment_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_file_assignment_id'))
    op.drop_table('assignment_file')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_class_id'))
    op.drop_table('assignment')
