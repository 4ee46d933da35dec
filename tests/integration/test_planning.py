"""Planning from the programme: offsets, quiet hours, validity, replanning, cancellation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import Notice, Referral, ReferralEvent, Returnee
from smsgateway.notices import NoticeState
from smsgateway.programme import Programme, load_programme
from smsgateway.referrals import Source, Status, change_status, move_appointment, schedule_call
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime

PROGRAMME = load_programme()


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def notices_of(session: Session, referral: Referral, state: str = NoticeState.PLANNED) -> list:
    query = select(Notice).filter_by(referral_id=referral.id, state=state)
    return list(session.scalars(query.order_by(Notice.due_at, Notice.id)))


def due_times(session: Session, referral: Referral, kind: str) -> list[datetime]:
    return [n.due_at for n in notices_of(session, referral) if n.kind == kind]


@pytest.fixture
def refer(
    make_referral: Callable[..., Referral], make_returnee: Callable[..., Returnee]
) -> Callable[..., Referral]:
    """A referral under the default programme for a returnee in `zone`."""

    def make(appointment_at: datetime, *, now: datetime, zone: str = "Africa/Dakar") -> Referral:
        return make_referral(
            returnee=make_returnee(time_zone=zone),
            appointment_at=appointment_at,
            now=now,
            programme=PROGRAMME,
        )

    return make


def test_new_referral_gets_creation_notice_reminders_check_and_followups(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Dakar is UTC all year
    appointment = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    referral = refer(appointment, now=now)
    planned = [(n.kind, n.due_at, n.expires_at) for n in notices_of(session, referral)]
    validity = PROGRAMME.validity
    assert planned == [
        ("referral_created", now, now + validity["referral_created"]),
        ("appointment_reminder", datetime(2026, 12, 2, 9, tzinfo=UTC), appointment),
        ("appointment_reminder", datetime(2026, 12, 4, 9, tzinfo=UTC), appointment),
        (
            "attendance_check",
            datetime(2026, 12, 6, 10, tzinfo=UTC),
            datetime(2026, 12, 6, 10, tzinfo=UTC) + validity["attendance_check"],
        ),
        *[
            ("referral_followup", due, due + validity["referral_followup"])
            for due in (
                datetime(2027, 1, 1, 10, tzinfo=UTC),
                datetime(2027, 4, 1, 10, tzinfo=UTC),
                datetime(2027, 6, 1, 10, tzinfo=UTC),
            )
        ],
        # The day after the last follow-up: did the help match what you needed?
        (
            "satisfaction_question",
            datetime(2027, 6, 2, 10, tzinfo=UTC),
            datetime(2027, 6, 2, 10, tzinfo=UTC) + validity["satisfaction_question"],
        ),
    ]


def test_offsets_already_past_are_skipped(session: Session, refer: Callable[..., Referral]) -> None:
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 3, 11, 0, tzinfo=UTC), now=now)
    assert due_times(session, referral, "appointment_reminder") == [
        datetime(2026, 12, 2, 9, tzinfo=UTC)
    ]


def test_same_day_booking_gets_a_reminder_two_hours_before(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), now=now)
    assert due_times(session, referral, "appointment_reminder") == [
        datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    ]


def test_short_notice_reminder_in_quiet_hours_moves_to_morning_or_goes_now(
    session: Session, refer: Callable[..., Referral]
) -> None:
    evening = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    early = refer(datetime(2026, 12, 2, 8, 30, tzinfo=UTC), now=evening)
    assert due_times(session, early, "appointment_reminder") == [
        datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    ]
    dawn = refer(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), now=evening)
    assert due_times(session, dawn, "appointment_reminder") == [evening]


def test_reminders_keep_local_nine_oclock_across_the_paris_dst_change(
    session: Session, refer: Callable[..., Referral]
) -> None:
    zone = "Europe/Paris"
    appointment = local(zone, 2026, 3, 31, 10)
    referral = refer(appointment, now=local(zone, 2026, 3, 20, 12), zone=zone)
    reminders = due_times(session, referral, "appointment_reminder")
    assert reminders == [local(zone, 2026, 3, 28, 9), local(zone, 2026, 3, 30, 9)]
    assert [r.hour for r in reminders] == [8, 7]  # UTC+1, then UTC+2 after 29 March
    assert due_times(session, referral, "attendance_check") == [local(zone, 2026, 4, 1, 10)]


def test_reminders_follow_new_york_local_time_across_its_dst_change(
    session: Session, refer: Callable[..., Referral]
) -> None:
    zone = "America/New_York"
    appointment = local(zone, 2026, 3, 9, 11)
    referral = refer(appointment, now=local(zone, 2026, 3, 1, 12), zone=zone)
    assert due_times(session, referral, "appointment_reminder") == [
        local(zone, 2026, 3, 6, 9),
        local(zone, 2026, 3, 8, 9),
    ]


def test_returnee_quiet_hours_move_the_planned_time(
    session: Session, make_referral: Callable[..., Referral], make_returnee: Callable[..., Returnee]
) -> None:
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    returnee = make_returnee()
    returnee.quiet_hours_start, returnee.quiet_hours_end = time(21), time(10)
    session.commit()
    referral = make_referral(
        returnee=returnee,
        appointment_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        now=now,
        programme=PROGRAMME,
    )
    assert due_times(session, referral, "referral_created") == [
        datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    ]
    assert due_times(session, referral, "appointment_reminder") == [
        datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    ]


def test_moving_the_appointment_replans_its_notices_and_nothing_else(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    kept = {
        n.id
        for n in notices_of(session, referral)
        if n.kind in ("referral_created", "referral_followup", "satisfaction_question")
    }
    old = {n.id for n in notices_of(session, referral)} - kept
    events = session.scalar(select(func.count()).select_from(ReferralEvent))
    new_time = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    move_appointment(session, referral, new_time, now=now, actor="cw", programme=PROGRAMME)
    session.commit()
    assert {n.id for n in notices_of(session, referral, NoticeState.CANCELLED)} == old
    assert referral.appointment_at == new_time
    assert due_times(session, referral, "appointment_reminder") == [
        datetime(2026, 12, 7, 9, tzinfo=UTC),
        datetime(2026, 12, 9, 9, tzinfo=UTC),
    ]
    assert due_times(session, referral, "attendance_check") == [
        datetime(2026, 12, 11, 10, tzinfo=UTC)
    ]
    assert kept <= {n.id for n in notices_of(session, referral)}
    assert session.scalar(select(func.count()).select_from(ReferralEvent)) == events
    assert referral.status == Status.REFERRED


def test_moving_the_appointment_is_undone_with_its_transaction(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    before = [(n.id, n.state, n.due_at) for n in notices_of(session, referral)]
    move_appointment(session, referral, datetime(2026, 12, 9, 9, tzinfo=UTC), now=now, actor="cw")
    session.rollback()
    assert [(n.id, n.state, n.due_at) for n in notices_of(session, referral)] == before


def test_moving_a_reschedule_request_rebooks_the_referral(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    change_status(session, referral, Status.RESCHEDULE_REQUESTED, source=Source.SYSTEM, now=now)
    move_appointment(session, referral, datetime(2026, 12, 9, 11, tzinfo=UTC), now=now, actor="cw")
    session.commit()
    last = referral.events[-1]
    assert (last.old_status, last.new_status, last.actor) == (
        Status.RESCHEDULE_REQUESTED,
        Status.REFERRED,
        "cw",
    )
    assert len(due_times(session, referral, "appointment_reminder")) == 2


@pytest.mark.parametrize("new_time", [None, datetime(2026, 11, 30, 9, tzinfo=UTC)])
def test_moving_to_a_past_or_naive_time_is_refused(
    session: Session, refer: Callable[..., Referral], new_time: datetime | None
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    when = new_time or datetime(2026, 12, 9, 9)
    with pytest.raises(InvalidInput):
        move_appointment(session, referral, when, now=now, actor="cw")


def test_closing_cancels_pending_notices_and_keeps_the_sent_ones(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    pending = notices_of(session, referral)
    first_followup = next(n for n in pending if n.kind == "referral_followup")
    for notice in pending:
        if notice.due_at <= first_followup.due_at:
            notice.state = NoticeState.SENT
    session.commit()
    later = datetime(2027, 2, 1, 9, tzinfo=UTC)
    change_status(session, referral, Status.ATTENDED, source=Source.SYSTEM, now=later)
    change_status(session, referral, Status.INELIGIBLE, source=Source.PARTNER_SMS, now=later)
    session.commit()
    assert notices_of(session, referral) == []
    cancelled = notices_of(session, referral, NoticeState.CANCELLED)
    assert [n.kind for n in cancelled] == [
        "referral_followup",
        "referral_followup",
        "satisfaction_question",
    ]
    assert first_followup.state == NoticeState.SENT


def test_opting_out_cancels_every_pending_notice_of_the_returnee(
    runtime: Runtime, session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    phone = referral.returnee.contact_points[0].phone_e164
    with runtime.db.transaction() as tx:
        receive_message(tx, InboundMessage(phone, "STOP"), now=now, settings=runtime.settings)
    session.expire_all()
    assert notices_of(session, referral) == []
    assert len(notices_of(session, referral, NoticeState.CANCELLED)) == 8


def test_a_scheduled_call_is_announced_now_and_expires_at_the_call(
    session: Session, refer: Callable[..., Referral]
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = refer(datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now)
    call_at = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    first = schedule_call(session, referral, call_at, now=now, programme=PROGRAMME)
    later_call = call_at + timedelta(days=1)
    second = schedule_call(session, referral, later_call, now=now, programme=PROGRAMME)
    session.commit()
    session.expire_all()
    assert (first.state, second.state) == (NoticeState.CANCELLED, NoticeState.PLANNED)
    assert (second.kind, second.due_at, second.expires_at) == ("call_announcement", now, later_call)
    assert datetime.fromisoformat(second.payload["call_at"]) == later_call


def test_a_call_announced_at_night_waits_for_the_morning(
    session: Session, make_returnee: Callable[..., Returnee]
) -> None:
    returnee = make_returnee(time_zone="America/New_York")
    night = local("America/New_York", 2026, 12, 1, 22)
    notice = schedule_call(
        session, returnee, night + timedelta(days=1), now=night, programme=PROGRAMME
    )
    assert notice.due_at == local("America/New_York", 2026, 12, 2, 8)
    with pytest.raises(InvalidInput):
        schedule_call(session, returnee, night - timedelta(hours=1), now=night)


def test_the_programme_given_decides_offsets_and_kinds(
    session: Session, make_referral: Callable[..., Referral]
) -> None:
    programme: Programme = load_programme()
    custom = replace(
        programme, reminder_days_before=(2,), kinds=frozenset({"appointment_reminder"})
    )
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    referral = make_referral(
        appointment_at=datetime(2026, 12, 5, 11, 0, tzinfo=UTC), now=now, programme=custom
    )
    assert [(n.kind, n.due_at) for n in notices_of(session, referral)] == [
        ("appointment_reminder", datetime(2026, 12, 3, 9, tzinfo=UTC))
    ]


def test_a_scheduled_call_is_announced_with_its_local_day_and_time(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    from smsgateway.dispatch import dispatch_due_notices
    from smsgateway.models import Message

    referral = make_referral()
    call_at = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)  # 15:30 in Dakar
    notice = schedule_call(session, referral, call_at, now=now)
    session.commit()
    report = dispatch_due_notices(
        runtime.db, runtime.transport, runtime.settings, now=notice.due_at
    )
    assert report.failed == 0
    sent = session.scalar(select(Message).filter_by(notice_id=notice.id))
    assert sent is not None and "15:30" in sent.body
