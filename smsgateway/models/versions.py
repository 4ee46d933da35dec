"""Version counters: every change to a row of a counted model adds one to its `version`.

The JSON API shows the version as the row's ETag and refuses a write whose `If-Match` names an
older one (`smsgateway.api.versions`). Counting happens at flush, for every face, so a change
made on the console or by a reply also makes an API client's copy stale. Only column changes
count; a change to a returnee's contact points or consent sets its `updated_at`, which counts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, object_session


def count_versions(model: type[Any]) -> None:
    """Add one to `model.version` whenever a row of it is updated through the ORM."""
    event.listen(model, "before_update", _next_version)


def _next_version(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        target.version = (target.version or 0) + 1
