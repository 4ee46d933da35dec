"""SMS encoding, segment counting and GSM-7 normalisation."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsgateway.content.encoding import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    LETTER_FOLDING,
    UCS2,
    is_gsm7,
    measure_sms,
    normalize_for_gsm7,
    prepare_sms,
)

ARABIC_LETTER = "\N{ARABIC LETTER BEH}"
EMOJI = "\N{GRINNING FACE}"
EURO = "\N{EURO SIGN}"


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_segments_hold_160_septets_alone_and_153_when_concatenated(length, segments):
    budget = measure_sms("a" * length)
    assert budget.encoding == GSM7
    assert (budget.segments, budget.chars, budget.units) == (segments, length, length)


@pytest.mark.parametrize(("count", "segments"), [(80, 1), (81, 2), (153, 3)])
def test_gsm7_extension_characters_cost_two_septets(count, segments):
    budget = measure_sms(EURO * count)
    assert budget.encoding == GSM7
    assert (budget.segments, budget.chars, budget.units) == (segments, count, 2 * count)


def test_every_extension_character_costs_two_septets():
    assert measure_sms(GSM7_EXTENSION).units == 2 * len(GSM7_EXTENSION)


@pytest.mark.parametrize(
    ("before", "after", "segments"),
    [
        (153, 151, 2),  # the euro sign opens the second segment: 153 + 153 septets
        (152, 152, 3),  # 306 septets, but the euro sign cannot straddle 152 + 2 > 153
    ],
)
def test_extension_character_is_never_split_across_segments(before, after, segments):
    text = "a" * before + EURO + "a" * after
    assert measure_sms(text).units == 306
    assert measure_sms(text).segments == segments


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_segments_hold_70_units_alone_and_67_when_concatenated(length, segments):
    budget = measure_sms(ARABIC_LETTER * length)
    assert budget.encoding == UCS2
    assert (budget.segments, budget.chars, budget.units) == (segments, length, length)


def test_emoji_counts_two_utf16_units_and_one_char():
    budget = measure_sms(EMOJI)
    assert (budget.encoding, budget.chars, budget.units) == (UCS2, 1, 2)


@pytest.mark.parametrize(("count", "segments"), [(35, 1), (36, 2)])
def test_emoji_fill_ucs2_segments_two_units_each(count, segments):
    assert measure_sms(EMOJI * count).segments == segments


@pytest.mark.parametrize(
    ("before", "after", "segments"),
    [
        (67, 65, 2),  # the emoji opens the second segment: 67 + 67 units
        (66, 66, 3),  # 134 units, but the surrogate pair cannot straddle 66 + 2 > 67
    ],
)
def test_emoji_is_never_split_across_segments(before, after, segments):
    text = ARABIC_LETTER * before + EMOJI + ARABIC_LETTER * after
    assert measure_sms(text).units == 134
    assert measure_sms(text).segments == segments


def test_one_character_outside_gsm7_makes_the_whole_message_ucs2():
    budget = measure_sms("a" * 150 + "ê")
    assert (budget.encoding, budget.segments) == (UCS2, 3)


def test_basic_set_is_ascii_without_backtick_and_extension_plus_the_gsm_letters():
    gsm_only = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"
    ascii_part = set(string.ascii_letters + string.digits + string.punctuation + " \n\r")
    expected = (ascii_part - set("`[\\]^{|}~")) | set(gsm_only)
    assert len(GSM7_BASIC) == 127
    assert set(GSM7_BASIC) == expected


@pytest.mark.parametrize("char", list(GSM7_BASIC + GSM7_EXTENSION))
def test_is_gsm7_accepts_every_basic_and_extension_character(char):
    assert is_gsm7(char)


def test_is_gsm7_accepts_the_full_basic_table_at_once():
    assert is_gsm7(GSM7_BASIC + GSM7_EXTENSION)


@pytest.mark.parametrize(
    "char",
    [
        "`",
        "\x1b",
        "\t",
        "ê",
        "â",
        "ç",
        "á",
        "õ",
        "œ",
        "«",
        "\N{RIGHT SINGLE QUOTATION MARK}",
        "€€ж",
    ],
)
def test_is_gsm7_rejects_characters_outside_gsm7(char):
    assert not is_gsm7(char)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l\N{RIGHT SINGLE QUOTATION MARK}heure", "l'heure"),
        ("\N{LEFT SINGLE QUOTATION MARK}oui\N{RIGHT SINGLE QUOTATION MARK}", "'oui'"),
        ("\N{LEFT DOUBLE QUOTATION MARK}oui\N{RIGHT DOUBLE QUOTATION MARK}", '"oui"'),
        ("\N{DOUBLE LOW-9 QUOTATION MARK}ja\N{LEFT DOUBLE QUOTATION MARK}", '"ja"'),
        ("5\N{PRIME} 10\N{DOUBLE PRIME}", "5' 10\""),
        ("10\N{EN DASH}12", "10-12"),
        ("oui \N{EM DASH} non", "oui - non"),
        ("\N{MINUS SIGN}3", "-3"),
        ("rendez\N{NON-BREAKING HYPHEN}vous", "rendez-vous"),
        ("Merci\N{NARROW NO-BREAK SPACE}!", "Merci !"),
        ("10\N{NO-BREAK SPACE}h", "10 h"),
        ("1\N{THIN SPACE}000\N{FIGURE SPACE}F", "1 000 F"),
        ("Attendez\N{HORIZONTAL ELLIPSIS}", "Attendez..."),
        ("\N{BULLET} 1 oui", "- 1 oui"),
        ("\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}\N{NARROW NO-BREAK SPACE}OUI"
         "\N{NARROW NO-BREAK SPACE}\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}", '"OUI"'),
        ("\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK} OUI "
         "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}", '"OUI"'),
        ("fen\N{LATIN SMALL LETTER E}\N{COMBINING CIRCUMFLEX ACCENT}tre", "fenetre"),
        ("caf\N{LATIN SMALL LETTER E}\N{COMBINING ACUTE ACCENT}", "café"),
    ],
)  # fmt: skip
def test_normalize_for_gsm7_replaces_typography(text, expected):
    assert normalize_for_gsm7(text) == expected


@pytest.mark.parametrize(
    "char",
    [
        "\N{ZERO WIDTH SPACE}",
        "\N{ZERO WIDTH NON-JOINER}",
        "\N{ZERO WIDTH JOINER}",
        "\N{WORD JOINER}",
        "\N{ZERO WIDTH NO-BREAK SPACE}",
        "\N{SOFT HYPHEN}",
    ],
)
def test_normalize_for_gsm7_removes_zero_width_characters(char):
    assert normalize_for_gsm7(f"ren{char}dez-vous") == "rendez-vous"


@pytest.mark.parametrize(("letter", "folded"), sorted(LETTER_FOLDING.items()))
def test_every_folded_letter_becomes_gsm7(letter, folded):
    assert not is_gsm7(letter)
    assert normalize_for_gsm7(letter) == folded
    assert is_gsm7(folded)


@pytest.mark.parametrize("letter", list("éèàùìòñÑäöüÄÖÜÅåÆæßØøÇÉ"))
def test_normalize_for_gsm7_keeps_letters_gsm7_has(letter):
    assert normalize_for_gsm7(letter) == letter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rappel\N{NARROW NO-BREAK SPACE}: votre rendez\N{NON-BREAKING HYPHEN}vous est "
            "demain à 10:00, près de la fenêtre. Répondez "
            "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}\N{NARROW NO-BREAK SPACE}1"
            "\N{NARROW NO-BREAK SPACE}\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK} "
            "si c\N{RIGHT SINGLE QUOTATION MARK}est d\N{RIGHT SINGLE QUOTATION MARK}accord, "
            "2 si vous ne pouvez pas venir, 3 pour une nouvelle date.",
            "Rappel : votre rendez-vous est demain à 10:00, près de la fenetre. Répondez "
            "\"1\" si c'est d'accord, 2 si vous ne pouvez pas venir, 3 pour une nouvelle date.",
        ),
        (
            "Não se esqueça: a sua consulta é amanhã às 10h00.",
            "Nao se esqueca: a sua consulta é amanha às 10h00.",
        ),
        ("¿Podrá venir mañana? Responda 1 sí, 2 no.", "¿Podra venir mañana? Responda 1 si, 2 no."),
    ],
)
def test_prepare_sms_brings_a_latin_script_reminder_to_one_gsm7_segment(text, expected):
    assert not is_gsm7(text)
    sent, budget = prepare_sms(text, allow_gsm7=True)
    assert sent == expected
    assert (budget.encoding, budget.segments) == (GSM7, 1)
    assert budget == measure_sms(sent)


ARABIC_REMINDER = (
    "\N{RIGHT-TO-LEFT MARK}تذكير: موعدك غداً الساعة 10:00 "
    "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}المركز"
    "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}"
    "\N{NO-BREAK SPACE}\N{HORIZONTAL ELLIPSIS} "
    "\N{LEFT-TO-RIGHT MARK}REF-123\N{LEFT-TO-RIGHT MARK}\N{ZERO WIDTH NON-JOINER}. أرسل 1 للتأكيد."
)


@pytest.mark.parametrize("allow_gsm7", [True, False])
def test_prepare_sms_keeps_arabic_text_intact_in_ucs2(allow_gsm7):
    sent, budget = prepare_sms(ARABIC_REMINDER, allow_gsm7=allow_gsm7)
    assert sent.encode("utf-8") == ARABIC_REMINDER.encode("utf-8")
    assert budget.encoding == UCS2
    assert budget == measure_sms(ARABIC_REMINDER)


@pytest.mark.parametrize(
    "text",
    [
        "Votre rendez\N{NON-BREAKING HYPHEN}vous à l\N{RIGHT SINGLE QUOTATION MARK}hôtel 北京",
        "Ɓata: ku zo gobe da ƙarfe 10:00.",  # Hausa hooked letters are not folded
        "Rendez-vous demain \N{GRINNING FACE}",
    ],
)
def test_prepare_sms_leaves_text_untouched_when_normalising_cannot_reach_gsm7(text):
    sent, budget = prepare_sms(text, allow_gsm7=True)
    assert sent == text
    assert budget.encoding == UCS2


def test_prepare_sms_does_not_normalise_when_gsm7_is_not_allowed():
    text = "c\N{RIGHT SINGLE QUOTATION MARK}est demain"
    sent, budget = prepare_sms(text, allow_gsm7=False)
    assert sent == text
    assert budget.encoding == UCS2


def test_empty_text_still_costs_one_segment():
    assert prepare_sms("", allow_gsm7=True) == ("", measure_sms(""))
    assert measure_sms("").segments == 1


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_all_ascii_text_is_normalised_as_any_other_text(text):
    # All-ASCII text takes a shorter way; with a letter outside ASCII (é, which GSM-7 has and
    # nothing composes with) the same text takes the general one, and must come out the same.
    assert normalize_for_gsm7(text) == normalize_for_gsm7(text + "é")[:-1]


def test_a_tab_in_ascii_text_becomes_a_space():
    assert normalize_for_gsm7("Ref\tR1001") == "Ref R1001"


def test_normalising_text_already_in_gsm7_changes_nothing():
    alphabet = GSM7_BASIC + GSM7_EXTENSION
    assert normalize_for_gsm7(alphabet) == alphabet
