"""Bulk sends: one message to a cohort, one notice per recipient, with progress and cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from smsgateway.db import Base, UTCDateTime


class BulkSend(Base):
    __tablename__ = "bulk_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # draft | confirmed | cancelled
    cohort: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {"kind": "bulk_information", "texts": {"fr": "...", "wo": "..."}} or a template kind
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    window_start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
