"""The bulk notice composer on the console: a CSV of case references → preview → send →
progress → done, and a cancel; the same domain functions as the `bulk` commands."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.bulk import case_references_of
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import BulkSend, Notice, Returnee
from smsgateway.reachability import flag_unreachable, record_opt_out
from smsgateway.runtime import Runtime


def token_of(client: FlaskClient) -> str:
    page = client.get("/bulk/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_case_references_are_read_from_a_column_or_the_first_one() -> None:
    assert case_references_of("case_reference,name\nA1,Awa\nA2,Ibou\nA1,Awa\n") == ("A1", "A2")
    assert case_references_of("\ufeffA1\n\nA2\n") == ("A1", "A2")
    assert case_references_of("") == ()


def test_a_bulk_notice_from_a_csv_is_previewed_sent_followed_and_done(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
) -> None:
    runtime.clock = lambda: now  # 09:00 in Dakar: nobody is in quiet hours
    people = [make_returnee() for _ in range(4)]
    record_opt_out(session, people[1].contact_points[0].phone_e164, source="test", now=now)
    flag_unreachable(session, people[2], reason="no_answer_after_proxy", now=now)
    session.commit()
    csv = "case_reference\n" + "\n".join(p.case_reference for p in people) + "\nNOT-REGISTERED\n"

    composed = caseworker_client.post(
        "/bulk/",
        data={
            "csrf_token": token_of(caseworker_client),
            "case_file": (io.BytesIO(csv.encode()), "cases.csv"),
            "text-fr": "Réunion d'information jeudi à 10 h au bureau.",
            "text-en": "Information meeting on Thursday at 10 at the office.",
        },
        content_type="multipart/form-data",
    )
    assert composed.status_code == 303
    preview = caseworker_client.get(composed.headers["Location"]).get_data(as_text=True)
    assert 'id="preview-recipients">2<' in preview
    assert "opted out: 1" in preview and "unreachable: 1" in preview
    assert "Réunion d&#39;information" in preview and "segment" in preview
    assert (
        session.scalar(select(func.count(Notice.id)).where(Notice.bulk_send_id.is_not(None))) == 0
    )

    bulk_id = int(composed.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    sent = caseworker_client.post(
        f"/bulk/{bulk_id}/confirm", data={"csrf_token": token_of(caseworker_client)}
    )
    assert sent.status_code == 303
    running = caseworker_client.get(f"/bulk/{bulk_id}").get_data(as_text=True)
    assert 'id="progress-planned">2<' in running and 'http-equiv="refresh"' in running
    assert 'data-state="confirmed">scheduled<' in running

    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)

    done = caseworker_client.get(f"/bulk/{bulk_id}").get_data(as_text=True)
    assert 'id="progress-sent">2<' in done and 'id="progress-delivered">2<' in done
    assert 'id="bulk-done"' in done and 'http-equiv="refresh"' not in done
    assert 'data-state="confirmed">finished<' in done  # not "scheduled" once all have gone


def test_a_scheduled_bulk_notice_is_cancelled_before_it_goes(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
) -> None:
    runtime.clock = lambda: now
    make_returnee(language="fr")
    composed = caseworker_client.post(
        "/bulk/",
        data={
            "csrf_token": token_of(caseworker_client),
            "language": "fr",
            "text-fr": "Bonjour",
            "start_at": "2026-12-05T10:00",
        },
    )
    bulk_id = int(composed.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    caseworker_client.post(
        f"/bulk/{bulk_id}/confirm", data={"csrf_token": token_of(caseworker_client)}
    )

    cancelled = caseworker_client.post(
        f"/bulk/{bulk_id}/cancel", data={"csrf_token": token_of(caseworker_client)}
    )

    assert cancelled.status_code == 303
    session.expire_all()
    assert session.get(BulkSend, bulk_id).state == "cancelled"  # type: ignore[union-attr]  # made above
    states = set(session.scalars(select(Notice.state).filter_by(bulk_send_id=bulk_id)))
    assert states == {"cancelled"}


def test_a_cohort_without_any_filter_is_refused_with_the_reason(
    caseworker_client: FlaskClient,
) -> None:
    response = caseworker_client.post(
        "/bulk/",
        data={"csrf_token": token_of(caseworker_client), "text-fr": "Bonjour"},
        follow_redirects=True,
    )
    assert "Choose at least one filter" in response.get_data(as_text=True)
