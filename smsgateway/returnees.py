"""Registering and editing returnees and their contact points, and the consent (opt-out) rules.

Every function takes the session, `now` and (for changes) the acting user, validates before it
changes anything (`InvalidInput` names the field) and sets the returnee's `updated_at`, which
also counts its version (`smsgateway.models.versions`). The console, the API and the CSV import
all call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.channels import Channel
from smsgateway.content.languages import get_language
from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, Message, Notice, Referral, Returnee
from smsgateway.models.reachability import ReachabilityEvent
from smsgateway.notices import move_planned_to_channel
from smsgateway.phones import parse_phone
from smsgateway.reachability import (
    OPTED_OUT,
    clear_unreachable,
    record_opt_in,
    record_opt_out_of_person,
    set_opt_out,
)
from smsgateway.users import Actor, actor_identity

#: What the columns hold at most; longer input is refused rather than cut.
NAME_LENGTH, CASE_REFERENCE_LENGTH, RELATION_LENGTH = 100, 64, 64


@dataclass(frozen=True)
class PhoneInput:
    """A number as typed, whether it belongs to a proxy (relative, friend), and whether others
    are known to use it too (a family phone)."""

    number: str
    is_proxy: bool = False
    relation: str = ""
    proxy_name: str = ""
    is_shared: bool = False
    has_consent: bool = False  # a proxy agreed to pass messages on


@dataclass(frozen=True)
class NewReturnee:
    """What one returnee is registered with (for `register_returnees`)."""

    case_reference: str
    phones: Sequence[PhoneInput]
    language: str
    time_zone: str
    first_name: str = ""
    last_name: str = ""
    channel: str = Channel.SMS
    fallback_languages: Sequence[str] = ()
    row: int | None = None  # the row of an imported file, named in errors


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
    new = NewReturnee(
        case_reference,
        phones,
        language,
        time_zone,
        first_name,
        last_name,
        channel,
        fallback_languages,
        row,
    )
    return register_returnees(session, now, [new], region=region)[0]


def register_returnees(
    session: Session, now: datetime, new: Sequence[NewReturnee], *, region: str
) -> list[Returnee]:
    """Register returnees exactly as `register_returnee` does, with one query and one flush.

    Every one is checked before any is added: `InvalidInput` (with its row) leaves nothing.
    """
    returnees = [_build_returnee(item, region, now) for item in new]
    seen: set[str] = set()
    for item, returnee in zip(new, returnees, strict=True):
        if returnee.case_reference in seen:
            raise InvalidInput("case_reference", "this case reference is given twice", item.row)
        seen.add(returnee.case_reference)
    references = sorted(seen)
    taken: set[str] = set()
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        taken.update(
            session.scalars(
                select(Returnee.case_reference).where(Returnee.case_reference.in_(chunk))
            )
        )
    for item, returnee in zip(new, returnees, strict=True):
        if returnee.case_reference in taken:
            raise InvalidInput(
                "case_reference", "this case reference is already registered", item.row
            )
    session.add_all(returnees)
    session.flush()
    return returnees


def _build_returnee(item: NewReturnee, region: str, now: datetime) -> Returnee:
    row = item.row
    case_reference = item.case_reference
    if not case_reference.strip():
        raise InvalidInput("case_reference", "a case reference is required", row)
    _check_length("case_reference", case_reference, CASE_REFERENCE_LENGTH, row)
    _check_length("first_name", item.first_name, NAME_LENGTH, row)
    _check_length("last_name", item.last_name, NAME_LENGTH, row)
    language = check_language(item.language, "language", row)
    fallback_languages = [
        check_language(code, "fallback_languages", row) for code in item.fallback_languages
    ]
    check_channel(item.channel, row)
    check_time_zone(item.time_zone, row)
    for phone in item.phones:
        _check_proxy_fields(phone, row)
    if not item.phones:
        raise InvalidInput("phone", "at least one phone number is required", row)
    numbers = [
        parse_phone(p.number, region, "proxy_phone" if p.is_proxy else "phone", row)
        for p in item.phones
    ]
    if len(set(numbers)) < len(numbers):
        raise InvalidInput("phone", "the same number is given twice", row)
    returnee = Returnee(
        case_reference=case_reference.strip(),
        first_name=item.first_name.strip(),
        last_name=item.last_name.strip(),
        preferred_language=language,
        fallback_languages=",".join(fallback_languages),
        preferred_channel=item.channel,
        time_zone=item.time_zone,
        created_at=now,
        updated_at=now,
    )
    for phone, number in zip(item.phones, numbers, strict=True):
        returnee.contact_points.append(
            ContactPoint(
                phone_e164=number,
                is_proxy=phone.is_proxy,
                proxy_relation=phone.relation,
                proxy_name=phone.proxy_name,
                is_shared=phone.is_shared,
                proxy_consented_at=now if phone.is_proxy and phone.has_consent else None,
                created_at=now,
            )
        )
    return returnee


def check_language(code: str, field: str = "language", row: int | None = None) -> str:
    """The supported language code for `code` (`fr-SN` → `fr`); `InvalidInput` otherwise."""
    language = get_language(code) if code else None
    if language is None:
        raise InvalidInput(field, "'%(code)s' is not a supported language", row, code=code)
    return language.code


def check_channel(channel: str, row: int | None = None) -> str:
    if channel not in set(Channel):
        raise InvalidInput("channel", "must be sms, whatsapp or voice", row)
    return channel


def check_time_zone(time_zone: str, row: int | None = None) -> str:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "time_zone", "'%(zone)s' is not a known time zone", row, zone=time_zone
        ) from None
    return time_zone


def _check_length(field: str, value: str, limit: int, row: int | None = None) -> None:
    if len(value.strip()) > limit:
        raise InvalidInput(field, "use at most %(count)s characters", row, count=limit)


def _check_proxy_fields(phone: PhoneInput, row: int | None = None) -> None:
    _check_length("relation", phone.relation, RELATION_LENGTH, row)
    _check_length("proxy_name", phone.proxy_name, NAME_LENGTH, row)
    if not phone.is_proxy and (phone.relation.strip() or phone.proxy_name.strip()):
        raise InvalidInput("relation", "only a proxy's number has a relation and a name", row)


def update_returnee(
    session: Session,
    returnee: Returnee,
    *,
    now: datetime,
    actor: Actor,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
    fallback_languages: Sequence[str] | None = None,
    channel: str | None = None,
    time_zone: str | None = None,
) -> Returnee:
    """Change what is given (None: unchanged); everything is checked before anything changes."""
    changes: dict[str, object] = {}
    if first_name is not None:
        _check_length("first_name", first_name, NAME_LENGTH)
        changes["first_name"] = first_name.strip()
    if last_name is not None:
        _check_length("last_name", last_name, NAME_LENGTH)
        changes["last_name"] = last_name.strip()
    if language is not None:
        changes["preferred_language"] = check_language(language)
    if fallback_languages is not None:
        codes = [check_language(code, "fallback_languages") for code in fallback_languages]
        changes["fallback_languages"] = ",".join(dict.fromkeys(codes))
    if channel is not None and check_channel(channel) != returnee.preferred_channel:
        changes["preferred_channel"] = channel
    if time_zone is not None:
        changes["time_zone"] = check_time_zone(time_zone)
    for name, value in changes.items():
        setattr(returnee, name, value)
    if changes:
        returnee.updated_at = now
    session.flush()
    if "preferred_channel" in changes:
        # The notices already planned to their own numbers go the new way too.
        move_planned_to_channel(session, returnee, returnee.preferred_channel)
    return returnee


def add_contact_point(
    session: Session,
    returnee: Returnee,
    phone: PhoneInput,
    *,
    region: str,
    now: datetime,
    actor: Actor,
) -> ContactPoint:
    """A further number for the returnee: their own, or a proxy's with the relation."""
    _check_proxy_fields(phone)
    number = parse_phone(phone.number, region, "number")
    if any(point.phone_e164 == number for point in returnee.contact_points):
        raise InvalidInput("number", "the returnee already has this number")
    point = ContactPoint(
        phone_e164=number,
        is_proxy=phone.is_proxy,
        proxy_relation=phone.relation.strip(),
        proxy_name=phone.proxy_name.strip(),
        proxy_consented_at=now if phone.is_proxy and phone.has_consent else None,
        created_at=now,
    )
    returnee.contact_points.append(point)
    returnee.updated_at = now
    session.flush()
    return point


