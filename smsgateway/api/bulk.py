"""API: bulk notices: preview, create (planned at once), progress, cancel."""

from __future__ import annotations

from typing import Any

from smsgateway.api.access import caller, needs
from smsgateway.api.blueprint import blp, documents
from smsgateway.api.errors import ApiError
from smsgateway.api.schemas import BulkCreateSchema, BulkInSchema, BulkPreviewSchema, BulkSchema
from smsgateway.bulk import (
    Cohort,
    Content,
    bulk_progress,
    cancel_bulk,
    confirm_bulk,
    create_bulk,
    preview_bulk,
)
from smsgateway.models import BulkSend
from smsgateway.permissions import Action
from smsgateway.runtime import get_runtime

TAGS = ["bulk notices"]
ID = "<int(min=1, max=2147483647):bulk_id>"


def _parts(data: dict[str, Any]) -> tuple[Cohort, Content]:
    cohort = data["cohort"]
    content = data["content"]
    return (
        Cohort(
            partner_id=cohort["partner_id"],
            service_category=cohort["service_category"],
            statuses=tuple(cohort["statuses"]),
            language=cohort["language"],
            place=cohort["place"],
            case_references=tuple(cohort["case_references"]),
            everyone=cohort["everyone"],
        ),
        Content(kind=content["kind"], texts=dict(content["texts"])),
    )


@blp.route("/bulk-notices/preview", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(BulkInSchema)
@blp.response(200, BulkPreviewSchema)
@documents(422)
@needs(Action.SEND_BULK)
def preview(data: dict[str, Any]) -> dict[str, Any]:
    """Who a bulk notice would reach, in which languages and channels, and its cost; no change."""
    runtime = get_runtime()
    cohort, content = _parts(data)
    with runtime.db.sessions() as session:
        result = preview_bulk(
            session,
            cohort,
            content,
            settings=runtime.settings,
            now=runtime.clock(),
            programme=runtime.programme,
        )
    return {
        "recipients": result.recipients,
        "excluded": dict(result.excluded),
        "languages": dict(result.languages),
        "channels": dict(result.channels),
        "encodings": dict(result.encodings),
        "segments": result.segments,
        "cost": result.cost,
        "currency": result.currency,
    }


@blp.route("/bulk-notices", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.arguments(BulkCreateSchema)
@blp.response(201, BulkSchema)
@documents(422)
@needs(Action.SEND_BULK)
def create(data: dict[str, Any]) -> dict[str, Any]:
    """Create a bulk notice and plan one notice per recipient in their language and channel."""
    runtime = get_runtime()
    cohort, content = _parts(data)
    now = runtime.clock()
    with runtime.db.transaction() as session:
        bulk = create_bulk(
            session,
            cohort,
            content,
            window_start=data.get("window_start") or now,
            window_end=data.get("window_end"),
            now=now,
            created_by=caller().username,
        )
        confirm_bulk(session, bulk, now=now, programme=runtime.programme)
        return _shown(session, bulk)


@blp.route(f"/bulk-notices/{ID}", methods=["GET"])
@blp.doc(tags=TAGS)
@blp.response(200, BulkSchema)
@documents(404)
@needs(Action.SEND_BULK)
def progress(bulk_id: int) -> dict[str, Any]:
    """A bulk notice and its notices counted per state."""
    with get_runtime().db.sessions() as session:
        return _shown(session, _get(session, bulk_id))


@blp.route(f"/bulk-notices/{ID}/cancel", methods=["POST"])
@blp.doc(tags=TAGS)
@blp.response(200, BulkSchema)
@documents(404)
@needs(Action.SEND_BULK)
def cancel(bulk_id: int) -> dict[str, Any]:
    """Cancel the notices not sent yet; sent ones stay. Cancelling twice changes nothing."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        bulk = _get(session, bulk_id)
        cancel_bulk(session, bulk, now=runtime.clock())
        return _shown(session, bulk)


def _get(session: Any, bulk_id: int) -> BulkSend:
    bulk = session.get(BulkSend, bulk_id)
    if bulk is None:
        raise ApiError(404, "not_found", "no such bulk notice")
    return bulk


def _shown(session: Any, bulk: BulkSend) -> dict[str, Any]:
    shown = {name: getattr(bulk, name) for name in BulkSchema().fields if name != "progress"}
    shown["progress"] = bulk_progress(session, bulk)
    return shown
