"""The loop's rules in the programme file: parsed, checked against their vocabularies, defaulted."""

from __future__ import annotations

from datetime import time, timedelta
from importlib import resources
from pathlib import Path

import pytest

from smsgateway.errors import InvalidInput
from smsgateway.programme import TaskStep, load_programme


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "programme.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def without_section(name: str) -> str:
    """The shipped file without one top-level table (and its sub-tables)."""
    raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    kept, skipping = [], False
    for line in raw.splitlines():
        if line.startswith("["):
            skipping = line.strip("[] ").split(".")[0] == name
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def test_the_shipped_rules_are_the_documented_defaults() -> None:
    programme = load_programme()
    assert [rule.name for rule in programme.tasks] == [
        "partner_outcome",
        "partner_decision",
        "stalled",
        "rebooking",
    ]
    outcome = programme.rule("partner_outcome")
    assert outcome is not None
    assert (outcome.anchor, outcome.start, outcome.no_appointment_start) == (
        "appointment",
        timedelta(days=1),
        timedelta(days=7),
    )
    assert outcome.steps == (
        TaskStep("ask_partner", timedelta(days=2)),
        TaskStep("remind_partner", timedelta(days=2)),
        TaskStep("remind_partner", timedelta(days=3)),
    )
    assert (outcome.flag, outcome.while_status) == (
        "awaiting_partner",
        frozenset({"referred", "confirmed"}),
    )
    stalled = programme.rule("stalled")
    assert stalled is not None and stalled.resolved_by_answer
    assert [step.action for step in stalled.steps] == ["ask_again", "ask_partner", "ask_proxy"]
    assert stalled.flag == "no_response"
    assert programme.partner_questions.delivery == "each"
    assert programme.partner_questions.digest_time == time(9, 0)
    assert programme.questions.wait_for_answer == timedelta(hours=24)
    assert programme.followup_days_without_appointment == (7,)
    assert programme.replies.review == frozenset({"unclear"})
    assert programme.replies.ok_confirms == "never"
    assert programme.escalation.retry_after == timedelta(hours=4)
    decision = programme.rule("partner_decision")
    assert decision is not None and decision.flag == ""


@pytest.mark.parametrize(
    "section", ["tasks", "questions", "partner_questions", "replies", "escalation"]
)
def test_a_file_written_before_a_section_existed_gets_the_shipped_one(
    tmp_path: Path, section: str
) -> None:
    programme = load_programme(write(tmp_path, without_section(section)))
    assert programme.tasks == load_programme().tasks
    assert programme.questions == load_programme().questions
    assert programme.partner_questions == load_programme().partner_questions
    assert programme.replies == load_programme().replies
    assert programme.escalation == load_programme().escalation


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('anchor = "appointment"', 'anchor = "birthday"', "anchor"),
        ('while_status = ["reschedule_requested"]', 'while_status = ["lost"]', "lost"),
        ('{ action = "caseworker", wait_days = 3 }', '{ action = "pray", wait_days = 3 }', "pray"),
        (
            '{ action = "caseworker", wait_days = 3 }',
            '{ action = "caseworker", wait_days = -1 }',
            "wait",
        ),
        ('delivery = "each"', 'delivery = "pigeon"', "delivery"),
        ('ask_again_channels = ["voice", "sms"]', 'ask_again_channels = ["fax"]', "fax"),
        ('review = ["unclear"]', 'review = ["gossip"]', "gossip"),
        ('ok_confirms = "never"', 'ok_confirms = "sometimes"', "ok_confirms"),
    ],
)
def test_a_rule_outside_its_vocabulary_is_refused_naming_it(
    tmp_path: Path, old: str, new: str, named: str
) -> None:
    raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    assert old in raw
    with pytest.raises(InvalidInput) as refused:
        load_programme(write(tmp_path, raw.replace(old, new, 1)))
    assert refused.value.field == "programme_file"
    assert named in str(refused.value)


def test_escalation_timing_and_a_rule_without_a_flag_are_read(tmp_path: Path) -> None:
    raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    raw = raw.replace("retry_after_hours = 4", "retry_after_hours = 6")
    raw = raw.replace('flag = "awaiting_rebooking"\n', "")
    programme = load_programme(write(tmp_path, raw))
    assert programme.escalation.retry_after == timedelta(hours=6)
    assert programme.escalation.proxy_answer_window == timedelta(days=3)
    rebooking = programme.rule("rebooking")
    assert rebooking is not None and rebooking.flag == ""


def test_escalation_steps_are_read_in_order_and_an_unknown_step_is_refused() -> None:
    import tomllib

    from smsgateway.programme import parse_programme

    raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    shipped = tomllib.loads(raw)
    programme = parse_programme(shipped)
    assert programme.escalation.steps == ("retry", "voice", "retry_later", "proxy", "last_retry")
    assert programme.escalation.retry_later == timedelta(hours=48)

    for steps in (["retry", "wait"], ["retry", "retry"]):
        broken = {**shipped, "escalation": {**shipped["escalation"], "steps": steps}}
        with pytest.raises(ValueError, match=r"\[escalation\] steps"):
            parse_programme(broken)