def update_contact_point(
    session: Session,
    point: ContactPoint,
    *,
    region: str,
    now: datetime,
    actor: Actor,
    number: str | None = None,
    is_proxy: bool | None = None,
    relation: str | None = None,
    proxy_name: str | None = None,
) -> ContactPoint:
    """Change a contact point: a new number starts its reachability over; proxy details.

    A point that stops being a proxy loses its relation and name.
    """
    proxy = point.is_proxy if is_proxy is None else is_proxy
    keep = proxy  # an own number has no relation or name
    new = PhoneInput(
        number or point.phone_e164,
        proxy,
        relation if relation is not None else (point.proxy_relation if keep else ""),
        proxy_name if proxy_name is not None else (point.proxy_name if keep else ""),
    )
    _check_proxy_fields(new)
    if number is not None and parse_phone(number, region, "number") != point.phone_e164:
        change_contact_number(session, point, number, region, now=now)
    point.is_proxy = new.is_proxy
    point.proxy_relation = new.relation.strip()
    point.proxy_name = new.proxy_name.strip()
    point.returnee.updated_at = now
    session.flush()
    return point


def remove_contact_point(
    session: Session, point: ContactPoint, *, now: datetime, actor: Actor
) -> None:
    """Remove a number nothing was sent to yet; one with history is changed, not removed."""
    returnee = point.returnee
    if len(returnee.contact_points) <= 1:
        raise InvalidInput("contact_point", "a returnee keeps at least one number")
    used = session.scalar(
        select(func.count()).select_from(Notice).where(Notice.contact_point_id == point.id)
    ) or session.scalar(
        select(func.count()).select_from(Message).where(Message.contact_point_id == point.id)
    )
    if used:
        raise InvalidInput(
            "contact_point", "messages went to this number: change its number instead"
        )
    returnee.contact_points.remove(point)
    returnee.updated_at = now
    session.flush()


