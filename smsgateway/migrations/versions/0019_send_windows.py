"""send windows shared by the dispatching processes (PostgreSQL)

Revision ID: 0019
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa
import smsgateway.db


revision = '0019'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_windows',
    sa.Column('sender', sa.String(length=100), nullable=False),
    sa.Column('last_start_at', smsgateway.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sender', name=op.f('pk_send_windows'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        # A start is worth a second: nothing in this table is worth the WAL (ratelimit.shared).
        op.execute('ALTER TABLE send_windows SET UNLOGGED')


def downgrade() -> None:
    op.drop_table('send_windows')
