"""The caseworkers' review queue: inbound messages nobody could apply automatically, and notices
whose delivery nobody could establish (`notice_id`, reason `delivery_unknown`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.messages import Message
from smsgateway.models.notices import Notice
from smsgateway.models.returnees import Returnee


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id"), index=True, default=None
    )
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), default=None)
    returnee_id: Mapped[int | None] = mapped_column(ForeignKey("returnees.id"), default=None)
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # How it was resolved (`smsgateway.reviews.Resolution`) and the caseworker's note, if any.
    resolution: Mapped[str] = mapped_column(String(32), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    message: Mapped[Message | None] = relationship()
    notice: Mapped[Notice | None] = relationship()
    returnee: Mapped[Returnee | None] = relationship()
