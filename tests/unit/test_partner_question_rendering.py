"""The partner question and the proxy greeting as rendered, and the words a digest suggests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smsgateway.cli.content import sample_context
from smsgateway.content.encoding import normalize_for_gsm7
from smsgateway.content.languages import fallback_chain, supported_codes
from smsgateway.content.rendering import render_message
from smsgateway.loop.partner_questions import partner_words
from smsgateway.replies.partner_commands import PartnerAction, parse_partner_message

ONE = [
    {
        "reference": "R1001",
        "partner_name": "Centre Keur Yaay",
        "appointment_at": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "person": "Awa D.",
    }
]


def render(kind: str, code: str, **context: object) -> str:
    values = {**sample_context(), **context}
    return render_message(
        kind,
        channel="sms",
        languages=fallback_chain(code),
        time_zone="Africa/Dakar",
        context=values,
    ).text


def test_a_question_about_one_referral_offers_the_option_digits() -> None:
    text = render("partner_question", "en", referrals=ONE)
    assert text == (
        "Referral R1001 (Awa D., appointment Tuesday 1 December): what became of it? Reply 1 "
        "enrolled, 2 did not come, 3 not eligible, 4 came, no decision yet."
    )
    reminder = render("partner_question", "fr", referrals=ONE, reminder=True)
    assert reminder.startswith("Rappel.\nOrientation R1001 (Awa D., rendez-vous mardi 1 décembre)")


@pytest.mark.parametrize("code", supported_codes())
def test_the_words_a_digest_suggests_are_understood_as_what_they_stand_for(code: str) -> None:
    words = partner_words([code])[code]
    text = render("partner_question", code)
    for action in PartnerAction:
        if action is PartnerAction.DROPPED_OUT:
            continue  # not asked: a digest asks what became of a referral, not about drop-outs
        word = words[action.value]
        shown = word if word in text else normalize_for_gsm7(word)  # "ÑËWUL" goes as "ÑEWUL"
        assert shown in text
        parsed = parse_partner_message(f"2 {shown}")
        assert [(c.action, c.line) for c in parsed.commands] == [(action, 2)], (code, action)


def test_a_question_sent_to_a_proxy_opens_with_whom_it_is_for() -> None:
    text = render("appointment_reminder", "fr", first_name=None, proxy_for="Awa")
    assert text.startswith("Message pour Awa.\n")
    spoken = render_message(
        "attendance_check",
        channel="voice",
        languages=["en"],
        time_zone="Africa/Dakar",
        context={**sample_context(), "first_name": None, "proxy_for": "Awa"},
    ).text
    assert spoken.startswith("Message for Awa. ")
