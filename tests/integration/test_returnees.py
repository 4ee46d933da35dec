"""Registering returnees: numbers in E.164, bad input refused naming the field, nothing saved."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, Returnee
from smsgateway.returnees import PhoneInput, register_returnee


def register(session: Session, now: datetime, **overrides: object) -> Returnee:
    values: dict[str, object] = {
        "case_reference": "SN-1",
        "language": "wo",
        "time_zone": "Africa/Dakar",
        "region": "SN",
        "phones": [PhoneInput("77 123 45 67")],
    }
    values.update(overrides)
    return register_returnee(session, now, **values)  # type: ignore[arg-type]


def test_numbers_typed_locally_are_stored_in_e164_with_the_proxy_relation(
    session: Session, now: datetime
) -> None:
    returnee = register(
        session,
        now,
        phones=[PhoneInput("77 123 45 67"), PhoneInput("+221 76 123 45 60", True, "sister")],
    )
    session.commit()
    numbers = [(p.phone_e164, p.is_proxy, p.proxy_relation) for p in returnee.contact_points]
    assert numbers == [("+221771234567", False, ""), ("+221761234560", True, "sister")]


@pytest.mark.parametrize(
    ("phones", "field"),
    [
        ([PhoneInput("12")], "phone"),
        ([PhoneInput("not a number")], "phone"),
        ([PhoneInput("")], "phone"),
        ([PhoneInput("77 123 45 67"), PhoneInput("+221 00", True, "brother")], "proxy_phone"),
        ([], "phone"),
    ],
)
def test_invalid_phone_number_is_refused_naming_the_field_and_nothing_is_saved(
    session: Session, now: datetime, phones: list[PhoneInput], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        register(session, now, phones=phones)
    assert raised.value.field == field
    assert field in str(raised.value)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Returnee)) == 0
    assert session.scalar(select(func.count()).select_from(ContactPoint)) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"language": "xx"}, "language"),
        ({"time_zone": "Dakar"}, "time_zone"),
        ({"case_reference": " "}, "case_reference"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_other_bad_fields_are_named(
    session: Session, now: datetime, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        register(session, now, **overrides)
    assert raised.value.field == field


def test_import_row_number_appears_in_the_error(session: Session, now: datetime) -> None:
    with pytest.raises(InvalidInput, match=r"row 7, field 'phone'"):
        register(session, now, phones=[PhoneInput("123")], row=7)
