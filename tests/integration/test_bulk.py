"""Bulk notices: cohort, preview figures, one notice per recipient, progress, window, cancel."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.bulk import (
    Cohort,
    Content,
    bulk_progress,
    cancel_bulk,
    confirm_bulk,
    create_bulk,
    preview_bulk,
    select_recipients,
)
from smsgateway.cli.bulk import bulk_cli
from smsgateway.content.languages import fallback_chain
from smsgateway.content.rendering import render_message
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.errors import InvalidInput
from smsgateway.models import BulkSend, ContactPoint, Notice, Partner, Referral, Returnee
from smsgateway.programme import load_programme
from smsgateway.reachability import record_opt_out, set_opt_out
from smsgateway.runtime import Runtime

PROGRAMME = load_programme()
TEXTS = {
    "fr": "Le bureau sera fermé lundi. Pour toute question, répondez AIDE.",
    "wo": "Biro bi dina tëj altine. Bu la laaj am, tontul AIDE.",
}
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def cohort_data(
    session: Session,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> dict[str, object]:
    """Partner A: two French SMS, one Wolof SMS, one English WhatsApp in New York, one opted
    out, one without a number; partner B: one more French returnee."""
    a, b = make_partner(), make_partner()
    people = [
        make_returnee(language="fr"),
        make_returnee(language="fr"),
        make_returnee(language="wo"),
        make_returnee(language="en", channel="whatsapp", time_zone="America/New_York"),
        make_returnee(language="fr"),
        make_returnee(language="fr"),
    ]
    people[5].contact_points.clear()
    session.commit()
    for person in people:
        make_referral(returnee=person, partner=a, appointment_place="Pikine, Rue 10")
    other = make_returnee(language="fr")
    make_referral(returnee=other, partner=b, appointment_place="Thiès")
    set_opt_out(session, people[4], is_opted_out=True, source="test", now=NOW)
    session.commit()
    return {"a": a, "b": b, "people": people, "other": other}


def per_recipient_figures(
    session: Session, cohort: Cohort, content: Content, runtime: Runtime
) -> tuple[int, dict[str, int]]:
    """Segments and encodings rendering every recipient one by one, as dispatch would."""
    recipients, _ = select_recipients(session, cohort, content)
    segments, encodings = 0, {}
    for recipient in recipients:
        returnee = recipient.returnee
        rendered = render_message(
            content.kind,
            channel=returnee.preferred_channel,
            languages=fallback_chain(
                returnee.preferred_language,
                returnee.language_chain[1:],
                default=runtime.settings.default_language,
            ),
            time_zone=returnee.time_zone,
            context={"texts": content.texts, "first_name": returnee.first_name},
        )
        segments += rendered.segments
        encodings[rendered.encoding] = encodings.get(rendered.encoding, 0) + 1
    return segments, encodings


def test_a_returnee_whose_number_sent_stop_is_left_out_as_opted_out(
    runtime: Runtime, session: Session, cohort_data: dict[str, object]
) -> None:
    partner = cohort_data["a"]
    assert isinstance(partner, Partner)
    people = cohort_data["people"]
    assert isinstance(people, list)
    record_opt_out(session, people[0].own_contact_point().phone_e164, source="test", now=NOW)
    session.commit()

    preview = preview_bulk(
        session,
        Cohort(partner_id=partner.id),
        Content(texts=TEXTS),
        settings=runtime.settings,
        now=NOW,
    )

    assert preview.recipients == 3
    assert dict(preview.excluded) == {"opted_out": 2, "no_number": 1}


def test_preview_counts_languages_channels_encodings_segments_cost_and_exclusions(
    runtime: Runtime, session: Session, cohort_data: dict[str, object]
) -> None:
    partner = cohort_data["a"]
    assert isinstance(partner, Partner)
    cohort = Cohort(partner_id=partner.id)
    content = Content(texts=TEXTS)
    preview = preview_bulk(session, cohort, content, settings=runtime.settings, now=NOW)
    assert preview.recipients == 4
    assert dict(preview.excluded) == {"opted_out": 1, "no_number": 1}
    # English has no text of its own: it falls back along the chain to French.
    assert dict(preview.languages) == {"fr": 3, "wo": 1}
    assert dict(preview.channels) == {"sms": 3, "whatsapp": 1}
    segments, encodings = per_recipient_figures(session, cohort, content, runtime)
    assert preview.segments == segments
    assert dict(preview.encodings) == encodings
    sms_segments = (
        segments
        - per_recipient_figures(session, replace(cohort, language="en"), content, runtime)[0]
    )
    whatsapp_segments = segments - sms_segments
    expected = sms_segments * PROGRAMME.price_of("sms") + whatsapp_segments * PROGRAMME.price_of(
        "whatsapp"
    )
    assert preview.cost == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cohort", "expected"),
    [
        (Cohort(language="wo"), 1),
        (Cohort(place="Thiès"), 1),
        (Cohort(service_category="vocational_training"), 5),
        (Cohort(statuses=("referred",), language="fr"), 3),
        (Cohort(case_references=("CASE-0001", "CASE-0003")), 2),
        (Cohort(everyone=True), 5),
        (Cohort(statuses=("enrolled",)), 0),
    ],
)
def test_cohort_filters_combine(
    session: Session, cohort_data: dict[str, object], cohort: Cohort, expected: int
) -> None:
    recipients, _ = select_recipients(session, cohort, Content(texts=TEXTS))
    assert len(recipients) == expected


def test_a_cohort_without_filter_or_a_text_is_refused(
    runtime: Runtime, session: Session, cohort_data: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput, match="filter"):
        preview_bulk(session, Cohort(), Content(texts=TEXTS), settings=runtime.settings, now=NOW)
    with pytest.raises(InvalidInput, match="at least one language"):
        preview_bulk(
            session,
            Cohort(language="fr"),
            Content(texts={"fr": " "}),
            settings=runtime.settings,
            now=NOW,
        )


def test_confirm_plans_one_notice_per_recipient_in_quiet_hours_and_window(
    session: Session, cohort_data: dict[str, object]
) -> None:
    partner = cohort_data["a"]
    assert isinstance(partner, Partner)
    end = NOW + timedelta(hours=3)
    bulk = create_bulk(
        session,
        Cohort(partner_id=partner.id),
        Content(texts=TEXTS),
        window_start=NOW,
        window_end=end,
        now=NOW,
        created_by="manager",
    )
    assert bulk.state == "draft"
    assert confirm_bulk(session, bulk, now=NOW, programme=PROGRAMME) == 4
    session.commit()
    notices = list(session.scalars(select(Notice).filter_by(bulk_send_id=bulk.id)))
    by_language = {n.language: n for n in notices}
    assert sorted(n.language for n in notices) == ["en", "fr", "fr", "wo"]
    assert {n.kind for n in notices} == {"bulk_information"}
    assert all(n.payload == {"texts": TEXTS} and n.expires_at == end for n in notices)
    assert by_language["en"].channel == "whatsapp"
    # 09:00 UTC is 04:00 in New York: that notice waits for 08:00 there.
    assert by_language["en"].due_at == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert by_language["wo"].due_at == NOW
    with pytest.raises(InvalidInput, match="not a draft"):
        confirm_bulk(session, bulk, now=NOW, programme=PROGRAMME)


def test_progress_counts_sent_and_expired_and_cancel_keeps_the_sent_ones(
    runtime: Runtime, session: Session, cohort_data: dict[str, object]
) -> None:
    with runtime.db.transaction() as tx:
        bulk = create_bulk(
            tx,
            Cohort(everyone=True),
            Content(texts=TEXTS),
            window_start=NOW,
            window_end=NOW + timedelta(hours=3),
            now=NOW,
            created_by="manager",
        )
        confirm_bulk(tx, bulk, now=NOW, programme=PROGRAMME)
        bulk_id = bulk.id
    settings = replace(runtime.settings, send_rate_per_second=0)
    dispatch_due_notices(runtime.db, runtime.transport, settings, now=NOW)
    stored = session.get(BulkSend, bulk_id)
    assert stored is not None
    progress = bulk_progress(session, stored)
    assert (progress["sent"], progress["planned"], progress["total"]) == (4, 1, 5)
    with runtime.db.transaction() as tx:
        again = tx.get(BulkSend, bulk_id)
        assert again is not None
        assert cancel_bulk(tx, again, now=NOW) == 1
    session.expire_all()
    progress = bulk_progress(session, stored)
    assert (progress["sent"], progress["cancelled"], progress["planned"]) == (4, 1, 0)
    assert stored.state == "cancelled"


def test_a_notice_not_sent_by_the_window_end_expires(
    runtime: Runtime, session: Session, cohort_data: dict[str, object]
) -> None:
    with runtime.db.transaction() as tx:
        bulk = create_bulk(
            tx,
            Cohort(language="en"),
            Content(texts=TEXTS),
            window_start=NOW,
            window_end=NOW + timedelta(hours=2),
            now=NOW,
            created_by="manager",
        )
        confirm_bulk(tx, bulk, now=NOW, programme=PROGRAMME)
        bulk_id = bulk.id
    dispatch_due_notices(
        runtime.db, runtime.transport, runtime.settings, now=datetime(2026, 12, 1, 13, tzinfo=UTC)
    )
    stored = session.get(BulkSend, bulk_id)
    assert stored is not None
    assert bulk_progress(session, stored)["expired"] == 1


def test_bulk_commands_preview_send_progress_and_cancel(
    app: object, runner: FlaskCliRunner, session: Session, cohort_data: dict[str, object]
) -> None:
    text = ["--text", f"fr={TEXTS['fr']}", "--text", f"wo={TEXTS['wo']}"]
    preview = runner.invoke(bulk_cli, ["preview", "--language", "wo", *text])
    assert preview.exit_code == 0, preview.output
    assert "recipients: 1" in preview.output
    assert "languages: wo 1" in preview.output
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    sent = runner.invoke(bulk_cli, ["send", "--language", "fr", "--start", future, "--yes", *text])
    assert sent.exit_code == 0, sent.output
    bulk = session.scalars(select(BulkSend)).one()
    assert f"bulk notice {bulk.id}: 3 notices planned" in sent.output
    progress = runner.invoke(bulk_cli, ["progress", str(bulk.id)])
    assert "planned: 3" in progress.output
    cancelled = runner.invoke(bulk_cli, ["cancel", str(bulk.id)])
    assert f"bulk notice {bulk.id}: 3 notices cancelled" in cancelled.output
    refused = runner.invoke(bulk_cli, ["preview", *text])
    assert refused.exit_code != 0
    assert "filter" in refused.output


def test_the_bulk_commands_name_the_partner_by_name_or_id(
    app: object, runner: FlaskCliRunner, cohort_data: dict[str, Any]
) -> None:
    text = ["--text", f"fr={TEXTS['fr']}", "--text", f"wo={TEXTS['wo']}"]
    b = cohort_data["b"]
    for reference in (b.name, b.display_name.upper(), str(b.id)):
        preview = runner.invoke(bulk_cli, ["preview", "--partner", reference, *text])
        assert preview.exit_code == 0, preview.output
        assert "recipients: 1" in preview.output, reference
    unknown = runner.invoke(bulk_cli, ["preview", "--partner", "Nowhere Centre", *text])
    assert unknown.exit_code == 2 and "no partner named 'Nowhere Centre'" in unknown.output


def test_preview_of_three_thousand_recipients_stays_quick(
    runtime: Runtime, session: Session
) -> None:
    languages = ["fr", "wo", "en"]
    for n in range(3000):
        returnee = Returnee(
            case_reference=f"BULK-{n:05d}",
            first_name=f"P{n}",
            preferred_language=languages[n % 3],
            time_zone="Africa/Dakar",
            created_at=NOW,
        )
        returnee.contact_points.append(ContactPoint(phone_e164=f"+22177{n:07d}", created_at=NOW))
        session.add(returnee)
    session.commit()
    started = time.perf_counter()
    preview = preview_bulk(
        session, Cohort(everyone=True), Content(texts=TEXTS), settings=runtime.settings, now=NOW
    )
    elapsed = time.perf_counter() - started
    assert preview.recipients == 3000
    assert dict(preview.languages) == {"fr": 2000, "wo": 1000}
    assert elapsed < 10, f"preview of 3000 recipients took {elapsed:.1f} s"
