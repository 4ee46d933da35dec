"""Issue 20's rules that need no database: the satisfaction answers and the feedback keyword in
the classifier, the `[satisfaction]` section of the programme, and the discretion of the new
messages (they never name a service, whatever the referral)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smsgateway.cli.content import render_sample, sample_context
from smsgateway.content.languages import fallback_chain, supported_codes
from smsgateway.content.rendering import render_message
from smsgateway.errors import InvalidInput
from smsgateway.programme import load_programme
from smsgateway.replies.classify import explain_reply
from smsgateway.replies.intents import Intent, Question, answers_of

ROOT = Path(__file__).resolve().parents[2]
S, W = Question.SATISFACTION, Question.SATISFACTION_REASON
FEEDBACK_KINDS = (
    "satisfaction_question",
    "satisfaction_reason",
    "feedback_request",
    "ack_satisfaction",
    "ack_feedback",
    "feedback_closed",
)


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("en", "1", Intent.SATISFIED),
        ("en", "2", Intent.PARTLY_SATISFIED),
        ("en", "3", Intent.NOT_SATISFIED),
        ("fr", "oui merci", Intent.SATISFIED),
        ("fr", "en partie", Intent.PARTLY_SATISFIED),
        ("ar", "جزئيا", Intent.PARTLY_SATISFIED),
        ("am", "በከፊል", Intent.PARTLY_SATISFIED),
        ("ha", "a'a", Intent.NOT_SATISFIED),
        ("fr", "3 personne ne m'a appelé", Intent.NOT_SATISFIED),
        ("en", "yes lol", Intent.UNCLEAR),
        ("en", "maybe", Intent.UNCLEAR),
        ("en", "1 3", Intent.UNCLEAR),
        ("en", "4", Intent.UNCLEAR),
        ("en", "I will come", Intent.UNCLEAR),
        ("en", "stop", Intent.OPT_OUT),
    ],
)
def test_the_satisfaction_answers(language: str, text: str, intent: Intent) -> None:
    assert explain_reply(text, language, S).intent is intent


def test_partly_answers_no_other_question() -> None:
    assert explain_reply("partly", "en", Question.FOLLOWUP).intent is Intent.UNCLEAR
    assert explain_reply("un peu", "fr", Question.APPOINTMENT_REMINDER).intent is Intent.UNCLEAR


@pytest.mark.parametrize(
    ("text", "intent", "rule"),
    [
        ("they never called me back", Intent.REASON, "reason"),
        ("too far " * 20, Intent.REASON, "reason"),  # long, still a reason
        ("ok", Intent.UNCLEAR, "no_reason"),
        ("no", Intent.UNCLEAR, "no_reason"),
        ("2", Intent.UNCLEAR, "no_reason"),
        ("stop texting me", Intent.OPT_OUT, "opt_out"),
    ],
)
def test_an_answer_to_why(text: str, intent: Intent, rule: str) -> None:
    decision = explain_reply(text, "en", W)
    assert (decision.intent, decision.rule) == (intent, rule)


@pytest.mark.parametrize(
    ("language", "text", "question"),
    [
        ("en", "FEEDBACK the clinic asked me to pay", None),
        ("fr", "Bonjour, PLAINTE personne ne répond", Question.APPOINTMENT_REMINDER),
        ("ha", "ƙorafi cibiyar ta nemi kuɗi", S),
        ("am", "ቅሬታ ማዕከሉ ገንዘብ ጠየቀኝ", None),
        ("wo", "avis kenn du tontu", None),  # French fallback
    ],
)
def test_the_feedback_word_leading_a_message_opens_one(
    language: str, text: str, question: Question | None
) -> None:
    assert explain_reply(text, language, question).intent is Intent.FEEDBACK


def test_the_feedback_word_elsewhere_means_nothing() -> None:
    decision = explain_reply("à mon avis je viendrai", "fr", Question.APPOINTMENT_REMINDER)
    assert decision.intent is not Intent.FEEDBACK


def test_every_language_has_a_feedback_and_a_partly_word() -> None:
    for code in supported_codes():
        text = (ROOT / "locales" / code / "keywords.toml").read_text(encoding="utf-8")
        assert "\nfeedback = [" in text and "\npartly = [" in text, code


def test_answers_of_each_question() -> None:
    assert answers_of(S) == {Intent.SATISFIED, Intent.PARTLY_SATISFIED, Intent.NOT_SATISFIED}
    assert answers_of(W) == {Intent.REASON}


def test_the_shipped_satisfaction_section() -> None:
    satisfaction = load_programme().satisfaction
    assert (satisfaction.months_after_enrolment, satisfaction.at_last_followup) == (1, True)
    assert satisfaction.partner_minimum_answers == 5
    assert "never_contacted" in satisfaction.themes


@pytest.mark.parametrize(
    "change",
    [
        ("partner_minimum_answers = 5", "partner_minimum_answers = 0"),
        ("months_after_enrolment = 1", "months_after_enrolment = -1"),
        ('"other",\n]', '"other", "other",\n]'),
    ],
)
def test_a_wrong_satisfaction_section_is_refused(tmp_path: Path, change: tuple[str, str]) -> None:
    shipped = (ROOT / "smsgateway" / "programme.toml").read_text(encoding="utf-8")
    assert change[0] in shipped
    path = tmp_path / "programme.toml"
    path.write_text(shipped.replace(*change), encoding="utf-8")
    with pytest.raises(InvalidInput, match="satisfaction"):
        load_programme(str(path))


@pytest.mark.parametrize("code", supported_codes())
@pytest.mark.parametrize("kind", FEEDBACK_KINDS)
def test_no_message_names_a_service_even_for_an_ordinary_referral(kind: str, code: str) -> None:
    """The service cannot change a word of these messages: one wording serves every referral."""
    for channel in ("sms", "voice"):
        context = sample_context()
        with_service = render_message(
            kind,
            channel=channel,
            languages=fallback_chain(code),
            time_zone="Africa/Dakar",
            context={**context, "service": "mental_health"},
        )
        without = render_message(
            kind,
            channel=channel,
            languages=fallback_chain(code),
            time_zone="Africa/Dakar",
            context={**context, "service": None},
        )
        assert with_service.text == without.text
        assert with_service.text == render_sample(kind, code, channel=channel).text
