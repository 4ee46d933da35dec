"""Turning referral dates into notices, and replanning them when the dates change.

Called in the same transaction as the change that causes it, so no reminder can go out for an
appointment time that no longer holds. Offsets, local times and validity come from the
programme file (`smsgateway.programme`); every due time then passes through quiet hours.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.models import Notice, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState, cancel_pending, plan_notice
from smsgateway.programme import Programme, current_programme
from smsgateway.quiet_hours import AllowedHours, next_allowed_time

#: Notices tied to the appointment time: cancelled and planned again when it moves.
APPOINTMENT_KINDS = (NoticeKind.APPOINTMENT_REMINDER, NoticeKind.ATTENDANCE_CHECK)


def allowed_hours_for(returnee: Returnee, programme: Programme) -> AllowedHours:
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


def plan_referral(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme | None = None,
) -> list[Notice]:
    """Plan the creation notice, appointment notices and follow-ups of a new referral."""
    programme = programme or current_programme()
    notices = []
    if NoticeKind.REFERRAL_CREATED in programme.kinds:
        notices.append(_plan_created(session, referral, now=now, programme=programme))
    notices += plan_appointment(session, referral, now=now, programme=programme)
    if NoticeKind.REFERRAL_FOLLOWUP in programme.kinds:
        notices += _plan_followups(session, referral, now=now, programme=programme)
    if NoticeKind.SATISFACTION_QUESTION in programme.kinds:
        notices += _plan_satisfaction_at_last_followup(
            session, referral, now=now, programme=programme
        )
    return notices


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
    return _plan_satisfaction(session, referral, due, now, programme)


def _plan_satisfaction_at_last_followup(
    session: Session, referral: Referral, *, now: datetime, programme: Programme
) -> list[Notice]:
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
    return [_plan_satisfaction(session, referral, due, now, programme)]


def _plan_satisfaction(
    session: Session, referral: Referral, due: datetime, now: datetime, programme: Programme
) -> Notice:
    validity = programme.validity_of(NoticeKind.SATISFACTION_QUESTION)
    return _plan(
        session,
        referral,
        NoticeKind.SATISFACTION_QUESTION,
        due,
        now,
        expires_at=due + validity if validity else None,
    )


def plan_appointment(
    session: Session, referral: Referral, *, now: datetime, programme: Programme | None = None
) -> list[Notice]:
    """Reminders before the appointment and the attendance check after it (none if it passed)."""
    programme = programme or current_programme()
    appointment = referral.appointment_at
    if appointment is None or appointment <= now:
        return []
    notices = []
    if NoticeKind.APPOINTMENT_REMINDER in programme.kinds:
        notices = [
            _plan(
                session, referral, NoticeKind.APPOINTMENT_REMINDER, due, now, expires_at=appointment
            )
            for due in reminder_times(referral.returnee, appointment, now=now, programme=programme)
        ]
    if NoticeKind.ATTENDANCE_CHECK not in programme.kinds:
        return notices
    zone = referral.returnee.time_zone
    check_day = appointment.astimezone(ZoneInfo(zone)).date()
    check_day += timedelta(days=programme.attendance_days_after)
    check_at = _allowed(
        referral.returnee, at_local_time(check_day, programme.attendance_time, zone), programme
    )
    validity = programme.validity_of(NoticeKind.ATTENDANCE_CHECK)
    notices.append(
        _plan(
            session,
            referral,
            NoticeKind.ATTENDANCE_CHECK,
            check_at,
            now,
            expires_at=check_at + validity if validity else None,
        )
    )
    return notices


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


def _plan_created(
    session: Session, referral: Referral, *, now: datetime, programme: Programme
) -> Notice:
    due = _allowed(referral.returnee, now, programme)
    validity = programme.validity_of(NoticeKind.REFERRAL_CREATED)
    return _plan(
        session,
        referral,
        NoticeKind.REFERRAL_CREATED,
        due,
        now,
        expires_at=due + validity if validity else None,
    )


def _plan_followups(
    session: Session, referral: Referral, *, now: datetime, programme: Programme
) -> list[Notice]:
    """Follow-ups some months after the referral, and some days after one recorded without an
    appointment (its first question would otherwise come only a month later)."""
    zone = referral.returnee.time_zone
    start = referral.created_at.astimezone(ZoneInfo(zone)).date()
    days = [add_months(start, months) for months in sorted(set(programme.followup_months))]
    if referral.appointment_at is None:
        days += [start + timedelta(days=d) for d in programme.followup_days_without_appointment]
    validity = programme.validity_of(NoticeKind.REFERRAL_FOLLOWUP)
    notices = []
    for day in sorted(set(days)):
        due = _allowed(
            referral.returnee, at_local_time(day, programme.followup_time, zone), programme
        )
        if due <= now:
            continue
        notices.append(
            _plan(
                session,
                referral,
                NoticeKind.REFERRAL_FOLLOWUP,
                due,
                now,
                expires_at=due + validity if validity else None,
            )
        )
    return notices


def _allowed(returnee: Returnee, when: datetime, programme: Programme) -> datetime:
    return next_allowed_time(when, returnee.time_zone, allowed_hours_for(returnee, programme))


def _plan(
    session: Session,
    referral: Referral,
    kind: NoticeKind,
    due_at: datetime,
    now: datetime,
    *,
    expires_at: datetime | None,
) -> Notice:
    return plan_notice(
        session,
        kind=kind,
        returnee=referral.returnee,
        referral=referral,
        due_at=due_at,
        expires_at=expires_at,
        now=now,
    )
