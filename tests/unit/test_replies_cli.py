"""`smsgateway replies classify`: JSON lines in, one intent per line out."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from smsgateway.cli.replies import replies_cli


def _run(lines: list[str]) -> tuple[int, list[dict[str, str]]]:
    result = CliRunner().invoke(replies_cli, ["classify"], input="\n".join(lines) + "\n")
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def _line(lang: str | None, question: str | None, text: str) -> str:
    return json.dumps({"lang": lang, "question": question, "text": text}, ensure_ascii=False)


def test_classify_writes_one_intent_per_line_in_order() -> None:
    code, out = _run(
        [
            _line("fr", "appointment_reminder", "oui je serai là"),
            _line("ar", "appointment_reminder", "٢"),
            _line("en", "followup", "ok"),
            _line("en", "attendance_check", "yes"),
            _line("wo", "appointment_reminder", "2 STOP"),
            _line("xx", None, "help"),
        ]
    )
    assert code == 0
    assert out == [
        {"intent": "confirm"},
        {"intent": "decline"},
        {"intent": "unclear"},
        {"intent": "attended_yes"},
        {"intent": "opt_out"},
        {"intent": "help"},
    ]


def test_a_missing_question_means_no_open_question() -> None:
    code, out = _run([json.dumps({"lang": "en", "text": "yes"})])
    assert (code, out) == (0, [{"intent": "unclear"}])


def test_malformed_lines_give_an_error_on_their_line_and_a_failing_exit() -> None:
    code, out = _run(
        [
            _line("en", "appointment_reminder", "1"),
            "not json",
            json.dumps(["a list"]),
            json.dumps({"lang": "en", "question": "appointment_reminder"}),
            _line("en", "unknown_question", "1"),
            json.dumps({"lang": 3, "question": None, "text": "1"}),
            "",
            _line("en", "appointment_reminder", "2"),
        ]
    )
    assert code != 0
    assert len(out) == 8
    assert out[0] == {"intent": "confirm"}
    assert all(set(item) == {"error"} for item in out[1:7])
    assert out[7] == {"intent": "decline"}


def test_empty_input_writes_nothing() -> None:
    result = CliRunner().invoke(replies_cli, ["classify"], input="")
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_run_of_thousands_of_digits_is_read_not_a_crash() -> None:
    code, out = _run(
        [_line("fr", "appointment_reminder", "1" * 5000), _line("ar", None, "٢" * 5000)]
    )
    assert code == 0
    assert out == [{"intent": "unclear"}, {"intent": "unclear"}]


def test_classify_explain_names_the_rule_and_its_words() -> None:
    line = _line("en", "appointment_reminder", "yes I will come")
    result = CliRunner().invoke(replies_cli, ["classify", "--explain"], input=line + "\n")
    (out,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0
    assert out["intent"] == "confirm"
    assert out["rule"] == "answer"
    assert any("come" in word for word in out["words"])
    assert out["confidence"] > 0
    assert out["because"]


def test_classify_explain_shows_why_chatter_is_not_a_confirm() -> None:
    line = _line("en", "appointment_reminder", "yes, the weather is very hot today :)")
    result = CliRunner().invoke(replies_cli, ["classify", "--explain"], input=line + "\n")
    (out,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (out["intent"], out["rule"]) == ("unclear", "answer_shape")


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


_ROWS: list[dict[str, object]] = [
    {"lang": "en", "question": "appointment_reminder", "text": "1", "intent": "confirm",
     "kind": "plain"},
    {"lang": "en", "question": "appointment_reminder", "text": "great weather today",
     "intent": "unclear", "kind": "chatter"},
    {"lang": "fr", "question": "appointment_reminder", "text": "oui", "intent": "decline",
     "kind": "plain"},
    {"lang": "fr", "question": None, "text": "merci", "intent": "opt_out", "kind": "plain"},
    {"lang": "en", "question": None, "text": "STOP", "intent": "unclear", "kind": "plain"},
    {"lang": "en", "question": "appointment_reminder",
     "text": "these messages are getting too much for me honestly", "intent": "opt_out",
     "kind": "opt_out_sentence"},
]  # fmt: skip


def test_score_prints_accuracy_and_the_dangerous_errors(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "replies.jsonl", _ROWS)
    result = CliRunner().invoke(replies_cli, ["score", str(corpus)])
    assert result.exit_code == 0, result.output
    assert (
        "overall 33.3% (2/6); false confirms 1; missed opt-outs 2 (1 told how to stop); "
        "false opt-outs 1" in result.output
    )
    assert re.search(r"fr +0\.0% \(0/2\)  misses 2", result.output)
    assert "chatter" in result.output
    summary = json.loads(result.output.splitlines()[-1])
    assert summary["replies.jsonl"]["false_confirms"] == 1
    assert summary["replies.jsonl"]["false_opt_outs"] == 1
    # "these texts are getting too much" is read unclear, and answered with how to stop.
    assert summary["replies.jsonl"]["told_how_to_stop"] == 1
    assert "merci" not in result.output


def test_score_shows_misses_of_a_development_corpus_only(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "replies_dev.jsonl", _ROWS)
    held_back = _write(tmp_path / "replies_heldback.jsonl", _ROWS)
    shown = CliRunner().invoke(replies_cli, ["score", str(corpus), "--show-misses"])
    assert "'merci': want opt_out, got unclear" in shown.output
    refused = CliRunner().invoke(replies_cli, ["score", str(held_back), "--show-misses"])
    assert refused.exit_code != 0
    assert "never shown" in refused.output
    assert "merci" not in refused.output


def test_score_refuses_a_malformed_corpus_naming_the_line(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"lang": "en", "text": "1", "intent": "maybe"}\n', encoding="utf-8")
    result = CliRunner().invoke(replies_cli, ["score", str(corpus)])
    assert result.exit_code != 0
    assert "bad.jsonl:1" in result.output