def set_consent(
    session: Session,
    returnee: Returnee,
    *,
    is_opted_out: bool,
    now: datetime,
    actor: Actor,
    source: str = "",
) -> None:
    """A caseworker records the returnee's opt-out on every channel at once, which ends as a
    STOP does, for the person (`record_opt_out_of_person`: what is planned is cancelled, the
    person is on the Unreachable list), or their consent again (`record_consent_again`).
    `source` says where the opt-out came from (a message: "reply:sms"), by default the actor."""
    if is_opted_out:
        source = source or actor_identity(actor)[0][:32] or "caseworker"
        record_opt_out_of_person(session, returnee, source=source, now=now)
    else:
        record_consent_again(session, returnee, now=now, actor=actor)
    returnee.updated_at = now
    session.flush()


def is_opted_out(returnee: Returnee, channel: str) -> bool:
    return any(c.channel == channel and c.is_opted_out for c in returnee.consents)


def change_contact_number(
    session: Session, point: ContactPoint, number: str, region: str, *, now: datetime
) -> ContactPoint:
    """A returnee (or proxy) has a new number: the contact point takes it, reachability starts over.

    What the old number went through stays in the reachability history, which records the change.
    """
    phone = parse_phone(number, region, "phone")
    clash = session.scalar(
        select(ContactPoint.id).filter_by(returnee_id=point.returnee_id, phone_e164=phone)
    )
    if clash is not None and clash != point.id:
        raise InvalidInput("phone", "the returnee already has this number")
    point.phone_e164 = phone
    point.reachability = "unknown"
    point.reachability_changed_at = now
    session.add(
        ReachabilityEvent(
            contact_point_id=point.id, state="unknown", reason="number changed", created_at=now
        )
    )
    session.flush()
    return point


def set_quiet_hours(
    session: Session,
    returnee: Returnee,
    start: time | None,
    end: time | None,
    *,
    now: datetime,
    actor: Actor,
) -> None:
    """The returnee's own quiet hours (from `start` to `end`, local time), or none: both or
    neither; the programme's allowed hours apply as well."""
    if (start is None) != (end is None):
        raise InvalidInput("quiet_hours", "give both the start and the end, or neither")
    if start is not None and start == end:
        raise InvalidInput("quiet_hours", "the start and the end must differ")
    if (returnee.quiet_hours_start, returnee.quiet_hours_end) != (start, end):
        returnee.quiet_hours_start, returnee.quiet_hours_end = start, end
        returnee.updated_at = now
    session.flush()


def set_sensitive(
    session: Session, returnee: Returnee, is_sensitive: bool, *, now: datetime, actor: Actor
) -> None:
    """Mark a returnee sensitive: every referral of theirs, open or to come, is discreet.

    Unmarking keeps the referrals already discreet as they are (a message cannot be unsent).
    """
    if returnee.is_sensitive != is_sensitive:
        returnee.is_sensitive = is_sensitive
        returnee.updated_at = now
    if is_sensitive:
        for referral in session.scalars(
            select(Referral).where(Referral.returnee_id == returnee.id, ~Referral.is_sensitive)
        ):
            referral.is_sensitive = True
            referral.updated_at = now
    session.flush()


def record_consent_again(
    session: Session, returnee: Returnee, *, now: datetime, actor: Actor
) -> int:
    """The person asked, by other means (in person, by phone), to receive messages again:
    every channel opted in, and their own numbers that had stopped taken off the suppression
    list (a relative's number that stopped stays stopped).

    Returns how many numbers were stopped; each keeps the change in its reachability history.
    """
    name = actor_identity(actor)[0][:32] or "caseworker"
    set_opt_out(session, returnee, is_opted_out=False, source=name, now=now)
    # Their own numbers only: a relative's STOP is the relative's to lift.
    stopped = [
        point
        for point in returnee.contact_points
        if point.reachability == OPTED_OUT and not point.is_proxy
    ]
    for phone in sorted({point.phone_e164 for point in stopped}):
        record_opt_in(session, phone, source=f"consent recorded by {name}", now=now)
    if returnee.unreachable_reason == OPTED_OUT:  # an opt-out a caseworker applied
        clear_unreachable(session, returnee, now=now, actor=actor, reason="opt_in")
    returnee.updated_at = now
    session.flush()
    return len(stopped)


def record_proxy_consent(
    session: Session, point: ContactPoint, *, has_consent: bool, now: datetime, actor: Actor
) -> None:
    """Whether a proxy agreed to pass messages on (own numbers have nothing to agree to)."""
    if not point.is_proxy:
        raise InvalidInput("consent", "only a proxy's number records a proxy's consent")
    point.proxy_consented_at = now if has_consent else None
    point.returnee.updated_at = now
    session.flush()
