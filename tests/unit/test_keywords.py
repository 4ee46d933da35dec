"""Keyword matching: phrases with gaps and patterns, the best cut of a reply, spelling folds."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from smsgateway.content.languages import supported_codes
from smsgateway.replies.classify import understand_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.keywords import (
    Lexicon,
    Signal,
    folded_together,
    load_keyword_file,
    scan,
)
from smsgateway.replies.normalize import matching_tokens
from smsgateway.replies.reading import read_reply

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def _lexicon(*entries: tuple[str, Signal], folds: tuple[tuple[str, str], ...] = ()) -> Lexicon:
    lexicon = Lexicon(folds=folds)
    for entry, signal in entries:
        lexicon.add(entry, signal.value)
    return lexicon


def _cut(lexicon: Lexicon, text: str) -> list[tuple[str, str | None]]:
    return [
        (m.text, m.signal.value if m.signal else None) for m in scan(lexicon.words(text), lexicon)
    ]


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("don't want messages", True),
        ("don't want your messages", True),
        ("don't want to receive these messages", True),
        ("don't want to receive any of these messages", False),
        ("messages don't want", False),
    ],
)
def test_a_gap_stands_for_up_to_three_words(text: str, matches: bool) -> None:
    lexicon = _lexicon(("don't want ... messages", Signal.OPT_OUT))
    assert (lexicon.lookup(lexicon.words(text), 0) is not None) is matches


def test_a_phrase_may_hold_patterned_words_and_the_most_specific_pattern_wins() -> None:
    lexicon = _lexicon(
        ("bana son sako*", Signal.OPT_OUT),
        ("ma*ch", Signal.NEGATION),
        ("matb3at*", Signal.OPT_OUT),
    )
    assert _cut(lexicon, "bana son sakonninku") == [("bana son sakoninku", "opt_out")]
    assert _cut(lexicon, "matb3atlich") == [("matb3atlich", "opt_out")]
    assert _cut(lexicon, "mamchitch") == [("mamchitch", "negation")]


def test_the_cut_with_fewest_unknown_words_wins() -> None:
    lexicon = _lexicon(
        ("waaw dinaa", Signal.YES), ("waaw", Signal.YES), ("dinaa fa nekk", Signal.CONFIRM)
    )
    assert _cut(lexicon, "waaw dinaa fa nekk") == [("waw", "yes"), ("dina fa nek", "confirm")]


def test_spelling_folds_meet_keywords_typed_another_way() -> None:
    lexicon = _lexicon(("duma ñëw", Signal.DECLINE), folds=(("ou", "u"), ("gn", "n")))
    assert _cut(lexicon, "douma gnew") == [("duma new", "decline")]


def test_an_opt_out_is_found_inside_whatever_cut_is_chosen() -> None:
    reading = read_reply("Abeg no send me message again", "pcm")
    assert [m.text for m in reading.opt_outs] == ["no send me mesage again"]


def test_a_glued_arabic_and_is_split_off_only_before_a_keyword() -> None:
    reading = read_reply("فاتني الباص وما رحتش", "ar")
    assert [m.signal for m in reading.matches][-1] is Signal.ATTENDED_NO
    assert read_reply("وقفوا", "ar").matches[0].signal is Signal.OPT_OUT


@pytest.fixture
def broken_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A locales folder of one keyword file a test may break; caches cleared around it."""
    (tmp_path / "wo").mkdir()
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(tmp_path))
    load_keyword_file.cache_clear()
    yield tmp_path
    load_keyword_file.cache_clear()


def test_a_keyword_file_with_a_malformed_spelling_table_is_refused(broken_locales: Path) -> None:
    path = broken_locales / "wo" / "keywords.toml"
    path.write_text('[spelling]\nfold = [["ou"]]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[spelling\] fold"):
        load_keyword_file("wo")


def _holds(entry: tuple[str, ...], words: tuple[str, ...]) -> bool:
    return any(entry[i : i + len(words)] == words for i in range(len(entry)))


@pytest.mark.parametrize("language", supported_codes())
def test_no_word_that_frames_an_option_holds_an_option_number(language: str) -> None:
    """A number inside an `option` entry ("opsioni një", "სამი მინდა") is swallowed by it: the
    reply then holds no number and answers nothing. The number words go in `[number]`, the
    framing words alone in `option`."""
    data = tomllib.loads((LOCALES / language / "keywords.toml").read_text(encoding="utf-8"))
    numbers = [tuple(matching_tokens(w)) for words in data["number"].values() for w in words]
    holding = [
        entry
        for entry in data["reply"].get("option", [])
        if any(_holds(tuple(matching_tokens(entry)), number) for number in numbers)
    ]
    assert holding == []


@pytest.mark.parametrize("language", supported_codes())
def test_every_language_knows_someone_who_cannot_read(language: str) -> None:
    """Every phrase of `cannot_read` asks for help and says the person cannot read, so the help
    text is not the only answer they get (a caseworker is asked to call); other help does not."""
    data = tomllib.loads((LOCALES / language / "keywords.toml").read_text(encoding="utf-8"))
    phrases = data["reply"].get("cannot_read", [])
    assert phrases, f"{language}: no `cannot_read` section"
    for phrase in phrases:
        understood = understand_reply(phrase, language)
        assert understood.intent(None) is Intent.HELP, phrase
        assert understood.cannot_read, phrase
    other_help = understand_reply("help", language)
    assert other_help.intent(None) is Intent.HELP
    assert not other_help.cannot_read


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ps", "لوستلی نه\u200cشم"),
        ("prs", "سواد\u200cندارم"),  # noqa: RUF001
        ("ar", "ما بعرف\u200cاقرا"),  # noqa: RUF001  (Arabic script is the data)
    ],
)
def test_a_phrase_joined_by_a_zero_width_non_joiner_keeps_its_section(
    language: str, text: str
) -> None:
    """Typed with a zero-width non-joiner (dropped as invisible), "لوستلی نه‌شم" is the phrase
    "لوستلی نه شم" of section `cannot_read`: its meaning and its section both hold."""
    understood = understand_reply(text, language)
    assert understood.intent(None) is Intent.HELP
    assert understood.cannot_read


