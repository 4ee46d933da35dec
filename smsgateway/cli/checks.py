"""Refusing to start: one line naming the setting and the reason, exit status 1, no traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from smsgateway.config import ConfigError, Settings
from smsgateway.startup import require_current_schema, wait_for_database


def refuse_to_start(error: ConfigError) -> NoReturn:
    click.echo(f"smsgateway: {error}", err=True)
    sys.exit(1)


def require_database(settings: Settings) -> None:
    """Wait for the database as `startup.wait_for_database` does, or refuse to start."""
    try:
        wait_for_database(settings)
    except ConfigError as error:
        refuse_to_start(error)


def require_migrated_database(settings: Settings) -> None:
    """`require_database`, and the database at the code's schema, or refuse to start."""
    require_database(settings)
    try:
        require_current_schema(settings)
    except ConfigError as error:
        refuse_to_start(error)
