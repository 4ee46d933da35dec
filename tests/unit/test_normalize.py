"""Normalisation of replies and keywords, and referral references in free text."""

# ruff: noqa: RUF001  # replies in Arabic, Persian and Bengali scripts are the data under test

from __future__ import annotations

import pytest

from smsgateway.replies.normalize import (
    canonicalize_reference_codes,
    clause_breaks,
    find_reference_codes,
    matching_tokens,
    normalize_text,
    remove_reference_codes,
    squeeze,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Déjà", "deja"),
        ("ÇA MARCHE", "ca marche"),
        ("ｙｅｓ", "yes"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("১২৩", "123"),
        ("፩፪፫", "123"),
        ("أإآ", "ااا"),
        ("مستشفى", "مستشفي"),
        ("مدرسة", "مدرسه"),
        ("نعـــم", "نعم"),
        ("نَعَمْ", "نعم"),
        ("نمی\u200cتوانم", "نميتوانم"),
        ("a\u02bca", "a'a"),
        ("can\u2019t", "can't"),
        ("؟", "?"),
        ("\u0455\u0442\u043e\u0440", "stop"),
    ],
)
def test_normalize_text_gives_one_form_for_variants(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_accents_can_be_kept_for_display() -> None:
    assert normalize_text("Déjà Là", strip_accents=False) == "déjà là"


def test_accents_of_other_scripts_are_letters_and_stay() -> None:
    assert normalize_text("হ্যাঁ") == "হ্যাঁ"
    assert normalize_text("ქართული") == "ქართული"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oui, je serai là!", ["oui", "je", "serai", "la"]),
        ("peut-être...", ["peut", "etre"]),
        ("NON_ELIGIBLE", ["non", "eligible"]),
        ("ok?", ["ok", "?"]),
        ("1.", ["1"]),
        ("1,2", ["1", "2"]),
        ("👍🏽👍", ["👍", "👍"]),
        ("yes👍", ["yes", "👍"]),
        ("✅ ok", ["✅", "ok"]),
        ("I can't", ["i", "can't"]),
        ("'quoted'", ["quoted"]),
        ("إن شاء الله ١", ["ان", "شاء", "الله", "1"]),
        ("እሺ።", ["እሺ"]),
        ("", []),
        ("  !!  ", []),
    ],
)
def test_tokenize_keeps_words_digits_question_marks_and_emoji(
    text: str, expected: list[str]
) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [("yesss", "yes"), ("ouiii", "oui"), ("okk", "ok"), ("waaaw", "waw"), ("11", "11")],
)
def test_squeeze_collapses_repeated_letters_but_not_digits(token: str, expected: str) -> None:
    assert squeeze(token) == expected


def test_matching_tokens_meet_their_keyword_whatever_the_spelling() -> None:
    assert matching_tokens("YESSS!!") == matching_tokens("yes")
    assert matching_tokens("Déédéét") == matching_tokens("deedeet")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R1001", ["R1001"]),
        ("r1001", ["R1001"]),
        ("R-1001", ["R1001"]),
        ("#R1001", ["R1001"]),
        ("ref R 1001 please", ["R1001"]),
        ("1 for R1234567", ["R1234567"]),
        ("R١٠٠١", ["R1001"]),
        ("ENROLLED R1234, R1235 and r1234", ["R1234", "R1235"]),
        ("R123", []),
        ("R12345678", []),
        ("her 12345", []),
        ("AR1001", []),
        ("call 0612345678", []),
    ],
)
def test_find_reference_codes(text: str, expected: list[str]) -> None:
    assert find_reference_codes(text) == expected


def test_reference_codes_can_be_removed_or_written_as_one_word() -> None:
    assert tokenize(remove_reference_codes("1 R-1001")) == ["1"]
    assert canonicalize_reference_codes("ok #r-1001").split() == ["ok", "R1001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\ufe0f\u20e3", ["1"]),
        ("2\u20e3 3\ufe0f\u20e3", ["2", "3"]),
        ("𞤉𞤴𞤴𞤮", ["eyyo"]),
        ("𞤃𞤭 𞤢𞤪𞤢𞤼", ["mi", "arat"]),
        ("𞤣𞤢𞥄𞤲𞥋𞤣𞤫", ["daande"]),
        ("𞤺𞤮𞥇𞤮", ["go'o"]),
        ("𞥑", ["1"]),
        ("𞥟 𞤢𞤤𞤢𞥄 ؟", ["?", "alaa", "?"]),
        ("ɗum moƴƴi", ["dum", "moyyi"]),
        ("ƙila", ["kila"]),
        ("رالېږئ", ["راليږي"]),
        ("ګډ", ["گډ"]),
    ],
)
def test_keycaps_adlam_hooked_letters_and_pashto_letters_read_plainly(
    text: str, expected: list[str]
) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("text", "breaks"),
    [
        ("no, stop", [False, True]),
        ("ኣይፋል፣ ኣቁሙ", [False, True]),  # Ethiopic comma
        ("ኣይፋል፤ ኣቁሙ", [False, True]),  # Ethiopic semicolon
        ("لا، توقفوا", [False, True]),  # Arabic comma
        ("𞤀𞤴𞤮⹁ 𞤢𞤤𞤢", [False, True]),  # the reversed comma Adlam is written with
        ("bus stop stop", [False, False, False]),
    ],
)
def test_punctuation_that_ends_a_clause_in_each_script(text: str, breaks: list[bool]) -> None:
    assert clause_breaks(text) == breaks
