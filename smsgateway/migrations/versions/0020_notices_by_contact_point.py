"""notices indexed by contact point

A reply reads the questions sent to its number (and whether notices are held for it) by
contact point (`smsgateway.replies.sender`); without this index SQLite searched every sent or
planned notice, so a reply cost more the larger the caseload (issue 19).

Revision ID: 0020
Revises: 0011
"""

from alembic import op


revision = '0020'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_notices_contact_point_id'), ['contact_point_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_contact_point_id'))
