"""Version counters: every change to a row of a counted model adds one to its `version`.

The JSON API shows the version as the row's ETag and refuses a write whose `If-Match` names an
older one (`smsgateway.api.versions`). Counting happens at flush, for every face, so a change
made on the console or by a reply also makes an API client's copy stale. Only column changes
count; a change to a returnee's contact points or consent sets its `updated_at`, which counts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, Update, bindparam, event, inspect, update
from sqlalchemy.orm import Mapper, Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

#: The models whose rows count their versions.
_COUNTED: set[type[Any]] = set()


def count_versions(model: type[Any]) -> None:
    """Add one to `model.version` whenever a row of it is updated through the ORM."""
    event.listen(model, "before_update", _next_version)
    _COUNTED.add(model)


def _next_version(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        target.version = (target.version or 0) + 1


def update_now(session: Session, row: Any, values: dict[str, Any]) -> None:
    """Give a row `values` and write them at once: one Core UPDATE of those columns (and, for a
    counted model, its version plus one, as a flush would), after which the object holds them
    as read from the database, so the session's flush has nothing left to write for them.

    A hot path (an inbound reply) writes its few changes this way and skips the unit of work.
    A row not stored yet (no identity), or not in `session`, just gets the values, for a flush
    to write. Keys are column attributes named as their columns.
    """
    state = inspect(row)
    if state.key is None or state.deleted or row not in session:
        for key, value in values.items():
            setattr(row, key, value)
        return
    counted = type(row) in _COUNTED
    statement = _update_statement(state.mapper.local_table, tuple(values), counted)
    parameters = {f"new_{key}": value for key, value in values.items()}
    parameters["row_id"] = state.identity[0]
    result = session.connection().execute(statement, parameters)
    for key, value in values.items():
        set_committed_value(row, key, value)
    if counted:
        set_committed_value(row, "version", result.scalar_one())


@cache
def _update_statement(table: Table, keys: tuple[str, ...], counted: bool) -> Update:
    """UPDATE `keys` of one row by its id (and count its version): built once per shape."""
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({key: bindparam(f"new_{key}", type_=table.c[key].type) for key in keys})
    )
    if counted:
        statement = statement.values(version=table.c.version + 1).returning(table.c.version)
    return statement
