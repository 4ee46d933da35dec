"""Registering returnees and their contact points, and the consent (opt-out) rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.channels import Channel
from smsgateway.content.languages import get_language
from smsgateway.errors import InvalidInput
from smsgateway.models import ChannelConsent, ContactPoint, Returnee
from smsgateway.phones import parse_phone


@dataclass(frozen=True)
class PhoneInput:
    """A number as typed, whether it belongs to a proxy (relative, friend), and whether others
    are known to use it too (a family phone)."""

    number: str
    is_proxy: bool = False
    relation: str = ""
    proxy_name: str = ""
    is_shared: bool = False


def register_returnee(
    session: Session,
    now: datetime,
    *,
    case_reference: str,
    phones: Sequence[PhoneInput],
    region: str,
    language: str,
    time_zone: str,
    first_name: str = "",
    last_name: str = "",
    channel: str = Channel.SMS,
    fallback_languages: Sequence[str] = (),
    row: int | None = None,
) -> Returnee:
    """Validate everything first, then add the returnee; `InvalidInput` leaves nothing behind."""
    if not case_reference.strip():
        raise InvalidInput("case_reference", "a case reference is required", row)
    if get_language(language) is None:
        raise InvalidInput("language", f"{language!r} is not a supported language", row)
    if channel not in set(Channel):
        raise InvalidInput("channel", "must be sms, whatsapp or voice", row)
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("time_zone", f"{time_zone!r} is not a known time zone", row) from None
    if not phones:
        raise InvalidInput("phone", "at least one phone number is required", row)
    numbers = [
        parse_phone(p.number, region, "proxy_phone" if p.is_proxy else "phone", row) for p in phones
    ]
    taken = session.scalar(select(Returnee.id).filter_by(case_reference=case_reference.strip()))
    if taken is not None:
        raise InvalidInput("case_reference", "this case reference is already registered", row)
    returnee = Returnee(
        case_reference=case_reference.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=language,
        fallback_languages=",".join(fallback_languages),
        preferred_channel=channel,
        time_zone=time_zone,
        created_at=now,
    )
    for phone, number in zip(phones, numbers, strict=True):
        returnee.contact_points.append(
            ContactPoint(
                phone_e164=number,
                is_proxy=phone.is_proxy,
                proxy_relation=phone.relation,
                proxy_name=phone.proxy_name,
                is_shared=phone.is_shared,
                created_at=now,
            )
        )
    session.add(returnee)
    session.flush()
    return returnee


def is_opted_out(returnee: Returnee, channel: str) -> bool:
    return any(c.channel == channel and c.is_opted_out for c in returnee.consents)


def set_opt_out(
    session: Session, returnee: Returnee, *, is_opted_out: bool, source: str, now: datetime
) -> None:
    """Opt out of (or back into) every channel at once: a STOP on one phone stops them all."""
    by_channel = {c.channel: c for c in returnee.consents}
    for channel in Channel:
        consent = by_channel.get(channel)
        if consent is None:
            consent = ChannelConsent(channel=channel, changed_at=now)
            returnee.consents.append(consent)
        consent.is_opted_out = is_opted_out
        consent.source = source
        consent.changed_at = now
    session.flush()