#: Keywords of one language, written differently, that its spelling folds into one key with two
#: meanings (`folded_together`): the lexicon keeps the first and never reads the other. Each was
#: looked at (fifty-second round); a new one must be looked at too, and mended or added here.
REVIEWED_FOLDED_TOGETHER = {
    # Both meanings read alike: chatter, a request for the messages, a stop, a later date, a
    # going, words that answer nothing.
    ("en", "❤"),  # politeness / laughter
    ("fr", "reabonez moi"),  # opt-in / add me
    ("ar", "السيمانه الجايه"),  # another date / a time
    ("ar", "simana jaya"),
    ("ar", "لم اعد ارغب"),  # opt-out / "no more"
    ("pt", "depois do servico"),  # neutral / an everyday event
    ("pt", "numero"),  # neutral / one's number: "número" alone names no number to remove
    ("es", "el va"),  # he goes / he is going
    ("es", "despues del curo"),
    ("wo", "ayubes bi di new"),
    ("ff", "ala jabu"),  # politeness / neutral
    ("ff", "dartine"),  # opt-out / a stop word alone
    ("ff", "fama"),  # help / a word for understanding
    ("ff", "no moyi"),  # praise / possible
    ("am", "meles"),  # again / a word for answering
    ("prs", "meram"),  # I'll come / I'm going
    ("sq", "me fshini"),  # opt-out / remove me
    # Open: one meaning is lost, and no keyword can tell the two apart once folded.
    # "پیل کړئ" (start it) is read as "پیل کړی" (has started); "زنګ راته ووهي" (he will call
    # me) as "call me". Only the hamza tells them apart, and phones type "ئ", "ی" and "ي"
    # for one another (smsgateway/replies/normalize.py), so it cannot be trusted as written.
    ("ps", "پيل كړي"),
    ("ps", "زنگ راته وهي"),
}


def test_keywords_that_fold_into_one_with_two_meanings_have_been_looked_at() -> None:
    found = {(code, key) for code in supported_codes() for key in folded_together(code)}
    assert found - REVIEWED_FOLDED_TOGETHER == set(), "look at these, mend or add them"
    assert REVIEWED_FOLDED_TOGETHER - found == set(), "gone: take them out of the list"


def test_a_word_told_apart_by_its_marks_keeps_its_meaning() -> None:
    # Wolof "gënal" (better) is no "génnal" (take out), "dégg" (hear) no "dëgg" (true).
    assert folded_together("wo") == {
        "ayubes bi di new": {
            "reschedule": ("ayubés bii di ñëw",),
            "time": ("ayubés bi di ñëw",),
        }
    }
    assert understand_reply("sama numero, àllarba moo ma gënal", "wo").intent(None) is not (
        Intent.OPT_OUT
    )
    assert understand_reply("génnal sama numero", "wo").intent(None) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("text", "question", "intent"),
    [
        # "mi habbii" (I am waiting) is no "mi haabii" (I am fed up): waiting for the messages
        # keeps them; fed up stops them, with one "b" or two "a"s.
        ("mi habbii mesaasji mon", None, Intent.UNCLEAR),
        ("mi habbii", Question.ATTENDANCE_CHECK, Intent.ATTENDED_NO),
        ("mi haabii mesaasji mon", None, Intent.OPT_OUT),
        ("mi habii mesaasji mon", None, Intent.OPT_OUT),
        # "mi yahaay" (I did not go) is no "mi yahay" (I will go).
        ("Oo'o, mi yahaay", Question.ATTENDANCE_CHECK, Intent.ATTENDED_NO),
        ("mi yahaay", Question.ATTENDANCE_CHECK, Intent.ATTENDED_NO),
        ("mi yahay", Question.APPOINTMENT_REMINDER, Intent.CONFIRM),
        # "walla" (or) is no "walaa" (no): a question with an "or" asks how to answer.
        ("Hol ko mi jaabotoo? limoore walla binndi?", Question.ATTENDANCE_CHECK, Intent.HELP),
        ("walaa", Question.APPOINTMENT_REMINDER, Intent.DECLINE),
        ("go'o walla ɗiɗi", Question.APPOINTMENT_REMINDER, Intent.UNCLEAR),
    ],
)
def test_a_word_told_apart_by_its_doubled_letters_keeps_its_meaning(
    text: str, question: Question | None, intent: Intent
) -> None:
    assert understand_reply(text, "ff").intent(question) is intent


def test_a_word_read_as_written_is_read_so_only_where_it_is_written_so() -> None:
    lexicon = Lexicon(distinct=frozenset({"habbii"}))
    lexicon.add("mi haabii", Signal.UNWANTED.value)
    lexicon.add("mi habbii", Signal.ATTENDED_NO.value)
    assert lexicon.words("Mi HABBII") == ["mi", "habbii"]
    assert lexicon.words("mi habbiii") == ["mi", "habi"]
    assert lexicon.lookup(lexicon.words("mi habbii"), 0) == (2, Signal.ATTENDED_NO.value)
    assert lexicon.lookup(lexicon.words("mi habii"), 0) == (2, Signal.UNWANTED.value)
    assert lexicon.lookup(lexicon.words("mi haabii"), 0) == (2, Signal.UNWANTED.value)
