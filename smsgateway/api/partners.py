"""API: partners and the services they offer (read only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from smsgateway.api.access import action, caller, needs
from smsgateway.api.blueprint import blp, documents
from smsgateway.api.errors import ApiError
from smsgateway.api.schemas import PageArgs, PartnerSchema, ServiceListSchema, page_of
from smsgateway.models import Partner
from smsgateway.permissions import Action, scope_partners
from smsgateway.referrals import SENSITIVE_CATEGORIES
from smsgateway.runtime import get_runtime

TAGS = ["partners"]


def _partners() -> Any:
    query = select(Partner).options(selectinload(Partner.point_persons)).order_by(Partner.id)
    return scope_partners(query, caller(), action())


@blp.route("/partners", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(PartnerSchema))
@documents(422)
@needs(Action.VIEW_PARTNERS)
def list_partners(page: int, per_page: int) -> dict[str, Any]:
    """Partners, with their point persons and service categories (a partner: its own)."""
    with get_runtime().db.sessions() as session:
        everything = list(session.scalars(_partners()))
        items = everything[(page - 1) * per_page : page * per_page]
        return {"items": items, "page": page, "per_page": per_page, "total": len(everything)}


@blp.route("/partners/<int(min=1, max=2147483647):partner_id>", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, PartnerSchema)
@documents(404)
@needs(Action.VIEW_PARTNERS)
def get_partner(partner_id: int) -> Partner:
    """One partner."""
    with get_runtime().db.sessions() as session:
        found = session.scalar(_partners().where(Partner.id == partner_id))
        if found is None:
            raise ApiError(404, "not_found", "no such partner")
        return found


@blp.route("/services", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, ServiceListSchema)
@documents()
@needs(Action.VIEW_PARTNERS)
def list_services() -> dict[str, Any]:
    """The service categories partners offer, which partners offer each, and which are sensitive."""
    with get_runtime().db.sessions() as session:
        offered: dict[str, list[int]] = {}
        for partner in session.scalars(_partners()):
            for code in partner.service_categories:
                offered.setdefault(code, []).append(partner.id)
    return {
        "items": [
            {"code": code, "is_sensitive": code in SENSITIVE_CATEGORIES, "partner_ids": ids}
            for code, ids in sorted(offered.items())
        ]
    }
