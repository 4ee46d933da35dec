"""Helpers for the loop's tests: a travelling clock that dispatches and sweeps, replies, lookups."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.loop.standing import Standing, referral_standing
from smsgateway.loop.tasks import advance_tasks
from smsgateway.models import Message, Notice, Referral, Task
from smsgateway.programme import Programme
from smsgateway.replies.inbound import InboundMessage, InboundResult, receive_message
from smsgateway.runtime import Runtime


def tick(runtime: Runtime, at: datetime, programme: Programme | None = None) -> None:
    """What the scheduler does at `at`: the task sweep, then a dispatch round."""
    with runtime.db.transaction() as session:
        advance_tasks(session, now=at, programme=programme or runtime.programme)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)


def travel(
    runtime: Runtime,
    start: datetime,
    until: datetime,
    *,
    step: timedelta = timedelta(hours=1),
    programme: Programme | None = None,
) -> datetime:
    """Tick every `step` from `start` to `until` (inclusive); returns `until`."""
    at = start
    while at <= until:
        tick(runtime, at, programme)
        at += step
    return until


def reply(runtime: Runtime, phone: str, text: str, at: datetime) -> InboundResult:
    with runtime.db.transaction() as session:
        return receive_message(
            session, InboundMessage(phone, text), now=at, settings=runtime.settings
        )


def sent_to(session: Session, phone: str, kind: str | None = None) -> list[Message]:
    """Outbound messages to a number, oldest first (optionally of one kind)."""
    session.expire_all()
    query = select(Message).filter_by(direction="out", phone_e164=phone)
    if kind is not None:
        query = query.filter_by(kind=kind)
    return list(session.scalars(query.order_by(Message.id)))


def standing_of(session: Session, referral: Referral) -> Standing:
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None
    return referral_standing(session, found)


def status_of(session: Session, referral: Referral) -> str:
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None
    return found.status


def tasks_of(session: Session, referral: Referral, rule: str | None = None) -> list[Task]:
    session.expire_all()
    query = select(Task).filter_by(referral_id=referral.id)
    if rule is not None:
        query = query.filter_by(rule=rule)
    return list(session.scalars(query.order_by(Task.id)))


def notices_of(session: Session, referral: Referral, kind: str) -> list[Notice]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notice).filter_by(referral_id=referral.id, kind=kind).order_by(Notice.id)
        )
    )


def phone_of(referral: Referral) -> str:
    return referral.returnee.contact_points[0].phone_e164


def point_phone(referral: Referral) -> str:
    return referral.partner.point_persons[0].phone_e164
