"""Partners (organisations receiving referrals) and their point persons' registered numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # What messages say instead of the real name, so a shared phone reveals nothing.
    display_name: Mapped[str] = mapped_column(String(200), default="")
    service_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    point_persons: Mapped[list[PointPerson]] = relationship(
        back_populates="partner", cascade="all, delete-orphan"
    )

    @property
    def message_name(self) -> str:
        return self.display_name or self.name


class PointPerson(Base):
    __tablename__ = "point_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), default="")
    phone_e164: Mapped[str] = mapped_column(String(20), unique=True)
    language: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship(back_populates="point_persons")
