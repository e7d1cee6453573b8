"""classroom: join passes (join code + teacher admission) and group boards

Revision ID: 9d4e2b7a1c30
Revises: 6527ee9bb526
Create Date: 2026-12-01 04:10:00

"""
from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision = '9d4e2b7a1c30'
down_revision = '6527ee9bb526'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lesson_pass',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'admitted', 'refused', 'revoked', name='passstatus', native_enum=False, length=20), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_pass_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['class_member.id'], name=op.f('fk_lesson_pass_member_id_class_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_pass_user_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_lesson_pass_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_pass'))
    )
    with op.batch_alter_table('lesson_pass', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_pass_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_pass_token_hash'), ['token_hash'], unique=True)

    op.create_table('lesson_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_group_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['material_id'], ['lesson_material.id'], name=op.f('fk_lesson_group_material_id_lesson_material'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_group'))
    )
    with op.batch_alter_table('lesson_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_group_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('lesson_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['lesson_group.id'], name=op.f('fk_lesson_group_member_group_id_lesson_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_group_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_group_member')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_lesson_group_member_group_id'))
    )
    with op.batch_alter_table('lesson_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_group_member_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('lesson_stroke', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_lesson_stroke_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_lesson_stroke_group_id_lesson_group'), 'lesson_group', ['group_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('lesson_stroke', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_lesson_stroke_group_id_lesson_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_lesson_stroke_group_id'))
        batch_op.drop_column('group_id')
        batch_op.drop_column('seq')
    op.drop_table('lesson_group_member')
    op.drop_table('lesson_group')
    op.drop_table('lesson_pass')
