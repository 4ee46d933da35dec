"""Reachability history per contact point, the suppression list, and escalation sequences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smsgateway.db import Base, UTCDateTime


class ReachabilityEvent(Base):
    """One change of a contact point's reachability, with what caused it."""

    __tablename__ = "reachability_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_points.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64), default="")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Suppression(Base):
    """A number that must not be messaged on any sender or channel (STOP, error 21610)."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("phone_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_e164: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    """One escalation sequence of a returnee: at most one is open per returnee at a time.

    `step` is the index (in the policy's steps) of the last step taken, -1 before any; the
    outcome of `step_notice_id`, and only of it, moves the sequence on. Notices of the same
    person that fail meanwhile are held (`held_notice_ids`) and planned again when the person
    is reached. States: smsgateway.escalation.
    """

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), index=True)
    step: Mapped[int] = mapped_column(Integer, default=-1)
    step_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    held_notice_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # After the proxy step: when silence becomes the unreachable flag.
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reason: Mapped[str] = mapped_column(String(64), default="")
    closed_by: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
