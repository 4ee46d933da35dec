"""`smsgateway replies classify`: JSON lines in, one intent per line out."""

from __future__ import annotations

import json

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
