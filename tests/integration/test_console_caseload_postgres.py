"""The console's lists, filters and searches on PostgreSQL (ILIKE, `||`, IN lists), as on SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_console_caseload import (  # the same tests, on the other database
    test_returnees_are_found_by_name_case_reference_phone_digits_and_partner,
    test_the_referral_list_filters_and_searches,
)

pytestmark = pytest.mark.postgres

__all__ = [
    "test_returnees_are_found_by_name_case_reference_phone_digits_and_partner",
    "test_the_referral_list_filters_and_searches",
]


@pytest.fixture
def app_overrides(tmp_path: Path, pg_url: str) -> dict[str, Any]:
    return {
        "instance_path": tmp_path / "instance",
        "env": "test",
        "scheduler": False,
        "database_url": pg_url,
    }
