"""Tasks of the loop: one rule of the programme applied to one referral (`smsgateway.loop`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.referrals import Referral


class Task(Base):
    """Steps due from an anchor until the matching event; a flag when the last wait passes."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_state_due_at", "state", "due_at"),
        Index("ix_tasks_referral_id_rule", "referral_id", "rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    rule: Mapped[str] = mapped_column(String(40))
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    # Steps already taken; the next one (or, after the last, the flag) is due at `due_at`.
    step: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flag: Mapped[str] = mapped_column(String(32), default="")
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolution: Mapped[str] = mapped_column(String(64), default="")
    # The message that started it, when one did (a returnee's request for another date).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship()
