"""data protection: access log (append-only), erasures, returnees.erased_at

Revision ID: 0013
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa
import smsgateway.db


revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None

#: The access log refuses changes and deletions (docs/privacy.md).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
]
POSTGRESQL_TRIGGERS = [
    "CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
    "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()",
]


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', smsgateway.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('face', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject_ids', sa.JSON(), nullable=False),
    sa.Column('returnee_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('endpoint', sa.String(length=100), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_returnee_id'), ['returnee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_user_id'), ['user_id'], unique=False)

    op.create_table('erasures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('returnee_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('created_at', smsgateway.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_erasures_actor_user_id_users')),
    sa.ForeignKeyConstraint(['returnee_id'], ['returnees.id'], name=op.f('fk_erasures_returnee_id_returnees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasures'))
    )
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasures_returnee_id'), ['returnee_id'], unique=False)

    timestamp = 'TIMESTAMP WITH TIME ZONE' if op.get_bind().dialect.name == 'postgresql' else 'DATETIME'
    op.execute(f'ALTER TABLE returnees ADD COLUMN erased_at {timestamp}')
    triggers = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER access_log_no_truncate ON access_log')
        op.execute('DROP TRIGGER access_log_append_only ON access_log')
        op.execute('DROP FUNCTION access_log_append_only()')
    else:
        op.execute('DROP TRIGGER access_log_no_update')
        op.execute('DROP TRIGGER access_log_no_delete')
    op.execute('ALTER TABLE returnees DROP COLUMN erased_at')
    with op.batch_alter_table('erasures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasures_returnee_id'))
    op.drop_table('erasures')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_returnee_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_referral_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_created_at'))
    op.drop_table('access_log')
