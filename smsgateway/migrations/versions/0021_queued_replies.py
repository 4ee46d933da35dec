"""inbound messages queued by their webhook, applied later

With `SMSGATEWAY_REPLIES=queued` a webhook stores an inbound message with `queued` set and the
clock's job applies it, clearing the flag in the same transaction (`smsgateway.replies.queue`).
Every message already stored was applied when it came: they get `false`. The partial index holds
only the queued ones, per sender in arrival order.

Revision ID: 0021
Revises: 0020
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('queued', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            'ix_messages_queued',
            ['phone_e164', 'id'],
            unique=False,
            sqlite_where=sa.text('queued = 1'),
            postgresql_where=sa.text('queued'),
        )


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_queued')
        batch_op.drop_column('queued')
