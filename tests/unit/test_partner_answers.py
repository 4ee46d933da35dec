"""The answer to a partner's SMS is worded entirely in the partner's language, every reason too."""

from __future__ import annotations

import re

import pytest

from smsgateway.content.languages import supported_codes
from smsgateway.content.rendering import render_message
from smsgateway.partners import (
    ALREADY_RECORDED,
    NOT_ALLOWED,
    OTHER_PARTNER,
    RECORDED,
    REFUSED,
    UNKNOWN_LINE,
    UNKNOWN_REFERENCE,
    WHICH_REFERRAL,
)

REASONS = [UNKNOWN_REFERENCE, OTHER_PARTNER, NOT_ALLOWED, UNKNOWN_LINE, WHICH_REFERRAL]
RESULTS = [
    {"reference": "R1001", "outcome": RECORDED, "reason": ""},
    {"reference": "R1002", "outcome": ALREADY_RECORDED, "reason": ""},
    *(
        {"reference": f"R10{n + 10}", "outcome": REFUSED, "reason": reason}
        for n, reason in enumerate(REASONS)
    ),
]


def render(code: str) -> str:
    rendered = render_message(
        "ack_partner_results",
        channel="sms",
        languages=[code],
        time_zone="Africa/Dakar",
        context={"results": RESULTS},
    )
    assert rendered.language == code
    return rendered.text


def test_every_reason_has_its_own_english_sentence() -> None:
    lines = render("en").splitlines()
    assert len(lines) == len(RESULTS)
    assert lines[2:] == [
        "R1010: not recorded (unknown reference).",
        "R1011: not recorded (not one of your referrals).",
        "R1012: not recorded (not possible at its current status).",
        "R1013: not recorded (no such number in our question).",
        "R1014: not recorded (please add the referral reference).",
    ]


@pytest.mark.parametrize("code", [code for code in supported_codes() if code != "en"])
def test_no_english_reason_is_left_in_another_language(code: str) -> None:
    english = [re.sub(r"^R\d+: ", "", line).rstrip(".") for line in render("en").splitlines()]
    text = render(code)
    assert len(text.splitlines()) == len(RESULTS)
    for sentence in english:
        assert sentence not in text
    for reason in ("unknown reference", "not one of your referrals", "current status"):
        assert reason not in text
