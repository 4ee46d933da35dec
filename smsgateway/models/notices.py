"""Notices: one planned message to one recipient. The table is the source of truth for sending."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.referrals import Referral
from smsgateway.models.returnees import ContactPoint, Returnee


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_state_due_at", "state", "due_at"),
        # Covers the dashboard's reply rates, grouped in index order (smsgateway.dashboard).
        Index(
            "ix_notices_dashboard",
            "channel",
            "language",
            "sent_at",
            "question",
            "answered_at",
            "returnee_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    returnee_id: Mapped[int | None] = mapped_column(ForeignKey("returnees.id"), index=True)
    # Indexed: a reply reads the questions sent to its number by contact point (replies.sender).
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_points.id"), index=True
    )
    # Set when the recipient is no contact point (an unknown sender, a partner's point person).
    recipient_phone: Mapped[str | None] = mapped_column(String(20), default=None)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16))
    question: Mapped[str | None] = mapped_column(String(32), default=None)
    # Kind-specific content: a caseworker's texts per language, referrals to choose from...
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When the current claim began: the start of the window in which the provider is asked
    # whether a send of a dead worker left (smsgateway.dispatch.settle).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    bulk_send_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_sends.id"), index=True)
    # How far along the escalation policy this notice is (0: first channel tried).
    escalation_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    referral: Mapped[Referral | None] = relationship()
    returnee: Mapped[Returnee | None] = relationship()
    contact_point: Mapped[ContactPoint | None] = relationship()
