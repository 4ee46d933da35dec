"""Outbound webhook deliveries: each referral event pushed to a case-management system."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from smsgateway.db import Base, UTCDateTime


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_event_id: Mapped[int] = mapped_column(ForeignKey("referral_events.id"), unique=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Given up after `outbound_webhook_give_up_hours`; a replay makes it pending again.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
