"""APScheduler 3's job table, declared here so the Alembic head matches the models.

APScheduler's SQLAlchemy job store owns its rows; migration 0002 creates the table.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, LargeBinary, Table, Unicode

from smsgateway.db import Base

apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
