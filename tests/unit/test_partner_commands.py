"""Parsing partners' SMS commands (`ENROLLED R1234`, `INELIGIBLE R1234 too far`)."""

# ruff: noqa: RUF001  # replies in Arabic, Persian and Bengali scripts are the data under test

from __future__ import annotations

import pytest

from smsgateway.replies.partner_commands import (
    PartnerAction,
    PartnerCommand,
    parse_partner_message,
)

ENROLLED = PartnerAction.ENROLLED
INELIGIBLE = PartnerAction.INELIGIBLE
NO_SHOW = PartnerAction.NO_SHOW
DROPPED_OUT = PartnerAction.DROPPED_OUT


def test_actions_are_referral_status_names() -> None:
    assert [a.value for a in PartnerAction] == ["enrolled", "ineligible", "no_show", "dropped_out"]


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("ENROLLED R1234", ENROLLED),
        ("enrolled r1234", ENROLLED),
        ("Enrolled: R1234", ENROLLED),
        ("ENROLED R1234", ENROLLED),
        ("INELIGIBLE R1234", INELIGIBLE),
        ("NOT ELIGIBLE R1234", INELIGIBLE),
        ("NON_ELIGIBLE R1234", INELIGIBLE),
        ("NON ELIGIBLE R1234", INELIGIBLE),
        ("NOSHOW R1234", NO_SHOW),
        ("NO SHOW R1234", NO_SHOW),
        ("no-show R1234", NO_SHOW),
        ("ABSENT R1234", NO_SHOW),
        ("DROPPED R1234", DROPPED_OUT),
        ("DROPOUT R1234", DROPPED_OUT),
        ("INSCRIT R1234", ENROLLED),
        ("inscrite R1234", ENROLLED),
        ("NON ÉLIGIBLE R1234", INELIGIBLE),
        ("non-eligible R1234", INELIGIBLE),
        ("ABSENTE R1234", NO_SHOW),
        ("ABANDON R1234", DROPPED_OUT),
        ("MATRICULADO R1234", ENROLLED),
        ("NO ELEGIBLE R1234", INELIGIBLE),
        ("غير مؤهل R1234", INELIGIBLE),
    ],
)
def test_command_words_in_several_languages(text: str, action: PartnerAction) -> None:
    message = parse_partner_message(text)
    assert message.commands == [PartnerCommand(action, "R1234")]
    assert message.unparsed == []


@pytest.mark.parametrize("reference", ["R1234", "r1234", "R-1234", "#R1234", "R 1234", "R١٢٣٤"])
def test_reference_spellings(reference: str) -> None:
    message = parse_partner_message(f"NOSHOW {reference}")
    assert message.commands == [PartnerCommand(NO_SHOW, "R1234")]


def test_reason_after_ineligible_is_kept_as_written() -> None:
    message = parse_partner_message("INELIGIBLE R1234 too far, no transport")
    assert message.commands == [PartnerCommand(INELIGIBLE, "R1234", "too far, no transport")]
    french = parse_partner_message("non éligible R1002 : trop âgé")
    assert french.commands == [PartnerCommand(INELIGIBLE, "R1002", "trop âgé")]


def test_a_command_word_inside_a_reason_stays_in_the_reason() -> None:
    message = parse_partner_message("INELIGIBLE R1234 absent documents")
    assert message.commands == [PartnerCommand(INELIGIBLE, "R1234", "absent documents")]


def test_several_references_after_one_command() -> None:
    message = parse_partner_message("ENROLLED R1234 R1235, R1236")
    assert message.commands == [
        PartnerCommand(ENROLLED, "R1234"),
        PartnerCommand(ENROLLED, "R1235"),
        PartnerCommand(ENROLLED, "R1236"),
    ]


def test_a_reason_applies_to_every_reference_of_its_command() -> None:
    message = parse_partner_message("INELIGIBLE R1234 R1235 outside our district")
    assert [c.reason for c in message.commands] == ["outside our district"] * 2


@pytest.mark.parametrize(
    "text",
    [
        "ENROLLED R1234, NOSHOW R1240",
        "ENROLLED R1234; NOSHOW R1240",
        "ENROLLED R1234\nNOSHOW R1240",
        "enrolled R1234 noshow R1240",
        "INSCRIT R1234\nABSENT R1240",
    ],
)
def test_several_commands_in_one_message(text: str) -> None:
    message = parse_partner_message(text)
    assert message.commands == [PartnerCommand(ENROLLED, "R1234"), PartnerCommand(NO_SHOW, "R1240")]
    assert message.unparsed == []


def test_reason_ends_at_the_end_of_its_line() -> None:
    message = parse_partner_message("INELIGIBLE R1234 too far\nENROLLED R1235")
    assert message.commands == [
        PartnerCommand(INELIGIBLE, "R1234", "too far"),
        PartnerCommand(ENROLLED, "R1235"),
    ]


@pytest.mark.parametrize(
    ("text", "unparsed"),
    [
        ("hello", ["hello"]),
        ("ENROLLED", ["ENROLLED"]),
        ("ENROLLED R12", ["ENROLLED R12"]),
        ("R1234", ["R1234"]),
        ("ENROLL ME PLEASE", ["ENROLL ME PLEASE"]),
        ("FINISHED R1234", ["FINISHED R1234"]),
        ("", []),
        ("   \n ", []),
    ],
)
def test_garbage_is_refused_as_unparsed(text: str, unparsed: list[str]) -> None:
    message = parse_partner_message(text)
    assert message.commands == []
    assert message.unparsed == unparsed


def test_good_commands_and_garbage_in_one_message() -> None:
    message = parse_partner_message("Good morning\nENROLLED R1234\nthe other one I don't know")
    assert message.commands == [PartnerCommand(ENROLLED, "R1234")]
    assert message.unparsed == ["Good morning", "the other one I don't know"]


def test_words_before_a_command_are_unparsed_not_lost() -> None:
    message = parse_partner_message("hi ENROLLED R1234")
    assert message.commands == [PartnerCommand(ENROLLED, "R1234")]
    assert message.unparsed == ["hi"]
