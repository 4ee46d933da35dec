"""API: referrals (create, move the appointment, change the status, close), their messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smsgateway.api import reads
from smsgateway.api.access import action, caller, needs
from smsgateway.api.blueprint import WRITE_ERRORS, blp, documents
from smsgateway.api.errors import ApiError
from smsgateway.api.schemas import (
    AppointmentInSchema,
    CloseInSchema,
    MessageSchema,
    ReferralInSchema,
    ReferralListArgs,
    ReferralSchema,
    StatusInSchema,
    page_of,
)
from smsgateway.api.versions import claim, etag_header, expected_version
from smsgateway.models import Partner, Referral
from smsgateway.partners import report_outcome
from smsgateway.permissions import Action, Role
from smsgateway.referral_filters import ReferralFilter
from smsgateway.referrals import Source, Status, change_status, close_referral, create_referral
from smsgateway.referrals import move_appointment as move_referral_appointment
from smsgateway.replies.partner_commands import PartnerAction
from smsgateway.runtime import get_runtime

REF = "<reference>"
TAGS = ["referrals"]
READ = (Action.VIEW_REFERRALS, Action.VIEW_PARTNER_REFERRALS)


@blp.route("/referrals", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.arguments(ReferralListArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(ReferralSchema))
@documents(422)
@needs(*READ)
def list_referrals(
    page: int,
    per_page: int,
    status: list[str] | None = None,
    partner_id: int | None = None,
    updated_since: datetime | None = None,
    case_reference: str = "",
) -> dict[str, Any]:
    """List referrals, oldest first; a partner's token sees its organisation's only."""
    filters = ReferralFilter(tuple(status or ()), partner_id, updated_since, case_reference)
    with get_runtime().db.sessions() as session:
        items, total = reads.referrals(
            session, caller(), action(), filters, page=page, per_page=per_page
        )
        return {"items": items, "page": page, "per_page": per_page, "total": total}


@blp.route("/referrals", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(ReferralInSchema)
@blp.response(201, ReferralSchema)
@documents(422)
@needs(Action.CREATE_REFERRAL)
def create(data: dict[str, Any]) -> tuple[Referral, dict[str, str]]:
    """Record a referral for a returnee (by case reference or id); its notices are planned."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        if data.get("returnee_id") is not None:
            returnee = _returnee_by_id(session, data["returnee_id"])
        elif data.get("case_reference"):
            returnee = reads.returnee_by_case(session, caller(), data["case_reference"])
        else:
            raise ApiError(
                422,
                "invalid_input",
                "some fields are not valid",
                {"case_reference": ["give the returnee's case_reference or returnee_id"]},
            )
        partner = session.get(Partner, data["partner_id"])
        if partner is None:
            raise ApiError(
                422,
                "invalid_input",
                "some fields are not valid",
                {"partner_id": ["no such partner"]},
            )
        referral = create_referral(
            session,
            runtime.clock(),
            returnee=returnee,
            partner=partner,
            service_category=data["service_category"],
            created_by=caller().acting_user(session),
            is_sensitive=data["is_sensitive"],
            appointment_at=data["appointment_at"],
            appointment_place=data["appointment_place"],
            programme=runtime.programme,
            source=Source.API,
        )
        reference = referral.reference or ""
    return _fresh(reference)


@blp.route(f"/referrals/{REF}", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, ReferralSchema)
@documents(404)
@needs(*READ)
def get_referral(reference: str) -> tuple[Referral, dict[str, str]]:
    """One referral; its ETag (= `version`) goes in `If-Match` when changing it."""
    return _fresh(reference)


@blp.route(f"/referrals/{REF}/appointment", methods=["PUT"])
@blp.doc(tags=TAGS)
@blp.arguments(AppointmentInSchema)
@blp.response(200, ReferralSchema)
@documents(*WRITE_ERRORS)
@needs(Action.MOVE_APPOINTMENT)
def move_appointment(data: dict[str, Any], reference: str) -> tuple[Referral, dict[str, str]]:
    """Move the appointment; notices are planned again (needs If-Match).

    A declined, no-show or reschedule-requested referral goes back to `referred`.
    """
    runtime = get_runtime()
    with _claimed(reference) as (session, referral, now):
        move_referral_appointment(
            session,
            referral,
            data["appointment_at"],
            now=now,
            actor=caller().acting_user(session),
            place=data.get("appointment_place"),
            programme=runtime.programme,
            source=Source.API,
        )
    return _fresh(reference)


