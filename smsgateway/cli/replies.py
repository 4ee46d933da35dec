"""`smsgateway replies …` commands: run the reply classifier on corpora of JSON lines."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import click

from smsgateway.inputs import reading_text
from smsgateway.replies.classify import classify_reply
from smsgateway.replies.intents import Question

replies_cli = click.Group("replies", help="Read replies as the service does (classifier tools).")


def classify_line(line: str) -> dict[str, str]:
    """Classify one JSON line `{"lang", "question", "text"}` into `{"intent"}` or `{"error"}`."""
    try:
        item: Any = json.loads(line)
    except json.JSONDecodeError as error:
        return {"error": f"not JSON: {error.msg}"}
    if not isinstance(item, dict):
        return {"error": "expected a JSON object"}
    text = item.get("text")
    if not isinstance(text, str):
        return {"error": "text: expected a string"}
    language = item.get("lang")
    if language is not None and not isinstance(language, str):
        return {"error": "lang: expected a string"}
    try:
        question = _question(item.get("question"))
    except ValueError as error:
        return {"error": str(error)}
    # As the service reads a reply: bounded, so a run of thousands of digits is no crash.
    return {"intent": classify_reply(reading_text(text), language, question).value}


def _question(value: object) -> Question | None:
    """The question named by `value`, or None when no question is open."""
    if value is None:
        return None
    if isinstance(value, str) and value in {q.value for q in Question}:
        return Question(value)
    names = ", ".join(q.value for q in Question)
    raise ValueError(f"question: expected one of {names} or null")


def classify_stream(lines: IO[str], out: IO[str]) -> int:
    """Write one result line per input line; return how many lines were malformed."""
    errors = 0
    for line in lines:
        if not line.strip():
            result: dict[str, str] = {"error": "empty line"}
        else:
            result = classify_line(line)
        errors += "error" in result
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return errors


@replies_cli.command("classify")
@click.pass_context
def classify_command(ctx: click.Context) -> None:
    """Read JSON lines {"lang", "question", "text"} on stdin, write {"intent"} per line on stdout.

    A malformed line gives {"error": "..."} on its line; the exit status is then 1.
    """
    errors = classify_stream(sys.stdin, sys.stdout)
    if errors:
        click.echo(f"{errors} malformed line(s)", err=True)
        ctx.exit(1)
