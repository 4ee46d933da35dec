"""Feedback items tracked to a resolution: notes, a theme, and the closing message.

    open ──note──▶ open ──close (theme, note)──▶ closed ──▶ feedback_closed to the sender

Only managers read or change items (`Action.HANDLE_FEEDBACK`); the closing message names
nothing of the complaint, the partner or the service, so it is safe on a shared phone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.feedback.answers import CLOSED, OPEN
from smsgateway.models import ContactPoint, FeedbackItem, FeedbackNote
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.programme import Programme, current_programme
from smsgateway.users import Actor, actor_identity

MAX_NOTE = 2000


def list_items(session: Session, *, state: str | None = OPEN) -> list[FeedbackItem]:
    """Feedback items, newest first; `state` None for all."""
    query = select(FeedbackItem).order_by(FeedbackItem.id.desc())
    if state is not None:
        query = query.where(FeedbackItem.state == state)
    return list(session.scalars(query))


def get_item(session: Session, item_id: int) -> FeedbackItem:
    item = session.get(FeedbackItem, item_id)
    if item is None:
        raise InvalidInput("item_id", "no feedback item with this id")
    return item


def add_note(
    session: Session, item_id: int, text: str, *, now: datetime, actor: Actor
) -> FeedbackNote:
    """Add a manager's note to an item (open or closed: what was done afterwards counts too)."""
    text = text.strip()
    if not text:
        raise InvalidInput("note", "write a note")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note", "use at most %(count)s characters", count=MAX_NOTE)
    item = get_item(session, item_id)
    author, author_user_id = actor_identity(actor)
    note = FeedbackNote(
        item=item, author=author, author_user_id=author_user_id, text=text, created_at=now
    )
    session.add(note)
    session.flush()
    return note


def close_item(
    session: Session,
    item_id: int,
    *,
    theme: str,
    note: str,
    now: datetime,
    actor: Actor,
    programme: Programme | None = None,
) -> FeedbackItem:
    """Close an open item with its theme and a note, and tell the sender it was dealt with."""
    programme = programme or current_programme()
    item = get_item(session, item_id)
    if item.state != OPEN:
        raise InvalidInput("item_id", "this feedback item is already closed")
    if theme not in programme.satisfaction.themes:
        raise InvalidInput("theme", "choose one of the themes")
    add_note(session, item.id, note, now=now, actor=actor)
    _, user_id = actor_identity(actor)
    item.state, item.theme, item.closed_at, item.closed_by_user_id = CLOSED, theme, now, user_id
    point = session.get(ContactPoint, item.contact_point_id or 0)
    if point is not None:
        notice = plan_notice(
            session,
            kind=NoticeKind.FEEDBACK_CLOSED,
            returnee=point.returnee,
            contact_point=point,
            channel="sms" if item.message.channel == "voice" else item.message.channel,
            due_at=now,
            now=now,
        )
        session.flush()
        item.closing_notice_id = notice.id
    session.flush()
    return item