@blp.route(f"/referrals/{REF}/status", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(StatusInSchema)
@blp.response(200, ReferralSchema)
@documents(*WRITE_ERRORS)
@needs(Action.UPDATE_REFERRAL, Action.REPORT_OUTCOME)
def set_status(data: dict[str, Any], reference: str) -> tuple[Referral, dict[str, str]]:
    """Change the status by the transition table, as everywhere (needs If-Match).

    A partner's token reports outcomes only (enrolled, ineligible, no_show, dropped_out), on
    its own organisation's referrals, as on the partner page. A refused transition is 409.
    """
    with _claimed(reference) as (session, referral, now):
        actor = caller().acting_user(session)
        if caller().role == Role.PARTNER:
            outcome = _partner_action(data["status"])
            report_outcome(
                session,
                referral,
                outcome,
                now=now,
                actor=actor,
                note=data["note"],
                source=Source.API,
            )
        else:
            change_status(
                session,
                referral,
                Status(data["status"]),
                source=Source.API,
                now=now,
                actor=actor,
                note=data["note"],
            )
    return _fresh(reference)


@blp.route(f"/referrals/{REF}/close", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(CloseInSchema)
@blp.response(200, ReferralSchema)
@documents(*WRITE_ERRORS)
@needs(Action.UPDATE_REFERRAL)
def close(data: dict[str, Any], reference: str) -> tuple[Referral, dict[str, str]]:
    """Close the referral (by default as `cancelled`); pending notices are cancelled."""
    with _claimed(reference) as (session, referral, now):
        close_referral(
            session,
            referral,
            Status(data["status"]),
            source=Source.API,
            now=now,
            actor=caller().acting_user(session),
            note=data["note"],
        )
    return _fresh(reference)


@blp.route(f"/referrals/{REF}/messages", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, MessageSchema(many=True))
@documents(404)
@needs(Action.VIEW_REFERRALS)
def list_messages(reference: str) -> list[Any]:
    """What was sent and received about the referral, oldest first (staff only)."""
    with get_runtime().db.sessions() as session:
        return reads.messages(session, caller(), action(), reference)


# ---------------------------------------------------------------------------------------------


def _returnee_by_id(session: Session, returnee_id: int) -> Any:
    try:
        return reads.returnee(session, caller(), returnee_id)
    except ApiError:
        raise ApiError(
            422, "invalid_input", "some fields are not valid", {"returnee_id": ["no such returnee"]}
        ) from None


def _partner_action(status: str) -> PartnerAction:
    for outcome in PartnerAction:
        if outcome.value == status:
            return outcome
    allowed = ", ".join(outcome.value for outcome in PartnerAction)
    raise ApiError(
        422,
        "invalid_input",
        "some fields are not valid",
        {"status": [f"a partner reports: {allowed}"]},
    )


def _fresh(reference: str) -> tuple[Referral, dict[str, str]]:
    with get_runtime().db.sessions() as session:
        referral = reads.referral(session, caller(), _read_action(), reference)
        return referral, etag_header(referral)


def _read_action() -> Action:
    """Reading back after a write: the role's read action (partner: its own referrals)."""
    return Action.VIEW_PARTNER_REFERRALS if caller().role == Role.PARTNER else Action.VIEW_REFERRALS


@contextmanager
def _claimed(reference: str) -> Iterator[tuple[Session, Referral, datetime]]:
    """A transaction holding the referral's row, if still at the client's version."""
    version = expected_version()
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        referral_id = reads.referral_id(session, caller(), action(), reference)  # 404 first
        claim(session, Referral, referral_id, version)
        session.expire_all()
        yield session, reads.referral(session, caller(), action(), reference), runtime.clock()
