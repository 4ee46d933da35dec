"""Messages: what actually crossed the wire, inbound or outbound, with its delivery history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("provider", "provider_id"),
        # Covers the dashboard's delivery rates, grouped in index order (smsgateway.dashboard).
        Index(
            "ix_messages_dashboard",
            "direction",
            "channel",
            "language",
            "created_at",
            "delivery_status",
            "returnee_id",
            "referral_id",
        ),
        # The queued inbound messages, per sender in arrival order (smsgateway.replies.queue):
        # only the few not applied yet are in it.
        Index(
            "ix_messages_queued",
            "phone_e164",
            "id",
            sqlite_where=text("queued = 1"),  # as SQLAlchemy writes the test on SQLite
            postgresql_where=text("queued"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # "in" | "out"
    channel: Mapped[str] = mapped_column(String(16))
    phone_e164: Mapped[str] = mapped_column(String(20), index=True)  # the other party
    contact_point_id: Mapped[int | None] = mapped_column(ForeignKey("contact_points.id"))
    returnee_id: Mapped[int | None] = mapped_column(ForeignKey("returnees.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="")
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64), default=None)
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="")
    encoding: Mapped[str] = mapped_column(String(8), default="")
    segments: Mapped[int] = mapped_column(Integer, default=0)
    delivery_status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(16), default="")
    intent: Mapped[str | None] = mapped_column(String(16), default=None)
    # Why an inbound message, stored, could not be processed (a review item says so too).
    processing_error: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # An inbound message stored by a queued webhook and not applied yet (`SMSGATEWAY_REPLIES`);
    # cleared in the transaction that applies it.
    queued: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    status_events: Mapped[list[MessageStatusEvent]] = relationship(
        back_populates="message", order_by="MessageStatusEvent.id"
    )


class MessageStatusEvent(Base):
    """One delivery status report for a message, as received (the delivery history)."""

    __tablename__ = "message_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    message: Mapped[Message] = relationship(back_populates="status_events")


class ParkedCallback(Base):
    """A status report for a message or call not recorded yet, kept until it is.

    The provider may report before the dispatcher has written the message row; the report is
    applied, in arrival order, when the row appears, and dropped (with a log line) after a day.
    """

    __tablename__ = "parked_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "message" | "call"
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(16), default="")
    answered_by: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
