"""Partners and their point persons' registered numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import Partner, PointPerson
from smsgateway.phones import parse_phone


def register_partner(
    session: Session,
    now: datetime,
    *,
    name: str,
    service_categories: Sequence[str],
    region: str,
    display_name: str = "",
    point_persons: Sequence[tuple[str, str]] = (),
) -> Partner:
    """Add a partner with its point persons given as (name, phone) pairs."""
    if not name.strip():
        raise InvalidInput("name", "a partner needs a name")
    if session.scalar(select(Partner.id).filter_by(name=name.strip())) is not None:
        raise InvalidInput("name", "a partner with this name already exists")
    numbers = [parse_phone(phone, region, "point_person_phone") for _, phone in point_persons]
    partner = Partner(
        name=name.strip(),
        display_name=display_name.strip(),
        service_categories=list(service_categories),
        created_at=now,
    )
    for (person, _), number in zip(point_persons, numbers, strict=True):
        partner.point_persons.append(PointPerson(name=person, phone_e164=number, created_at=now))
    session.add(partner)
    session.flush()
    return partner


def find_point_person(session: Session, phone_e164: str) -> PointPerson | None:
    return session.scalar(select(PointPerson).filter_by(phone_e164=phone_e164))
