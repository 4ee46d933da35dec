"""API: the events feed, for systems that poll instead of receiving the outbound webhook.

Read with `after` = the `next_after` of the previous answer (0 the first time); the events come
oldest first, at most `limit` at a time, with the same fields as the webhook's payload.
"""

from __future__ import annotations

from typing import Any

from smsgateway.api import reads
from smsgateway.api.access import action, caller, needs
from smsgateway.api.blueprint import blp, documents
from smsgateway.api.schemas import EventFeedArgs, EventFeedSchema, TokenInfoSchema
from smsgateway.permissions import Action
from smsgateway.referral_filters import ReferralFilter
from smsgateway.runtime import get_runtime


@blp.route("/events", methods=["GET"])
@blp.doc(tags=["events"])
@blp.arguments(EventFeedArgs, location="query", as_kwargs=True)
@blp.response(200, EventFeedSchema)
@documents(422)
@needs(Action.VIEW_REFERRALS, Action.VIEW_PARTNER_REFERRALS)
def feed(
    after: int, limit: int, partner_id: int | None = None, status: list[str] | None = None
) -> dict[str, Any]:
    """Referral events after a cursor (a partner's token: its organisation's referrals only)."""
    filters = ReferralFilter(statuses=tuple(status or ()), partner_id=partner_id)
    with get_runtime().db.sessions() as session:
        events = reads.events(session, caller(), action(), filters, after=after, limit=limit + 1)
        page = events[:limit]
        return {
            "events": page,
            "next_after": page[-1].id if page else after,
            "has_more": len(events) > limit,
        }


@blp.route("/token", methods=["GET"])
@blp.doc(tags=["token"])
@blp.response(200, TokenInfoSchema)
@documents()
@needs(Action.USE_ACCOUNT)
def token_info() -> dict[str, Any]:
    """Whose token this is: the account, its role and partner, and the token's scope."""
    who = caller()
    return {
        "username": who.username,
        "role": who.role,
        "partner_id": who.partner_id,
        "scope": who.scope,
    }
