"""`smsgateway loop sweep | report`: run the loop's task sweep once; print reach and flags."""

from __future__ import annotations

import json
from datetime import timedelta

import click
from flask.cli import with_appcontext

from smsgateway.loop.standing import reach_report
from smsgateway.loop.tasks import advance_tasks
from smsgateway.runtime import get_runtime


@click.group("loop")
def loop_cli() -> None:
    """Closing the loop: tasks, flags and reach (docs/programme.md)."""


@loop_cli.command("sweep")
@with_appcontext
def sweep() -> None:
    """Start due tasks, run their steps and set flags now, once, and print the counts."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        report = advance_tasks(session, now=runtime.clock(), programme=runtime.programme)
    click.echo(
        f"started={report.started} steps={report.steps} flagged={report.flagged} "
        f"resolved={report.resolved} cancelled={report.cancelled}"
    )


@loop_cli.command("report")
@click.option("--age-days", default=30, show_default=True, help="Count referrals this old.")
@with_appcontext
def report(age_days: int) -> None:
    """Referrals at least AGE days old: known outcome, flagged, silent (one JSON line)."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        found = reach_report(session, now=runtime.clock(), age=timedelta(days=age_days))
    click.echo(
        json.dumps(
            {
                "age_days": age_days,
                "referrals": found.referrals,
                "known_outcome": found.known_outcome,
                "flagged_only": found.flagged_only,
                "silent": found.silent,
                "reach": round(found.reach, 4),
                "by_flag": dict(sorted(found.by_flag.items())),
                "by_status": dict(sorted(found.by_status.items())),
            }
        )
    )
