"""ETag and If-Match: two writers cannot silently overwrite each other.

A returnee's and a referral's ETag is its version (`"7"`), which every change adds one to
(`smsgateway.models.versions`), whichever face made it. A write to one of them must send
`If-Match` with the ETag it read: without it the answer is 428, with an older one 412, and
nothing changes. The check and the write are one transaction: the check takes the row's write
lock (`UPDATE ... WHERE version = ?`), so of two writers with the same ETag the second waits,
then finds the version moved on and gets 412.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from sqlalchemy import update
from sqlalchemy.orm import Session

from smsgateway.api.errors import ApiError

_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def etag(row: Any) -> str:
    return f'"{row.version}"'


def etag_header(row: Any) -> dict[str, str]:
    return {"ETag": etag(row)}


def expected_version() -> int:
    """The version the client's `If-Match` names; 428 without one, 412 for an unusable one."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise ApiError(
            428,
            "precondition_required",
            "send If-Match with the ETag (version) of what you read, so no change is lost",
        )
    found = _TAG.match(header.split(",")[0])
    if found is None:
        raise ApiError(412, "precondition_failed", "If-Match names no version of this record")
    return int(found.group(1))


def claim(session: Session, model: type[Any], row_id: int, version: int) -> None:
    """Lock the row for this transaction if it is still at `version`; 412 if it moved on.

    The caller has checked that the row exists (and is within the user's scope).
    """
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.version == version)
        .values(version=model.version)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise ApiError(
            412,
            "precondition_failed",
            "this record changed since you read it: read it again, then retry",
        )
