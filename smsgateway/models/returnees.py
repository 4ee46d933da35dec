"""Returnees, their contact points (own or proxy numbers) and their consent per channel."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.versions import count_versions


def _created_at(context: DefaultExecutionContext) -> datetime:
    created: datetime = context.get_current_parameters()["created_at"]
    return created


class Returnee(Base):
    __tablename__ = "returnees"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_reference: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    preferred_language: Mapped[str] = mapped_column(String(16))
    fallback_languages: Mapped[str] = mapped_column(String(64), default="")  # "fr,en"
    preferred_channel: Mapped[str] = mapped_column(String(16), default="sms")
    time_zone: Mapped[str] = mapped_column(String(64))
    quiet_hours_start: Mapped[time | None] = mapped_column(Time, default=None)
    quiet_hours_end: Mapped[time | None] = mapped_column(Time, default=None)
    # The explicit unreachable flag (smsgateway.reachability): set when an escalation sequence
    # ends with nobody answering; cleared only by the person answering or a caseworker.
    unreachable_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    unreachable_reason: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Every referral of a sensitive returnee is discreet, whatever its service (DESIGN.md).
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Set when the returnee's personal data was erased (smsgateway.privacy.erasure): nothing is
    # sent to them any more, and their numbers are strangers'.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The last change to the returnee or its contact points and consent (API: updated_since).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, default=_created_at)
    # Counts changes, so that two writers cannot overwrite each other (the API's ETag).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    contact_points: Mapped[list[ContactPoint]] = relationship(
        back_populates="returnee", order_by="ContactPoint.id", cascade="all, delete-orphan"
    )
    consents: Mapped[list[ChannelConsent]] = relationship(
        back_populates="returnee", cascade="all, delete-orphan"
    )

    @property
    def language_chain(self) -> list[str]:
        return [self.preferred_language, *filter(None, self.fallback_languages.split(","))]

    def own_contact_point(self) -> ContactPoint | None:
        """The returnee's own number if any, else the first proxy."""
        for point in self.contact_points:
            if not point.is_proxy:
                return point
        return self.contact_points[0] if self.contact_points else None


class ContactPoint(Base):
    """A number through which a returnee is reached: their own, or a proxy's (relation kept)."""

    __tablename__ = "contact_points"
    __table_args__ = (UniqueConstraint("returnee_id", "phone_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_id: Mapped[int] = mapped_column(ForeignKey("returnees.id", ondelete="CASCADE"))
    phone_e164: Mapped[str] = mapped_column(String(20), index=True)
    is_proxy: Mapped[bool] = mapped_column(Boolean, default=False)
    proxy_relation: Mapped[str] = mapped_column(String(64), default="")
    proxy_name: Mapped[str] = mapped_column(String(100), default="")
    # Known to be used by others too (a family phone): an "ok" from it confirms nothing alone.
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # When the proxy agreed to pass messages on (None: not recorded; own numbers: unused).
    proxy_consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reachability: Mapped[str] = mapped_column(String(16), default="unknown")
    reachability_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    returnee: Mapped[Returnee] = relationship(back_populates="contact_points")


class ChannelConsent(Base):
    """Whether a returnee accepts messages on one channel; opt-outs are recorded here."""

    __tablename__ = "channel_consents"
    __table_args__ = (UniqueConstraint("returnee_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_id: Mapped[int] = mapped_column(ForeignKey("returnees.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    is_opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    returnee: Mapped[Returnee] = relationship(back_populates="consents")


count_versions(Returnee)
