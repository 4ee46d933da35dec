"""Retention: each period removes what reached its age on the boundary day, once, and no more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.models import (
    FeedbackItem,
    FeedbackNote,
    Followup,
    Message,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
)
from smsgateway.privacy.retention import RetentionReport, apply_retention
from smsgateway.programme import Retention, load_programme, parse_programme
from smsgateway.referrals import Source, Status, close_referral
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime

RETENTION = Retention(
    message_body=timedelta(days=30),
    stranger_message=timedelta(days=7),
    closed_referral=timedelta(days=90),
    staff_note=timedelta(days=60),
)
STRANGER = "+221775550000"


def run(runtime: Runtime, at: datetime) -> RetentionReport:
    with runtime.db.transaction() as session:
        return apply_retention(session, RETENTION, now=at)


def inbound(runtime: Runtime, sender: str, text: str, at: datetime) -> int:
    with runtime.db.transaction() as session:
        receive_message(session, InboundMessage(sender, text), now=at, settings=runtime.settings)
        found = session.scalar(select(Message.id).filter_by(body=text))
        assert found is not None
        return int(found)


def test_the_shipped_defaults() -> None:
    retention = load_programme().retention
    assert retention == Retention(
        timedelta(days=365), timedelta(days=90), timedelta(days=730), timedelta(days=730)
    )


def test_a_programme_file_without_staff_note_days_keeps_notes_730_days() -> None:
    from smsgateway.programme import _default_data

    data = _default_data()
    data["retention"] = {k: v for k, v in data["retention"].items() if k != "staff_note_days"}
    assert parse_programme(data).retention.staff_note == timedelta(days=730)


def test_staff_notes_go_on_their_boundary_day_and_the_rows_stay(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    phone = referral.returnee.contact_points[0].phone_e164
    message_id = inbound(runtime, phone, "un avis sur le centre", now)
    written_later = now + timedelta(days=10)
    with runtime.db.transaction() as tx:
        followup = Followup(
            returnee_id=referral.returnee_id,
            kind="call",
            outcome="reached",
            note="a appelé",
            created_at=now,
        )
        review = ReviewItem(
            message_id=message_id,
            returnee_id=referral.returnee_id,
            reason="unclear",
            created_at=now,
            resolved_at=written_later,
            resolution="dismissed",
            note="rien à faire",
        )
        item = FeedbackItem(
            message_id=message_id,
            returnee_id=referral.returnee_id,
            source="feedback_keyword",
            language="fr",
            state="open",
            created_at=now,
        )
        tx.add_all([followup, review, item])
        tx.flush()
        tx.add(FeedbackNote(item_id=item.id, author="m", text="appelé le centre", created_at=now))
        event = tx.scalars(select(ReferralEvent).filter_by(referral_id=referral.id)).first()
        assert event is not None
        event.note, event.created_at = "note du dossier", now
        ids = followup.id, review.id, item.id, event.id

    boundary = now + timedelta(days=60)
    assert run(runtime, boundary - timedelta(seconds=1)).staff_notes == 0
    assert run(runtime, boundary).staff_notes == 3  # follow-up, complaint note, event
    session.expire_all()
    kept_review = session.get(ReviewItem, ids[1])
    assert kept_review is not None and kept_review.note == "rien à faire"  # resolved later
    assert run(runtime, written_later + timedelta(days=60)).staff_notes == 1
    assert run(runtime, written_later + timedelta(days=60)).staff_notes == 0  # idempotent
    session.expire_all()
    followup_row, review_row = session.get(Followup, ids[0]), session.get(ReviewItem, ids[1])
    assert followup_row is not None and (followup_row.note, followup_row.outcome) == ("", "reached")
    assert review_row is not None and (review_row.note, review_row.resolution) == ("", "dismissed")
    notes = session.scalars(select(FeedbackNote).filter_by(item_id=ids[2])).all()
    assert [note.text for note in notes] == [""]
    event_row = session.get(ReferralEvent, ids[3])
    assert event_row is not None and event_row.note == "" and event_row.new_status


@pytest.mark.parametrize("value", [0, -1, 36_501, 1.5, "30", True])
def test_a_wrong_period_is_refused_in_one_line(value: Any) -> None:
    from smsgateway.programme import _default_data

    data = {**_default_data(), "retention": {"message_body_days": value}}
    with pytest.raises(ValueError, match=r"^\[retention\] message_body_days must be"):
        parse_programme(data)


def test_a_wrong_period_in_the_programme_file_stops_the_service(tmp_path: Any) -> None:
    from smsgateway.config import ConfigError, load_settings

    path = tmp_path / "programme.toml"
    text = default_programme_path().read_text(encoding="utf-8")
    path.write_text(text.replace("message_body_days = 365", "message_body_days = 0"))
    with pytest.raises(ConfigError) as raised:
        load_settings({"SMSGATEWAY_PROGRAMME_FILE": str(path)}, {"instance_path": tmp_path})
    assert "\n" not in str(raised.value) and "message_body_days" in str(raised.value)


def default_programme_path() -> Any:
    from importlib import resources

    return resources.files("smsgateway").joinpath("programme.toml")


def test_message_texts_go_on_their_boundary_day(
    runtime: Runtime, session: Session, now: datetime, make_returnee: Callable[..., Returnee]
) -> None:
    phone = make_returnee().contact_points[0].phone_e164
    message_id = inbound(runtime, phone, "un texte a garder 30 jours", now)
    almost = now + timedelta(days=30) - timedelta(seconds=1)
    assert run(runtime, almost).message_bodies == 0
    session.expire_all()
    assert session.get(Message, message_id).body != ""  # type: ignore[union-attr]
    report = run(runtime, now + timedelta(days=30))
    assert report.message_bodies >= 1 and report.stranger_messages == 0
    session.expire_all()
    message = session.get(Message, message_id)
    assert message is not None and message.body == "" and message.phone_e164 == phone
    assert run(runtime, now + timedelta(days=30)) == RetentionReport()  # idempotent


def test_strangers_texts_and_numbers_go_on_their_boundary_day(
    runtime: Runtime, session: Session, now: datetime
) -> None:
    message_id = inbound(runtime, STRANGER, "qui etes vous", now)
    assert run(runtime, now + timedelta(days=7) - timedelta(seconds=1)).stranger_messages == 0
    report = run(runtime, now + timedelta(days=7))
    assert report.stranger_messages >= 1
    session.expire_all()
    message = session.get(Message, message_id)
    assert message is not None and (message.body, message.phone_e164) == ("", "erased")
    assert STRANGER not in {m.phone_e164 for m in session.scalars(select(Message))}
    assert run(runtime, now + timedelta(days=8)).stranger_messages == 0


def test_a_returnee_is_erased_when_all_referrals_closed_long_enough(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    closed_one, still_open = make_referral(), make_referral()
    closed_at = now + timedelta(days=1)
    with runtime.db.transaction() as tx:
        for referral in (closed_one, tx.get(Referral, still_open.id)):
            found = tx.get(Referral, referral.id)  # type: ignore[union-attr]
            assert found is not None
            if found.id == closed_one.id:
                close_referral(
                    tx, found, Status.CANCELLED, source=Source.CASEWORKER, now=closed_at, actor="cw"
                )
    boundary = closed_at + timedelta(days=90)
    assert run(runtime, boundary - timedelta(seconds=1)).returnees_erased == 0
    assert run(runtime, boundary).returnees_erased == 1
    assert run(runtime, boundary + timedelta(days=400)).returnees_erased == 0  # the open one stays
    session.expire_all()
    gone = session.get(Returnee, closed_one.returnee_id)
    kept = session.get(Returnee, still_open.returnee_id)
    assert gone is not None and gone.erased_at == boundary and gone.first_name == ""
    assert kept is not None and kept.erased_at is None and kept.first_name != ""
    assert session.get(Referral, closed_one.id).status == "cancelled"  # type: ignore[union-attr]


def test_the_leader_job_applies_the_programme(
    runtime: Runtime, session: Session, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    from smsgateway import scheduler

    inbound(runtime, STRANGER, "bonjour inconnu", now - timedelta(days=400))
    runtime.clock = lambda: now
    scheduler._runtime = runtime
    try:
        with caplog.at_level("INFO", logger="smsgateway.scheduler"):
            scheduler.run_retention()
            scheduler.run_retention()
    finally:
        scheduler._runtime = None
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retention:")]
    assert lines[0] == (
        "retention: 0 message texts, 1 strangers' messages removed; 0 returnees erased; "
        "0 staff notes removed"
    )
    assert lines[1] == (
        "retention: 0 message texts, 0 strangers' messages removed; 0 returnees erased; "
        "0 staff notes removed"
    )
    job = next(job for job in scheduler.LEADER_JOBS if job.id == "retention")
    assert job.seconds(runtime.settings) == 86_400 and job.runs_on_taking_lead


def test_unknown_retention_settings_are_refused() -> None:
    from smsgateway.programme import _default_data

    data = {**_default_data(), "retention": {"message_days": 3}}
    with pytest.raises(ValueError, match="unknown settings"):
        parse_programme(data)
