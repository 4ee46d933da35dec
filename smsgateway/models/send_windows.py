"""The shared send window of each sender (`smsgateway.ratelimit.shared`, PostgreSQL only).

One row per sender (transport and channel): the start of its latest provider call, by the
database's clock. SQLite leaves the table empty: there each process keeps its own window.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from smsgateway.db import Base, UTCDateTime


class SendWindow(Base):
    __tablename__ = "send_windows"

    sender: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_start_at: Mapped[datetime] = mapped_column(UTCDateTime)
