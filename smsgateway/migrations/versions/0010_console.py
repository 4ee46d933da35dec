"""console: review resolutions and notes, sensitive returnees, proxy consent, list indexes

Revision ID: 0010
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa
import smsgateway.db


revision = '0010'
down_revision = '0014'
branch_labels = None
depends_on = None


def _add_not_null(table: str, column: str, sql_type: str, default: str) -> None:
    """A NOT NULL column added in place (SQLite cannot copy a table that others reference)."""
    op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type} NOT NULL DEFAULT {default}")


def upgrade() -> None:
    _add_not_null('review_items', 'resolution', 'VARCHAR(32)', "''")
    _add_not_null('review_items', 'note', 'TEXT', "''")
    _add_not_null('returnees', 'is_sensitive', 'BOOLEAN', "'0'")
    op.add_column(
        'contact_points',
        sa.Column('proxy_consented_at', smsgateway.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f('ix_referrals_appointment_at'), 'referrals', ['appointment_at'], unique=False)
    op.create_index(op.f('ix_referrals_service_category'), 'referrals', ['service_category'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_referrals_service_category'), table_name='referrals')
    op.drop_index(op.f('ix_referrals_appointment_at'), table_name='referrals')
    for table, column in [
        ('contact_points', 'proxy_consented_at'),
        ('returnees', 'is_sensitive'),
        ('review_items', 'note'),
        ('review_items', 'resolution'),
    ]:
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
