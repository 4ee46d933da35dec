"""Parsing partners' SMS commands (`ENROLLED R1234`, `INELIGIBLE R1234 too far`)."""

# ruff: noqa: RUF001  # replies in Arabic, Persian and Bengali scripts are the data under test

from __future__ import annotations

import pytest

from smsgateway.replies.partner_commands import (
    OPTION_ACTIONS,
    PartnerAction,
    PartnerCommand,
    parse_partner_message,
)

ENROLLED = PartnerAction.ENROLLED
INELIGIBLE = PartnerAction.INELIGIBLE
NO_SHOW = PartnerAction.NO_SHOW
DROPPED_OUT = PartnerAction.DROPPED_OUT
ATTENDED = PartnerAction.ATTENDED


def test_actions_are_referral_status_names() -> None:
    assert [a.value for a in PartnerAction] == [
        "enrolled",
        "ineligible",
        "no_show",
        "dropped_out",
        "attended",
    ]


def test_option_digits_follow_the_question() -> None:
    assert OPTION_ACTIONS == {1: ENROLLED, 2: NO_SHOW, 3: INELIGIBLE, 4: ATTENDED}


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
    assert message.unparsed == ["the other one I don't know"]


def test_words_before_a_command_are_unparsed_not_lost() -> None:
    message = parse_partner_message("please note ENROLLED R1234")
    assert message.commands == [PartnerCommand(ENROLLED, "R1234")]
    assert message.unparsed == ["please note"]


@pytest.mark.parametrize(
    "text", ["hi ENROLLED R1234", "Bonjour, R1234 inscrit. Merci", "R1234 enrolled, thanks"]
)
def test_greetings_and_thanks_around_commands_are_not_left_unparsed(text: str) -> None:
    message = parse_partner_message(text)
    assert message.commands == [PartnerCommand(ENROLLED, "R1234")]
    assert message.unparsed == []


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("R1234 absent", NO_SHOW),
        ("R1234 inscrit", ENROLLED),
        ("R1234 INSCRITE", ENROLLED),
        ("r1234 noshow", NO_SHOW),
        ("R1234: non eligible", INELIGIBLE),
        ("R1234 venu", ATTENDED),
        ("R1234 came", ATTENDED),
        ("R1234 est absent", NO_SHOW),
        ("R1234 has been enrolled", ENROLLED),
        ("R1234 pas venu", NO_SHOW),
        ("R1234 NUK ERDHI", NO_SHOW),
        ("R1234 ERDHI", ATTENDED),
        ("R1234 غائب", NO_SHOW),
    ],
)
def test_the_reference_may_come_before_the_word(text: str, action: PartnerAction) -> None:
    message = parse_partner_message(text)
    assert message.commands == [PartnerCommand(action, "R1234")]
    assert message.unparsed == []


def test_several_references_before_one_word_and_mixed_orders() -> None:
    assert parse_partner_message("R1234 R1235 absent").commands == [
        PartnerCommand(NO_SHOW, "R1234"),
        PartnerCommand(NO_SHOW, "R1235"),
    ]
    assert parse_partner_message(
        "R1234 inscrit, ABSENT R1235\nR1236 non eligible trop loin"
    ).commands == [
        PartnerCommand(ENROLLED, "R1234"),
        PartnerCommand(NO_SHOW, "R1235"),
        PartnerCommand(INELIGIBLE, "R1236", "trop loin"),
    ]


@pytest.mark.parametrize(
    ("text", "commands"),
    [
        ("1 ENROLLED, 2 ABSENT", [(ENROLLED, 1), (NO_SHOW, 2)]),
        ("1 inscrit 2 absent 3 venu", [(ENROLLED, 1), (NO_SHOW, 2), (ATTENDED, 3)]),
        ("ABSENT 2", [(NO_SHOW, 2)]),
        ("1 2", [(NO_SHOW, 1)]),  # line 1, option 2
        ("1 1, 2 3", [(ENROLLED, 1), (INELIGIBLE, 2)]),
    ],
)
def test_digest_lines_are_answered_by_number(
    text: str, commands: list[tuple[PartnerAction, int]]
) -> None:
    message = parse_partner_message(text)
    assert [(c.action, c.line) for c in message.commands] == commands
    assert all(c.reference == "" for c in message.commands)
    assert message.unparsed == []


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("1", PartnerCommand(ENROLLED)),
        ("4", PartnerCommand(ATTENDED)),
        ("INSCRIT", PartnerCommand(ENROLLED)),
        ("absent", PartnerCommand(NO_SHOW)),
        ("R1234 2", PartnerCommand(NO_SHOW, "R1234")),
    ],
)
def test_an_answer_to_a_question_about_one_referral(text: str, command: PartnerCommand) -> None:
    message = parse_partner_message(text)
    assert message.commands == [command]
    assert message.unparsed == []


@pytest.mark.parametrize(
    "text",
    [
        "not enrolled R1234",
        "pas inscrit R1234",
        "R1234 pas inscrit",
        "R1234 n'est pas inscrit",
        "ENROLLED R1234 absent",  # which of the two is meant is not guessed
        "ENROLLED please R1234",
        "5",  # not an option
        "ENROLL ME PLEASE",
    ],
)
def test_doubtful_commands_are_not_guessed(text: str) -> None:
    message = parse_partner_message(text)
    assert message.commands == []
    assert message.unparsed == [text]


def test_a_number_after_the_reason_began_is_part_of_the_reason() -> None:
    assert parse_partner_message("INELIGIBLE R1234 under 18").commands == [
        PartnerCommand(INELIGIBLE, "R1234", "under 18")
    ]
    assert parse_partner_message("INELIGIBLE R1234 18 ans").commands == [
        PartnerCommand(INELIGIBLE, "R1234", "18 ans")
    ]
