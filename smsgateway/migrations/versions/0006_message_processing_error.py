"""inbound messages keep the error that stopped their processing

Revision ID: 0006
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('processing_error', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('processing_error')
