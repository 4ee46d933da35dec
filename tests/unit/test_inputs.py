"""Limits on outside text: cleaned, bounded and parsed safely, or refused naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsgateway import inputs
from smsgateway.errors import InvalidInput
from smsgateway.replies.classify import classify_reply
from smsgateway.replies.intents import Question

SID = "SM" + "0123456789abcdef" * 2


def test_control_characters_are_removed_but_line_breaks_stay() -> None:
    assert inputs.clean_text("o\x00u\x1bi\x7f\x85\n1\t2\r") == "oui\n1\t2\r"


def test_a_body_longer_than_any_provider_sends_is_refused() -> None:
    assert inputs.body_text("x" * inputs.BODY_LIMIT) == "x" * inputs.BODY_LIMIT
    with pytest.raises(InvalidInput, match="Body"):
        inputs.body_text("x" * (inputs.BODY_LIMIT + 1))


@pytest.mark.parametrize(
    "value",
    [SID + "0", SID[:-1], "SM" + "g" * 32, "sm" + SID[2:], "CA" + SID[2:], "", SID + "\x00"],
)
def test_a_sid_is_two_capitals_and_32_hex_digits_with_the_right_prefix(value: str) -> None:
    with pytest.raises(InvalidInput, match="MessageSid"):
        inputs.sid(value, "MessageSid", ("SM", "MM"))


def test_a_well_formed_sid_is_accepted() -> None:
    assert inputs.sid(SID, "MessageSid", ("SM", "MM")) == SID
    assert inputs.optional_sid("", "CallSid", ("CA",)) == ""


@pytest.mark.parametrize("value", ["1" * 17, "12a", "²", "-1", " 1", "1\x00"])
def test_an_error_code_is_at_most_16_ascii_digits(value: str) -> None:
    with pytest.raises(InvalidInput, match="ErrorCode"):
        inputs.error_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "notice-²",
        "notice-" + "9" * 19,
        "notice-2147483648",
        "notice-",
        "notice--1",
        "notice-٣",
        "1 ",
    ],
)
def test_notice_references_that_are_not_ascii_numbers_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="notice"):
        inputs.notice_id(value)


def test_a_notice_reference_is_parsed() -> None:
    assert inputs.notice_id("notice-42") == 42
    assert inputs.notice_id("2147483647") == 2**31 - 1


@pytest.mark.parametrize("value", ["12345678901234567890123", "1a", "\uff11"])
def test_key_presses_are_few_digits_star_or_hash(value: str) -> None:
    with pytest.raises(InvalidInput, match="Digits"):
        inputs.keys(value)


@pytest.mark.parametrize(
    ("raw", "phone", "channel", "is_valid"),
    [
        ("+221771234567", "+221771234567", "sms", True),
        ("whatsapp:+221771234567", "+221771234567", "whatsapp", True),
        ("WhatsApp: +221 77 123 45 67", "+221771234567", "whatsapp", True),
        ("+22177\x001234567", "+221771234567", "sms", True),
        ("", "", "sms", False),
        ("abc", "abc", "sms", False),
        ("\ufffd\ufffd", "\ufffd\ufffd", "sms", False),
        ("whatsapp:", "", "whatsapp", False),
        ("12345", "12345", "sms", False),  # a short code is never answered
        ("+1" + "9" * 60, "+1" + "9" * 18, "sms", False),
    ],
)
def test_senders_are_kept_bounded_and_only_valid_numbers_are_answerable(
    raw: str, phone: str, channel: str, is_valid: bool
) -> None:
    sender = inputs.sender(raw, "SN")
    assert (sender.phone, sender.channel, sender.is_valid) == (phone, channel, is_valid)
    assert len(sender.phone) <= inputs.PHONE_COLUMN
    assert inputs.is_answerable(sender.phone, "SN") is is_valid


def test_the_classifier_reads_digit_runs_cut_and_a_bounded_length() -> None:
    assert inputs.reading_text("1" * 5000) == "1" * inputs.DIGIT_RUN_LIMIT
    assert inputs.reading_text("oui 1") == "oui 1"
    assert inputs.reading_text("R1001 1") == "R1001 1"
    assert len(inputs.reading_text("a" * 10_000)) == inputs.READING_LIMIT
    # Digits of other scripts and joiners between them count as one run.
    assert inputs.reading_text("٢\u200b" * 3000).count("٢") == inputs.DIGIT_RUN_LIMIT


DIGITISH = st.sampled_from(["1", "٢", "²", "⑳", "½", "\u200b", "\u0301", "\u0640", "፩", " ", "a"])


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.lists(DIGITISH, max_size=6000).map("".join),
        st.text(max_size=300),
    ),
    question=st.sampled_from([None, *Question]),
)
def test_the_classifier_never_fails_on_bounded_text(text: str, question: Question | None) -> None:
    classify_reply(inputs.reading_text(text), "fr", question)
