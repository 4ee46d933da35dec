"""`--partner`: the commands name a partner by its name (as the console and the import do) or id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.orm import Session

from smsgateway.partners import find_partner

HELP = "Partner: its name (as in the console and the import) or its id."


def partner_option(help_text: str = HELP) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--partner", "partner", default=None, metavar="NAME|ID", help=help_text)


def partner_id_of(session: Session, reference: str | None) -> int | None:
    """The id of the partner named by `--partner`, None when the option was not given.

    A number is taken as an id as it is (the command then says when no partner has it).
    """
    if reference is None or not reference.strip():
        return None
    if reference.strip().isdigit():
        return int(reference.strip())
    partner = find_partner(session, reference)
    if partner is None:
        raise click.BadParameter(f"no partner named {reference.strip()!r}", param_hint="--partner")
    return partner.id
