"""Planning in bulk (issue 19): many notices in one INSERT, the same notices as one at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from smsgateway.bulk import Cohort, Content, confirm_bulk, create_bulk
from smsgateway.models import Notice, Partner, Returnee
from smsgateway.planning import plan_referral
from smsgateway.programme import load_programme
from smsgateway.referrals import NewReferral, create_referrals
from smsgateway.runtime import Runtime

PROGRAMME = load_programme()
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
#: What makes two planned notices the same notice (ids and bookkeeping aside).
FIELDS = (
    "kind",
    "referral_id",
    "returnee_id",
    "contact_point_id",
    "channel",
    "language",
    "question",
    "payload",
    "due_at",
    "expires_at",
    "state",
    "attempts",
    "bulk_send_id",
)


@pytest.fixture
def inserts(runtime: Runtime) -> Iterator[list[str]]:
    """The INSERT statements into `notices` run while active."""
    seen: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO notices"):
            seen.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", on_statement)


def _notices(session: Session, **where: Any) -> list[tuple[Any, ...]]:
    session.expire_all()
    rows = session.scalars(select(Notice).filter_by(**where).order_by(Notice.id))
    return [tuple(getattr(row, name) for name in FIELDS) for row in rows]


def test_a_bulk_notice_to_forty_returnees_is_planned_in_one_insert(
    session: Session,
    make_returnee: Callable[..., Returnee],
    inserts: list[str],
) -> None:
    people = [make_returnee(language="fr" if n % 3 else "wo") for n in range(40)]
    bulk = create_bulk(
        session,
        Cohort(everyone=True),
        Content(texts={"fr": "Le bureau sera fermé lundi.", "wo": "Biro bi dina tëj altine."}),
        window_start=NOW,
        window_end=NOW + timedelta(days=2),
        now=NOW,
        created_by="manager",
    )
    inserts.clear()

    assert confirm_bulk(session, bulk, now=NOW, programme=PROGRAMME) == 40
    session.commit()

    assert len(inserts) == 1
    planned = _notices(session, bulk_send_id=bulk.id)
    assert [row[FIELDS.index("returnee_id")] for row in planned] == [p.id for p in people]
    first = dict(zip(FIELDS, planned[0], strict=True))
    assert first["contact_point_id"] == people[0].own_contact_point().id  # type: ignore[union-attr]
    assert (first["kind"], first["state"], first["attempts"]) == ("bulk_information", "planned", 0)
    assert first["expires_at"] == NOW + timedelta(days=2)
    assert first["payload"] == {"texts": bulk.content["texts"]}


def test_new_referrals_get_the_notices_one_at_a_time_would_plan_in_one_insert(
    runtime: Runtime,
    session: Session,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
    inserts: list[str],
) -> None:
    partner = make_partner()
    new = [
        NewReferral(
            make_returnee(time_zone="Africa/Dakar" if n % 2 else "Europe/Paris"),
            partner,
            "vocational_training",
            appointment_at=NOW + timedelta(days=n % 9, hours=n) if n % 4 else None,
        )
        for n in range(12)
    ]
    inserts.clear()

    referrals = create_referrals(session, NOW, new, created_by="import", programme=PROGRAMME)
    session.commit()

    assert len(inserts) == 1
    in_bulk = _notices(session)
    assert len(in_bulk) > len(referrals)  # each has a creation notice, most reminders too
    # The same referrals planned again the way a single change plans them (one ORM object per
    # notice), then rolled back: the same notices.
    last_id = max(session.scalars(select(Notice.id)))
    with runtime.db.sessions() as again:
        for referral in referrals:
            plan_referral(again, again.merge(referral), now=NOW, programme=PROGRAMME)
        again.flush()
        one_by_one = [
            tuple(getattr(notice, name) for name in FIELDS)
            for notice in again.scalars(select(Notice).where(Notice.id > last_id))
        ]
        again.rollback()
    assert sorted(one_by_one, key=repr) == sorted(in_bulk, key=repr)
