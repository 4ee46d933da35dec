"""Turning referral dates into notices, and replanning them when the dates change.

Called in the same transaction as the change that causes it, so no reminder can go out for an
appointment time that no longer holds. Offsets, local times and validity come from the
programme file (`smsgateway.programme`); every due time then passes through quiet hours.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.models import Notice, Referral, Returnee
from smsgateway.notices import (
    NoticeKind,
    NoticeState,
    cancel_pending,
    insert_notices,
    notice_row,
    plan_notice,
)
from smsgateway.programme import Programme, current_programme
from smsgateway.quiet_hours import AllowedHours, next_allowed_time

#: Notices tied to the appointment time: cancelled and planned again when it moves.
APPOINTMENT_KINDS = (NoticeKind.APPOINTMENT_REMINDER, NoticeKind.ATTENDANCE_CHECK)


class QuietHoursOf(Protocol):
    """A returnee's own quiet hours: the record, or a row read for dispatch."""

    @property
    def quiet_hours_start(self) -> time | None: ...

    @property
    def quiet_hours_end(self) -> time | None: ...


def allowed_hours_for(returnee: QuietHoursOf, programme: Programme) -> AllowedHours:
    """The returnee's allowed hours: their own quiet hours inverted, else the programme's."""
    if returnee.quiet_hours_start is None or returnee.quiet_hours_end is None:
        return programme.allowed_hours
    # Stored as the quiet period, as dispatch reads them: allowed is from its end to its start.
    return AllowedHours(start=returnee.quiet_hours_end, end=returnee.quiet_hours_start)


