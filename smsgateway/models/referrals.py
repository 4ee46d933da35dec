"""Referrals and their append-only event history. Status rules: `smsgateway.referrals`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.partners import Partner
from smsgateway.models.returnees import Returnee
from smsgateway.models.versions import count_versions


class Referral(Base):
    __tablename__ = "referrals"
    # Covers the dashboard's funnel: grouped in index order, no sort (smsgateway.dashboard).
    __table_args__ = (
        Index(
            "ix_referrals_funnel",
            "partner_id",
            "service_category",
            "status",
            "furthest_stage",
            "created_at",
        ),
        # Stalled referrals: a status, and no change since a time (smsgateway.dashboard).
        Index("ix_referrals_stalled", "status", "status_changed_at"),
        # Time to enrolment per partner, without reading the rows.
        Index("ix_referrals_enrolment", "partner_id", "enrolled_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True, default=None)
    returnee_id: Mapped[int] = mapped_column(ForeignKey("returnees.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    service_category: Mapped[str] = mapped_column(String(64), index=True)
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), index=True)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    appointment_place: Mapped[str] = mapped_column(String(200), default="")
    needs_reorientation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    # The console account that recorded it; None for imports, commands and the demo seed.
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Counts changes, so that two writers cannot overwrite each other (the API's ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Milestones kept by `referrals.change_status`, so the dashboard counts without reading the
    # history: the last status change, the furthest stage of the usual path ever reached
    # (`referrals.FUNNEL_STAGE`), and when it first reached enrolment.
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    furthest_stage: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    returnee: Mapped[Returnee] = relationship()
    partner: Mapped[Partner] = relationship()
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )


class ReferralEvent(Base):
    """One status change: never updated, never deleted."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(32))
    new_status: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    actor: Mapped[str] = mapped_column(String(100), default="")
    # The console account that acted (its username is `actor`); None for replies, partner SMS,
    # commands and the system.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship(back_populates="events")


count_versions(Referral)
