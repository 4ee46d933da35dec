"""`smsgateway replies …` commands: run and score the reply classifier on corpora of JSON lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from smsgateway.inputs import reading_text
from smsgateway.replies.classify import explain_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.likeness import (
    MODEL_FILE,
    OTHER_LIKENESSES,
    learn,
    learning_examples,
    model_file,
    write_model,
)
from smsgateway.replies.likeness_check import check_likeness, check_other_likenesses
from smsgateway.replies.scoring import (
    CorpusError,
    LabelledReply,
    Score,
    Tally,
    format_kind_table,
    format_language_table,
    is_held_back,
    load_corpus,
    score_file,
)

replies_cli = click.Group("replies", help="Read replies as the service does (classifier tools).")


def classify_line(line: str, *, explain: bool = False) -> dict[str, object]:
    """Classify one JSON line `{"lang", "question", "text"}` into `{"intent"}` or `{"error"}`.

    With `explain`, the result also names the rule that decided and the words it rests on.
    """
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
    decision = explain_reply(reading_text(text), language, question)
    return decision.explain() if explain else {"intent": decision.intent.value}


def _question(value: object) -> Question | None:
    """The question named by `value`, or None when no question is open."""
    if value is None:
        return None
    if isinstance(value, str) and value in {q.value for q in Question}:
        return Question(value)
    names = ", ".join(q.value for q in Question)
    raise ValueError(f"question: expected one of {names} or null")


def classify_stream(lines: IO[str], out: IO[str], *, explain: bool = False) -> int:
    """Write one result line per input line; return how many lines were malformed."""
    errors = 0
    for line in lines:
        if not line.strip():
            result: dict[str, object] = {"error": "empty line"}
        else:
            result = classify_line(line, explain=explain)
        errors += "error" in result
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return errors


@replies_cli.command("classify")
@click.option(
    "--explain", is_flag=True, help="Also print the rule that decided and the words it rests on."
)
@click.pass_context
def classify_command(ctx: click.Context, explain: bool) -> None:
    """Read JSON lines {"lang", "question", "text"} on stdin, write {"intent"} per line on stdout.

    A malformed line gives {"error": "..."} on its line; the exit status is then 1.
    """
    errors = classify_stream(sys.stdin, sys.stdout, explain=explain)
    if errors:
        click.echo(f"{errors} malformed line(s)", err=True)
        ctx.exit(1)


@replies_cli.command("score")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--show-misses",
    is_flag=True,
    help="List the misreadings with their text (refused for a held-back corpus).",
)
@click.option("--table", is_flag=True, help="Print only the Markdown tables of docs/replies.md.")
def score_command(files: tuple[str, ...], show_misses: bool, table: bool) -> None:
    """Score labelled corpora (JSON lines with "intent"): accuracy and dangerous errors.

    Prints overall, per-language, per-kind and per-intent accuracy, false confirmations (a reply
    of any other intent read as confirm), missed opt-outs (and how many of them are answered with
    how to stop) and false opt-outs; the last line is JSON.
    """
    paths = [Path(name) for name in files]
    held_back = [path.name for path in paths if is_held_back(path)]
    if show_misses and held_back:
        raise click.UsageError(f"a held-back corpus is never shown line by line: {held_back}")
    try:
        scores = [score_file(path) for path in paths]
    except CorpusError as error:
        raise click.ClickException(str(error)) from None
    if table:
        click.echo(format_language_table(scores) + "\n")
        click.echo(format_kind_table(scores))
        return
    for score in scores:
        _echo_score(score, show_misses=show_misses)
    summary = {score.name: _summary(score) for score in scores}
    click.echo(json.dumps(summary, sort_keys=True))


def _echo_score(score: Score, *, show_misses: bool) -> None:
    click.echo(f"== {score.name}: {score.overall.total} replies")
    click.echo(
        f"overall {_percent(score.overall)}; false confirms {score.false_confirms}; "
        f"missed opt-outs {score.missed_opt_outs} ({score.told_how_to_stop} told how to stop); "
        f"false opt-outs {score.false_opt_outs}"
    )
    for title, tallies in (
        ("language", score.by_language),
        ("kind", score.by_kind),
        ("intent", score.by_intent),
    ):
        click.echo(f"-- per {title}")
        for name, tally in sorted(tallies.items()):
            misses = tally.total - tally.right
            click.echo(f"  {name:<24} {_percent(tally):>22}  misses {misses}")
    if show_misses:
        click.echo("-- misses")
        for miss in score.misses:
            reply = miss.reply
            click.echo(
                f"  {reply.language} {reply.question} [{reply.kind}] {reply.text!r}: "
                f"want {reply.intent}, got {miss.got}"
            )


def _percent(tally: Tally) -> str:
    return f"{tally.accuracy:.1%} ({tally.right}/{tally.total})"


def _summary(score: Score) -> dict[str, object]:
    return {
        "replies": score.overall.total,
        "accuracy": round(score.overall.accuracy, 4),
        "false_confirms": score.false_confirms,
        "missed_opt_outs": score.missed_opt_outs,
        "false_opt_outs": score.false_opt_outs,
        "told_how_to_stop": score.told_how_to_stop,
        "by_language": {k: round(v.accuracy, 4) for k, v in sorted(score.by_language.items())},
    }


@replies_cli.command("learn")
@click.argument(
    "corpus_dir",
    required=False,
    default="tests/data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=MODEL_FILE,
    show_default=True,
    help="Where to write the opt-out weights; the other likenesses' weights are written beside "
    "them (reschedule_likeness.tsv, attended_no_likeness.tsv).",
)
@click.option(
    "--check",
    "folds",
    type=click.IntRange(min=2),
    default=None,
    help="First read each of FOLDS folds of the development files with weights learned from "
    "the others, and print what the likeness changes there (replies it never saw).",
)
def learn_command(corpus_dir: Path, out: Path, folds: int | None) -> None:
    """Learn the likeness weights (opt-outs, and the other backstops) from the development
    corpus files in CORPUS_DIR.

    Every `replies_*.jsonl` file is read except the held-back ones, whose scores would otherwise
    mean nothing. The same files give the same weights. With `--check N`, the weights are
    first judged on replies they were not learned from (`smsgateway.replies.likeness_check`).
    """
    paths = development_files(corpus_dir)
    if not paths:
        raise click.ClickException(f"no development corpus file in {corpus_dir}")
    try:
        replies = [reply for path in paths for reply in load_corpus(path)]
        if folds is not None:
            click.echo(check_likeness(paths, folds).report())
            if _has_every_intent(replies):
                click.echo(check_other_likenesses(paths, folds).report(folds))
    except (CorpusError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    for intent in (Intent.OPT_OUT, *OTHER_LIKENESSES):
        examples = learning_examples(intent, replies)
        if intent is not Intent.OPT_OUT and not any(is_it for _, is_it in examples):
            click.echo(f"{intent.value}: no such reply to learn from, no weights written")
            continue
        model = learn(examples)
        path = model_file(intent, out)
        write_model(model, path)
        click.echo(
            f"{intent.value}: {len(model.weights)} weights from {len(examples)} replies of "
            f"{len(paths)} files: {path}"
        )


def _has_every_intent(replies: list[LabelledReply]) -> bool:
    """Whether every other likeness has replies to learn from (a made-up corpus may not)."""
    intents = {reply.intent for reply in replies}
    return all(intent in intents for intent in OTHER_LIKENESSES)


def development_files(corpus_dir: Path) -> list[Path]:
    """The corpus files the likeness is learned from: every one but the held-back files."""
    return [p for p in sorted(corpus_dir.glob("replies_*.jsonl")) if not is_held_back(p)]
