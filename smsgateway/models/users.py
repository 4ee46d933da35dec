"""Console accounts and the login attempts that rate-limit them. Roles and rights: `permissions`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smsgateway.db import Base, UTCDateTime
from smsgateway.models.partners import Partner


class User(Base):
    """A person who logs in to the console: admin, manager, caseworker or partner.

    Usernames never change (events record them); an account is disabled, never deleted.
    `session_token` is part of the login session's id: a new password or disabling the account
    changes it, which ends every session opened before.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # Set for the partner role only: the organisation whose referrals the account sees.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), default=None)
    password_hash: Mapped[str] = mapped_column(String(200))
    session_token: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(
        String(16), default=""
    )  # console language; empty: browser's
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    partner: Mapped[Partner | None] = relationship()

    # What Flask-Login reads from its user object (without the model importing Flask).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"


class LoginAttempt(Base):
    """One try at the login form, counted per typed username and per client address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The username as typed, lower-cased: unknown names are limited like real ones, so the limit
    # tells nobody whether an account exists.
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    is_success: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
