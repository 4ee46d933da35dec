"""`UTCDateTime` converts what it is given and what it reads, in every row, whatever the row
before held (it remembers the last value it converted)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from smsgateway.db import UTCDateTime

MOMENT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DAKAR_NOON = datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_a_bulk_statements_rows_each_get_their_own_value(dialect):
    process = UTCDateTime().bind_processor(dialect)
    assert process is not None
    # The same moment again (the memo), an equal moment in another object, another zone, None.
    rows = [MOMENT, MOMENT, DAKAR_NOON, None, MOMENT, MOMENT.replace(), None, None]
    processed = [process(value) for value in rows]
    alone = [_converted_alone(value, dialect) for value in rows]  # a new processor for each
    assert processed == alone
    assert processed[2] == processed[0]  # 12:00 at UTC+2 is 10:00 UTC
    assert processed[3] is None


def test_a_naive_datetime_is_refused_even_after_an_aware_one():
    process = UTCDateTime().bind_processor(sqlite.dialect())
    assert process is not None
    process(MOMENT)
    with pytest.raises(ValueError, match="naive"):
        process(MOMENT.replace(tzinfo=None))


def _converted_alone(value, dialect):
    process = UTCDateTime().bind_processor(dialect)
    assert process is not None
    return process(value)


def test_rows_read_back_each_hold_their_own_moment():
    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True))
    table.append_column(Column("at", UTCDateTime))
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    later = MOMENT + timedelta(hours=1)
    written = [MOMENT, MOMENT, later, None, MOMENT, DAKAR_NOON, later]
    with engine.begin() as connection:
        connection.execute(insert(table), [{"at": at} for at in written])
        read = connection.execute(select(table.c.at).order_by(table.c.id)).scalars().all()
    assert read == written
    assert all(at is None or at.tzinfo is UTC for at in read)
