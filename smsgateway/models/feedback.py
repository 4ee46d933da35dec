"""Satisfaction answers and the feedback items (complaints) that only managers see.

A satisfaction answer is one returnee's answer to "did the help from the partner match what you
needed?"; a feedback item is a "why" answer or a message opened with the feedback keyword,
tracked to a resolution with notes (`smsgateway.feedback`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.messages import Message
from smsgateway.models.partners import Partner
from smsgateway.models.referrals import Referral
from smsgateway.models.returnees import Returnee


class SatisfactionAnswer(Base):
    """One answer to one satisfaction question; a proxy's answer is kept but never counted."""

    __tablename__ = "satisfaction_answers"
    __table_args__ = (
        Index("ix_satisfaction_answers_partner_id_asked_at", "partner_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    service_category: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    answer: Mapped[str] = mapped_column(String(32))  # satisfied | partly_satisfied | not_satisfied
    is_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship()
    partner: Mapped[Partner] = relationship()


class FeedbackItem(Base):
    """A message for the managers: open until a manager closes it, then the sender is told."""

    __tablename__ = "feedback_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    returnee_id: Mapped[int | None] = mapped_column(ForeignKey("returnees.id"), default=None)
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_points.id"), default=None
    )
    # The referral (and so the partner) the message is about, when it answers a question on one.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), default=None)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), default=None)
    satisfaction_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("satisfaction_answers.id"), default=None
    )
    source: Mapped[str] = mapped_column(String(32))  # satisfaction_reason | feedback_keyword
    is_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    theme: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    closing_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)

    message: Mapped[Message] = relationship()
    returnee: Mapped[Returnee | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    satisfaction_answer: Mapped[SatisfactionAnswer | None] = relationship()
    notes: Mapped[list[FeedbackNote]] = relationship(
        back_populates="item", order_by="FeedbackNote.id"
    )


class FeedbackNote(Base):
    """A manager's note on a feedback item: what was done, whom they called. Never edited."""

    __tablename__ = "feedback_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[FeedbackItem] = relationship(back_populates="notes")
