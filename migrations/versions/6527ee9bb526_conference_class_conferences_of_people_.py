"""conference: class conferences of people bound to a lesson (conference.lesson_id,
conference_site.user_id; a site is an organisation or a person)

Revision ID: 6527ee9bb526
Revises: 584abfbfb469
Create Date: 2026-12-01 04:07:08.640657

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '6527ee9bb526'
down_revision = '584abfbfb469'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_conference_lesson_id'), ['lesson_id'])
        batch_op.create_foreign_key(batch_op.f('fk_conference_lesson_id_lesson'), 'lesson', ['lesson_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('conference_site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.alter_column('organization_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_conference_site_user_id_user'), 'user', ['user_id'], ['id'])
        batch_op.create_unique_constraint('uq_conference_site_person', ['conference_id', 'user_id'])


def downgrade():
    op.execute("DELETE FROM conference_site WHERE organization_id IS NULL")
    with op.batch_alter_table('conference_site', schema=None) as batch_op:
        batch_op.drop_constraint('uq_conference_site_person', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_conference_site_user_id_user'), type_='foreignkey')
        batch_op.alter_column('organization_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('user_id')

    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_conference_lesson_id_lesson'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_conference_lesson_id'), type_='unique')
        batch_op.drop_column('lesson_id')