def at_local_time(day: date, clock: time, time_zone: str) -> datetime:
    """`clock` on the local `day` as a UTC time; a wall time skipped by DST moves forward."""
    # fold=0 reads a wall time inside a spring-forward gap with the earlier offset, which lands
    # after the gap; a repeated autumn hour takes its first occurrence.
    return datetime.combine(day, clock, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class NoticePlan:
    """One notice of a referral's plan: what and when, before it is written."""

    kind: NoticeKind
    due_at: datetime
    expires_at: datetime | None = None


def plan_referral(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme | None = None,
) -> list[Notice]:
    """Plan the creation notice, appointment notices and follow-ups of a new referral."""
    plans = referral_plan(referral, now=now, programme=programme or current_programme())
    return [_plan(session, referral, plan, now) for plan in plans]


def plan_referrals(
    session: Session,
    referrals: Sequence[Referral],
    *,
    now: datetime,
    programme: Programme | None = None,
) -> int:
    """What `plan_referral` plans for each referral, written by one INSERT over all rows (an import,
    a batch of new referrals): no ORM object per notice. Returns how many were planned."""
    programme = programme or current_programme()
    rows = [
        notice_row(
            kind=plan.kind,
            returnee=referral.returnee,
            referral_id=referral.id,
            due_at=plan.due_at,
            expires_at=plan.expires_at,
            now=now,
        )
        for referral in referrals
        for plan in referral_plan(referral, now=now, programme=programme)
    ]
    return insert_notices(session, rows)


def referral_plan(referral: Referral, *, now: datetime, programme: Programme) -> list[NoticePlan]:
    """The notices a new referral gets by the programme, in the order they were always planned."""
    plans = []
    if NoticeKind.REFERRAL_CREATED in programme.kinds:
        plans.append(_created_plan(referral, now=now, programme=programme))
    plans += appointment_plan(referral, now=now, programme=programme)
    if NoticeKind.REFERRAL_FOLLOWUP in programme.kinds:
        plans += _followup_plans(referral, now=now, programme=programme)
    if NoticeKind.SATISFACTION_QUESTION in programme.kinds:
        plans += _satisfaction_at_last_followup(referral, now=now, programme=programme)
    return plans


#: A satisfaction question is not planned again this close to one already planned.
SATISFACTION_SPACING = timedelta(days=31)


def plan_satisfaction_after_enrolment(
    session: Session, referral: Referral, *, now: datetime, programme: Programme | None = None
) -> Notice | None:
    """ "Did the help match what you needed?" some months after the enrolment, unless the
    programme does not ask then or one is already planned about that time."""
    programme = programme or current_programme()
    months = programme.satisfaction.months_after_enrolment
    if NoticeKind.SATISFACTION_QUESTION not in programme.kinds or months is None:
        return None
    zone = referral.returnee.time_zone
    day = add_months(now.astimezone(ZoneInfo(zone)).date(), months)
    due = _allowed(
        referral.returnee,
        at_local_time(day, programme.satisfaction.local_time, zone),
        programme,
    )
    session.flush()  # a satisfaction question planned in this transaction must be seen
    planned = session.scalars(
        select(Notice.due_at).where(
            Notice.referral_id == referral.id,
            Notice.kind == NoticeKind.SATISFACTION_QUESTION,
            Notice.state == NoticeState.PLANNED,
        )
    ).all()
    if any(abs(other - due) < SATISFACTION_SPACING for other in planned):
        return None
    return _plan(session, referral, _satisfaction_plan(due, programme), now)


def _satisfaction_at_last_followup(
    referral: Referral, *, now: datetime, programme: Programme
) -> list[NoticePlan]:
    """The satisfaction question the day after the last follow-up: each question then has its
    own answer (a bare "1" answers the last question the number received)."""
    if not programme.satisfaction.at_last_followup or not programme.followup_months:
        return []
    zone = referral.returnee.time_zone
    start = referral.created_at.astimezone(ZoneInfo(zone)).date()
    day = add_months(start, max(programme.followup_months)) + timedelta(days=1)
    due = _allowed(
        referral.returnee,
        at_local_time(day, programme.satisfaction.local_time, zone),
        programme,
    )
    if due <= now:
        return []
    return [_satisfaction_plan(due, programme)]


def _satisfaction_plan(due: datetime, programme: Programme) -> NoticePlan:
    validity = programme.validity_of(NoticeKind.SATISFACTION_QUESTION)
    expires_at = due + validity if validity else None
    return NoticePlan(NoticeKind.SATISFACTION_QUESTION, due, expires_at=expires_at)


def plan_appointment(
    session: Session, referral: Referral, *, now: datetime, programme: Programme | None = None
) -> list[Notice]:
    """Reminders before the appointment and the attendance check after it (none if it passed)."""
    plans = appointment_plan(referral, now=now, programme=programme or current_programme())
    return [_plan(session, referral, plan, now) for plan in plans]


def appointment_plan(
    referral: Referral, *, now: datetime, programme: Programme
) -> list[NoticePlan]:
    """The reminders and the attendance check of the referral's appointment, not yet written."""
    appointment = referral.appointment_at
    if appointment is None or appointment <= now:
        return []
    plans = []
    if NoticeKind.APPOINTMENT_REMINDER in programme.kinds:
        plans = [
            NoticePlan(NoticeKind.APPOINTMENT_REMINDER, due, expires_at=appointment)
            for due in reminder_times(referral.returnee, appointment, now=now, programme=programme)
        ]
    if NoticeKind.ATTENDANCE_CHECK not in programme.kinds:
        return plans
    zone = referral.returnee.time_zone
    check_day = appointment.astimezone(ZoneInfo(zone)).date()
    check_day += timedelta(days=programme.attendance_days_after)
    check_at = _allowed(
        referral.returnee, at_local_time(check_day, programme.attendance_time, zone), programme
    )
    validity = programme.validity_of(NoticeKind.ATTENDANCE_CHECK)
    expires_at = check_at + validity if validity else None
    plans.append(NoticePlan(NoticeKind.ATTENDANCE_CHECK, check_at, expires_at=expires_at))
    return plans


def reminder_times(
    returnee: Returnee, appointment: datetime, *, now: datetime, programme: Programme
) -> list[datetime]:
    """Due times of the reminders for `appointment`: offsets still ahead, then a short-notice one.

    A short-notice reminder is added for a booking made less than `short_notice` ahead, or
    when no offset is left; it goes out at once when quiet hours would push it past the
    appointment. Every time passes through quiet hours and stays before the appointment.
    """
    zone = returnee.time_zone
    local_day = appointment.astimezone(ZoneInfo(zone)).date()
    times: list[datetime] = []
    for days in sorted(set(programme.reminder_days_before), reverse=True):
        due = at_local_time(local_day - timedelta(days=days), programme.reminder_time, zone)
        if due > now:
            times.append(_allowed(returnee, due, programme))
    if appointment - now < programme.short_notice or not times:
        due = _allowed(returnee, max(now, appointment - programme.short_notice_before), programme)
        if due >= appointment:  # quiet hours until the appointment: remind now if allowed
            due = _allowed(returnee, now, programme)
        times.append(due)
    return sorted({due for due in times if due < appointment})


def replan_appointment(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme | None = None,
) -> list[Notice]:
    """Cancel the notices for the old appointment time and plan those for the new one."""
    session.flush()  # the cancel below is a bulk update: pending notices must be in the database
    cancel_pending(
        session, referral_ids=[referral.id], kinds=APPOINTMENT_KINDS, reason="appointment moved"
    )
    return plan_appointment(session, referral, now=now, programme=programme)


def plan_call_announcement(
    session: Session,
    returnee: Returnee,
    call_at: datetime,
    *,
    now: datetime,
    referral: Referral | None = None,
    programme: Programme | None = None,
) -> Notice:
    """Tell the returnee now (or at the next allowed hour) when a caseworker will call."""
    programme = programme or current_programme()
    session.flush()
    if referral is not None:
        cancel_pending(
            session,
            referral_ids=[referral.id],
            kinds=[NoticeKind.CALL_ANNOUNCEMENT],
            reason="call rescheduled",
        )
    else:
        cancel_pending(
            session,
            returnee_id=returnee.id,
            kinds=[NoticeKind.CALL_ANNOUNCEMENT],
            reason="call rescheduled",
        )
    return plan_notice(
        session,
        kind=NoticeKind.CALL_ANNOUNCEMENT,
        returnee=returnee,
        referral=referral,
        due_at=_allowed(returnee, now, programme),
        expires_at=call_at,
        payload={"call_at": call_at.astimezone(UTC).isoformat()},
        now=now,
    )


def _created_plan(referral: Referral, *, now: datetime, programme: Programme) -> NoticePlan:
    due = _allowed(referral.returnee, now, programme)
    validity = programme.validity_of(NoticeKind.REFERRAL_CREATED)
    return NoticePlan(
        NoticeKind.REFERRAL_CREATED, due, expires_at=due + validity if validity else None
    )


def _followup_plans(referral: Referral, *, now: datetime, programme: Programme) -> list[NoticePlan]:
    """Follow-ups some months after the referral, and some days after one recorded without an
    appointment (its first question would otherwise come only a month later)."""
    zone = referral.returnee.time_zone
    start = referral.created_at.astimezone(ZoneInfo(zone)).date()
    days = [add_months(start, months) for months in sorted(set(programme.followup_months))]
    if referral.appointment_at is None:
        days += [start + timedelta(days=d) for d in programme.followup_days_without_appointment]
    validity = programme.validity_of(NoticeKind.REFERRAL_FOLLOWUP)
    plans = []
    for day in sorted(set(days)):
        due = _allowed(
            referral.returnee, at_local_time(day, programme.followup_time, zone), programme
        )
        if due > now:
            expires_at = due + validity if validity else None
            plans.append(NoticePlan(NoticeKind.REFERRAL_FOLLOWUP, due, expires_at=expires_at))
    return plans


def _allowed(returnee: Returnee, when: datetime, programme: Programme) -> datetime:
    return next_allowed_time(when, returnee.time_zone, allowed_hours_for(returnee, programme))


def _plan(session: Session, referral: Referral, plan: NoticePlan, now: datetime) -> Notice:
    return plan_notice(
        session,
        kind=plan.kind,
        returnee=referral.returnee,
        referral=referral,
        due_at=plan.due_at,
        expires_at=plan.expires_at,
        now=now,
    )
