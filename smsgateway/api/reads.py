"""Every API read of personal data happens here: returnees, referrals, messages, events.

Views never query those tables themselves; they call these functions, which narrow to the
caller's scope (`permissions.scope_referrals`: a partner sees its own organisation's referrals,
anything else answers 404 as if it did not exist) and then pass what was read to `_seen`, which
notes it for the access log (`smsgateway.web.audit`): one entry per request, with the token's
account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from smsgateway.api.access import Caller
from smsgateway.api.errors import ApiError
from smsgateway.models import Message, Referral, ReferralEvent, Returnee
from smsgateway.permissions import Action, scope_of, scope_referrals
from smsgateway.referral_filters import ReferralFilter
from smsgateway.web.audit import note_access


def _seen(caller: Caller, kind: str, ids: Sequence[int]) -> None:
    """What `caller` just read: noted for the access log, written once after the request."""
    note_access(kind, ids)


def _not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"no such {what}")


def _returnees(caller: Caller) -> Any:
    query = select(Returnee).options(
        selectinload(Returnee.contact_points), selectinload(Returnee.consents)
    )
    if scope_of(caller.role, Action.VIEW_RETURNEES) is None:
        raise ApiError(403, "forbidden", f"a {caller.role} account may not read returnees")
    return query


def returnee(session: Session, caller: Caller, returnee_id: int) -> Returnee:
    found = session.scalar(_returnees(caller).where(Returnee.id == returnee_id))
    if found is None:
        raise _not_found("returnee")
    _seen(caller, "returnee", [found.id])
    return found


def returnee_by_case(session: Session, caller: Caller, case_reference: str) -> Returnee:
    found = session.scalar(_returnees(caller).where(Returnee.case_reference == case_reference))
    if found is None:
        raise ApiError(
            422,
            "invalid_input",
            "some fields are not valid",
            {"case_reference": ["no returnee with this case reference"]},
        )
    _seen(caller, "returnee", [found.id])
    return found


def returnees(
    session: Session,
    caller: Caller,
    *,
    page: int,
    per_page: int,
    updated_since: Any = None,
    case_reference: str = "",
) -> tuple[list[Returnee], int]:
    query = _returnees(caller)
    if updated_since is not None:
        query = query.where(Returnee.updated_at >= updated_since)
    if case_reference:
        query = query.where(Returnee.case_reference == case_reference)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(
        session.scalars(query.order_by(Returnee.id).offset((page - 1) * per_page).limit(per_page))
    )
    _seen(caller, "returnee", [r.id for r in items])
    return items, total


def _referrals(caller: Caller, action: Action) -> Any:
    query = select(Referral).options(joinedload(Referral.returnee), joinedload(Referral.partner))
    return scope_referrals(query, caller, action)


def referral(session: Session, caller: Caller, action: Action, reference: str) -> Referral:
    """The referral with this reference if the caller may take `action` on it; else 404."""
    found = session.scalar(_referrals(caller, action).where(Referral.reference == reference))
    if found is None:
        raise _not_found("referral")
    _seen(caller, "referral", [found.id])
    return found


def referral_id(session: Session, caller: Caller, action: Action, reference: str) -> int:
    """Only the id (before a write locks the row); 404 outside the caller's scope."""
    query = scope_referrals(select(Referral.id), caller, action)
    found = session.scalar(query.where(Referral.reference == reference))
    if found is None:
        raise _not_found("referral")
    return int(found)


def referrals(
    session: Session,
    caller: Caller,
    action: Action,
    filters: ReferralFilter,
    *,
    page: int,
    per_page: int,
) -> tuple[list[Referral], int]:
    query = filters.apply(_referrals(caller, action))
    total = (
        session.scalar(
            select(func.count()).select_from(
                filters.apply(scope_referrals(select(Referral.id), caller, action)).subquery()
            )
        )
        or 0
    )
    items = list(
        session.scalars(query.order_by(Referral.id).offset((page - 1) * per_page).limit(per_page))
    )
    _seen(caller, "referral", [r.id for r in items])
    return items, total


def messages(session: Session, caller: Caller, action: Action, reference: str) -> list[Message]:
    found = referral(session, caller, action, reference)
    items = list(
        session.scalars(select(Message).filter_by(referral_id=found.id).order_by(Message.id))
    )
    _seen(caller, "message", [m.id for m in items])
    return items


def events(
    session: Session,
    caller: Caller,
    action: Action,
    filters: ReferralFilter,
    *,
    after: int,
    limit: int,
) -> list[ReferralEvent]:
    """Referral events with an id above `after`, oldest first, in the caller's scope."""
    scoped = scope_referrals(select(Referral.id), caller, action)
    query = (
        select(ReferralEvent)
        .join(Referral, ReferralEvent.referral_id == Referral.id)
        .where(ReferralEvent.id > after, Referral.id.in_(scoped))
        .options(joinedload(ReferralEvent.referral).joinedload(Referral.returnee))
        .order_by(ReferralEvent.id)
        .limit(limit)
    )
    items = list(session.scalars(filters.apply_to_events(query)).unique())
    _seen(caller, "referral_event", [e.id for e in items])
    return items
