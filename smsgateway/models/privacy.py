"""Data protection records: the access log (append-only) and the erasures done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smsgateway.db import Base, UTCDateTime


class AccessLogEntry(Base):
    """Who viewed or exported whose data, or was refused, or failed to log in.

    Append-only: the migration adds triggers that refuse UPDATE and DELETE on both databases.
    Entries name records by id, never by name, number or case reference, so that an erasure
    leaves nothing personal here.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # view | export | erase | login_failed | refused (smsgateway.privacy.access_log.AccessEvent)
    event: Mapped[str] = mapped_column(String(16))
    face: Mapped[str] = mapped_column(String(8))  # console | api | cli | system
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    # The account's username; for a failed login, the name as typed (lower-cased, cut).
    username: Mapped[str] = mapped_column(String(100), default="")
    # What was seen: returnee | referral | message | referral_event | page (refusals)
    subject_kind: Mapped[str] = mapped_column(String(16), default="")
    subject_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Set when one returnee's or one referral's data was seen (what the admin page filters on).
    returnee_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    referral_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    endpoint: Mapped[str] = mapped_column(String(100), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class Erasure(Base):
    """One returnee erased: who, when and why, without anything that was erased."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_id: Mapped[int] = mapped_column(ForeignKey("returnees.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    # What was removed, counted: {"messages": 12, "contact_points": 2, ...}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
