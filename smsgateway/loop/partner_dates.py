"""A new appointment date from the partner, by SMS, when a returnee asks for another one.

The partner holds the appointment book, so the rebooking rule's first step (`ask_partner_date`)
asks the partner's first point person for a new date: a notice of kind `partner_date_request`,
by SMS in the point person's language ("Referral R1234 (Awa D., appointment 12 Dec) asks for
another date. Reply with the reference and the new date and time, e.g. R1234 19/12 10:00").
Without an answer, the next steps (`remind_partner_date`, twice in the shipped programme) ask
again, "Reminder." first.
The point person answers with the reference, a date written day first (`19/12`, `19.12.2026`,
`19-12`) and, if they like, a time (`10:00`, `10h`, `14h30`); without a time the appointment
keeps the time of day it had (09:00 when it had none). The date is read in the returnee's time
zone, as every appointment is, and a date without a year is its next coming. `move_appointment`
then records it (the returnee is told by the replanned reminders, the rebooking task ends);
nothing else in such a message is guessed. Only when the partner does not answer within the
step's wait does the task reach a caseworker (the rule's `caseworker` step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.loop.partner_questions import point_person_for
from smsgateway.models import Notice, PointPerson, Referral
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.programme import Programme
from smsgateway.referrals import Source, Status, move_appointment
from smsgateway.replies.normalize import find_reference_codes

#: Day first, then month, then an optional year: 19/12, 19.12.26, 19-12-2026.
_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.-])")
#: 10:00, 10h, 10h30, 14 h 30, 9H.
_TIME = re.compile(r"(?<![\d/.:])(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)(?![\d/.])")
#: The time of day of a new date given without one, for a referral that had no appointment.
DEFAULT_TIME = time(9, 0)
#: Where a referral may stand for its partner to give it a new date (before any outcome).
MOVABLE = frozenset(
    {
        Status.REFERRED,
        Status.CONFIRMED,
        Status.RESCHEDULE_REQUESTED,
        Status.DECLINED,
        Status.NO_SHOW,
    }
)


@dataclass(frozen=True)
class NewDate:
    """What a point person's message proposes: a reference, a local date (its year when
    written), maybe a time."""

    reference: str
    day: int
    month: int
    year: int | None
    at: time | None


#: A reminder asks again unless a request went this recently (a step run twice asks once).
REMINDER_GAP = timedelta(hours=12)


def ask_partner_for_date(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme,
    is_reminder: bool = False,
) -> Notice | None:
    """Ask the referral's partner for a new appointment date; None without a point person.

    A request about this referral still planned, or sent since the referral asked for another
    date, is that request (a task step run again asks nothing twice). A reminder
    (`remind_partner_date`) asks again, "Reminder." first, unless a request is still planned or
    went less than `REMINDER_GAP` ago.
    """
    person = point_person_for(referral.partner)
    if person is None:
        return None
    since = now - REMINDER_GAP if is_reminder else (referral.updated_at or now)
    earlier = session.scalars(
        select(Notice).where(
            Notice.kind == NoticeKind.PARTNER_DATE_REQUEST,
            Notice.referral_id == referral.id,
            (Notice.state == NoticeState.PLANNED) | (Notice.created_at >= since),
        )
    ).first()
    if earlier is not None:
        return earlier
    validity = programme.validity_of(NoticeKind.PARTNER_DATE_REQUEST)
    example = _example_day(referral, now)
    notice = Notice(
        kind=NoticeKind.PARTNER_DATE_REQUEST,
        referral_id=referral.id,
        recipient_phone=person.phone_e164,
        channel="sms",
        language=person.language,
        payload={
            "referral_ids": [referral.id],
            "example": f"{referral.reference} {example:%d/%m} 10:00",
            "reminder": is_reminder,
        },
        due_at=now,
        expires_at=now + validity if validity else None,
        state=NoticeState.PLANNED,
        attempts=0,
        created_at=now,
    )
    session.add(notice)
    return notice


def parse_new_date(text: str) -> NewDate | None:
    """A reference and a day-first date (and maybe a time) in a point person's message."""
    references = find_reference_codes(text)
    if len(references) != 1:
        return None
    found = _DATE.search(text)
    if found is None:
        return None
    day, month, year = int(found.group(1)), int(found.group(2)), found.group(3)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    rest = text[: found.start()] + " " + text[found.end() :]
    clock = _TIME.search(rest)
    at = None
    if clock is not None:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if hour > 23 or minute > 59:
            return None
        at = time(hour, minute)
    full_year = _full_year(year) if year else None
    try:
        date(full_year or 2000, month, day)  # a leap year: 29/02 may be next year's
    except ValueError:
        return None
    return NewDate(references[0], day, month, full_year, at)


def apply_new_date(
    session: Session, person: PointPerson, proposal: NewDate, *, now: datetime
) -> tuple[Referral | None, str]:
    """Move the appointment as the partner proposes; the referral and "" when done, else why not
    (the reasons of `partners.CommandResult`)."""
    referral = session.scalar(select(Referral).filter_by(reference=proposal.reference))
    if referral is None:
        return None, "unknown_reference"
    if referral.partner_id != person.partner_id:
        return referral, "other_partner"
    if referral.status not in MOVABLE:
        return referral, "transition_not_allowed"
    zone = ZoneInfo(referral.returnee.time_zone)
    when = _local_time(proposal, referral, now.astimezone(zone).date(), zone)
    if when is None or when <= now:
        return referral, "date_in_the_past"
    try:
        move_appointment(
            session,
            referral,
            when,
            now=now,
            actor=person.name or f"point person {person.id}",
            source=Source.PARTNER_SMS,
        )
    except InvalidInput:
        return referral, "transition_not_allowed"
    return referral, ""


def _local_time(
    proposal: NewDate, referral: Referral, today: date, zone: ZoneInfo
) -> datetime | None:
    at = proposal.at
    if at is None:
        previous = referral.appointment_at
        at = previous.astimezone(zone).time().replace(tzinfo=None) if previous else DEFAULT_TIME
    years = [proposal.year] if proposal.year else [today.year, today.year + 1, today.year + 4]
    for year in years:  # no year written: its next coming (a 29/02 may be years away)
        try:
            day = date(year, proposal.month, proposal.day)
        except ValueError:
            continue
        if proposal.year or day >= today:
            return datetime.combine(day, at, tzinfo=zone)
    return None


def _full_year(written: str) -> int:
    return int(written) + 2000 if len(written) == 2 else int(written)


def _example_day(referral: Referral, now: datetime) -> date:
    """A date a week ahead in the returnee's time zone, for the request's example answer."""
    return (now + timedelta(days=7)).astimezone(ZoneInfo(referral.returnee.time_zone)).date()
