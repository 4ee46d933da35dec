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


def test_accounts_migration_keeps_existing_referrals_and_their_history(tmp_path: Path) -> None:
    """0004 adds the acting-user columns in place: a database with referrals upgrades."""
    from sqlalchemy import text

    from smsgateway.db import make_engine

    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrations.upgrade(url, "0003")
    engine = make_engine(url)
    at = {"at": "2026-01-01 00:00:00"}
    with engine.begin() as connection:
        for statement in [
            "INSERT INTO partners (id, name, display_name, service_categories, created_at) "
            "VALUES (1, 'Centre', '', '[]', :at)",
            "INSERT INTO returnees (id, case_reference, first_name, last_name, "
            "preferred_language, fallback_languages, preferred_channel, time_zone, created_at) "
            "VALUES (1, 'C1', 'Awa', '', 'fr', '[]', 'sms', 'Africa/Dakar', :at)",
            "INSERT INTO referrals (id, reference, returnee_id, partner_id, service_category, "
            "is_sensitive, status, appointment_place, needs_reorientation, created_by, "
            "created_at, updated_at) VALUES (1, 'R1001', 1, 1, 'x', 0, 'referred', '', 0, "
            "'demo', :at, :at)",
            "INSERT INTO referral_events (id, referral_id, new_status, source, actor, note, "
            "created_at) VALUES (1, 1, 'referred', 'caseworker', 'demo', '', :at)",
        ]:
            connection.execute(text(statement), at)
    engine.dispose()

    migrations.upgrade(url)

    engine = make_engine(url)
    with engine.connect() as connection:
        event = connection.execute(text("SELECT actor, actor_user_id FROM referral_events")).one()
        referral = connection.execute(text("SELECT created_by_user_id FROM referrals")).one()
    engine.dispose()
    assert tuple(event) == ("demo", None) and tuple(referral) == (None,)
