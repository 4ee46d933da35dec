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


def test_dashboard_migration_reads_the_milestones_of_existing_referrals_from_their_history(
    tmp_path: Path,
) -> None:
    """0011: the last change, furthest stage and first enrolment of referrals recorded before."""
    from sqlalchemy import text

    from smsgateway.db import make_engine

    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrations.upgrade(url, "0014")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO partners (id, name, display_name, service_categories, created_at) "
                "VALUES (1, 'Centre', '', '[]', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO returnees (id, case_reference, first_name, last_name, "
                "preferred_language, fallback_languages, preferred_channel, time_zone, "
                "created_at, updated_at) VALUES (1, 'C1', 'Awa', '', 'fr', '', 'sms', "
                "'Africa/Dakar', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        for n, status in [(1, "dropped_out"), (2, "declined")]:
            connection.execute(
                text(
                    "INSERT INTO referrals (id, reference, returnee_id, partner_id, "
                    "service_category, is_sensitive, status, appointment_place, "
                    "needs_reorientation, created_by, created_at, updated_at) VALUES "
                    "(:n, :reference, 1, 1, 'x', 0, :status, '', 0, 'demo', "
                    "'2026-01-01 00:00:00', '2026-03-01 00:00:00')"
                ),
                {"n": n, "reference": f"R100{n}", "status": status},
            )
        history = [
            (1, "referred", "2026-01-01"),
            (1, "confirmed", "2026-01-02"),
            (1, "attended", "2026-01-05"),
            (1, "enrolled", "2026-01-09"),
            (1, "dropped_out", "2026-02-01"),
            (2, "referred", "2026-01-01"),
            (2, "confirmed", "2026-01-03"),
            (2, "declined", "2026-01-04"),
        ]
        for referral_id, status, day in history:
            connection.execute(
                text(
                    "INSERT INTO referral_events (referral_id, new_status, source, actor, note, "
                    "created_at) VALUES (:r, :s, 'caseworker', 'demo', '', :at)"
                ),
                {"r": referral_id, "s": status, "at": f"{day} 10:00:00.000000"},
            )
    engine.dispose()

    migrations.upgrade(url)

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT furthest_stage, status_changed_at, enrolled_at FROM referrals ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        (3, "2026-02-01 10:00:00.000000", "2026-01-09 10:00:00.000000"),
        (1, "2026-01-04 10:00:00.000000", None),
    ]
