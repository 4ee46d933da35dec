"""The access log's face on requests: what a view saw is noted, then written once, after it.

Console views and the API's reads (`smsgateway.api.reads`) call `note_access` with ids of what
they showed; after the request one entry is written with the user (the console's login or the
API token's account), the request id and the address. Any answer 403, from any face, is
written as a refusal. Writing happens in a transaction of its own: a failure to write is
logged (ids only) and does not change the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask, Response, g, request
from flask_login import current_user

from smsgateway.privacy.access_log import AccessEvent, Face, Seen, record_seen
from smsgateway.runtime import get_runtime

log = logging.getLogger(__name__)


def note_access(
    kind: str,
    ids: Sequence[int],
    *,
    event: AccessEvent = AccessEvent.VIEW,
    returnee_id: int | None = None,
    referral_id: int | None = None,
) -> None:
    """Note that this request shows (or exports) these records; written after the request."""
    seen: Seen = g.setdefault("access_seen", Seen())
    if event is not AccessEvent.VIEW:
        seen.event = event
    seen.add(kind, ids, returnee_id=returnee_id, referral_id=referral_id)


def _who() -> tuple[int | None, str]:
    caller = g.get("api_caller")
    if caller is not None:
        return caller.user_id, caller.username
    if current_user and current_user.is_authenticated:
        return current_user.id, current_user.username
    return None, ""


def write_access(response: Response) -> Response:
    """After each request: the noted access, or the refusal, as one entry."""
    seen: Seen | None = g.pop("access_seen", None)
    if response.status_code == 403:
        seen = seen or Seen()
        seen.event = AccessEvent.REFUSED
    elif seen is None or (seen.is_empty and seen.event is AccessEvent.VIEW):
        return response
    runtime = get_runtime()
    user_id, username = _who()
    try:
        with runtime.db.transaction() as session:
            record_seen(
                session,
                seen,
                now=runtime.clock(),
                face=Face.API if request.blueprint == "api" else Face.CONSOLE,
                user=None,
                user_id=user_id,
                username=username,
                endpoint=request.endpoint or "",
                request_id=g.get("request_id", ""),
                address=request.remote_addr or "",
            )
    except Exception:
        log.exception("access log: the entry of endpoint %s was not written", request.endpoint)
    return response


def init_audit(app: Flask) -> None:
    app.after_request(write_access)
