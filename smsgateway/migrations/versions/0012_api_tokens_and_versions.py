"""API tokens; versions and updated_at for returnees and referrals

Revision ID: 0012
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa
import smsgateway.db


revision = '0012'
down_revision = '0005'
branch_labels = None
depends_on = None


def _add_not_null(table: str, column: str, sql_type: str, default: str) -> None:
    """A NOT NULL column added in place (SQLite cannot copy a table that others reference)."""
    op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type} NOT NULL DEFAULT {default}")


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', smsgateway.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', smsgateway.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', smsgateway.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    timestamp = 'TIMESTAMP WITH TIME ZONE' if op.get_bind().dialect.name == 'postgresql' else 'DATETIME'
    _add_not_null('returnees', 'updated_at', timestamp, "'1970-01-01 00:00:00'")
    op.execute('UPDATE returnees SET updated_at = created_at')
    _add_not_null('returnees', 'version', 'INTEGER', '1')
    _add_not_null('referrals', 'version', 'INTEGER', '1')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE returnees ALTER COLUMN updated_at DROP DEFAULT')
    op.create_index(op.f('ix_returnees_updated_at'), 'returnees', ['updated_at'], unique=False)
    op.create_index(op.f('ix_referrals_updated_at'), 'referrals', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_referrals_updated_at'), table_name='referrals')
    op.drop_index(op.f('ix_returnees_updated_at'), table_name='returnees')
    for table, column in [('referrals', 'version'), ('returnees', 'version'), ('returnees', 'updated_at')]:
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
