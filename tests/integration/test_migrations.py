"""The schema comes only from Alembic: upgrade from empty, downgrade to empty, head = models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import smsgateway.models  # noqa: F401  (registers the tables)
from smsgateway import migrations
from smsgateway.db import Base


def test_upgrade_from_empty_creates_every_table_and_downgrade_removes_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrations.upgrade(url)
    engine = create_engine(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    migrations.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrations.upgrade(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_migration_head_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrations.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
