"""API: returnees, their contact points (own and proxy numbers), languages, channel, consent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smsgateway.api import reads
from smsgateway.api.access import caller, needs
from smsgateway.api.blueprint import WRITE_ERRORS, blp, documents
from smsgateway.api.errors import ApiError
from smsgateway.api.schemas import (
    ConsentInSchema,
    ContactPointChangeSchema,
    ContactPointInSchema,
    ReturneeChangeSchema,
    ReturneeInSchema,
    ReturneeListArgs,
    ReturneeSchema,
    page_of,
)
from smsgateway.api.versions import claim, etag_header, expected_version
from smsgateway.models import ContactPoint, Returnee
from smsgateway.permissions import Action
from smsgateway.phones import parse_phone
from smsgateway.returnees import (
    PhoneInput,
    add_contact_point,
    register_returnee,
    remove_contact_point,
    set_consent,
    update_contact_point,
    update_returnee,
)
from smsgateway.runtime import get_runtime

ID = "<int(min=1, max=2147483647):returnee_id>"
POINT_ID = "<int(min=1, max=2147483647):point_id>"
TAGS = ["returnees"]


@blp.route("/returnees", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.arguments(ReturneeListArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ReturneeSchema))
@documents(422)
@needs(Action.VIEW_RETURNEES)
def list_returnees(page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """List returnees, oldest first; filter by case reference or last change."""
    with get_runtime().db.sessions() as session:
        items, total = reads.returnees(session, caller(), page=page, per_page=per_page, **filters)
        return {"items": items, "page": page, "per_page": per_page, "total": total}


@blp.route("/returnees", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(ReturneeInSchema)
@blp.response(201, ReturneeSchema)
@documents(422)
@needs(Action.EDIT_RETURNEES)
def create_returnee(data: dict[str, Any]) -> tuple[Returnee, dict[str, str]]:
    """Register a returnee with at least one number (own or a proxy's)."""
    runtime = get_runtime()
    settings = runtime.settings
    for n, point in enumerate(data["contact_points"]):  # errors name the request's own field
        parse_phone(point["number"], settings.default_region, f"contact_points.{n}.number")
    with runtime.db.transaction() as session:
        returnee = register_returnee(
            session,
            runtime.clock(),
            case_reference=data["case_reference"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=data["language"],
            fallback_languages=data["fallback_languages"],
            channel=data["channel"],
            time_zone=data.get("time_zone") or settings.default_time_zone,
            region=settings.default_region,
            phones=[_phone(point) for point in data["contact_points"]],
        )
        returnee_id = returnee.id
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, ReturneeSchema)
@documents(404)
@needs(Action.VIEW_RETURNEES)
def get_returnee(returnee_id: int) -> tuple[Returnee, dict[str, str]]:
    """One returnee; its ETag (= `version`) goes in `If-Match` when changing it."""
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}", methods=["PATCH"])
@blp.doc(tags=TAGS)
@blp.arguments(ReturneeChangeSchema)
@blp.response(200, ReturneeSchema)
@documents(*WRITE_ERRORS)
@needs(Action.EDIT_RETURNEES)
def change_returnee(data: dict[str, Any], returnee_id: int) -> tuple[Returnee, dict[str, str]]:
    """Change names, language and fallback languages, channel or time zone (needs If-Match)."""
    with _claimed(returnee_id) as (session, returnee, now):
        update_returnee(session, returnee, now=now, actor=caller().acting_user(session), **data)
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}/contact-points", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(ContactPointInSchema)
@blp.response(201, ReturneeSchema)
@documents(*WRITE_ERRORS)
@needs(Action.EDIT_RETURNEES)
def add_point(data: dict[str, Any], returnee_id: int) -> tuple[Returnee, dict[str, str]]:
    """Add a number: the returnee's own, or a proxy's with the relation (needs If-Match)."""
    region = get_runtime().settings.default_region
    with _claimed(returnee_id) as (session, returnee, now):
        add_contact_point(
            session,
            returnee,
            _phone(data),
            region=region,
            now=now,
            actor=caller().acting_user(session),
        )
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}/contact-points/{POINT_ID}", methods=["PATCH"])
@blp.doc(tags=TAGS)
@blp.arguments(ContactPointChangeSchema)
@blp.response(200, ReturneeSchema)
@documents(*WRITE_ERRORS)
@needs(Action.EDIT_RETURNEES)
def change_point(
    data: dict[str, Any], returnee_id: int, point_id: int
) -> tuple[Returnee, dict[str, str]]:
    """Change a number (its reachability starts over) or a proxy's details (needs If-Match)."""
    region = get_runtime().settings.default_region
    with _claimed(returnee_id) as (session, returnee, now):
        update_contact_point(
            session,
            _point(returnee, point_id),
            region=region,
            now=now,
            actor=caller().acting_user(session),
            **data,
        )
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}/contact-points/{POINT_ID}", methods=["DELETE"])
@blp.doc(tags=TAGS)
@blp.response(200, ReturneeSchema)
@documents(*WRITE_ERRORS)
@needs(Action.EDIT_RETURNEES)
def delete_point(returnee_id: int, point_id: int) -> tuple[Returnee, dict[str, str]]:
    """Remove a number nothing was sent to yet (needs If-Match)."""
    with _claimed(returnee_id) as (session, returnee, now):
        remove_contact_point(
            session, _point(returnee, point_id), now=now, actor=caller().acting_user(session)
        )
    return _fresh(returnee_id)


@blp.route(f"/returnees/{ID}/consent", methods=["PUT"])
@blp.doc(tags=TAGS)
@blp.arguments(ConsentInSchema)
@blp.response(200, ReturneeSchema)
@documents(*WRITE_ERRORS)
@needs(Action.EDIT_RETURNEES)
def put_consent(data: dict[str, Any], returnee_id: int) -> tuple[Returnee, dict[str, str]]:
    """Record an opt-out (or opt-in) on every channel; pending notices follow (needs If-Match)."""
    with _claimed(returnee_id) as (session, returnee, now):
        set_consent(
            session,
            returnee,
            is_opted_out=data["opted_out"],
            now=now,
            actor=caller().acting_user(session),
        )
    return _fresh(returnee_id)


# ---------------------------------------------------------------------------------------------


def _phone(data: dict[str, Any]) -> PhoneInput:
    return PhoneInput(
        data["number"],
        data.get("is_proxy", False),
        data.get("relation", ""),
        data.get("proxy_name", ""),
    )


def _point(returnee: Returnee, point_id: int) -> ContactPoint:
    for point in returnee.contact_points:
        if point.id == point_id:
            return point
    raise ApiError(404, "not_found", "no such contact point of this returnee")


def _fresh(returnee_id: int) -> tuple[Returnee, dict[str, str]]:
    with get_runtime().db.sessions() as session:
        returnee = reads.returnee(session, caller(), returnee_id)
        return returnee, etag_header(returnee)


@contextmanager
def _claimed(returnee_id: int) -> Iterator[tuple[Session, Returnee, datetime]]:
    """A transaction holding the returnee's row, if still at the client's version."""
    version = expected_version()
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        reads.returnee(session, caller(), returnee_id)  # 404 before 412
        claim(session, Returnee, returnee_id, version)
        session.expire_all()
        yield session, reads.returnee(session, caller(), returnee_id), runtime.clock()
