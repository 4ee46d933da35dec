"""What was done to reach a returnee flagged unreachable: assignments, visits, calls, new numbers.

An append-only log per returnee (`smsgateway.followups`): the latest `assigned` row names the
caseworker who follows the person up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.users import User


class Followup(Base):
    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # assigned | visit | call | new_number
    outcome: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    assigned_to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    actor: Mapped[str] = mapped_column(String(100), default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_user_id])
