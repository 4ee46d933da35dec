"""The reply classifier: rules of meaning (locales/KEYWORDS.md), keyword data and the corpus."""

# ruff: noqa: RUF001  # replies in Arabic, Persian and Bengali scripts are the data under test

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from smsgateway.content.languages import load_languages
from smsgateway.inputs import reading_text
from smsgateway.paths import locales_dir
from smsgateway.replies.classify import classify_reply, explain_reply, understand_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.keywords import Signal, load_keyword_file, reply_chain, reply_lexicon
from smsgateway.replies.likeness import NO_LIKENESS
from smsgateway.replies.normalize import matching_tokens

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "replies_corpus.jsonl"

R = Question.APPOINTMENT_REMINDER
F = Question.FOLLOWUP
A = Question.ATTENDANCE_CHECK


def _case(language: str, question: Question | None, text: str, intent: Intent) -> object:
    return pytest.param(language, question, text, intent, id=f"{language}-{question}-{text}")


def _check(language: str, question: Question | None, text: str, intent: Intent) -> None:
    assert classify_reply(text, language, question) is intent


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "1", Intent.CONFIRM),
        _case("en", R, "2", Intent.DECLINE),
        _case("en", R, "3", Intent.RESCHEDULE),
        _case("en", F, "1", Intent.ATTENDED_YES),
        _case("en", F, "2", Intent.ATTENDED_NO),
        _case("en", A, "1", Intent.ATTENDED_YES),
        _case("en", A, "2", Intent.ATTENDED_NO),
        _case("ar", R, "١", Intent.CONFIRM),
        _case("prs", R, "۲", Intent.DECLINE),
        _case("bn", R, "৩", Intent.RESCHEDULE),
        _case("am", R, "፩", Intent.CONFIRM),
        _case("en", R, " 1. ", Intent.CONFIRM),
    ],
)
def test_option_digits_answer_the_question(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "4", Intent.UNCLEAR),
        _case("en", R, "12", Intent.UNCLEAR),
        _case("en", R, "0", Intent.UNCLEAR),
        _case("en", F, "3", Intent.UNCLEAR),
        _case("ar", F, "٣", Intent.UNCLEAR),
        _case("en", R, "1 2", Intent.UNCLEAR),
        _case("en", R, "1,3", Intent.UNCLEAR),
        _case("en", R, "1 or 2", Intent.UNCLEAR),
        _case("en", R, "1 yes", Intent.CONFIRM),
        _case("en", R, "2 no", Intent.DECLINE),
        _case("en", R, "1 no", Intent.UNCLEAR),
    ],
)
def test_numbers_that_are_not_options_or_contradict_are_unclear(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "2 STOP", Intent.OPT_OUT),
        _case("en", R, "yes stop", Intent.OPT_OUT),
        _case("fr", R, "oui mais STOP", Intent.OPT_OUT),
        _case("fr", R, "arrêtez de m'envoyer des messages", Intent.OPT_OUT),
        _case("en", F, "please stop sending me messages", Intent.OPT_OUT),
        _case("ar", R, "توقف", Intent.OPT_OUT),
        _case("en", R, "STOPALL", Intent.OPT_OUT),
        _case("en", R, "unsubscribe", Intent.OPT_OUT),
        _case("en", R, "Cancel", Intent.OPT_OUT),
        _case("en", R, "END", Intent.OPT_OUT),
        _case("en", R, "quit", Intent.OPT_OUT),
        _case("en", R, "2 cancel", Intent.OPT_OUT),
        _case("en", R, "cancel the appointment", Intent.DECLINE),
        _case("en", None, "STOP", Intent.OPT_OUT),
        # "Wrong number" names the number: removing it is an opt-out, not only a wrong number.
        _case("en", None, "wrong number, please delete it", Intent.OPT_OUT),
        _case("fr", None, "mauvais numéro, supprimez-le", Intent.OPT_OUT),
        _case("en", None, "sorry wrong number", Intent.WRONG_NUMBER),
        # Words for contacting compose like words for sending.
        _case("es", F, "no me contacten más", Intent.OPT_OUT),
        _case("pt", A, "não me contatem mais", Intent.OPT_OUT),
    ],
)
def test_opt_out_wins_whatever_else_the_message_says(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    "language",
    [
        "en",
        "fr",
        "ar",
        "pt",
        "es",
        "wo",
        "ff",
        "ha",
        "pcm",
        "am",
        "ti",
        "prs",
        "ps",
        "ka",
        "sq",
        "bn",
        "xx",
        "zz-ZZ",
        None,
    ],
)
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("STOP", Intent.OPT_OUT),
        ("STOPALL", Intent.OPT_OUT),
        ("UNSUBSCRIBE", Intent.OPT_OUT),
        ("CANCEL", Intent.OPT_OUT),
        ("END", Intent.OPT_OUT),
        ("QUIT", Intent.OPT_OUT),
        ("START", Intent.OPT_IN),
        ("UNSTOP", Intent.OPT_IN),
        ("HELP", Intent.HELP),
        ("INFO", Intent.HELP),
        ("?", Intent.HELP),
    ],
)
def test_carrier_keywords_work_in_every_language(
    language: str | None, text: str, intent: Intent
) -> None:
    assert classify_reply(text, language, R) is intent
    assert classify_reply(text, language, None) is intent


@pytest.mark.parametrize("language", ["xx", "zz-ZZ", None, ""])
@pytest.mark.parametrize(
    ("text", "intent"),
    [("1", Intent.CONFIRM), ("2", Intent.DECLINE), ("👍", Intent.CONFIRM), ("❌", Intent.DECLINE)],
)
def test_unknown_languages_still_understand_digits_and_emoji(
    language: str | None, text: str, intent: Intent
) -> None:
    assert classify_reply(text, language, R) is intent


def test_regional_tags_use_their_language_keywords() -> None:
    assert classify_reply("oui", "fr-SN", R) is Intent.CONFIRM
    assert classify_reply("بله", "fa-AF", R) is Intent.CONFIRM
    assert classify_reply("waaw", "wo-SN", R) is Intent.CONFIRM


def test_fallback_chain_lends_its_keywords() -> None:
    # Wolof falls back to French, Pashto to Dari.
    assert classify_reply("je ne peux pas", "wo", R) is Intent.DECLINE
    assert classify_reply("بله", "ps", R) is Intent.CONFIRM


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("YES", Intent.UNCLEAR),
        ("yes", Intent.UNCLEAR),
        ("1", Intent.UNCLEAR),
        ("oui", Intent.UNCLEAR),
        ("no", Intent.UNCLEAR),
        ("ok thanks", Intent.UNCLEAR),
        ("START", Intent.OPT_IN),
        ("help", Intent.HELP),
        ("STOP", Intent.OPT_OUT),
    ],
)
def test_with_no_open_question_only_global_intents_come_out(text: str, intent: Intent) -> None:
    assert classify_reply(text, "en", None) is intent


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "YES", Intent.CONFIRM),
        _case("en", F, "YES", Intent.ATTENDED_YES),
        _case("en", R, "START please", Intent.OPT_IN),
        _case("en", R, "yes start", Intent.UNCLEAR),
    ],
)
def test_a_bare_yes_answers_the_question_and_is_never_an_opt_in(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A bare yes or digit, then "but" and a refusal, says two things: a contradiction.
        _case("en", R, "yes but I can't come", Intent.UNCLEAR),
        _case("fr", R, "oui mais je ne peux pas venir", Intent.UNCLEAR),
        _case("pcm", R, "yes but I no fit come", Intent.UNCLEAR),
        _case("en", R, "1 but I can't come", Intent.UNCLEAR),
        _case("en", A, "1 but I didn't go", Intent.UNCLEAR),
        # A new date overrules the yes; an "ok" only acknowledges.
        _case("en", R, "yes but can we change the date?", Intent.RESCHEDULE),
        _case("en", R, "I can't come, can we reschedule?", Intent.RESCHEDULE),
        _case("fr", R, "oui mais est-ce qu'on peut changer la date ?", Intent.RESCHEDULE),
        _case("en", R, "ok, I can't come", Intent.DECLINE),
        _case("en", R, "I can't come on the 12th", Intent.DECLINE),
    ],
)
def test_a_new_date_beats_a_leading_yes_and_a_refusal_contradicts_it(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "1 inshallah", Intent.CONFIRM),
        _case("fr", R, "ok merci", Intent.CONFIRM),
        _case("en", R, "yes pls", Intent.CONFIRM),
        _case("fr", R, "oui je serai là", Intent.CONFIRM),
        _case("ar", R, "١ إن شاء الله", Intent.CONFIRM),
        _case("en", F, "alhamdulillah, yes", Intent.ATTENDED_YES),
        _case("en", R, "inshallah", Intent.UNCLEAR),
        _case("fr", R, "merci", Intent.UNCLEAR),
        _case("ar", R, "الحمد لله", Intent.UNCLEAR),
        _case("en", R, "amin", Intent.UNCLEAR),
        _case("en", R, "🙏", Intent.UNCLEAR),
        _case("en", R, "thanks please", Intent.UNCLEAR),
        _case("en", R, "", Intent.UNCLEAR),
        _case("en", R, "...", Intent.UNCLEAR),
    ],
)
def test_politeness_changes_nothing_but_alone_is_unclear(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "ok", Intent.CONFIRM),
        _case("en", R, "👌", Intent.CONFIRM),
        _case("en", F, "ok", Intent.UNCLEAR),
        _case("en", A, "okay", Intent.UNCLEAR),
        _case("fr", F, "d'accord", Intent.UNCLEAR),
        _case("ar", F, "wakha", Intent.UNCLEAR),
        _case("en", F, "ok yes", Intent.ATTENDED_YES),
        _case("en", F, "ok, no I didn't go", Intent.ATTENDED_NO),
    ],
)
def test_a_plain_ok_accepts_a_reminder_but_does_not_answer_yes_no(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "yes no", Intent.UNCLEAR),
        # Issue 16: a leading no against a statement is a contradiction, not a decline.
        _case("en", R, "no I will come", Intent.UNCLEAR),
        _case("en", R, "yes I can't", Intent.UNCLEAR),
        _case("en", R, "maybe", Intent.UNCLEAR),
        _case("fr", R, "peut-être", Intent.UNCLEAR),
        _case("fr", R, "peut etre", Intent.UNCLEAR),
        _case("en", R, "yes maybe", Intent.UNCLEAR),
        _case("en", R, "maybe I can't come", Intent.UNCLEAR),
        _case("en", R, "👍 ❌", Intent.UNCLEAR),
        _case("en", R, "YES?", Intent.UNCLEAR),
        _case("en", R, "yes if I can", Intent.UNCLEAR),
        _case("en", R, "ok but when?", Intent.UNCLEAR),
        _case("ar", R, "ربما", Intent.UNCLEAR),
        _case("en", R, "1 help", Intent.UNCLEAR),
    ],
)
def test_contradictions_hedges_and_doubt_are_unclear(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "not ok", Intent.DECLINE),
        _case("en", F, "not ok", Intent.ATTENDED_NO),
        _case("fr", R, "pas possible", Intent.DECLINE),
        _case("fr", R, "je ne peux pas", Intent.DECLINE),
        _case("fr", R, "pas d'accord", Intent.DECLINE),
        _case("fr", R, "je viens pas", Intent.DECLINE),
        _case("en", R, "I can't come", Intent.DECLINE),
        _case("en", F, "I can't come", Intent.ATTENDED_NO),
        _case("en", R, "I won't be able to come", Intent.DECLINE),
        _case("en", R, "I'm not coming", Intent.DECLINE),
        _case("bn", R, "আমি আসব না", Intent.DECLINE),
        _case("pt", R, "não vou", Intent.DECLINE),
        _case("en", R, "no problem", Intent.CONFIRM),
        _case("fr", R, "pas de souci", Intent.CONFIRM),
        _case("en", R, "yes, I will never forget", Intent.UNCLEAR),
    ],
)
def test_negation_is_never_a_confirm(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", F, "yes", Intent.ATTENDED_YES),
        _case("en", A, "no", Intent.ATTENDED_NO),
        _case("en", F, "yes I started", Intent.ATTENDED_YES),
        _case("en", A, "I didn't go", Intent.ATTENDED_NO),
        _case("en", F, "not yet", Intent.ATTENDED_NO),
        _case("en", F, "I will go tomorrow", Intent.UNCLEAR),
        _case("en", F, "new date please", Intent.UNCLEAR),
        _case("en", R, "I went", Intent.UNCLEAR),
        _case("en", R, "new date", Intent.RESCHEDULE),
        _case("fr", R, "autre date", Intent.RESCHEDULE),
        _case("en", R, "change the date", Intent.RESCHEDULE),
    ],
)
def test_statements_must_fit_the_question(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        _case("en", R, "help", Intent.HELP),
        _case("fr", R, "aide", Intent.HELP),
        _case("en", R, "?", Intent.HELP),
        _case("ar", R, "؟", Intent.HELP),
        _case("en", R, "help?", Intent.HELP),
        _case("fr", F, "je ne comprends pas", Intent.HELP),
    ],
)
def test_help_words_ask_for_help(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("👍", Intent.CONFIRM),
        ("✅", Intent.CONFIRM),
        ("👌", Intent.CONFIRM),
        ("👍🏾", Intent.CONFIRM),
        ("👎", Intent.DECLINE),
        ("❌", Intent.DECLINE),
        ("🚫", Intent.DECLINE),
    ],
)
def test_emoji_answer_the_reminder(text: str, intent: Intent) -> None:
    assert classify_reply(text, "ka", R) is intent


def test_a_reference_code_is_not_an_option_number() -> None:
    assert classify_reply("1 R1003", "en", R) is Intent.CONFIRM
    assert classify_reply("R-1003", "en", R) is Intent.UNCLEAR


# --- keyword data ---------------------------------------------------------------------------

_POSITIVE = {Signal.YES, Signal.ACK, Signal.CONFIRM, Signal.ATTENDED_YES, Signal.OPT_IN}
_NEGATIVE = {
    Signal.NO,
    Signal.DECLINE,
    Signal.ATTENDED_NO,
    Signal.NEGATION,
    Signal.OPT_OUT,
    Signal.OPT_OUT_ALONE,
}


@pytest.mark.parametrize("code", list(load_languages()))
def test_every_language_has_a_keyword_file_with_the_basic_answers(code: str) -> None:
    assert (locales_dir() / code / "keywords.toml").is_file()
    keywords = load_keyword_file(code)
    for signal in (Signal.YES, Signal.NO, Signal.DECLINE, Signal.RESCHEDULE, Signal.POLITENESS):
        assert keywords.reply.get(signal), f"{code}: [reply] {signal} is empty"


@pytest.mark.parametrize("code", list(load_languages()))
def test_no_phrase_is_positive_in_one_language_and_negative_in_its_chain(code: str) -> None:
    # Compared as the language's lexicon compares words: a word read as written ("yahaay", did
    # not go) is not its plain spelling ("yahay", will go).
    lexicon = reply_lexicon(code)
    first: dict[tuple[str, ...], tuple[str, Signal]] = {}
    conflicts = []
    for chain_code in reply_chain(code):
        for signal, words in load_keyword_file(chain_code).reply.items():
            for word in words:
                if "*" in word:
                    continue
                key = tuple(lexicon.words(word))
                if key not in first:
                    first[key] = (chain_code, signal)
                    continue
                earlier = first[key][1]
                if {earlier, signal} & _POSITIVE and {earlier, signal} & _NEGATIVE:
                    conflicts.append((word, first[key], (chain_code, signal)))
    assert conflicts == []


# --- corpus ---------------------------------------------------------------------------------


def _load_corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_corpus_covers_every_language() -> None:
    counts = Counter(item["lang"] for item in _load_corpus())
    assert sum(counts.values()) >= 700
    for code in load_languages():
        assert counts[code] >= 25, f"{code}: {counts[code]} replies"
    for code in ("en", "fr", "ar", "wo", "pcm"):
        assert counts[code] >= 50, f"{code}: {counts[code]} replies"


def test_corpus_accuracy_with_no_false_confirm_and_no_missed_opt_out() -> None:
    corpus = _load_corpus()
    wrong = []
    for item in corpus:
        question = Question(item["question"]) if item["question"] else None
        got = classify_reply(item["text"], item["lang"], question)
        if got != item["intent"]:
            wrong.append((item, got))
    report = "\n".join(
        f"{item['lang']} {item['question']} {item['text']!r}: want {item['intent']}, got {got}"
        for item, got in wrong
    )
    false_confirms = [w for w in wrong if w[1] is Intent.CONFIRM]
    missed_opt_outs = [w for w in wrong if w[0]["intent"] == Intent.OPT_OUT]
    accuracy = 1 - len(wrong) / len(corpus)
    print(f"corpus accuracy {accuracy:.2%} over {len(corpus)} replies\n{report}")
    assert false_confirms == [], report
    assert missed_opt_outs == [], report
    assert accuracy >= 0.97, report


U = Intent.UNCLEAR
A_YES = Intent.ATTENDED_YES
OUT = Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A stop word in another sense (section `not_stop`) stops nothing.
        _case("en", A, "waiting at the bus stop now", U),
        _case("en", F, "can I stop by on monday", U),
        _case("en", A, "he wants to stop smoking", U),
        _case("en", A, "stop worrying, all good", U),
        _case("en", None, "does the course stop in july?", U),
        _case("pcm", A, "motor stop for express", U),
        _case("pcm", F, "I don stop the work", U),
        _case("fr", F, "il a arrêté de fumer", U),
        _case("fr", A, "je suis à l'arrêt de bus", U),
        _case("wo", A, "ma ngi ci arrêt bi", U),
        _case("pt", None, "quando o curso vai parar?", U),
        # ... negated, also by a language's "no" when the messages follow it.
        _case("es", R, "por favor no paren los mensajes", U),
        _case("pt", A, "não parem as mensagens por favor", U),
        _case("ar", A, "لا توقفوا الرسائل", U),
        _case("pcm", F, "no stop the message abeg", U),
        _case("prs", A, "پیام ها را بس نکنید", U),
        _case("bn", R, "মেসেজ বন্ধ করবেন না", U),
        _case("ha", F, "kar ku daina sako", U),
        # "The messages have stopped coming, why?": a complaint that they stopped.
        _case("ha", R, "sakonnin sun daina zuwa, me ya faru?", U),
        _case("pcm", R, "una message don stop to dey come", U),
        _case("ps", R, "پیغامونه نور نه راځي ولې؟", U),
        _case("bn", R, "মেসেজ আসা বন্ধ হয়ে গেছে কেন?", U),
        # What others stopped or closed: "the clinic is closed, they stopped the programme".
        _case("ha", F, "an rufe asibitin, sun daina shirin", U),
        _case("ps", F, "کلینیک بند دی، پروګرام یې بند کړ", U),
        # The same stop words still stop when they are one.
        _case("en", A, "stop", OUT),
        _case("en", A, "bus stop. stop", OUT),
        _case("en", A, "i'm at the bus stop, stop texting me", OUT),
        _case("en", None, "stop worrying me", OUT),
        _case("en", F, "no stop", OUT),
        _case("pcm", F, "no stop", OUT),
        _case("pcm", F, "no, stop the reminders", OUT),
        _case("pcm", None, "stop to dey worry me", OUT),
        _case("es", F, "no, paren los recordatorios", OUT),
        _case("pt", A, "não, parem", OUT),
        _case("ar", A, "لا، توقفوا", OUT),
        _case("fr", None, "arrêtez", OUT),
        _case("fr", None, "arrêt de bus. arrêtez les messages", OUT),
        _case("bn", R, "মেসেজ বন্ধ করুন", OUT),
        _case("ha", F, "ku daina turo min sako", OUT),
        _case("ps", F, "پیغامونه بند کړئ", OUT),
        # A STOP said by mistake is still an opt-in, "stop by" or not.
        _case("en", None, "I sent stop by mistake", Intent.OPT_IN),
        _case("en", A, "STOP by mistake sorry", Intent.OPT_IN),
    ],
)
def test_a_stop_word_that_stops_nothing_is_no_opt_out(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Praise of the messages is no request: not help, not an opt-in.
        _case("en", R, "your messages are very helpful, keep sending", U),
        _case("pcm", R, "your message dey help us", U),
        _case("prs", F, "پیام ها خیلی کمک میکنه", U),
        _case("ps", A, "ستاسو پیغامونه مرسته کوي", U),
        # ... while a request still is.
        _case("en", None, "please send me the messages again", Intent.OPT_IN),
        _case("pcm", R, "abeg help me", Intent.HELP),
        # A day asked about beside the office asks about a visit, not for another date.
        _case("en", R, "can I come to the office on friday?", U),
        _case("sq", R, "a mund të vij në zyrë nesër?", U),
        _case("en", R, "can I come on friday?", Intent.RESCHEDULE),
    ],
)
def test_praise_and_visits_are_no_requests(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A refusal, then another day asked about without the question mark.
        _case("en", R, "i work that day, could we do another day", Intent.RESCHEDULE),
        _case("en", R, "could I come monday rather", Intent.RESCHEDULE),
        # Told to be going well beside a start: progress.
        _case("es", F, "ya empecé, todo bien", Intent.ATTENDED_YES),
    ],
)
def test_proposals_and_progress_without_their_marks(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "so" opening the last clause: a refusal or "not yet" after it is the answer.
        _case("en", F, "they told me classes begin in march so not yet", Intent.ATTENDED_NO),
        _case("fr", F, "la formation commence en mars donc pas encore", Intent.ATTENDED_NO),
        _case("es", A, "estaba enfermo así que no fui", Intent.ATTENDED_NO),
        _case("en", R, "my mum is sick so I can't come", Intent.DECLINE),
        # ... never a yes.
        _case("en", R, "the weather is fine so yes", U),
        _case("en", A, "I was late so yes", U),
        # A negative statement after "but" overrules an earlier positive statement.
        _case("en", F, "i signed up but classes havent started", Intent.ATTENDED_NO),
        _case("en", F, "she hasnt started yet", Intent.ATTENDED_NO),
        # Another date asked for after a refusal, even with a doubt.
        _case("en", R, "not friday, maybe monday?", Intent.RESCHEDULE),
        # "could we ..." opening its own clause asks about another day.
        _case("en", R, "i have work that morning, could we do thursday", Intent.RESCHEDULE),
        # A date written as an ordinal is a day.
        _case("en", R, "after the 20th would be better", Intent.RESCHEDULE),
        _case("en", R, "I can't come on the 3rd", Intent.DECLINE),
        # Wolof "ñu ne ma" (they told me) is no French "ne".
        _case("wo", A, "ñu ne ma ma dellusi ayubés bi di ñëw", Intent.ATTENDED_NO),
    ],
)
def test_conclusions_contrasts_and_dates(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A single option number framed by words of section `option` is that option.
        _case("en", R, "my answer is 1", Intent.CONFIRM),
        _case("en", R, "it's a one", Intent.CONFIRM),
        _case("en", R, "I choose two", Intent.DECLINE),
        _case("en", R, "hi, I pick 1 thanks", Intent.CONFIRM),
        _case("en", A, "the first one", Intent.ATTENDED_YES),
        _case("fr", R, "numéro deux", Intent.DECLINE),
        _case("fr", R, "ma réponse est 1", Intent.CONFIRM),
        _case("fr", R, "n°1", Intent.CONFIRM),
        _case("es", R, "elijo la uno", Intent.CONFIRM),
        _case("pt", R, "minha resposta é 3", Intent.RESCHEDULE),
        _case("ar", R, "جوابي ١", Intent.CONFIRM),
        _case("am", A, "ቁጥር ፩ ነው", Intent.ATTENDED_YES),
        _case("bn", F, "আমার উত্তর ২", Intent.ATTENDED_NO),
        _case("ka", R, "ჩემი პასუხია 1", Intent.CONFIRM),
        # ... but not two options, a number negated, asked or inside a sentence.
        _case("en", R, "my answer is 1 or 2", U),
        _case("en", R, "I choose 1 2", U),
        _case("en", R, "it's not 1", U),
        _case("en", R, "not 1", U),
        _case("fr", R, "pas le 1", U),
        _case("en", R, "is it 1?", U),
        _case("en", R, "it is the 1 I think", U),
        _case("en", R, "I have 1 brother and it is far from here", U),
        _case("en", R, "the two of us will see", U),
        _case("en", R, "that's the one", U),
        _case("en", R, "1 I think", U),
        # The framing words do not take a keyword from a sentence without a number.
        _case("en", R, "I'll go with my brother", Intent.CONFIRM),
    ],
)
def test_an_answer_shaped_number_is_its_option(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A statement opening or closing a message told as a story.
        _case("en", A, "went on tuesday and saw the officer", Intent.ATTENDED_YES),
        _case("en", A, "went there on Tuesday, they were nice", Intent.ATTENDED_YES),
        _case(
            "en",
            F,
            "my son started the apprenticeship last monday, he likes it",
            Intent.ATTENDED_YES,
        ),
        _case(
            "en",
            A,
            "I couldn't go because my mother was sick and the bus was late",
            Intent.ATTENDED_NO,
        ),
        # ... never a confirmation, nor with a doubt, a question or laughter.
        _case("en", R, "I will come with my brother and my two small children from the village", U),
        # "... but the office was closed" says the visit did not happen: a no, never a yes.
        _case("en", A, "went to the market but the office was closed", Intent.ATTENDED_NO),
        _case("en", A, "went to the market, where is the office?", U),
        _case("en", A, "went to the market with my friends lol", U),
    ],
)
def test_a_statement_told_as_a_story(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A question word beside a word for answering or doing asks for help.
        _case("en", R, "what am I supposed to reply?", Intent.HELP),
        _case("en", A, "how do I answer this", Intent.HELP),
        _case("en", F, "what should I do", Intent.HELP),
        _case("en", A, "can someone explain this to me", Intent.HELP),
        _case("en", R, "I need assistance", Intent.HELP),
        _case("fr", R, "je dois faire quoi ?", Intent.HELP),
        _case("es", A, "qué tengo que hacer", Intent.HELP),
        _case("ka", F, "რა უნდა ვქნა?", Intent.HELP),
        _case("prs", R, "کمک کار دارم", Intent.HELP),
        _case("en", None, "Can someone call me, I don't understand", Intent.HELP),
        # A clause told before the question asks a caseworker about something else.
        _case("en", A, "I lost my ID, what should I do?", U),
        _case("es", R, "Perdí mi documento, ¿qué hago?", U),
        # ... not a question about the appointment, nor an answer word beside it.
        _case("en", R, "what time do I come?", U),
        _case("en", F, "when do we start?", U),
        _case("en", R, "answer: 1", Intent.CONFIRM),
        _case("en", R, "reply 2", Intent.DECLINE),
    ],
)
def test_help_composed_from_a_question_and_a_verb(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize("code", sorted(load_languages()))
def test_no_option_word_is_an_answer_or_a_negation_in_its_chain(code: str) -> None:
    """Option words frame a number; in a reply they must not hide a yes, a no or a negation."""
    answering = (Signal.YES, Signal.NO, Signal.ACK, Signal.NEGATION, Signal.OPT_OUT, Signal.HELP)
    words = {
        tuple(matching_tokens(word))
        for language in reply_chain(code)
        for signal in answering
        for word in load_keyword_file(language).reply.get(signal, ())
    }
    options = load_keyword_file(code).reply.get(Signal.OPTION, ())
    assert [word for word in options if tuple(matching_tokens(word)) in words] == []


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A wish beside the messages or START asks for them.
        _case("en", None, "I want to receive your messages", Intent.OPT_IN),
        _case("en", None, "I want to subscribe", Intent.OPT_IN),
        _case("fr", None, "je veux m'abonner", Intent.OPT_IN),
        _case("es", None, "quiero suscribirme", Intent.OPT_IN),
        _case("ar", None, "ابغى الرسايل ترجع", Intent.OPT_IN),
        # ... a negated wish near the messages stops them, and a stop word still wins.
        _case("en", R, "I do not wish to receive messages", Intent.OPT_OUT),
        _case("en", None, "I want to stop the messages", Intent.OPT_OUT),
        _case("en", F, "I don't want the messages", Intent.OPT_OUT),
        # Opt-outs in romanised Arabic, Dari and Pashto, composed from their classes.
        _case("ar", F, "blach tsifto", Intent.OPT_OUT),
        _case("ar", R, "baraka men rsayel", Intent.OPT_OUT),
        _case("prs", F, "mara az list kharij konen", Intent.OPT_OUT),
        _case("ps", F, "paigham na ghwaram", Intent.OPT_OUT),
        _case("prs", None, "دیگه پیام نفرستین", Intent.OPT_OUT),
        # A wish is no answer: "I want to come" does not confirm.
        _case("en", R, "I want to come", U),
    ],
)
def test_wishes_opt_in_and_negated_wishes_opt_out(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


S = Question.SATISFACTION


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Being helped answers the satisfaction question; "partly" says how far.
        _case("en", S, "yes they helped me a lot", Intent.SATISFIED),
        _case("es", S, "si, me ayudaron mucho", Intent.SATISFIED),
        _case("en", S, "it was not what I needed", Intent.NOT_SATISFIED),
        _case(
            "fr", S, "en partie, ils m'ont aidé pour les papiers seulement", Intent.PARTLY_SATISFIED
        ),
        # ... and no other question.
        _case("en", A, "they helped me", U),
        _case("en", S, "no, they helped me", U),
    ],
)
def test_being_helped_answers_the_satisfaction_question(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A request to be added beside the list or "again" is an opt-in.
        _case("en", None, "put me back on the list", Intent.OPT_IN),
        _case("pt", R, "me coloca na lista de novo pfv", Intent.OPT_IN),
        _case("wo", F, "dugal ma ci liste bi", Intent.OPT_IN),
        _case("am", F, "እንደገና መዝግቡኝ", Intent.OPT_IN),
        _case("prs", R, "دوباره ثبتم کنین", Intent.OPT_IN),
        # ... not beside a refusal; a word for removing beside one's number stops.
        _case("en", None, "don't put me back on the list", Intent.UNCLEAR),
        _case("ff", F, "momtu numero am", Intent.OPT_OUT),
        _case("bn", None, "amar number kete den", Intent.OPT_OUT),
        _case("prs", F, "این پیام ها ره نمی خواهم", Intent.OPT_OUT),
    ],
)
def test_requests_to_be_added_opt_in(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Each language's option words and "it is": "daya ne", "dafa benn", "ერთია".
        _case("ha", R, "daya ne", Intent.CONFIRM),
        _case("wo", R, "dafa benn", Intent.CONFIRM),
        _case("ka", R, "ერთია", Intent.CONFIRM),
        _case("pcm", R, "my ansa na tree", Intent.RESCHEDULE),
        _case("ps", R, "dwa ghwaram", Intent.DECLINE),
        # Help: a question word beside sending, "I don't understand what you want me to send".
        _case("ka", R, "ვინ მწერს?", Intent.HELP),
        _case("en", R, "dont understand what u want me to send", Intent.HELP),
        # ... while "I don't understand, stop sending" still stops.
        _case("en", R, "I don't understand, stop sending", Intent.OPT_OUT),
    ],
)
def test_option_words_and_help_in_each_language(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A "no" beside being helped, in languages that negate with it.
        _case("es", S, "no, no era lo que necesitaba", Intent.NOT_SATISFIED),
        _case("bn", S, "না, যা দরকার ছিল তা না", Intent.NOT_SATISFIED),
        _case("fr", S, "oui ça m'a vraiment aidé", Intent.SATISFIED),
        # Wolof "lool" (very) is no laughter.
        _case("wo", S, "waaw, dimbali nañu ma lool", Intent.SATISFIED),
    ],
)
def test_being_helped_negated_with_a_no(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A statement opening a clause of a story.
        _case(
            "en", F, "enrolment done, she started the sewing course on the 3rd", Intent.ATTENDED_YES
        ),
        _case("pcm", A, "I reach dia on Tuesday, everything dey ok", Intent.ATTENDED_YES),
        # ... chatter in a clause of its own stays unclear when nothing states progress.
        _case("en", A, "the weather is nice, the market is busy", U),
    ],
)
def test_a_statement_opening_a_clause_of_a_story(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A number word in a clause of its own opening the reply stays a number.
        _case("wo", F, "ñaar, tamboguma", Intent.ATTENDED_NO),
        _case("ff", F, "ɗiɗi, mi fuɗɗaaki", Intent.ATTENDED_NO),
        # ... and contradicts a statement that disagrees.
        _case("en", R, "two, I will come", U),
        _case("en", R, "one, two", U),
        # Another day in each language's words.
        _case("bn", R, "onno kono din hobe?", Intent.RESCHEDULE),
        _case("wo", R, "dina tukki bis boobu, beneen date", Intent.RESCHEDULE),
    ],
)
def test_a_number_word_in_a_clause_of_its_own_and_other_days(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


def test_a_reply_read_once_decides_as_a_fresh_reading_for_every_question() -> None:
    """The inbound path reads a reply once and asks it what it means with no question, then as
    the answer to one (`understand_reply`): each answer is the one a fresh reading gives, in
    whatever order they are asked, and a reading in another language is a new reading."""
    questions: list[Question | None] = [None, *Question]
    with CORPUS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for row in rows:
        text = reading_text(row["text"])
        once = understand_reply(text, row["lang"])
        assert once.in_language(row["lang"]) is once
        for question in questions:
            fresh = understand_reply(text, row["lang"]).explain(question)
            assert once.explain(question) == fresh, (row, question)
            assert once.intent(question) is classify_reply(text, row["lang"], question)
        other = once.in_language(None)
        assert other is not once
        assert other.explain(None) == understand_reply(text, None).explain(None)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A "since" that the time section reads with its day is still a "since".
        _case("es", F, "voy desde el lunes", Intent.ATTENDED_YES),
        _case("fr", F, "j'y vais depuis lundi", Intent.ATTENDED_YES),
        _case("pt", F, "tô indo desde segunda", Intent.ATTENDED_YES),
        _case("ar", F, "كنمشي من نهار الاثنين", Intent.ATTENDED_YES),
        _case("es", F, "desde el lunes no voy", Intent.ATTENDED_NO),
        # Went, then sent back: a yes to "did you go?", a not yet to "did you start?".
        _case("sq", A, "shkova por me than me ardh javen tjeter", Intent.ATTENDED_YES),
        _case("sq", F, "shkova por me than me ardh javen tjeter", Intent.ATTENDED_NO),
        _case("am", A, "ሄጄ ነበር ግን በሌላ ጊዜ ተመለስ አሉኝ", Intent.ATTENDED_YES),
        _case("sq", A, "shkova por me than me ardh javen tjeter?", U),
        _case("bn", F, "gesilam, bollo porer mase aste, ekhono shuru hoy nai", Intent.ATTENDED_NO),
        # The option for a new date, opening the message, with the refusal as its reason.
        _case("en", R, "3 please, I'm working that day", Intent.RESCHEDULE),
        _case("pt", R, "3 por favor, nesse dia não posso", Intent.RESCHEDULE),
        _case("en", R, "I'm working that day, 3", U),
        _case("en", R, "3 2", U),
    ],
)
def test_since_a_day_sent_back_after_going_and_a_new_date_with_its_reason(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Received" acknowledges the notice; it does not confirm.
        _case("en", R, "ok received", U),
        _case("fr", R, "ok bien reçu", U),
        _case("es", R, "ok recibido", U),
        _case("ha", R, "to na samu", U),
        _case("en", R, "received, I will come", Intent.CONFIRM),
        _case("en", R, "ok", Intent.CONFIRM),
        # A thumbs up closing thanks and blessings applauds them.
        _case("ha", R, "madalla, Allah ya saka da alheri 👍", U),
        _case("en", R, "thanks, God bless you 👍", U),
        _case("en", R, "thanks 👍", Intent.CONFIRM),
        # Like an "ok", a thumbs up accepts a reminder but says nothing of what happened.
        _case("en", A, "👍", U),
        _case("prs", A, "khob 👍", U),
        _case("en", A, "yes 👍", Intent.ATTENDED_YES),
        # A negation closing the clause before negates no word for sending after the comma.
        _case("ha", R, "ban gane sakon ba, me zan rubuta?", Intent.HELP),
        _case("ha", R, "kar ku turo min sako", Intent.OPT_OUT),
        _case("en", None, "don't send me these", Intent.OPT_OUT),
        # ... nor a wish after the comma: "I need help, I don't understand the message".
        _case("ha", A, "ina bukatar taimako, ban fahimci sakon ba", Intent.HELP),
        _case("en", None, "I don't want these messages", Intent.OPT_OUT),
        # "Enough" judging the messages named in the clause before; not a wish about what follows.
        _case("en", F, "messages every day every day, enough now", Intent.OPT_OUT),
        _case("sq", F, "cdo dite mesazhe... boll ma, u lodha", Intent.OPT_OUT),
        _case(
            "fr",
            A,
            "vous pouvez me renvoyer les messages svp, je veux plus rater les rdv",
            Intent.OPT_IN,
        ),
        _case("en", R, "ok, enough", U),
        # CANCEL, END before one's subscription; "don't want" beside the service; "remove me"
        # after "not interested".
        _case("en", None, "end my subscription asap", Intent.OPT_OUT),
        _case("es", None, "ya no necesito este servicio", Intent.OPT_OUT),
        _case("pcm", F, "I no dey interested again, remove me", Intent.OPT_OUT),
        # CANCEL before the appointment is no opt-out; asked and refused, then "I'll come"
        # (rule `own_question_answered`, fifty-first round).
        _case("en", R, "cancel the appointment? no, I'll come", Intent.CONFIRM),
    ],
)
def test_received_blessings_and_negations_in_another_clause(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # The word for START in the reply's language, alone, asks for the messages again; in a
        # sentence it is the verb of the story.
        _case("sq", None, "FILLO", Intent.OPT_IN),
        _case("bn", None, "শুরু", Intent.OPT_IN),
        _case("prs", F, "شروع", Intent.OPT_IN),
        _case("am", None, "ጀምር", Intent.OPT_IN),
        _case("bn", F, "শুরু করেছি", Intent.ATTENDED_YES),
        _case("ps", F, "la shanbe na me pil karay", Intent.ATTENDED_YES),
        # Went, then told to wait: a yes to "did you go?", a not yet to "did you start?".
        _case(
            "en",
            A,
            "I went there, they took my papers and said they will call",
            Intent.ATTENDED_YES,
        ),
        _case(
            "en", F, "I went there, they took my papers and said they will call", Intent.ATTENDED_NO
        ),
        _case("prs", A, "رفتم، فورمه پر کدم و گفتن منتظر باش", Intent.ATTENDED_YES),
        _case(
            "sq", A, "shkova, plotesova formularin dhe do me marrin ne telefon", Intent.ATTENDED_YES
        ),
        _case(
            "fr",
            A,
            "je suis parti mais ils m'ont dit de revenir avec mon extrait",
            Intent.ATTENDED_YES,
        ),
        _case("en", F, "they said they will call", Intent.ATTENDED_NO),
        # A count of days is no option: "sent back for 15 days".
        _case("pt", A, "fui lá mas mandaram voltar daqui a 15 dias", Intent.ATTENDED_YES),
        _case("pt", F, "fui lá mas mandaram voltar daqui a 15 dias", Intent.ATTENDED_NO),
        _case("en", R, "2 weeks", U),
        # A stop word in the clause of another service stops that service.
        _case("en", None, "I unsubscribed from another app lol", U),
        _case("bn", None, "onno ekta app theke unsubscribe korsi", U),
        _case("en", None, "unsubscribe", Intent.OPT_OUT),
        _case("en", None, "another app is better. unsubscribe me", Intent.OPT_OUT),
        # A CANCEL or BAJA said by mistake, and a mistake after the STOP it names.
        _case("es", A, "puse baja sin querer, vuelvan a activarme porfa", Intent.OPT_IN),
        _case("wo", R, "stop bi dama ko bind ci njuumte", Intent.OPT_IN),
        _case("en", None, "stop, I registered by mistake", Intent.OPT_OUT),
        # A mistake word away from the STOP, beside a request for the messages: an opt-in;
        # with a refusal or another stop beside it, or no request, the STOP stands.
        _case("ar", None, "3afak 3awdo sifto lia les messages, ghlat w sifet stop", Intent.OPT_IN),
        _case("wo", F, "Ci njuumte laa bindoon STOP, duggalaat leen ma", Intent.OPT_IN),
        _case("en", None, "you sent this by mistake, stop, don't send again", Intent.OPT_OUT),
        _case("en", None, "mistake. STOP. send it to the right person", Intent.OPT_OUT),
        _case(
            "es",
            None,
            "mande STOP ayer pero fue sin querer, quiero seguir recibiendo los mensajes",
            Intent.OPT_IN,
        ),
        _case("es", None, "me escribieron por error, STOP, no quiero mensajes", Intent.OPT_OUT),
        # A clause of its own that disowns the STOP typed by someone else ("I didn't mean it")
        # keeps the request after it; one that refuses the messages keeps the STOP.
        _case(
            "fr",
            None,
            "mon fils a pris mon tel et a tapé stop, je voulais pas. je veux recevoir les rappels",
            Intent.OPT_IN,
        ),
        _case(
            "fr",
            None,
            "mon fils a tapé stop, je ne veux pas les messages. je veux recevoir les rappels",
            Intent.OPT_OUT,
        ),
        _case(
            "en",
            None,
            "my son typed stop. no. dont send me the messages again please",
            Intent.OPT_OUT,
        ),
        _case("ti", F, "STOP ኢለ ነይረ፡ ሕጂ ግን መልእኽቲ ክፈቱለይ", Intent.OPT_IN),
        # "Don't keep sending me" in Moroccan Arabic beside a "didn't go" stops; Pidgin "make una
        # no stop" wishes the messages go on; "what do I type?" asks for help.
        _case("ar", A, "لا ما مشيتش، و عافاك ما تبقاش تصيفط ليا شي ميساج", Intent.OPT_OUT),
        _case("ar", None, "ما تصيفط ليا حتى ميساج", Intent.OPT_OUT),
        _case("pcm", None, "make una no stop o, dis reminder dey help my memory", U),
        _case("es", R, "no me sigan mandando mensajes", Intent.OPT_OUT),
        _case("pt", A, "não continuem a mandar-me mensagens", Intent.OPT_OUT),
        # A lone STOP refused beside it, with the messages asked for: a wish that they go on;
        # without the request, or with another stop, the STOP stands.
        _case("sq", None, "vazhdoni te me dergoni, mos beni STOP", U),
        _case("ps", F, "STOP مه کوئ، زه لا هم دغه خبرتیاوې غواړم", U),
        _case("bn", R, "আমাকে মেসেজ পাঠাতে থাকুন, STOP করবেন না", U),
        _case("en", None, "STOP I don't want these, send them to someone else", Intent.OPT_OUT),
        _case("en", None, "STOP no thanks, I want peace", Intent.OPT_OUT),
        _case("fr", None, "STOP pas besoin, je veux plus les messages", Intent.OPT_OUT),
        # A mistake word judges the stop word right after it, not the order after that one.
        _case("ti", None, "እዚ ጌጋ እዩ STOP ደጊምኩም ኣይትጽሓፉለይ", Intent.OPT_OUT),
        _case("am", None, "ይሄ ስህተት ነው STOP ደግማችሁ አትጻፉልኝ", Intent.OPT_OUT),
        _case("fr", R, "je réponds quoi ?", Intent.HELP),
        _case("ar", R, "أرد بإيه؟", Intent.HELP),
        _case("sq", R, "si duhet me u pergjigj?", Intent.HELP),
        # A negation after a comma, or of understanding, says nothing of the help.
        _case("sq", Question.SATISFACTION, "me ndihmoni pak, nuk di si te pergjigjem", Intent.HELP),
        _case("bn", Question.SATISFACTION, "help lagbe, ki korte hobe bujhi nai", Intent.HELP),
        _case("ar", Question.SATISFACTION, "ما ساعدوني", Intent.NOT_SATISFIED),
    ],
)
def test_start_in_the_language_told_to_wait_days_and_other_services(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A "but" remarking on the class after the report of going or starting leaves the answer.
        _case(
            "en", F, "started the class monday. the room is hot but we manage", Intent.ATTENDED_YES
        ),
        _case("pt", F, "comecei segunda o curso, a sala é quente mas tá bom", Intent.ATTENDED_YES),
        _case("en", F, "started monday but then i stopped going", U),
        _case("en", R, "I will come. the office is far but ok", U),
        # START, then a name in the next clause.
        _case("en", A, "START, its Ama", Intent.OPT_IN),
        _case("ha", None, "START, Aisha ce", Intent.OPT_IN),
        _case("en", F, "start monday", U),
        # A stop word right after the service, where the verb comes last; not a word away.
        _case("prs", R, "برادرم دوباره به ایران رفت، ای خدمات ره بند کنین", Intent.OPT_OUT),
        _case("bn", None, "আজ হরতালে সব দোকান বন্ধ 😕", U),
        # A composed opt-out in the clause of another service; a negated stop word inside a
        # phrase that keeps the messages.
        _case("ha", None, "na toshe lambar wani dan damfara, ba taku ba 😅", U),
        _case("sq", F, "mos i ndaloni mesazhet ju lutem, me ndihmojne shume", U),
        # A STOP told as past before a wish for the messages; not before a question.
        _case("bn", None, "আমি আগে STOP লিখেছিলাম, এখন আবার মেসেজ চাই", Intent.OPT_IN),
        _case("en", None, "i sent stop before but i want the reminders again", Intent.OPT_IN),
        _case("en", None, "I said stop before, why do you still write to me?", Intent.OPT_OUT),
        # Proxies introduce themselves; a third person comes.
        _case("en", R, "1, his wife here. he will come", Intent.CONFIRM),
        _case("fr", R, "1 c'est sa femme qui répond, il viendra", Intent.CONFIRM),
    ],
)
def test_remarks_signatures_services_and_proxies(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    "text",
    [
        # Another service or thing undoes a stop word only when the stop is about it.
        "STOP scam",
        "scam stop",
        "STOP caller tune",
        "stop the rain messages",
        "this is a scam stop texting me",
        # A STOP told as past stays a stop unless the messages are asked for.
        "I sent stop before now i want to cancel",
        "I sent stop before. but now i want to quit",
        "i had said stop, i want to be removed",
        # A mistake after the STOP is the sender's, unless the STOP was typed by mistake.
        "stop you are texting me by mistake",
        "Stop sending me messages by mistake",
        # A conditional or a threat is no wish that the messages go on.
        "you don't stop the messages, I will report you",
        "if you don't stop the messages",
    ],
)
def test_stops_that_the_new_exceptions_leave_stops(text: str) -> None:
    assert classify_reply(text, "en", None) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("question", "text", "intent"),
    [
        (None, "i typed quit by mistake", U),
        (R, "i changed my number. cancel the appointment", Intent.DECLINE),
        (F, "I went monday. but the class is full", U),
        (F, "started monday, the room is hot but its ok", Intent.ATTENDED_YES),
        (
            A,
            "yes went on the 12th to the office, long queue but i saw madam Akua",
            Intent.ATTENDED_YES,
        ),
    ],
)
def test_what_the_new_exceptions_do_not_reach(
    question: Question | None, text: str, intent: Intent
) -> None:
    _check("en", question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A date may open a story of going ("on Monday the 12th I went and enrolled").
        ("bn", A, "সোমবার ১২ তারিখে গিয়ে ভর্তি হয়েছি, কিন্তু অফিস অনেক দূরে", Intent.ATTENDED_YES),
        (
            "ka",
            A,
            "ორშაბათს, 11-ში მივედი და დამარეგისტრირეს, ოღონდ ოფისი შორსაა",
            Intent.ATTENDED_YES,
        ),
        # A clause introducing who writes does not count against the visit it reports; a date
        # beside it is no option.
        (
            "fr",
            A,
            "Bonjour, ici le centre de formation de Saint-Louis. M. Diallo s'est présenté le 12, "
            "inscription faite, les cours démarrent le mois prochain",
            Intent.ATTENDED_YES,
        ),
        (
            "en",
            F,
            "Partner office here: enrolment done, he began classes on the 12th",
            Intent.ATTENDED_YES,
        ),
        ("en", A, "went to the gym this morning, yes", U),
        # A "but" that opens the answer after a clause that answers nothing.
        ("en", A, "the bus stopped halfway but yes I went", Intent.ATTENDED_YES),
        ("sq", A, "autobusi ndaloi rrugës por arrita", Intent.ATTENDED_YES),
        ("ha", R, "biyu amma zan zo", U),
        ("en", R, "yes but I can't", U),
        ("en", A, "the bus stopped halfway but did I go?", U),
        # "I won't come... no, I will come": corrected, not refused twice.
        ("am", R, "አልመጣም... አይ እመጣለሁ", U),
        ("en", R, "I won't come... no I will come", U),
        ("en", R, "won't be able to come", Intent.DECLINE),
        # To the satisfaction question, a word for help beside its option judges the help.
        ("am", S, "3 ምንም እርዳታ አላገኘሁም ከነሱ", Intent.NOT_SATISFIED),
        ("prs", S, "۲ نیم کمک شد", Intent.PARTLY_SATISFIED),
        ("en", S, "3 help me", U),
        # A wish word in a question asks whether a message arrived.
        ("en", None, "Did u receive my msg?", U),
        ("ha", None, "ka samu sakona?", U),
        ("en", None, "can you send me the messages again?", Intent.OPT_IN),
        # A stop word in another sense.
        ("en", None, "I can't stop singing it", U),
        ("en", None, "Yup next stop.", U),
        ("en", None, "cant stop them", Intent.OPT_OUT),
        ("en", None, "i cant stop the messages", Intent.OPT_OUT),
        ("ar", R, "balash rasa2el ba2a plz", Intent.OPT_OUT),
        # "I will come" closing the message in a clause of its own, after a story.
        ("pt", R, "desço na paragem do autocarro em frente, vou estar la", Intent.CONFIRM),
        ("ha", R, "zan tsaya a tashar mota kusa da ofis, zan zo", Intent.CONFIRM),
        ("en", R, "Night night, see you tomorrow", U),
        ("en", R, "my cousin's wedding is on sunday, I will come", U),
        ("en", R, "I cancelled the trip, but will I come?", U),
        # A phrase led by a word for "no" stands in one clause.
        ("ps", R, "نه، راځم", U),
        ("pt", R, "não, vou", U),
        ("pt", R, "não vou", Intent.DECLINE),
        ("en", R, "no.1", Intent.CONFIRM),
        # A proposal of the evening is another meeting: the offices are closed.
        ("en", R, "You still coming tonight?", U),
        ("en", R, "can I come on thursday instead?", Intent.RESCHEDULE),
        # Removal, leave-me and help words found missing in the twenty-first set.
        ("bn", None, "amar number ta apnader list theke muse felen", Intent.OPT_OUT),
        ("ka", None, "nomeri amomishalet bazidan", Intent.OPT_OUT),
        ("wo", None, "bayilene ma ak seen messages yi", Intent.OPT_OUT),
        ("ps", A, "ma pregda, nor message ma rakawa", Intent.OPT_OUT),
        ("ps", None, "مشر مې هغه ورځ رخصت نه راکوي، بله ورځ وټاکو؟", U),
        ("ka", None, "START ისევ", Intent.OPT_IN),
        # How the message was lost, then what it said: help.
        ("en", F, "deleted ur text by accident, what was it about?", Intent.HELP),
        ("pt", F, "apaguei a mensagem sem querer, o que dizia?", Intent.HELP),
        ("en", None, "delete my number, what is this message?", Intent.OPT_OUT),
        # A day refused, then another day and "better"; a reason before the day asked about.
        ("am", R, "ሰኞ አይመቸኝም፣ ረቡዕ ቢሆን ይሻላል", Intent.RESCHEDULE),
        ("ar", R, "bokra la, ba3d bokra a7san", Intent.RESCHEDULE),
        ("ar", R, "ana f sbitar m3a mama, ljem3a li men b3d?", Intent.RESCHEDULE),
        ("en", R, "monday no, the weather is better", Intent.DECLINE),
        # "I haven't left the course, I still go": the going answers the follow-up.
        ("pcm", F, "I no stop the training, I still dey go", Intent.ATTENDED_YES),
        ("ti", F, "ትምህርቲ ኣየቋረጽኩን፣ ይቕጽል ኣለኹ", Intent.ATTENDED_YES),
        # Arabic "never" is not START, though folding reads "أبدا" and "ابدأ" alike.
        ("ar", F, "أبدا", Intent.ATTENDED_NO),
    ],
)
def test_seventeenth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "I will come" after a "but" that opens the answer, once a story of three words or more
        # answers nothing: the "but" closes the story like a comma.
        ("fr", R, "le taxi s'est arrêté en route mais j'arrive", Intent.CONFIRM),
        ("ha", R, "motar ta tsaya a hanya amma zan zo", Intent.CONFIRM),
        ("ar", R, "الباص وقف بالطريق بس جاي", Intent.CONFIRM),
        ("en", R, "coming now but put the kettle on", U),
        ("en", R, "busy day but i'll come", U),
        # A "but" takes a statement out of the reach of a refusal before it: "sick but I will
        # come" says two things, it refuses nothing.
        ("en", R, "my son is sick but i will come", U),
        ("fr", R, "j'ai du travail mais j'arrive", U),
        ("es", R, "no puedo pero voy", U),
        ("en", R, "i can't come", Intent.DECLINE),
        # A day refused, then "but" and another day alone: a proposal.
        ("en", R, "not monday but wednesday", Intent.RESCHEDULE),
        ("pt", R, "segunda n, mas terça", Intent.RESCHEDULE),
        ("fr", R, "pas lundi mais mardi", Intent.RESCHEDULE),
        ("en", R, "not monday but my brother can come", U),
        # To the satisfaction question, help beside "partly" is judged, not asked for.
        ("ps", S, "یو څه مرسته شوې", Intent.PARTLY_SATISFIED),
        ("ps", S, "مرسته غواړم", Intent.HELP),
        # Not arriving answers the attendance check.
        ("prs", A, "موتر در راه ایستاد، نرسیدم", Intent.ATTENDED_NO),
        ("sq", A, "Autobusi u ndal rrugës dhe s'arrita", Intent.ATTENDED_NO),
        ("bn", A, "বাস রাস্তায় থেমে গেল, পৌঁছাতে পারিনি", Intent.ATTENDED_NO),
        # Which number to send is a question for help.
        ("en", R, "what number should i type", Intent.HELP),
        ("fr", R, "je dois envoyer quel numéro ?", Intent.HELP),
        ("es", None, "que numero mando?", Intent.HELP),
        # BAJA put by mistake asks for the messages; "they made me wait" stops nothing.
        ("es", None, "puse baja por error", Intent.OPT_IN),
        ("es", None, "ya puse baja y siguen mandando", Intent.OPT_OUT),
        ("wo", A, "dem naa, dañu ma taxawal lu yàgg", Intent.ATTENDED_YES),
        ("wo", None, "taxawal leen", Intent.OPT_OUT),
        # Pashto "بله اونۍ" is next week, not the Dari yes "بله".
        ("ps", F, "لا نه، بله اونۍ", Intent.ATTENDED_NO),
        ("ps", R, "زه بله اونۍ راځم", Intent.RESCHEDULE),
        # Yes words that are also everyday words (section `yes_leading`) say yes only where they
        # open the message or a clause: Fula "ee" (squeezed like "e", with), Hausa "ya" (he),
        # Portuguese "isso" (this).
        ("ff", R, "oto o darii e laawol kono mi arat", Intent.CONFIRM),
        ("ff", R, "ee", Intent.CONFIRM),
        ("ff", R, "ee, mi arat", Intent.CONFIRM),
        ("ha", None, "wanene ya turo wannan sakon?", Intent.HELP),
        ("ha", R, "ya", Intent.CONFIRM),
        ("pt", None, "quem ta mandando isso?", Intent.HELP),
        ("pt", R, "isso", Intent.CONFIRM),
        # To "did you go?", a "but" right after the visit remarks on it; a refusal after it
        # still doubts it.
        ("ar", A, "رحت بس الباص وقف بالطريق وتأخرت شوي", Intent.ATTENDED_YES),
        ("en", A, "yes but I didn't go", U),
        ("en", F, "I went but the class is full", U),
        # To "why?", help not given is the reason, with a pronoun between the negation and the
        # word for help ("ba su taimaka min", not they helped me).
        ("ha", Question.SATISFACTION_REASON, "ba su taimaka min da komai ba", Intent.REASON),
        ("en", Question.SATISFACTION_REASON, "help me", Intent.HELP),
        (
            "ha",
            Question.SATISFACTION_REASON,
            "ba su taimaka min ba, ina bukatar taimako",
            Intent.HELP,
        ),
        # Words found missing in the twenty-third set.
        ("en", None, "can u turn the reminders back on for me", Intent.OPT_IN),
        ("en", R, "uhh two", Intent.DECLINE),
        ("fr", F, "il fait super chaud aujourd'hui", U),
        ("es", A, "me di de baja sin querer", Intent.OPT_IN),
        ("ff", F, "Alla yiɗi", U),
        ("ti", A, "መኪና ኣብ መንገዲ ደው በለት፣ ኣይበጻሕኩን", Intent.ATTENDED_NO),
        # START led by nothing but a yes or an "ok" typed as an emoji.
        ("en", None, "START 👍", Intent.OPT_IN),
        ("en", A, "start ✅", Intent.OPT_IN),
        ("en", F, "started 👍", Intent.ATTENDED_YES),
        ("en", F, "START tomorrow 👍", U),
        ("fr", F, "j'ai commencé 👍", Intent.ATTENDED_YES),
        # A request for the messages, then a STOP told as past in a clause of its own.
        ("fr", F, "vous pouvez me remettre les sms ? j'avais fait stop", Intent.OPT_IN),
        ("en", None, "can you send the messages again? I had sent stop before", Intent.OPT_IN),
        ("en", None, "why do you text me? I said stop before", Intent.OPT_OUT),
        ("fr", None, "j'avais envoyé stop avant, arrêtez", Intent.OPT_OUT),
        # ... but a question about why the messages come complains of them.
        ("en", None, "why do you still send me messages? I said stop before", Intent.OPT_OUT),
        ("fr", None, "pourquoi vous m'envoyez des sms ? j'avais fait stop", Intent.OPT_OUT),
        # The visit told again after a "but" agrees with it.
        ("ps", A, "ho laram, bus pa lare ke wadreda kho wakht ta wrasedam", Intent.ATTENDED_YES),
        ("ka", A, "ვიყავი, გაჩერებაზე დიდხანს ვიდექი მაგრამ მივედი", Intent.ATTENDED_YES),
        # Words found missing in the twenty-fourth set: opt-outs first.
        ("wo", F, "duma bëggati sms yi", Intent.OPT_OUT),
        ("ff", A, "acciee lan e jam", Intent.OPT_OUT),
        ("sq", None, "ju lutem mos më nisni mesazhe më", Intent.OPT_OUT),
        ("ha", R, "taimako nake so", Intent.HELP),
        ("pt", R, "N na bai", Intent.CONFIRM),
        ("ka", R, "პარასკევს ხომ ვერ მოვიდოდი?", Intent.RESCHEDULE),
        ("prs", F, "سلام علیکم، صبح تان بخیر 🌹 خدا را شکر به خیر رسیدم", U),
        # A stop word told of others stops nothing: "they stopped the work", "was stopped".
        ("fr", R, "mon bus a été arrêté au contrôle mais je viendrai", Intent.CONFIRM),
        ("fr", A, "oui je suis parti, ils ont arrêté à midi", Intent.ATTENDED_YES),
        ("ar", A, "رحت بس وقفوا الشغل بكير", Intent.ATTENDED_YES),
        ("ar", None, "وقفوا الرسائل", Intent.OPT_OUT),
        ("ha", A, "na je, amma sun dakatar da aikin da wuri", Intent.ATTENDED_YES),
        ("pcm", A, "i go but dem say make i stop come until next month", Intent.ATTENDED_YES),
        # "exactement" says yes only where it leads.
        ("fr", R, "faut répondre quoi exactement ?", Intent.HELP),
        ("fr", R, "exactement", Intent.CONFIRM),
        # A day asked about in a long message is chatter.
        (
            "en",
            R,
            "Hi, can i please get a dollar loan from you. I will pay you back by mid february.",
            U,
        ),
        ("en", R, "can I come on thursday instead?", Intent.RESCHEDULE),
        # Words found missing in the twenty-fifth set: opt-outs first.
        ("ar", None, "أرجو التوقف عن مراسلتي على هذا الرقم", Intent.OPT_OUT),
        ("es", A, "no quiero que me lleguen más sms", Intent.OPT_OUT),
        ("ti", R, "bejakum message dew abelu", Intent.OPT_OUT),
        ("ka", F, "შეცდომით დავწერე STOP", Intent.OPT_IN),
        ("ka", S, "3, არაფერში დამეხმარნენ", Intent.NOT_SATISFIED),
        ("en", None, "Ok, be careful ! Don't text and drive !", U),
        # START and a word for "now", in every language.
        ("ha", None, "START yanzu", Intent.OPT_IN),
        ("wo", None, "START leegi", Intent.OPT_IN),
        ("ff", A, "start jooni, a jaraama", Intent.OPT_IN),
        ("ti", F, "START ሕጂ", Intent.OPT_IN),
        ("en", F, "i start now", U),
        ("ha", F, "na fara yanzu", Intent.ATTENDED_YES),
        # Words found missing in the twenty-sixth set: opt-outs first.
        ("ff", R, "2 hoto neltanam mesaas kadi", Intent.OPT_OUT),
        ("es", None, "BAJA de todo", Intent.OPT_OUT),
        ("wo", F, "juum naa ci stop bi", Intent.OPT_IN),
        ("am", F, "በስህተት ነው STOP የላክሁት", Intent.OPT_IN),
        ("ar", None, "ستارت", Intent.OPT_IN),
        ("prs", A, "ha narafum", U),
        ("bn", S, "অল্প কিছু সাহায্য পেয়েছি", Intent.PARTLY_SATISFIED),
        # The Dari yes "ha" is also the plural ending written apart ("the children").
        ("prs", A, "خانمم نرفت، بچه ها مریض بودن", Intent.ATTENDED_NO),
        ("prs", R, "ها", Intent.CONFIRM),
        # Words that cost nothing tell the story before a closing "I will come"; being a little
        # late costs nothing.
        ("ka", R, "ავტობუსი გაჩერდა, ცოტა დავაგვიანებ მაგრამ მოვალ", Intent.CONFIRM),
        ("en", R, "Night night, see you tomorrow", U),
        # Words found missing in the twenty-seventh set: opt-outs first.
        ("ff", R, "alaa, ndartinee mesaasji ɗii", Intent.OPT_OUT),
        ("sq", None, "mos e ndaloni kete sherbim, eshte i mire", U),
        ("fr", R, "stop c'était une erreur, remettez les messages", Intent.OPT_IN),
        ("en", None, "sorry who r u? dont have this no saved", Intent.HELP),
        # Opt-outs of a probe written apart in Fula, Wolof, Tigrinya and Albanian.
        ("ff", F, "Taa nelda mi mesaas kadi, useko", Intent.OPT_OUT),
        ("ff", None, "Useni, on dartina mesaasji ɗin", Intent.OPT_OUT),
        ("wo", None, "Taxawleen bataaxal yi ba fàww", Intent.OPT_OUT),
        ("ti", R, "2, kemuwn melektatat aqwartsu", Intent.OPT_OUT),
        ("ti", F, "kab zrzrkum awtsuni bejakhum", Intent.OPT_OUT),
        ("sq", None, "lem rahat ma me kto mesazhe", Intent.OPT_OUT),
        ("sq", R, "2. Edhe mos m'thirrni ma, jam n'Gjermani tash", Intent.OPT_OUT),
        ("sq", A, "s'i du ma mesazhet tuja", Intent.OPT_OUT),
        ("sq", None, "Shoqja ime i ndaloi mesazhet, por unë jo, mos mi ndalni mua", U),
    ],
)
def test_eighteenth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A stop word opening a listed phrase, negated, asks for the messages to go on: no
        # "don't" + "sending" composes an opt-out around it.
        ("en", None, "don't stop sending me the reminders", U),
        ("en", None, "please dont stop sending me messages", U),
        # "do not" is one negation, so it opens its clause like "don't".
        ("en", None, "do not stop sending the messages", U),
        ("en", None, "if you do not stop the messages I will report you", Intent.OPT_OUT),
        ("en", None, "stop sending, don't send anymore", Intent.OPT_OUT),
        ("en", None, "do not send me messages", Intent.OPT_OUT),
        # A word for blocking the sender, and the threat to block, in every language.
        ("en", None, "ill block ur number if u text again", Intent.OPT_OUT),
        ("en", None, "I will block you", Intent.OPT_OUT),
        ("en", None, "i can't block you", U),
        ("en", None, "my card is blocked", U),
        ("fr", None, "je vais vous bloquer", Intent.OPT_OUT),
        ("pt", None, "vou bloquear esse número", Intent.OPT_OUT),
        ("es", R, "Bloqueen este número, ya no lo necesito", Intent.OPT_OUT),
        ("prs", None, "agar bas nakonin block mekonom", Intent.OPT_OUT),
        ("ka", None, "dambloket, gtxovt", Intent.OPT_OUT),
        ("sq", None, "do ju bllokoj nese shkruani prap", Intent.OPT_OUT),
        # A negated word for removing, opening its clause, asks to stay.
        ("en", None, "please don't remove my number", U),
        ("en", None, "please don't block this number, my brother reads it", U),
        ("en", None, "my number, don't delete it", U),
        ("en", None, "no, remove my number", Intent.OPT_OUT),
        ("en", None, "if you don't delete my number i will report", Intent.OPT_OUT),
        ("fr", None, "ne supprimez pas mon numéro", U),
        # Words found missing in the opt-out probe.
        ("fr", A, "désinscrivez ce numéro svp, il n'est plus à lui", Intent.OPT_OUT),
        ("pt", None, "não tenho interesse, cancela aí", Intent.OPT_OUT),
        ("pt", R, "não parem de mandar os lembretes por favor", U),
        ("en", R, "I will stop work early to come. see you thursday", Intent.CONFIRM),
        ("en", R, "I will stop work early to come", U),
        ("es", F, "aún no, dicen que arranco hasta la otra semana", Intent.ATTENDED_NO),
        # Pashto "له ... نه" (from ...) is no negation.
        ("ps", F, "له تېرې دوشنبې نه مې پیل کړی", Intent.ATTENDED_YES),
        ("ps", F, "نه مې دی پیل کړی", Intent.ATTENDED_NO),
        ("prs", R, "پیاما ره بند کنین", Intent.OPT_OUT),
        ("ha", None, "kudaina tura min sako", Intent.OPT_OUT),
        ("pcm", F, "abeg remov my numba from una system", Intent.OPT_OUT),
        ("pcm", None, "Cancel am, I no need am again", Intent.OPT_OUT),
        ("am", None, "እባክዎ ከዚህ አገልግሎት ያስወጡኝ", Intent.OPT_OUT),
        ("ka", F, "გთხოვთ ამოშალოთ ჩემი ნომერი", Intent.OPT_OUT),
        # A stop word in a clause that says "if I want" asks how to stop.
        ("en", R, "How do I stop these if I want to later?", Intent.HELP),
        ("en", F, "how do I stop getting these", Intent.OPT_OUT),
        ("fr", None, "comment on fait pour arrêter les messages si un jour je veux ?", Intent.HELP),
        ("ha", R, "yaya zan dakatar da sakonnin idan na so?", Intent.HELP),
        ("am", R, "መልእክቱን ማቆም ብፈልግ ምን ብዬ ልጻፍ?", Intent.HELP),
        ("en", None, "stop. if i want the messages again i will write", Intent.OPT_OUT),
        # The condition may make the clause before the stop word's (forty-seventh round): "if
        # one day" is hypothetical; a bare "if" is, when the stop word's clause asks "how".
        ("es", R, "Y si un día ya no quiero los avisos, ¿cómo hago para que paren?", Intent.HELP),
        ("en", R, "if i get a job and move away, how can i unsubscribe?", Intent.HELP),
        ("ar", None, "إذا لم أعد بحاجة إليها يوماً ما، كيف أوقف الرسائل؟", Intent.HELP),
        # Asked for now, politely, under an "if", it stops.
        ("en", None, "if possible, can you stop the messages?", Intent.OPT_OUT),
        ("es", None, "Si es posible, ¿pueden dejar de enviarme mensajes?", Intent.OPT_OUT),
        ("fr", None, "si vous pouvez, arrêtez de m'envoyer des sms ?", Intent.OPT_OUT),
        ("ar", None, "لو سمحت، كيف اوقف الرسائل؟", Intent.OPT_OUT),
        ("en", None, "If you text again I'll report you. STOP", Intent.OPT_OUT),
        ("bn", R, "আর একটাও মেসেজ যদি পাঠান, আমি কমপ্লেন করবো", Intent.OPT_OUT),
        ("sq", R, "Nese me dergoni edhe nje mesazh tjeter, do ju raportoj", Intent.OPT_OUT),
        # What a notice tells asked for again is no opt-in; the messages asked again are.
        ("en", R, "send me the address again please", U),
        ("pt", R, "manda de novo o endereço, perdi a msg", U),
        ("am", R, "የቢሮውን አድራሻ ድጋሚ ላኩልኝ ጠፍቶብኛል", U),
        ("en", R, "send me the messages again", Intent.OPT_IN),
        # Cancelling this appointment declines it; cancelling another to come confirms.
        ("en", R, "cancel only this appointment, my kid is sick", Intent.DECLINE),
        ("es", R, "cancelen la cita del jueves por favor", Intent.DECLINE),
        ("ar", R, "إلغوا ميعاد الخميس", Intent.DECLINE),
        ("prs", R, "لطفاً نوبت روز پنجشنبه ره لغو کنین، ناجور استم", Intent.DECLINE),
        (
            "es",
            R,
            "Ya cancelé el turno con el dentista para poder ir con ustedes, ahí estaré",
            Intent.CONFIRM,
        ),
        ("sq", R, "E anulova takimin te mjeku qe te vij, do jem aty", Intent.CONFIRM),
        # Less obvious stops: not contacting, not needing, forgetting, threats to report.
        ("en", None, "dont call me again, i have nothing to do with this", Intent.OPT_OUT),
        ("pt", R, "não precisam me contactar mais", Intent.OPT_OUT),
        ("fr", F, "vous me fatiguez avec vos rdv, oubliez moi", Intent.OPT_OUT),
        ("wo", R, "dellu naa, buleen ma jokkooti ci numero bii", Intent.OPT_OUT),
        ("ha", None, "na koma gida, kada ku sake neman wannan layin", Intent.OPT_OUT),
        ("pcm", A, "I no need dis tin again abeg", Intent.OPT_OUT),
        ("am", None, "ደግማችሁ ከላካችሁ ለፖሊስ አመለክታለሁ", Intent.OPT_OUT),
        ("sq", None, "Sa her duhet me ju thon? Lemeni rehat!", Intent.OPT_OUT),
        ("prs", A, "رفتم، حالی دیگه کاری به مه نداشته باشین", Intent.OPT_OUT),
        # Near-misses: a phone that was blocked, stopping work, not stopping the reminders.
        # Read as a confirmation since the thirtieth round: why one did not reply is a story.
        ("pcm", R, "My phone block last week na why I no reply. I go come", Intent.CONFIRM),
        ("pcm", F, "I stop the okada work, now I don start the training", Intent.ATTENDED_YES),
        ("fr", None, "Arrêtez pas les rappels svp sinon j'oublie tout", U),
        ("es", None, "No me quiten los recordatorios por favor, me sirven mucho", U),
        # Fula "Alla" folds into "ala" (no): blessings are listed as words that cost nothing.
        ("ff", F, "Alla newnu", U),
        # "If I reply STOP, ...?" asks what STOP does.
        ("en", R, "If I reply stop will I lose my place in the program?", Intent.HELP),
        ("sq", F, "nëse shkruaj STOP, a humbas takimin?", Intent.HELP),
        # Without a question, or with a STOP after it, "if I want" hides no stop; "if" stays a
        # reservation; "if you send" is no hypothetical of the sender's.
        ("en", None, "STOP if I want them again I'll text START", Intent.OPT_OUT),
        ("en", R, "stop sending me messages if i want them i will ask", Intent.OPT_OUT),
        ("en", None, "if i send stop will it work? STOP", Intent.OPT_OUT),
        (
            "fr",
            None,
            "arrêtez de m'envoyer des messages si je veux je vous appelle",
            Intent.OPT_OUT,
        ),
        ("ar", R, "لو بعتت رسالة تاني هعملكم بلوك", Intent.OPT_OUT),
        ("bn", R, "abar message pathale block kore dibo", Intent.OPT_OUT),
        ("en", R, "I will come if I want", U),
        ("fr", R, "oui si je veux", U),
        # Verbs and nouns of the classes that compose opt-outs, from the third probe.
        ("pt", F, "podem desligar os avisos, obrigado", Intent.OPT_OUT),
        ("es", F, "cancela las notificaciones a este número", Intent.OPT_OUT),
        ("fr", R, "je vous demande de mettre fin à ces envois", Intent.OPT_OUT),
        ("sq", F, "ndërpriteni këtë shërbim për mua", Intent.OPT_OUT),
        ("ka", A, "გამომრიცხეთ სიიდან", Intent.OPT_OUT),
        ("ka", R, "ეს შეხვედრა გააუქმეთ, სხვა დღეს მოვალ", Intent.RESCHEDULE),
        # A word for removing may end the message a clause after the number; a word that stops
        # alone two clauses after the messages cancels the appointment.
        ("ka", R, "es chemi dzmis nomeria, is ukve aq ar cxovrobs, washalet", Intent.OPT_OUT),
        (
            "ka",
            R,
            "es chemi dzmis nomeria, is ukve aq ar cxovrobs, washalet gtxovt",
            Intent.OPT_OUT,
        ),
        ("en", R, "got the reminder, I can't make it, cancel", Intent.DECLINE),
        # An answer between the messages and a word that stops alone: the appointment is meant.
        ("es", R, "recibí el mensaje, no puedo ir, cancela", Intent.DECLINE),
        ("sq", None, "cdo dite mesazhe... boll ma, u lodha", Intent.OPT_OUT),
        # Blocked in another sense, and a number deleted by mistake.
        ("fr", R, "mon numéro était bloqué, oui je viens", Intent.CONFIRM),
        ("pt", R, "a operadora bloqueia meu número às vezes. vou sim", Intent.CONFIRM),
        ("en", R, "I deleted your number by mistake. I will come", Intent.CONFIRM),
        ("fr", None, "oubliez pas mon numéro pour le rappel", U),
    ],
)
def test_nineteenth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "if u send me one more sms ill report u"),
        ("fr", "Si ce n'est pas trop demander, est-ce que les messages peuvent s'arrêter ?"),
        ("sq", "Nëse nuk është shumë mundim, a mund të ndalen mesazhet ju lutem?"),
        ("ps", "که امکان ولري، دا پیغامونه لیږل بندولای شئ؟"),
        ("wo", "Su dul sonal, ndax message yi mën nañu taxaw?"),
    ],
)
def test_a_bare_if_beside_the_messages_asks_no_help(language: str, text: str) -> None:
    # Words for "if" (section `condition`) are reservations too, but they ask nothing: a
    # condition beside the messages is no "what is this message?" (forty-seventh round).
    assert classify_reply(text, language, Question.FOLLOWUP) is not Intent.HELP


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "what is this message?"), ("fr", "c'est quoi ce message ?"), ("bn", "এই মেসেজ কি?")],
)
def test_a_question_word_beside_the_messages_still_asks_for_help(language: str, text: str) -> None:
    assert classify_reply(text, language, Question.FOLLOWUP) is Intent.HELP


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A time of day beside an answer is no option, in the answer's clause.
        ("en", R, "1 - I'll be there at 10", Intent.CONFIRM),
        ("en", R, "yes I will come at 9", Intent.CONFIRM),
        ("en", R, "yes at 10:30", Intent.CONFIRM),
        ("en", R, "ok 10.30", Intent.CONFIRM),
        ("pt", R, "sim vou às 9", Intent.CONFIRM),
        ("en", R, "2 i work until 5", Intent.DECLINE),
        # Another clause telling something else keeps the number in doubt.
        ("en", R, "I'll be there at 8, bring the dvds", U),
        ("en", R, "at 3", U),
        ("en", R, "3", Intent.RESCHEDULE),
        # A no with a count of weeks to "did you start?" is a not yet.
        ("en", F, "no in 2 weeks", Intent.ATTENDED_NO),
        # A confirmation, then a practical question in a sentence of its own.
        ("en", R, "I'll come. Is the bus stop near?", Intent.CONFIRM),
        ("en", R, "1. what should i bring?", Intent.CONFIRM),
        ("en", R, "I'll be there. Can I bring my wife?", Intent.CONFIRM),
        ("ha", R, "Zan zo. Tashar mota tana kusa da ofishin?", Intent.CONFIRM),
        ("am", R, "እመጣለሁ። ከአውቶቡስ ማቆሚያው ሩቅ ነው?", Intent.CONFIRM),
        ("ka", R, "მოვალ. გაჩერებიდან შორსაა?", Intent.CONFIRM),
        ("fr", R, "je viendrai. c'est où exactement ?", Intent.CONFIRM),
        # After a comma it may be chatter; asking when, or why, or with no word of its own,
        # keeps the doubt; so do a day, a number or another answer in the question.
        ("en", R, "yeah I'll come, is Tom driving?", U),
        ("ff", R, "eey musiɗɗo am, jam ngoni?", U),
        ("en", R, "1. when?", U),
        ("en", R, "yes. what time?", U),
        ("fr", R, "oui. c'est quand ?", U),
        ("ha", R, "zan zo. yaushe ne?", U),
        ("en", R, "yes. why?", U),
        ("en", R, "yes. is it possible?", U),
        ("en", R, "yes. is it tomorrow?", U),
        ("en", R, "yes. or can i come friday?", U),
        ("en", R, "no. where is it?", U),
        ("en", R, "yes?", U),
        # A bare yes before a question may be a friend's (real messages between friends).
        ("en", R, "Yes! How is a pretty lady like you single?", U),
        ("en", R, "No problem. How are you doing?", U),
        ("en", R, "yes. where is the office?", U),
        ("en", R, "ok. where is it?", U),
        ("en", A, "I went. Where do I go next?", U),
        # "We'll see if": a condition, not a question about the message.
        ("en", R, "we'll see if i get money for transport", U),
        ("fr", R, "on verra bien inchallah si j'ai le transport", U),
        ("wo", R, "su Yalla mayee dinaa jéema ñëw", U),
        ("en", R, "I don't know what this is", Intent.HELP),
        ("fr", R, "je sais pas c'est quoi", Intent.HELP),
        # A stop asked about for when the training ends is help; asked for now, it stops.
        ("en", F, "how do i stop the msgs when my training finish?", Intent.HELP),
        (
            "fr",
            F,
            "comment on fait pour arrêter les messages quand la formation sera finie ?",
            Intent.HELP,
        ),
        ("bn", F, "ট্রেনিং শেষ হলে মেসেজ কিভাবে বন্ধ করবো?", Intent.HELP),
        ("en", None, "how do I stop these messages?", Intent.OPT_OUT),
        ("en", None, "stop the messages when my training ends", Intent.OPT_OUT),
        # Negated stops ask for the messages to go on.
        ("es", None, "porfa no dejen de mandar los recordatorios, me sirven mucho", U),
        ("wo", F, "bul leen taxawal rappel yi, dañu ma dimbali", U),
        ("ff", F, "wota on accu rappel ɗii, ina mballa kam", U),
        ("es", None, "dejen de mandar los recordatorios", Intent.OPT_OUT),
        # Opt-outs from the development parts.
        ("es", R, "soy su hijo, mi papa ya no usa este cel, borren el numero", Intent.OPT_OUT),
        ("fr", None, "ça suffit maintenant laissez nous tranquilles avec vos sms", Intent.OPT_OUT),
        ("ka", F, "chemi nomeri amoishalet siidan gtxovt", Intent.OPT_OUT),
        ("ar", F, "بغيت نلغي الاشتراك", Intent.OPT_OUT),
    ],
)
def test_twentieth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Reminding is sending: "no need to remind me" stops, in every language.
        ("en", R, "no need to remind me again, I have what I need", Intent.OPT_OUT),
        ("es", R, "no hace falta que me lo vuelvan a recordar", Intent.OPT_OUT),
        ("ha", A, "babu buƙatar ku sake tunatar da ni, na gode", Intent.OPT_OUT),
        ("bn", R, "আমাকে আর মনে করিয়ে দেওয়ার দরকার নেই", Intent.OPT_OUT),
        # ... but a wish to be reminded does not.
        ("en", R, "don't forget to remind me", U),
        ("en", R, "please don't forget to remind me, I'll come", Intent.CONFIRM),
        # Forgetting one's number is removing it.
        ("fr", None, "j'ai fini le programme, vous pouvez oublier mon numéro", Intent.OPT_OUT),
        ("sq", F, "e kam përfundu programin, harrojeni numrin tim", Intent.OPT_OUT),
        # A relative asks for the messages to stop for someone else.
        ("en", F, "im his sister, please remove him from your messages", Intent.OPT_OUT),
        # Cancelling only the appointment asks for another day.
        ("ha", R, "ku soke wannan alkawarin kawai, ku ba ni wata rana", Intent.RESCHEDULE),
        # What happens if I reply STOP? asks for help.
        ("ka", None, "STOP რომ მივწერო რა მოხდება?", Intent.HELP),
    ],
)
def test_twenty_first_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A negation that tells what did not happen forbids nothing: a complaint, no opt-out.
        ("en", None, "you didn't send me the address of the clinic", U),
        ("en", None, "I did not receive your messages last week", U),
        ("fr", None, "vous ne m'avez pas envoyé l'adresse", U),
        ("es", None, "no me mandaron la dirección", U),
        ("pt", None, "vocês não me mandaram o endereço", U),
        ("ar", None, "ما بعتولي العنوان", U),
        ("ha", None, "ba ku turo min adireshin ba", U),
        ("sq", None, "nuk ma dërguat adresën", U),
        ("bn", None, "আমাকে ঠিকানা পাঠান নাই", U),
        ("prs", None, "آدرس را برایم نفرستادید", U),  # the past "did not send", not "نفرستید"
        ("prs", None, "nafrestadin adres ra", U),
        ("ps", None, "یادونه راته ونه لیږله", U),  # the past "was not sent"; "مه لیږئ" forbids
        ("bn", None, "আপনারা মেসেজ পাঠালেন না কেন", U),  # the past "did not send"
        # A "no" is no negation that reaches past the verb it stands before.
        ("es", None, "no me acuerdo si mandé el papel", U),
        ("pt", None, "não me lembro se mandei o papel", U),
        ("es", None, "pero no me borren de la lista porfa", U),
        # ... a prohibition still stops.
        ("en", None, "please do not send me messages", Intent.OPT_OUT),
        ("fr", None, "ne m'envoyez plus de messages", Intent.OPT_OUT),
        ("es", None, "no me manden más mensajes", Intent.OPT_OUT),
        ("pt", None, "não me mandem mais mensagens", Intent.OPT_OUT),
        ("ar", None, "ما تبعتولي رسايل", Intent.OPT_OUT),
        ("ha", None, "kada ku sake turo min sako", Intent.OPT_OUT),
        ("sq", None, "mos më dërgoni më mesazhe", Intent.OPT_OUT),
        ("prs", None, "دیگه پیام نفرستین", Intent.OPT_OUT),
        ("ps", None, "نور پیغام مه لیږئ", Intent.OPT_OUT),
        ("bn", None, "মেসেজ পাঠাবেন না", Intent.OPT_OUT),
        ("en", None, "I did not ask for these, don't text me again", Intent.OPT_OUT),
        # "Don't forget to send me": the negation is the forgetting's.
        ("en", None, "don't forget to send me the reminder", U),
        ("ar", R, "لا تنسوا ترسلولي العنوان", U),
        ("ps", R, "پیغام لیږل مه هېروئ", U),
        ("bn", None, "ঠিকানা পাঠাতে ভুলবেন না", U),
        ("am", None, "አድራሻውን መላክ አትርሱ", U),
        ("en", None, "don't send me anything, forget my number", Intent.OPT_OUT),
        ("bn", None, "আর মেসেজ পাঠাবেন না", Intent.OPT_OUT),
        # A "no" before the forgetting is no answer, and beside a yes leaves it in doubt.
        ("es", R, "sí voy, no se olviden del pastel", U),
        # "My number, don't delete it" where the verb comes last, and after "but".
        ("ka", None, "ჩემი ნომერი არ წაშალოთ", U),
        ("ka", None, "ჩემი ნომერი წაშალეთ", Intent.OPT_OUT),
        ("en", R, "2, I can't come, but please don't remove my number", Intent.DECLINE),
    ],
)
def test_twenty_second_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Sorry, I didn't see the message": what one did not do with it answers nothing; it
        # declined the appointment in Spanish and Portuguese and stopped in Pashto and Fula.
        ("es", R, "perdón, no vi el mensaje", U),
        ("pt", R, "desculpa, não vi a mensagem", U),
        ("es", R, "no contesté porque estaba trabajando", U),
        ("pt", R, "não ouvi a chamada", U),
        ("ps", R, "بښنه غواړم پیغام مې ونه لید", U),
        ("ff", R, "yaafo, mi yiyaani mesaasji oo", U),
        (
            "es",
            A,
            "se me bloqueó el cel por eso no contesté, sí fui el martes",
            Intent.ATTENDED_YES,
        ),
        # ... a "no" that answers still declines, a prohibition still stops.
        ("es", R, "no puedo ir", Intent.DECLINE),
        ("pt", R, "não vou", Intent.DECLINE),
        ("ff", R, "hoto neldu kam mesaasji", Intent.OPT_OUT),
    ],
)
def test_twenty_fourth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Why did the messages stop?": a stop word asked about with "why", in a question that
        # ends its clause, is a complaint or a worry. It stopped the messages in English,
        # French, Albanian, Georgian, Hausa, Pidgin, Bengali, Pashto, Spanish and Portuguese.
        ("en", None, "why did the messages stop?", U),
        ("en", None, "why did you stop the reminders?", U),
        ("fr", None, "pourquoi vous n'envoyez plus les rappels?", U),
        ("sq", None, "pse nuk më dërgoni më mesazhe?", U),
        ("ka", None, "რატომ აღარ მწერთ?", U),
        ("ha", None, "me yasa kuka daina turo min sako?", U),
        ("pcm", None, "why una stop to dey send me message?", U),
        ("bn", None, "আপনারা মেসেজ পাঠানো বন্ধ করলেন কেন?", U),
        ("ps", None, "ولې مو پیغامونه بند کړل؟", U),
        ("es", None, "¿por qué ya no me mandan mensajes?", U),
        ("pt", None, "por que vocês não mandam mais mensagens?", U),
        # ... "why don't you stop?" asks for it, a stop in another clause or without a question
        # mark stands, and "that's why" asks nothing.
        ("en", None, "why don't you stop sending me messages?", Intent.OPT_OUT),
        ("en", None, "why won't you stop texting me?", Intent.OPT_OUT),
        ("pcm", None, "why una no dey stop this message?", Intent.OPT_OUT),
        ("en", None, "why do you text me every day? stop", Intent.OPT_OUT),
        ("en", None, "stop texting me. why do you have my number?", Intent.OPT_OUT),
        ("es", None, "por qué no dejan de mandarme mensajes? ya basta", Intent.OPT_OUT),
        ("ha", None, "me yasa ba ku daina turo min sako ba?", Intent.OPT_OUT),
        ("en", None, "thats why i want you to stop sending me messages", Intent.OPT_OUT),
        # An order, then a complaint: the order stands (a review of the rule found them).
        ("en", None, "stop texting me why do you have my number?", Intent.OPT_OUT),
        ("en", None, "unsubscribe me why do you keep sending?", Intent.OPT_OUT),
        ("en", None, "remove my number why do you keep sending me this?", Intent.OPT_OUT),
        ("en", None, "stop sending these why?", Intent.OPT_OUT),
        ("en", None, "stop why?", Intent.OPT_OUT),
        ("fr", None, "stop pk vous m'écrivez ?", Intent.OPT_OUT),
        ("fr", None, "arrêtez de m'envoyer des messages pourquoi vous insistez ?", Intent.OPT_OUT),
        ("ar", None, "stop ليش؟", Intent.OPT_OUT),
        ("ha", None, "ku daina turo min sako me yasa?", Intent.OPT_OUT),
        ("es", None, "dejen de mandarme mensajes porque ya no los necesito?", Intent.OPT_OUT),
        ("pt", None, "parem de me mandar mensagens pq?", Intent.OPT_OUT),
        ("pt", None, "basta de mensagens", Intent.OPT_OUT),
        # ... a "why" in an earlier question asks nothing about a stop in a later one ...
        ("en", None, "Why do u keep texting me? Stop sending me messages?", Intent.OPT_OUT),
        ("en", None, "why do you text me every day? stop texting me?", Intent.OPT_OUT),
        ("en", None, "why are you still sending? I said stop?", Intent.OPT_OUT),
        # ... and a negation anywhere before a stop verb asks for it.
        ("en", None, "why don't you just stop sending me messages?", Intent.OPT_OUT),
        ("en", None, "why don't you please stop?", Intent.OPT_OUT),
        ("en", None, "why can't you stop sending me messages?", Intent.OPT_OUT),
        ("en", None, "why you no remove my number?", Intent.OPT_OUT),
        # "Why don't you send me the messages?" complains; it is no request for help ...
        ("fr", None, "pourquoi je ne reçois plus vos messages ?", U),
        ("am", None, "ለምን መልእክት አትልኩልኝም?", U),
        # ... while "why are you sending me these messages?" asks who we are.
        ("en", None, "why are you sending me these messages?", Intent.HELP),
        ("fr", None, "pourquoi vous m'envoyez ces messages ?", Intent.HELP),
        # A negation before something else than the stop is no "why don't you stop?".
        ("en", None, "why am I not getting the messages anymore?", U),
        # Opt-out sentences that were missed.
        ("en", R, "I no longer wish to get these texts", Intent.OPT_OUT),
        ("ps", None, "زما شمېره ړنګه کړئ", Intent.OPT_OUT),
        # "ma ta msg ma rawalegai" (to me msg don't send) read as an opt-in through "rawalegai".
        ("ps", None, "ma ta msg ma rawalegai", Intent.OPT_OUT),
        ("ps", None, "ma ta mesej ma rawalegai", Intent.OPT_OUT),
        ("ps", None, "bya ye rawalegai", Intent.OPT_IN),
        ("ti", None, "mlekti aydelyen", Intent.OPT_OUT),
        ("wo", None, "dama bugul sen message", Intent.OPT_OUT),
        ("ar", None, "kafi rasa2el please", Intent.OPT_OUT),
        ("ar", None, "baddi ylghi el ishtirak", Intent.OPT_OUT),
        ("prs", None, "ma payam nami khayem", Intent.OPT_OUT),
        ("prs", None, "ضرورت به این پیام ها ندارم", Intent.OPT_OUT),
        ("ka", None, "nu shemawukhebt", Intent.OPT_OUT),
        # What others stopped is no request: "they stopped the training because of the strike".
        ("pcm", A, "dem stop the training because of strike", U),
        ("ar", A, "وقفوا التكوين بسبب الإضراب", U),
        ("pcm", None, "abeg stop the message", Intent.OPT_OUT),
        ("ar", None, "وقفوا الرسائل", Intent.OPT_OUT),
        # "Delete my old number, this is the new one" tells of a number changed; it stopped the
        # number it came from in Spanish, Portuguese, Hausa, Arabic and Wolof.
        ("es", None, "borren mi número viejo, este es el nuevo", U),
        ("pt", None, "apaguem meu número antigo, este é o novo", U),
        ("ha", None, "ku goge tsohuwar lambata, wannan ce sabuwa", U),
        ("ar", None, "امسحوا الرقم القديم، هذا هو الرقم الجديد", U),
        ("wo", None, "far sama nimero bu màgget bi, bii mooy bu bees bi", U),
        ("am", None, "የድሮውን ቁጥር አጥፉ፣ ይህ አዲሱ ቁጥሬ ነው", U),
        ("es", None, "borren mi número", Intent.OPT_OUT),
        ("es", None, "estoy viejo, borren mi número", Intent.OPT_OUT),
        # Pidgin: what the sender stops, and a wish that the messages go on.
        ("pcm", A, "I stop for road because of go slow", U),
        ("pcm", None, "my sister say make I stop that work", U),
        ("pcm", None, "una message dey help me, una no stop am o", U),
        ("pcm", None, "make una stop am", Intent.OPT_OUT),
        # ... and the words that compose them stop nothing alone.
        ("prs", None, "ضرورت به پول ندارم", U),
        ("ar", R, "2 elghu el-ma3ad ana ta3ban", Intent.DECLINE),
    ],
)
def test_twenty_fifth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


def test_a_stop_asked_about_with_why_is_told_how_to_stop_and_says_why() -> None:
    """Read `unclear`, the complaint still speaks of the messages (`ack_unclear_stop`), and
    `--explain` names the rule and the stop words it set aside."""
    understood = understand_reply("why did the messages stop?", "en")
    assert understood.speaks_of_the_messages
    decision = understood.explain(None)
    assert (decision.rule, decision.words) == ("asked_why", ("stop",))


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Why did you stop the messages?" with a verb told as done ("you stopped"): a complaint
        # for a caseworker, not a request for help...
        ("ar", None, "علاش حبستو الميساجات؟", U),
        ("ar", None, "ليش وقفتوا الرسائل؟", U),
        ("ar", None, "لماذا أوقفتم الرسائل؟", U),
        ("prs", None, "چرا پیام ها را قطع کردین؟", U),
        ("prs", None, "چرا پیام ها را بند کردید؟", U),
        ("sq", None, "pse i ndaluat mesazhet?", U),
        ("sq", None, "pse i ndalët mesazhet?", U),
        # ... the same words told alone stop nothing, and a threat still does.
        ("ar", None, "وقفتوا الرسائل", U),
        ("ar", A, "والله لو ما وقفتوا لأعمللكم بلوك", Intent.OPT_OUT),
        # ... and a question about the messages that complains of nothing is still help.
        ("ar", None, "علاش جاتني هاد الميساجات؟", Intent.HELP),
        # Found missing in the forty-fifth set: "I no longer need these messages" told politely...
        ("ar", None, "ما عدت بحاجة لهذه الرسائل", Intent.OPT_OUT),
        ("ar", None, "ana ma dayirha el rasa2il di", Intent.OPT_OUT),
        ("bn", None, "এই মেসেজগুলোর আর প্রয়োজন নেই", Intent.OPT_OUT),
        ("ti", None, "እዞም መልእኽትታት ኣየድልዩንን", Intent.OPT_OUT),
        ("am", None, "ከአሁን በኋላ መልእክት ባትልኩልኝ ደስ ይለኛል", Intent.OPT_OUT),
        ("prs", None, "dega zarorat ba in payam ha nadaram", Intent.OPT_OUT),
        ("fr", None, "je n'ai pas besoin de ces messages", Intent.OPT_OUT),
        # ... or in a hurry, and "leave me alone" in Gheg.
        ("en", None, "pls stp texting me", Intent.OPT_OUT),
        ("es", A, "otra vez? ya párenle con los mensajes", Intent.OPT_OUT),
        ("pt", None, "para só de mandar mensagem", Intent.OPT_OUT),
        ("sq", None, "më lini rehat me këto mesazhe", Intent.OPT_OUT),
        # "I don't need help" asks for none.
        ("prs", None, "ضرورت به کمک ندارم", U),
        ("fr", None, "je n'ai pas besoin d'aide", U),
        # What others stopped stops nothing; "don't stop reminding me" asks for the messages...
        ("en", F, "the center stopped the course so I have not started", Intent.ATTENDED_NO),
        ("fr", A, "ils avaient arrêté le travail ce jour là", U),
        ("ar", F, "التدريب توقف الشهر الماضي", U),
        ("bn", None, "মেসেজ বন্ধ হলো কেন?", U),
        ("pcm", R, "abeg no stop to dey send me the reminder", U),
        ("ff", None, "hoto on accu neldude kam mesaasji", U),
        # ... and "no, stop" still stops them.
        ("pcm", R, "no stop, send me the address", Intent.OPT_OUT),
        # A sum of money is no date: "send me 2000 on Thursday" proposes no day.
        ("wo", R, "yónnee ma 2000 alxames", U),
        ("es", R, "se puede el 20?", Intent.RESCHEDULE),
        # A new date asked for after the old one is deleted.
        ("es", R, "borren la cita y denme una nueva", Intent.RESCHEDULE),
        ("ps", R, "zara neta pak kra, nawe neta rakai", Intent.RESCHEDULE),
        # Found missing in the forty-sixth set: "enough now" alone, also with an annoyed face...
        ("en", None, "enough now", Intent.OPT_OUT),
        ("fr", None, "ça suffit maintenant", Intent.OPT_OUT),
        ("sq", None, "mjaft tani 🙏", Intent.OPT_OUT),
        ("es", None, "ya no más", Intent.OPT_OUT),
        ("ti", None, "kab hji yeakil", Intent.OPT_OUT),
        ("ha", None, "daina 😡", Intent.OPT_OUT),
        # ... but an annoyed face decides nothing else, and "enough" about something else stops
        # nothing.
        ("en", R, "yes 😡", Intent.CONFIRM),
        # Once a known gap of the likeness (rule 7b, twenty-seventh round): no longer read as an
        # opt-out since the likeness learned from the fifty-second set (thirty-first round).
        ("en", R, "enough rice for now", U),
        # One's number misspelled, and short orders typed in a hurry.
        ("en", None, "remove my numba", Intent.OPT_OUT),
        ("pt", None, "tirem o meu numro", Intent.OPT_OUT),
        ("wo", None, "dindil sama nimro", Intent.OPT_OUT),
        ("ff", None, "momtu nomero am", Intent.OPT_OUT),
        ("ar", None, "اوقفوا الرسائل", Intent.OPT_OUT),
        ("fr", None, "faut plus m'envoyer les messages", Intent.OPT_OUT),
        ("sq", None, "lërem rahat", Intent.OPT_OUT),
        ("sq", None, "mos mshkruni ma", Intent.OPT_OUT),
        ("prs", None, "مره ایلا کنین", Intent.OPT_OUT),
        ("ps", R, "na manana bas krai", Intent.OPT_OUT),
        # A review of the round's words found false opt-outs in them, now guarded: a hurried
        # stop after "don't", a stop said with "let me", unsubscribing from a course, "don't
        # write in Albanian", "don't stop them" in Arabic...
        ("en", None, "pls dont stp txtin me the reminders", U),
        # The likeness read it as an opt-out or not as it was learned again ("ku bari" stops
        # alone); since the sixty-seventh set "bari na tambayi" (let me ask) and "maigidana"
        # are `neutral`, so the likeness never reads it.
        ("ha", R, "nagode, ku bari na tambayi maigidana", U),
        ("sq", None, "si ckregjistrohem nga kursi?", U),
        ("sq", None, "mos mshkruni ne shqip, kuptoj me mire anglisht", U),
        ("ar", None, "لا تعملوا إيقافهم، أنا محتاج التذكير", U),
        ("pt", None, "Não para de mandar, preciso dos lembretes", U),
        ("es", None, "no le paren con los mensajes, me sirven", U),
        ("wo", None, "bul bayi yonnee ma, dafa ma dimbali", U),
        ("pt", None, "não, para de mandar mensagem", Intent.OPT_OUT),
        ("es", None, "no, paren con los mensajes", Intent.OPT_OUT),
        ("en", None, "did you stop?", U),
        ("en", None, "why did u stop 😒", U),
        ("en", None, "did u stop the messages? please stop", Intent.OPT_OUT),
        ("en", None, "why did u stop sending me the reminders", U),
        ("en", None, "why dont you stop sending", Intent.OPT_OUT),
        # ... while the same words alone, or after a "no", still stop.
        ("ha", R, "a'a nagode, ku bari", Intent.OPT_OUT),
        ("sq", None, "ckregjistrohem", Intent.OPT_OUT),
        ("ar", None, "ma dayirha al rasayil di, waggifoha", Intent.OPT_OUT),
        # An option number alone in its clause, then greetings: the answer; a yes word opening
        # chatter is not enough.
        ("ha", R, "1, kuma gaisuwa ga iyali", Intent.CONFIRM),
        ("ka", R, "1, ოჯახს დიდი მოკითხვა, ღმერთმა გაგიმარჯოთ", Intent.CONFIRM),
        ("en", R, "yes!! we won the match 🎉", U),
        ("es", R, "sí, sigue lloviendo mucho aquí", U),
    ],
)
def test_twenty_sixth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Found in the forty-seventh set: Tigrinya "I don't want" stops only alone...
        ("ti", R, "ክደናጎ ኣይደልን'የ፣ ሰዓት ክንደይ ክመጽእ?", U),
        ("ti", None, "ኣይደልን'የ", Intent.OPT_OUT),
        # ... and "I don't want it" after a clause about the messages composes an opt-out.
        ("ti", None, "ነዚ መልእኽቲ ደው ኣብልዎ፣ ኣይደልዮን'የ", Intent.OPT_OUT),
        ("wo", A, "déedéet, bayi leen di ma yonné sms", Intent.OPT_OUT),
        # "Don't stop reminding me" asks for the messages; "no need to remind me" stops them.
        ("pt", F, "não parem de me lembrar por favor", U),
        ("pt", None, "não precisa me lembrar mais", Intent.OPT_OUT),
        ("pt", None, "não esqueçam de me lembrar", U),
    ],
)
def test_twenty_seventh_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Found in the forty-ninth set: "don't contact me ever", "leave me alone" as Pashto says
        # it, "interrupt the messages" and "don't look for me" beside a refusal stop...
        ("ka", R, "არ მოვდივარ და ნუ დამიკავშირდებით", Intent.OPT_OUT),
        ("ps", None, "له ما نه لاس واخلئ", Intent.OPT_OUT),
        ("sq", None, "ju lutem ndërprisni mesazhet", Intent.OPT_OUT),
        ("sq", R, "s'vij, mos m'kërkoni ma", Intent.OPT_OUT),
        # ... and leaving a shop's promotions or a WhatsApp group stops nothing of ours.
        ("en", None, "finally unsubscribed from that promo sms 😌", U),
        ("pcm", A, "who remove me from the church whatsapp group? add me back", U),
        ("fr", None, "tu peux me retirer du groupe whatsapp du quartier ?", U),
        ("en", None, "unsubscribe", Intent.OPT_OUT),
        ("en", None, "remove me from your list", Intent.OPT_OUT),
    ],
)
def test_twenty_eighth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Found in the fifty-first set: a relative who says who writes ("I am his brother", "I
        # am her sister") costs the answer nothing, in every language...
        ("ar", A, "أنا أخوه، هو ما راحش كان عيان", Intent.ATTENDED_NO),
        ("ka", A, "ჩემი ძმა საერთოდ არ მისულა, მე მისი და ვარ", Intent.ATTENDED_NO),
        ("am", A, "ene ehitu negn, awo Tuesday hedalech, tiru new alech", Intent.ATTENDED_YES),
        ("am", F, "እሱ አልሄደም፣ ወንድሙ ነኝ", Intent.ATTENDED_NO),
        ("wo", F, "man yaayam la, moom demul benn yoon", Intent.ATTENDED_NO),
        # ... but answers nothing by itself;
        ("en", R, "i am his brother, how is the family", U),
        ("fr", R, "je suis son frère, la famille va bien", U),
        # "the first option", "the third option" with the borrowed word for an option.
        ("ps", A, "لومړی اپشن", Intent.ATTENDED_YES),
        ("sq", R, "opsioni i tretë", Intent.RESCHEDULE),
        # A blessing after the answer costs it nothing ("may God bless you all")...
        ("ar", R, "ايوه ان شاء الله جاي، ربنا يبارك فيكم ويكتر من امثالكم", Intent.CONFIRM),
        ("ti", R, "1 እዩ፣ ኣምላኽ ይሃብኩም፣ ንስድራ ሰላም በሉለይ", Intent.CONFIRM),
        # ... but "yes ok, God keep you 👍" stays the greeting its writer meant.
        ("ha", R, "eh to, Allah ya kiyaye 👍", U),
        # A digit 1 and a practical question after a comma: friends do not answer with a digit.
        ("en", R, "1, where is the bus stop near the office?", Intent.CONFIRM),
        ("en", R, "1, what time?", U),
        # "Unfortunately" beside an option softens it and costs nothing...
        ("fr", R, "deux malheureusement", Intent.DECLINE),
        ("ka", R, "ორი, სამწუხაროდ", Intent.DECLINE),
        ("ar", R, "اتنين للأسف", Intent.DECLINE),
        # ... and answers nothing by itself.
        ("es", R, "sí, qué pena lo del partido", U),
        # A number word right before an answer is its option, agreeing or not; before a week
        # it counts weeks.
        ("prs", R, "یک میایم", Intent.CONFIRM),
        ("fr", R, "trois svp pas dispo ce jour", Intent.RESCHEDULE),
        ("en", R, "two I will come", U),
        ("prs", F, "دو هفته پیش شروع کردم", Intent.ATTENDED_YES),
        # "Thanks for the reminder" before the answer, in every language.
        ("pt", R, "obrigado pelo lembrete, vou sim", Intent.CONFIRM),
        ("ar", R, "شكرا على التذكير، ان شاء الله جاي", Intent.CONFIRM),
        ("ka", R, "მადლობა შეხსენებისთვის, მოვალ", Intent.CONFIRM),
        ("am", R, "ስላስታወሳችሁኝ አመሰግናለሁ፣ እመጣለሁ", Intent.CONFIRM),
        ("sq", R, "faleminderit për kujtesën", U),
    ],
)
def test_twenty_ninth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Why one did not answer before (a phone off, no credit, a message not seen) is a story:
        # the answer after it stands, in every language...
        ("en", R, "sorry my phone was off, I didn't see your message. I will come", Intent.CONFIRM),
        (
            "fr",
            A,
            "j'avais pas de crédit, c pour ça j'ai pas répondu. oui je suis allé mardi",
            Intent.ATTENDED_YES,
        ),
        ("sq", A, "s'kisha kredi, s'i pashë mesazhet. po, shkova", Intent.ATTENDED_YES),
        ("ha", R, "wayata ta mutu, ban ga sakon ba. zan zo", Intent.CONFIRM),
        ("bn", A, "নেটওয়ার্ক ছিল না, মেসেজ পাইনি। হ্যাঁ গিয়েছিলাম", Intent.ATTENDED_YES),
        # ... and answers nothing by itself.
        ("en", R, "my phone was off", U),
        # News that the service was not cancelled agrees with "I started".
        ("es", F, "sí empecé, no lo cancelaron", Intent.ATTENDED_YES),
        ("ka", F, "კი, დავიწყე, არ გაუქმებულა", Intent.ATTENDED_YES),
        ("en", F, "not cancelled", U),
        # An option number, then a request not to forget something.
        ("en", R, "1, and don't forget to send me the address", Intent.CONFIRM),
        ("pcm", R, "1, abeg no forget to send the address", Intent.CONFIRM),
        ("en", R, "1, and don't forget to send the address?", U),
        # A day refused, then another day with a yes opening its clause; the weekdays as Dari
        # and Pashto speakers spell them in Latin letters.
        ("en", R, "monday no, yes tuesday", Intent.RESCHEDULE),
        ("sq", R, "të premten jo, po të shtunën", Intent.RESCHEDULE),
        ("ps", R, "doshanba na, chorshanba rasham", Intent.RESCHEDULE),
        ("prs", R, "panjshanba na, juma ha", Intent.RESCHEDULE),
        ("en", R, "monday no, yes I will come", U),
        # A semicolon ends a sentence before a practical question; beside the office, the
        # market is a landmark.
        ("am", R, "እመጣለሁ፤ ቢሮው የት ነው?", Intent.CONFIRM),
        ("en", R, "I will come; is the office near the market?", Intent.CONFIRM),
        ("en", R, "I will come. see you at the market?", U),
        # "I can't read" asks for help in every language, and is no refusal.
        ("fr", R, "je sais pas lire", Intent.HELP),
        ("pt", A, "não sei ler", Intent.HELP),
        ("ps", R, "لوستل نشم کولی", Intent.HELP),
        ("ka", F, "კითხვა არ ვიცი", Intent.HELP),
        ("wo", F, "dimbali ma, xamuma jàng bu baax", Intent.HELP),
        # "Option one", "I want two": the words that frame an option never swallow its number.
        ("sq", R, "opsioni një", Intent.CONFIRM),
        ("ka", R, "ორი მინდა", Intent.DECLINE),
        ("am", R, "ሁለተኛውን እመርጣለሁ", Intent.DECLINE),
        # "Not yet, maybe next week": the doubt is about when.
        ("fr", F, "pas encore, peut-être la semaine prochaine", Intent.ATTENDED_NO),
        ("en", A, "no, maybe next week", Intent.ATTENDED_NO),
        ("en", F, "not yet maybe", U),
        ("en", F, "not yet, I don't know when", U),
        ("en", F, "yes, maybe next week", U),
        # "I'll come, I'll be a bit late" confirms in every language; being late alone answers
        # nothing.
        ("fr", R, "je viens, je serai un peu en retard", Intent.CONFIRM),
        ("es", R, "sí voy, voy a llegar un poco tarde", Intent.CONFIRM),
        ("ar", R, "جاي، رح اتأخر شوي", Intent.CONFIRM),
        ("prs", R, "میایم، یک کم دیر میکنم", Intent.CONFIRM),
        ("bn", R, "আসবো, একটু দেরি হবে", Intent.CONFIRM),
        ("pcm", R, "I go late small", U),
    ],
)
def test_thirtieth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "What do I reply if I went but was late?": the "if" clause is the case asked about,
        # not an answer.
        ("fr", A, "je dois répondre quoi si je suis parti mais en retard ?", Intent.HELP),
        ("es", A, "que respondo si fui pero llegue tarde?", Intent.HELP),
        ("ha", A, "me zan amsa idan na je amma na makara?", Intent.HELP),
        ("en", R, "what do i reply if i can't come?", Intent.HELP),
        # An answer before the request is still an answer beside a request.
        ("en", R, "1, what do i reply if i can't come?", U),
        ("en", A, "yes i went, what do i reply?", U),
        # The case ends with its clause: what follows still answers.
        ("en", R, "what do I reply if I am late? I will not come", U),
        ("en", R, "I don't understand if it is tomorrow. I will not come", U),
        # Wolof "stop sending me" (bàyyi di ma yónnee) stops; "don't stop sending me" does not.
        ("wo", R, "Dama bëgg ngeen bàyyi di ma yónnee message", Intent.OPT_OUT),
        ("wo", R, "bul bàyyi di ma yónnee message yi", U),
        # A stop phrase that opens with a STOP said by mistake is said by mistake with it.
        ("bn", A, "ভুল করে বন্ধ লিখেছিলাম, আবার মেসেজ পাঠান", Intent.OPT_IN),
        # Beside a start, a word for confirming tells the enrolment confirmed.
        ("es", F, "la inscripción está confirmada y comenzó el lunes", Intent.ATTENDED_YES),
        (
            "en",
            F,
            "yes started monday, i had to cancel my shift at the car wash to attend",
            Intent.ATTENDED_YES,
        ),
        ("en", F, "I confirm", U),
        ("en", F, "confirmed, not started yet", U),
        # A weekday typed with a zero-width non-joiner ("سه‌شنبه") is the weekday.
        ("prs", R, "سه\u200cشنبه نی، چهارشنبه میتانم", Intent.RESCHEDULE),
        ("prs", R, "پنج\u200cشنبه میایم", Intent.CONFIRM),
        # "Nothing has started", "notin don start": not yet.
        ("pcm", F, "notin don start o", Intent.ATTENDED_NO),
        ("en", F, "nothing has started yet", Intent.ATTENDED_NO),
        # No electricity is why one did not reply.
        ("pcm", A, "sorry light no dey for two days. 1, I go", Intent.ATTENDED_YES),
        ("sq", R, "smun vij", Intent.DECLINE),
        # A new phone is why the messages are wanted again; "I can't read (it) well" in more
        # forms.
        ("en", F, "Pls send me the messages again, I have a new phone now", Intent.OPT_IN),
        ("es", None, "mándenme los mensajes otra vez, tengo celular nuevo", Intent.OPT_IN),
        ("sq", None, "Kam nevojë për ndihmë, nuk di me lexu mirë", Intent.HELP),
        ("bn", None, "আমার একটু সাহায্য দরকার, মেসেজটা পড়তে পারছি না", Intent.HELP),
        # A relative who says who writes; "sorry for the late reply" and why answer nothing, and
        # their words do not make a message too long to read.
        ("fr", A, "C'est sa maman qui écrit, il n'est jamais allé", Intent.ATTENDED_NO),
        ("bn", A, "আমি ওর মা বলছি। ছেলে অসুস্থ ছিল, তাই যেতে পারেনি।", Intent.ATTENDED_NO),
        (
            "en",
            R,
            "sorry for late reply my phone was spoil for 3 days. pls can we shift the "
            "appointment to next week, i am still in Kumasi with my mother",
            Intent.RESCHEDULE,
        ),
        ("fr", R, "excusez le retard, j'étais sans réseau. je confirme pour mardi", Intent.CONFIRM),
        ("es", R, "disculpen la demora, estuve sin celular. sí voy", Intent.CONFIRM),
        ("en", R, "sorry for the late reply", U),
        # A heading before a colon says who writes; a colon after a digit is a time.
        (
            "en",
            F,
            "Sunrise Clinic: the client registered but has not come to any session so far",
            Intent.ATTENDED_NO,
        ),
        (
            "es",
            F,
            "Hola, de la fundación: ya quedó inscrita y arrancó el día 4",
            Intent.ATTENDED_YES,
        ),
        ("en", R, "the weather today at the beach: sunny and great, yes", U),
        # "Who is this? I don't know this number" asks who writes.
        ("pcm", A, "who dis abeg? I no save this number", Intent.HELP),
        ("bn", None, "ke bolchen? number ta chini na", Intent.HELP),
        ("ps", None, "ته څوک یې؟ دا شمېره نه پېژنم", Intent.HELP),
        ("en", R, "who is this? no I will come", U),
        # "They told me to come back" in the subjunctive ("que volviera", "que voltasse").
        ("es", A, "fui pero me dijeron que volviera la proxima semana", A_YES),
        ("pt", F, "fui mas me disseram que voltasse na outra semana", Intent.ATTENDED_NO),
        # A negation, or a word for cancelling, does not reach into another clause: "don't
        # cancel the appointment, I'll come" was read as a decline. A "not" of going still tells
        # on ("I didn't go, I was ill").
        ("en", R, "don't cancel the appointment, I'll come", U),
        # A negation before a refusal is no confirmation, and a Bengali "not" after the verb
        # still refuses (a review of the round found both broken by a rule taken back).
        ("en", R, "ok thanks, not cant come", U),
        ("bn", R, "taka nai aste parbo na", Intent.DECLINE),
        ("sq", R, "po vij, mos e anuloni takimin", U),
        ("sq", A, "nuk shkova, isha i sëmurë", Intent.ATTENDED_NO),
        ("en", R, "I won't be able to come", Intent.DECLINE),
    ],
)
def test_thirty_first_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A negation of several words stands in one clause: the "ba" closing "ba zan zo ba,"
        # (I won't come) and the "zan" opening "zan toshe ku" (I will block you) are no "ba zan"
        # (I will not) negating the block. Found by the generated opt-out probe.
        ("ha", R, "ba zan zo ba, zan toshe ku", Intent.OPT_OUT),
        ("ha", R, "bazan zo ba, zan toshe lambar ku", Intent.OPT_OUT),
        ("ha", A, "ban je ba, zan toshe ku", Intent.OPT_OUT),
        ("ha", R, "ba, zan toshe ku", Intent.OPT_OUT),
        ("ha", R, "ba zan toshe ku ba", U),
        ("ha", R, "ba zan zo ba", Intent.DECLINE),
        # A partner's staff report: the formal opening ("we inform you that", "informamos que",
        # "نفيدكم بأن"), the word for the person ("the client", "a beneficiária", "المستفيدة"),
        # a title and the sign-off cost nothing; the statement in the third person answers.
        ("pt", F, "Vimos informar que a utente iniciou a formação de costura na segunda", A_YES),
        ("es", A, "Le informamos que la beneficiaria acudió a la cita del martes", A_YES),
        ("es", A, "el beneficiario no acudió a la cita", Intent.ATTENDED_NO),
        ("fr", A, "Nous vous informons que le bénéficiaire est venu au rendez-vous", A_YES),
        ("ar", F, "نفيدكم بأن المستفيدة لم تبدأ بعد", Intent.ATTENDED_NO),
        ("en", A, "We inform you that the client attended the appointment on Monday", A_YES),
        ("pt", A, "o beneficiário não compareceu à consulta", Intent.ATTENDED_NO),
        ("sq", F, "Ju njoftojmë se përfituesi filloi kursin të hënën", A_YES),
        ("fr", R, "la patiente ne viendra pas", Intent.DECLINE),
        ("es", R, "la beneficiaria no vendrá", Intent.DECLINE),
        ("es", R, "confirmamos que", U),
        ("en", R, "we confirm that", U),
        ("en", R, "we confirm that the client cannot come", Intent.DECLINE),
        # A doubt right before the day proposed doubts the day, not the request for another date.
        ("es", R, "¿Me podrían dar otra fecha, tal vez el jueves?", Intent.RESCHEDULE),
        ("en", R, "can we change the date, maybe Thursday?", Intent.RESCHEDULE),
        ("en", R, "maybe next week", U),
        ("en", R, "ok maybe thursday", U),
        ("en", R, "new date maybe", U),
        # "no" + a confirmation in Spanish and Portuguese negates the verb: listed as refusals.
        ("es", R, "no confirmo", Intent.DECLINE),
        ("pt", R, "não estou indo", Intent.DECLINE),
        ("pt", R, "ela não vai", Intent.DECLINE),
        ("es", R, "no no puedo", U),
        # Off one day's list and onto another: another date, not a stop.
        ("es", R, "sáquenme de la lista del lunes y pónganme el jueves", Intent.RESCHEDULE),
        ("fr", R, "enlevez-moi de la liste de lundi, mettez-moi jeudi", Intent.RESCHEDULE),
        ("en", R, "remove me from the monday list and put me on thursday", Intent.RESCHEDULE),
        ("en", F, "remove me from the monday list and put me on thursday", U),
        ("en", R, "unsubscribe me on monday please, I will be away until friday", Intent.OPT_OUT),
        ("en", R, "stop texting me on tuesday and friday", Intent.OPT_OUT),
        ("en", R, "remove me from the list, I will come friday", Intent.OPT_OUT),
        ("en", R, "remove me from the monday list and stop the messages on friday", Intent.OPT_OUT),
        # Found by a review of the round: a sign-off before thanks and a thumbs up answers
        # nothing; a staff report that the person wants no more messages stops them; "nobody
        # came" is no attendance; a Spanish "inicio" (I start) tells no start.
        ("es", R, "saludos cordiales, gracias, Dios le bendiga 👍", U),
        ("en", R, "with regards, God bless you 👍", U),
        ("ar", R, "مع التحية، شكرا الله يبارك فيكم 👍", U),
        ("es", R, "el paciente no quiere más mensajes", Intent.OPT_OUT),
        ("ar", R, "المستفيد لا يريد رسائل بعد الآن", Intent.OPT_OUT),
        ("ar", R, "هو ما بغاش الرسائل", Intent.OPT_OUT),
        ("es", A, "nadie asistió", Intent.ATTENDED_NO),
        ("pt", A, "ninguém compareceu", Intent.ATTENDED_NO),
        ("es", A, "inicio el lunes", U),
        ("en", F, "the client has started a new job today", U),
        ("pt", R, "vira a página", U),
        ("en", R, "thanks two but I will come", U),
        ("en", R, "another date please, instead of me on thursday my brother", U),
    ],
)
def test_thirty_second_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A verb of going or starting after two words that say who opens a clause of a story.
        (
            "ff",
            A,
            "Ko min woni yumma makko. Ɓiyam Mamadu yahaani fey, o woni ka Dakar",
            Intent.ATTENDED_NO,
        ),
        ("prs", A, "سلام، ای نمبر برادرم است. او اصلاً نرفت، در کار بند است", Intent.ATTENDED_NO),
        (
            "sq",
            F,
            "Përshëndetje nga zyra. Klientja jonë u regjistrua dhe e filloi trajnimin më 4 mars",
            Intent.ATTENDED_YES,
        ),
        # ... never beside a symbol, and never a "can't".
        ("es", A, "qué calor hoy, se fue la luz 😩", U),
        ("en", A, "arsenal lost again, i am done with this team 😤", U),
        ("ff", F, "Tiidno neldee mesaasji ɗii e Pulaar, Farayse mi waawaa tarde", U),
        # A refusal after the visit's "but" tells what the office said; being sent back.
        (
            "en",
            A,
            "I went on monday but they said the officer was not there, come back later",
            Intent.ATTENDED_YES,
        ),
        (
            "en",
            F,
            "I went on monday but they said the officer was not there, come back later",
            Intent.ATTENDED_NO,
        ),
        # ... but a no right after the "but" is the person's own.
        (
            "fr",
            A,
            "Je suis allé mais non, je ne suis pas entré, ils ont dit de revenir demain",
            U,
        ),
        ("fr", A, "Mon frère est allé mais moi non, ils ont dit de revenir demain", U),
        # Sent back from a country is no answer: words for being sent back are not listed.
        ("prs", F, "پارسال از ایران پس روانم کردن", U),
        ("fr", F, "Je suis parti en Libye mais ils m'ont renvoyé", U),
        ("en", A, "no, I went but they said come back next week", U),
        ("en", F, "no, I went but they said come back next week", Intent.ATTENDED_NO),
        ("pt", F, "Naum, fui lá mas mandaram voltar na outra semana", Intent.ATTENDED_NO),
        # The praise after a start may come before its "but".
        (
            "ha",
            F,
            "mun fara koyo ranar Litinin, malamin yana da kyau amma ajin ya cika",
            Intent.ATTENDED_YES,
        ),
        ("en", F, "I went on monday, but the class is full", U),
        # Another date asked for after an excuse.
        (
            "en",
            R,
            "Good evening. My mother is in hospital, please can you give me another date",
            Intent.RESCHEDULE,
        ),
        ("am", R, "ስልኬ ጠፍቶ ነበር፣ ሌላ ቀጠሮ ሊያሲዙልኝ ይችላሉ?", Intent.RESCHEDULE),
        (
            "prs",
            R,
            "aslamalekum, ma ta akhir e hafta dar Herat astum, lotfan yak waqt e digar bedin",
            Intent.RESCHEDULE,
        ),
        ("en", R, "can you come another day to the wedding?", U),
        ("en", R, "another date maybe?", U),
        # "Call me" beside "I don't understand" asks for help; alone it is a hedge.
        ("ha", F, "Ku kira ni, ban fahimci sakon ba", Intent.HELP),
        ("ff", F, "Noddee kam, mi faamaani ko ɗum woni", Intent.HELP),
        ("ha", F, "ku kira ni", U),
        ("ha", F, "har yanzu ina jiran su kira ni", Intent.ATTENDED_NO),
        # The clauses that greet and say who writes cost a story nothing.
        (
            "ar",
            F,
            "مرحبا، معكم منسقة جمعية النور. تم تسجيل المستفيدة في دورة الطبخ، وحضرت يومين حتى الآن",
            Intent.ATTENDED_YES,
        ),
        (
            "en",
            F,
            "Hello, this is Mary, the coordinator at the Bright Future association in Dakar. The"
            " client started the course on the 4th",
            Intent.ATTENDED_YES,
        ),
        # A smile with sweat stays laughter beside a confirmation.
        ("en", R, "ok I will come 😅", U),
        # News about someone else after a greeting is no answer.
        ("en", A, "Long time! Fatou went to Mecca", U),
        ("fr", A, "Bonne fête, Awa a commencé l'école", U),
        ("ar", A, "عيد مبارك، اخوي بدا الخدمة", U),
        # Only praise before the "but" says the class goes on.
        ("en", F, "I went on monday, ok but the class is full", U),
        # Times of the day that were missing: a proposal of the afternoon.
        ("ps", R, "sahar wakht ma ta na jorezhi, mazigar kedai shi?", Intent.RESCHEDULE),
        ("es", R, "¿Habrá chance de que sea en la tarde? En la mañana trabajo", Intent.RESCHEDULE),
        ("bn", R, "sokale kaj ache, bikel e asa jabe?", Intent.RESCHEDULE),
    ],
)
def test_thirty_third_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Without stopping" stops nothing; a bare stop word still does.
        ("fr", R, "Il pleut sans arrêt ici, ok bonne journée", U),
        ("pt", None, "chove sem parar aqui desde ontem", U),
        ("es", None, "llueve sin parar, ok buen día", U),
        ("fr", None, "arrêt", Intent.OPT_OUT),
        # A relative says who writes, then that the person did not go.
        ("fr", A, "Je suis sa maman. Il n'est pas allé, il était malade", Intent.ATTENDED_NO),
        ("ar", A, "هو مراحش، كان مريض", Intent.ATTENDED_NO),
        ("bn", A, "উনি যাননি", Intent.ATTENDED_NO),
        # A partner's report: enrolment confirmed, started.
        (
            "fr",
            F,
            "Ici le centre Espoir: l'inscription est confirmée, elle a démarré lundi",
            Intent.ATTENDED_YES,
        ),
        ("fr", F, "la voiture a démarré", U),
        # The office's reason after being sent back is no doubt of the visit.
        (
            "es",
            A,
            "Fui pero me dijeron que regrese el lunes porque no estaba el encargado",
            Intent.ATTENDED_YES,
        ),
        (
            "es",
            F,
            "Fui pero me dijeron que regrese el lunes porque no estaba el encargado",
            Intent.ATTENDED_NO,
        ),
        # Another date asked for, an excuse after it; an event in the excuse before it.
        ("ff", R, "Tiidno yiylee kam ñalnde goo, mi woni e golle", Intent.RESCHEDULE),
        ("en", R, "please give me another day, I'm at work all week", Intent.RESCHEDULE),
        (
            "ha",
            R,
            "Ina jana'iza a kauye, don Allah mako mai zuwa zai yiwu?",
            Intent.RESCHEDULE,
        ),
        ("en", R, "please give me another day, I'll come to the wedding", U),
        # Pidgin "anoda day"; "dem say make I come" is being sent back.
        ("pcm", R, "Anoda day dey possible?", Intent.RESCHEDULE),
        ("pcm", F, "Not yet, dem say make I come next month", Intent.ATTENDED_NO),
        ("pcm", R, "abeg make i come next tomorrow", Intent.RESCHEDULE),
        # "A few days" is no question; "or Saturday" is no refusal.
        # "A few days" may be "after a few days": a later date, no confirmation.
        ("prs", R, "بلی، بعد از چند روز", U),
        ("ps", R, "هو، څو ورځې وروسته", U),
        ("ar", R, "الصباح ما نقدرش بصح العشية نقدر، ولا نهار الاحد", Intent.RESCHEDULE),
        # A STOP typed by someone else, told in a message that START opens, asks for the
        # messages again; any other word of section `opt_in` does not, nor a refusal.
        ("en", F, "START again please, my son pressed stop on my phone", Intent.OPT_IN),
        ("pcm", None, "START again, na my pikin press stop", Intent.OPT_IN),
        ("en", F, "my son pressed stop, stop it all", Intent.OPT_OUT),
        ("en", F, "I pressed stop, why do you still send? START what", Intent.OPT_OUT),
        ("en", F, "I texted STOP 3 times and you continue", Intent.OPT_OUT),
        ("en", F, "Please continue without me, I pressed stop", Intent.OPT_OUT),
        ("fr", F, "j'avais écrit STOP, vous continuez quand même", Intent.OPT_OUT),
        # Regret is no mistake word: the person may regret signing up.
        ("es", R, "STOP me arrepentí de registrarme", Intent.OPT_OUT),
        # Two asks for help carry who writes and why.
        (
            "en",
            A,
            "I need help, my mother cant read well so I am writing for her. what is this about",
            Intent.HELP,
        ),
        ("ar", A, "3afak 3aweni ana ma kan3refch nqra mzyan, ash njaweb?", Intent.HELP),
        ("en", A, "1, I need help, I don't understand", U),
        ("en", A, "yes I went, I need help, I don't understand", U),
        # The messages again asked for in a clause of its own, with the excuse around it.
        (
            "sq",
            A,
            "sapo e ndeza telefonin pas nje jave. dua te me dergoni perseri mesazhet",
            Intent.OPT_IN,
        ),
        ("en", R, "1. please send the messages again, my phone was broken for a week", U),
        # Another date asked for after an excuse of more than 25 words.
        (
            "en",
            R,
            "sorry my phone was off for 3 days and I only saw this now because I was at my"
            " sisters place in the village, can we do it next week some other day? afternoon"
            " is better",
            Intent.RESCHEDULE,
        ),
        # "Porque" stays a question word: "ok porque" asks why.
        ("es", R, "ok porque", U),
        ("es", R, "¿porque me mandan los mensajes otra vez?", U),
        # Days and forms that were missing.
        ("pt", R, "segunda n da, mas terça eu consigo", Intent.RESCHEDULE),
        ("ar", R, "yom el talat mesh ha2dar bas el arba3 mumkin?", Intent.RESCHEDULE),
        ("ff", R, "aljuma alaa kono sibiti eey", Intent.RESCHEDULE),
        ("ti", R, "bhamus kmetse ykeal do?", Intent.RESCHEDULE),
        ("prs", A, "bale nareftum", U),
        ("wo", A, "sama doom musul dem fa", Intent.ATTENDED_NO),
        ("pt", F, "num comecei não", Intent.ATTENDED_NO),
        # "I don't know how" is an ask for help beside a help word; "can't read" in the third
        # person.
        ("es", A, "me lo pasó mi sobrino, necesito ayuda, no sé cómo usar esto", Intent.HELP),
        # ... and a clause told after the asks is for a caseworker too: since the fifty-seventh
        # round the help answer goes and a caseworker reads the story
        # (`test_help_beside_a_story_also_goes_to_a_caseworker`).
        (
            "en",
            R,
            "i dont understand, help. this number belongs to my late husband, he died in march",
            Intent.HELP,
        ),
        # Taken back after the request; other senses of the words added.
        ("en", R, "can you give me another date? no wait, I will not need it, I found a job", U),
        ("fr", F, "oui il a démarré la voiture, il arrive", U),
        ("fr", A, "je suis sa maman. il est parti au travail", U),
        ("pcm", R, "ok I don confirm am oda day", U),
        ("ar", R, "mumkin arba3 nas yjiw m3aya?", U),
        ("sq", R, "Kam nevoj per ndihme, s'di si me e ba", Intent.HELP),
        ("ha", F, "Ni ne dan uwansa, baya iya karatu. Me ya kamata mu rubuta?", Intent.HELP),
        ("ti", A, "ኣነ ኣዲኡ እየ፣ ንባብ ኣይክእልን፣ ሓግዙኒ", Intent.HELP),
        ("es", A, "sí fui, necesito ayuda, no sé cómo", U),
        # Another day asked for in Pidgin and Dari; a partner's report in Dari.
        ("pcm", R, "any oda day dey? dat day I go dey for work", Intent.RESCHEDULE),
        ("prs", R, "roz-e digah imkan dara? in hafta mariz astum", Intent.RESCHEDULE),
        ("prs", F, "ثبت نام شان تایید شد، از تاریخ ۴ شروع کدن", Intent.ATTENDED_YES),
        ("ti", R, "selus ayfal, rebu gn ewe", Intent.RESCHEDULE),
    ],
)
def test_thirty_fourth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A relative who says who writes and answers with a bare yes, no or ok says the number
        # is right, not that the returnee will come or went (section `proxy`).
        ("en", R, "yes, I am his brother", U),
        ("en", R, "yes this is his mother", U),
        ("en", A, "ok I'm her husband", U),
        ("fr", R, "oui je suis son frère", U),
        ("fr", R, "non c'est sa mère", U),
        ("es", R, "sí, soy su hermano", U),
        ("pt", R, "sim, sou a mãe dele", U),
        ("ar", R, "نعم أنا أخوه", U),
        ("sq", R, "po, jam vëllai i tij", U),
        # An option number, or a statement of coming or going, still answers.
        ("en", R, "1, I am his brother", Intent.CONFIRM),
        ("en", R, "yes I'm his brother, he will come", Intent.CONFIRM),
        ("fr", A, "oui c'est sa sœur qui écrit, il est allé lundi", Intent.ATTENDED_YES),
        # From the fifty-seventh set's development part, with near-misses beside them.
        ("es", R, "me equivoque y puse STOP, mandenme otra vez los mensajes x fa", Intent.OPT_IN),
        ("es", F, "mandé baja por error, perdón", Intent.OPT_IN),
        ("ps", R, "na, za nasham ratlay aw da msg bandy kry", Intent.OPT_OUT),
        ("ps", F, "zang raka, hech na pohegam", Intent.HELP),
        ("ps", F, "zang raka", U),
        ("ha", R, "eh idan zai yiwu", U),
        ("es", R, "si, me podrian decir donde es?", U),
        ("fr", R, "mardi c chaud pour moi mais le mercredi ça ira", Intent.RESCHEDULE),
        ("ff", F, "momtu kam", Intent.OPT_OUT),
        ("en", None, "stop, my son was playing with the phone", Intent.OPT_OUT),
        # After a review of the round: a mistake about the programme, a STOP told as past with a
        # complaint after it, an accident story beside an option, a condition, a duration, and a
        # relative's no that asks no stop.
        ("es", R, "STOP, me equivoqué al inscribirme", Intent.OPT_OUT),
        ("am", R, "STOP beshitet temezgebku", Intent.OPT_OUT),
        (
            "pcm",
            R,
            "dat time I send STOP, una still dey send message. I want make una respect am",
            Intent.OPT_OUT,
        ),
        ("prs", F, "chand hafta pesh stop gofte budom, dobara mesij bdin nagoftom", Intent.OPT_OUT),
        ("wo", F, "ba tey maa ngi jotaat xibaar yi", U),
        ("wo", F, "bayi leen xibaar yi", Intent.OPT_OUT),
        ("en", R, "1 sorry my son was playing with the phone", U),
        ("ar", R, "ila kmlt lwra9 ghadi nji", U),
        ("bn", R, "ha 2 soptaho por ashbo", U),
        ("fr", R, "non je suis sa mère, il n'habite plus ici", U),
        ("es", F, "no, soy su mamá, él ya no vive aquí", U),
        ("es", F, "no, soy su mamá, ya no le manden mensajes", Intent.OPT_OUT),
        # A word for a mistake beside a bare answer: the answer may be what was sent by mistake.
        ("en", R, "1 by mistake", U),
        ("fr", R, "1 par erreur", U),
        ("en", A, "yes sorry my son was playing with the phone", U),
        (
            "en",
            None,
            "hi, i sent stop by mistake my son was playing with the phone. pls send the "
            "reminders again",
            Intent.OPT_IN,
        ),
        # The messages received again are news or a complaint, not a request.
        ("en", F, "I received the messages again", U),
        ("wo", F, "jotaat naa message yi", U),
        ("wo", F, "ba tey maa ngi jotaat message yi", U),
        ("wo", F, "bëgg naa jotaat message yi", Intent.OPT_IN),
        ("en", F, "please I want to receive the messages again", Intent.OPT_IN),
    ],
)
def test_thirty_fifth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A STOP told as past, then words that say the messages go on: a complaint, which
        # stops them (section `still`), in every language.
        ("en", None, "I told you stop before and you keep sending", OUT),
        ("en", None, "I said STOP last time and you keep sending me the reminders", OUT),
        ("fr", None, "j'avais dit stop avant et vous continuez à m'envoyer", OUT),
        ("es", None, "la otra vez puse STOP y me siguen mandando los mensajes", OUT),
        ("pt", None, "tinha mandado STOP antes e vocês continuam mandando as mensagens", OUT),
        ("ar", None, "قلت STOP قبل ومازلتم ترسلون الرسائل", OUT),
        ("pcm", None, "last time I send stop, una still dey send message", OUT),
        ("ha", None, "na tura STOP a baya amma har yanzu kuna turo sako", OUT),
        ("am", None, "በፊት STOP ልኬ ነበር አሁንም መልእክት ትልካላችሁ", OUT),
        ("ti", None, "ቅድሚ ሕጂ STOP ሰዲደ ሕጂ'ውን መልእኽቲ ትሰዱ ኣለኹም", OUT),
        ("prs", None, "قبلاً STOP فرستادم هنوز پیام میفرستین", OUT),
        ("ps", None, "مخکې مې STOP لیږلی و لا هم پیغامونه راځي", OUT),
        ("ka", None, "ადრე STOP მივწერე და ჯერ კიდევ მიგზავნით შეტყობინებებს", OUT),
        ("sq", None, "kam shkruar STOP më parë dhe akoma më dërgoni mesazhe", OUT),
        ("bn", None, "age STOP likhechilam ekhono message pathachhen", OUT),
        ("wo", None, "bind naa STOP ba jëkk te ba leegi ngeen ngi di yónnee message yi", OUT),
        ("ff", None, "mi winndi STOP ko adii, haa jooni on njokki e mesaasji", OUT),
        # ... and so do words for receiving that are part of them.
        (
            "en",
            None,
            "I replied STOP the other day and I still receive the messages every day",
            OUT,
        ),
        ("fr", None, "javais fait stop avant mais je continue de recevoir les messages", OUT),
        ("sq", None, "Kam dërgu STOP më parë por ende marr mesazhet tuaja", OUT),
        # ... unless a wish or a request that is no part of them follows the STOP: "still want"
        # asks for the messages, and so does a START after a bare "still".
        (
            "en",
            None,
            "I sent stop before, you still haven't put me back. start again pls",
            Intent.OPT_IN,
        ),
        ("ka", None, "adre stop gavgzavne, jer kidev programashi var, START", Intent.OPT_IN),
        ("sq", None, "kam shkru stop me pare, jam ende ne program, START", Intent.OPT_IN),
        (
            "en",
            None,
            "I sent STOP last time, but I still want the messages, send them again",
            Intent.OPT_IN,
        ),
        (
            "fr",
            None,
            "j'avais envoyé STOP mais je veux toujours recevoir les messages",
            Intent.OPT_IN,
        ),
        ("en", None, "I had said stop, now I want the messages again", Intent.OPT_IN),
        # "j'ai reçu" is news that a message arrived ("j'ai reçu les messages encore" asks for
        # nothing), and it still lets an answer stand.
        ("fr", F, "j'ai reçu les messages encore", U),
        ("fr", R, "j'ai reçu le message, je viendrai", Intent.CONFIRM),
        ("fr", R, "ok j'ai reçu", U),
        # START as the message's first clause asks for the messages, whatever the clauses after
        # it tell; not beside a refusal or a question.
        ("en", F, "START again. I'm back home and I have my phone now", Intent.OPT_IN),
        ("fr", A, "START. je suis rentré au pays, renvoyez les rappels", Intent.OPT_IN),
        ("sq", A, "START prape. Tani jam kthy n shpi edhe e kam prap numrin", Intent.OPT_IN),
        ("en", F, "START. no I did not go", U),
        ("en", F, "START. I don't want them", U),
        ("en", F, "start, why?", U),
        # ... and an answer beside it is not guessed; a START with a day tells when.
        ("en", A, "START. I went yesterday", U),
        ("pt", A, "START. nao fui", U),
        ("wo", A, "START. demuma", U),
        ("en", R, "START. 1", U),
        ("en", F, "Start monday. thank you", U),
        # A wish for the messages again, told in full, carries its story.
        (
            "wo",
            F,
            "maa ngi delsi ndakaaru, bëgg naa ngeen delloo may yonnee rappel yi",
            Intent.OPT_IN,
        ),
        (
            "en",
            F,
            "I'm back from Italy since last month, I want you to send me the reminders again on "
            "my new phone",
            Intent.OPT_IN,
        ),
        ("en", F, "I came back last month, yes I want you to send me the reminders again", U),
        # To "did you go?", a later date after "I went" is what the visit gave.
        ("wo", A, "Dem naa waaye ñu ne ma ma délsi ayubés bi ci kanam", A_YES),
        ("pt", A, "fui sim, a doutora pediu exames pra próxima semana", A_YES),
        ("pt", F, "fui sim, a doutora pediu exames pra próxima semana", U),
        ("en", A, "next week I went", U),
        ("am", A, "ሄድኩ ግን በሚቀጥለው ሳምንት ና አሉኝ", A_YES),
        # ... but not when someone else went, or someone will go.
        ("en", A, "my brother went yesterday, I will go next week", U),
        ("en", A, "my brother went but I will go next week", U),
        ("en", A, "the others went, I'm going next week", U),
        ("en", A, "she went, me next week", U),
        ("bn", A, "আমার ভাই গতকাল গেছে, আমি আগামী সপ্তাহে যাব", U),
        # "Call me" beside a request for help; help phrases that were missing.
        ("pt", F, "me liga por favor, n percebi a mensagem", Intent.HELP),
        ("wo", F, "woo ma, dégguma li ngeen bind", Intent.HELP),
        ("wo", F, "Maa ngi xaar ba tey ñu woo ma", Intent.ATTENDED_NO),
        ("ka", F, "ver vxvdebi ra unda gavaketo", Intent.HELP),
        ("bn", R, "বুঝলাম না, কি লিখতে হবে?", Intent.HELP),
        # A STOP asked pardon for, or told as past, then a wish for the messages.
        ("ar", None, "bghit nrje3 ntwasel b les rappels, sme7li 3la stop li sifat", Intent.OPT_IN),
        ("ps", None, "ma wayali wo chi message ma legai, kho os ye bya ghwaram", Intent.OPT_IN),
        (
            "ka",
            None,
            "adre gitxarit ar momwerot, magram azri shevicvale. isev momwerot gtxovt",
            Intent.OPT_IN,
        ),
        ("sq", None, "E shtyp STOP gabimisht, dua qe te vazhdoni me m shkru", Intent.OPT_IN),
        ("sq", None, "nuk dua qe te vazhdoni me dergu sms", OUT),
        ("sq", None, "s'dua qe te vazhdoni me dergu sms", OUT),
        # "I don't recognise this number" asks who writes, like Portuguese "não conheço este
        # número"; it is no refusal, and the likeness does not stop the messages.
        ("es", R, "no reconozco este numero", Intent.HELP),
        ("es", F, "perdón, quién habla? no reconozco a esa organización", Intent.HELP),
        ("ff", A, "eey mi yehii loppitaal hanki", A_YES),
        # A wish for the messages again beside an answer is a request beside it, not guessed.
        ("en", R, "yes I want the reminders again, I will come", U),
        ("bn", None, "আর ফোন করবেন না", OUT),
        ("ps", F, "la ham me nade shuru kari", Intent.ATTENDED_NO),
        # A request for another date after an excuse that holds a doubt or a question word.
        (
            "fr",
            R,
            "ma femme doit accoucher normalement cette semaine là. On peut décaler à la semaine "
            "d'après svp?",
            Intent.RESCHEDULE,
        ),
        ("ar", R, "wach ymken nji chi nhar akhor f simana jaya? smahli", Intent.RESCHEDULE),
        (
            "ar",
            R,
            "tilifoun tafi 3 iyam, wach mumkin nbeddel lmaw3id l simana jaya?",
            Intent.RESCHEDULE,
        ),
    ],
)
def test_thirty_sixth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


def test_a_visit_elsewhere_before_a_visit_next_week_is_no_yes() -> None:
    """ "je suis parti au village, j'irai au centre la semaine prochaine": the rules leave it
    unclear ("je suis parti" may be "I went"); the learned reader of "not yet"s (rule 7c) may
    read the visit promised for next week as one, never as a visit made."""
    text = "je suis parti au village, j'irai au centre la semaine prochaine"
    by_rules = understand_reply(text, "fr", likeness=NO_LIKENESS).explain(A)
    assert by_rules.intent is U
    assert classify_reply(text, "fr", A) in (U, Intent.ATTENDED_NO)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A STOP told as past stays a stop when a question word follows it, with or without
        # the mark; and a STOP typed by someone else is no request for the messages by itself
        # (a review found "I pressed STOP because I want peace from your messages").
        ("en", None, "I had said stop earlier please, why send messages again", OUT),
        ("en", None, "I pressed STOP because I want a break from your messages", OUT),
        ("en", None, "I typed STOP, I want the address again", OUT),
        ("en", None, "I text STOP. Sir, you text me again", OUT),
        ("en", None, "I said stop before sir, and again messages today", OUT),
        ("fr", None, "j'ai tapé STOP car je veux la paix avec vos messages", OUT),
        ("wo", None, "bind naa STOP ndax bëgg naa noflaay ci message yi", OUT),
        ("ka", None, "გზავნა შეწყვიტეთ, მადლობა, ისევ გამომიგზავნეთ შეტყობინება", OUT),
        ("bn", None, "age stop likhechilam bhai, abar message dilen", OUT),
        ("en", None, "stop you sent me this by mistake", OUT),
        ("en", None, "I already sent stop, please stop", OUT),
        # ... but other question words and doubts are no complaint.
        ("en", None, "I sent stop before, I want the messages again if you can", Intent.OPT_IN),
        # The second review's probes: words added in the round that misled, now guarded.
        ("sq", R, "Ehe mire, s'kam nevoje me", U),
        ("wo", None, "béguma ngeen di ma fattaliwat", OUT),
        ("wo", None, "bul ma fattaliwat", OUT),
        ("pt", F, "Nunka n kumesa", Intent.ATTENDED_NO),
        ("es", R, "1 hasta el lunes", Intent.CONFIRM),
        # ... and dangerous readings it found that were older than the round.
        ("ps", R, "bala hafta rasham", Intent.RESCHEDULE),
        ("am", None, "በቃ ስልኬን ተዉት", OUT),
        # A day refused ("not next week, not another day") is no day asked about, nor is a day
        # before which the question comes.
        (
            "pt",
            R,
            "Desculpa não vou, nem na semana que vem nem outro dia. Já não me interessa, quantas "
            "vezes tenho que dizer? Obrigado",
            U,
        ),
        (
            "es",
            R,
            "Perdón no voy a ir, ni la próxima semana ni otro día. Ya no me interesa, ¿cuántas "
            "veces se los tengo que decir?",
            U,
        ),
        ("en", R, "I can't come that day, not next week but the week after?", Intent.RESCHEDULE),
        ("en", R, "not this week, the next one?", Intent.RESCHEDULE),
        # A long refusal that names a day and asks something else proposes nothing, nor a long
        # confirmation with a question (a reading of long proposals was tried and taken back).
        (
            "en",
            R,
            "I can't come, I am no longer in the city, I moved to my village on the 12th with all "
            "my family because of money problems. Who gave you my number? What is this about?",
            U,
        ),
        (
            "fr",
            R,
            "Oui je viendrai mardi mais je n'ai pas encore reçu la lettre que vous avez envoyée "
            "le 2, est-ce que je peux venir avec ma carte d'identité à la place ? merci beaucoup",
            U,
        ),
        ("en", R, "2 many messages 4 me", U),
        ("am", R, "ትንሽ አረፍዳለሁ፣ በሰዓቱ አልደርስም", U),
        # Spanish and Portuguese "porque" is "because": no question word in an excuse.
        (
            "es",
            R,
            "Disculpe recien veo el mensaje, tuve el telefono apagado una semana porque se me "
            "mojo. Hay posibilidad de otra fecha para la cita? por la tarde mejor porque en la "
            "mañana trabajo en la obra",
            Intent.RESCHEDULE,
        ),
        ("es", F, "Dejé de trabajar en la obra porque ya empecé el curso, gracias a Dios", A_YES),
        # Fula "fof" (all) is no word for one's number: roads full of water stop nothing.
        ("ff", None, "toɓo mawɗo wadii hanki, laabi fof heewi ndiyam 😅", U),
        ("ff", A, "mi yahii ton, kono ɓe mbii kam mi artoo altine", A_YES),
        ("ff", A, "Aamadu yahaali ton, o ñawii", Intent.ATTENDED_NO),
        ("en", R, "cn we make it 2pm pls, 10am too early 4 me", Intent.RESCHEDULE),
        ("es", A, "¿De parte de quién?", Intent.HELP),
        ("wo", R, "niette", Intent.RESCHEDULE),
        ("pcm", F, "numba wan", A_YES),
        # The sixtieth set's gaps.
        ("ar", A, "روحت وقابلت الأستاذة وقالتلي ارجع الأسبوع الجاي", A_YES),
        ("pt", F, "N kumesa dja kursu na sigunda", A_YES),
        ("wo", R, "talaata manouma waye alarba man na niew", Intent.RESCHEDULE),
        ("ff", A, "Noddee lam, mi faamaani ɗum fof", Intent.HELP),
        ("pcm", F, "Not yet o, na next week dem say make I start", Intent.ATTENDED_NO),
        ("ti", None, "teta'ise, mel'ekti kmets'ani delye", Intent.OPT_IN),
    ],
)
def test_thirty_seventh_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A stop word typed by someone else, then a request for the messages again (rule 5).
        ("en", F, "START again pls my brother sent stop from my phone", Intent.OPT_IN),
        ("en", None, "my brother sent stop from my phone, START", Intent.OPT_IN),
        ("wo", F, "Sama rakk moo bind STOP ci sama telefon, du man. START", Intent.OPT_IN),
        (
            "ar",
            A,
            "أنا أم يوسف، ابني بعت ستوب وهو مش فاهم. رجعوله الرسايل لو سمحتوا",
            Intent.OPT_IN,
        ),
        # ... but not a wish alone, a refusal, a question or a complaint after it.
        ("en", None, "my wife typed STOP, she wants a break from your messages", Intent.OPT_OUT),
        ("en", None, "my son sent STOP, we don't want the messages again", Intent.OPT_OUT),
        ("en", None, "my brother sent STOP, why do you send again", Intent.OPT_OUT),
        ("en", None, "my husband sent stop, please don't send again", Intent.OPT_OUT),
        ("en", None, "my son sent STOP and you sent them again", Intent.OPT_OUT),
        ("en", None, "my son sent STOP, can you send them again?", Intent.OPT_OUT),
        (
            "en",
            None,
            "I want the messages again. my son sent stop, he does not want them",
            Intent.OPT_OUT,
        ),
        ("en", None, "my son sent STOP", Intent.OPT_OUT),
        ("en", None, "my kids sent stop, please add me again", Intent.OPT_IN),
        # Without "please", "again" beside a word for sending may tell what happened: a second
        # review found "Again you are sending" read as a request. A stop, the safe side.
        ("ti", None, "gualey STOP sedida, degimkum sdedulay", Intent.OPT_OUT),
        # ... and a third review, "please" beside "again" and a word for sending ("Please
        # explain how you are sending again"): only an opt-in phrase or "add me" asks.
        ("ti", F, "hawey eyu STOP zsedede, bjakum msg degimkum sdedulu", Intent.OPT_OUT),
        (
            "en",
            None,
            "My husband sent STOP last month. Please explain how you are sending again",
            Intent.OPT_OUT,
        ),
        ("en", None, "My husband sent STOP. Start respecting it", Intent.OPT_OUT),
        (
            "ka",
            None,
            "chemma shvilma STOP mogwerat, gtxovt dghes isev gamomigzavnet",
            Intent.OPT_OUT,
        ),
        ("prs", A, "bachem stop ra zada bud, lotfan mara dobara shamil kunin", Intent.OPT_IN),
        ("ar", None, "هو لا يقرأ رسائلكم أصلاً، أوقفوها", Intent.OPT_OUT),
        ("ar", None, "ابوي ما يعرف يقرا، ما يبغى رسائل", Intent.OPT_OUT),
        ("es", None, "Mi hijo no sabe leer bien, por favor borren su número", Intent.OPT_OUT),
        ("es", R, "no confirmo la cita", Intent.DECLINE),
        (
            "en",
            None,
            "My grandfather cannot read so there is no point in texting him",
            Intent.OPT_OUT,
        ),
        ("en", None, "there is no point in texting me the address, just call me", U),
        ("en", None, "My wife sent STOP weeks ago. Again you are sending.", Intent.OPT_OUT),
        ("en", None, "My daughter sent STOP for me. I receive the messages again.", Intent.OPT_OUT),
        (
            "en",
            None,
            "My husband said STOP. Kindly note it, the messages came back again and he is angry.",
            Intent.OPT_OUT,
        ),
        ("en", None, "My daughter sent STOP. Nobody here typed START.", Intent.OPT_OUT),
        ("pcm", None, "My husband send STOP. Una don put me for list again", Intent.OPT_OUT),
        ("ar", None, "ابوي ما بدو الرسائل، لا ترجعوله ياها", Intent.OPT_OUT),
        ("wo", R, "du mena niew", U),
        (
            "en",
            None,
            "It was my husband who sent STOP, not me. Please send me the messages again",
            Intent.OPT_IN,
        ),
        # A review found complaints, threats and thanks read as requests by a first form of
        # the rule: a request must be plain, and no question, exclamation, "why" or "if" be near.
        ("en", None, "My son sent STOP. And you send again!!", Intent.OPT_OUT),
        ("en", None, "my son sent STOP. Today you sent the messages again.", Intent.OPT_OUT),
        ("en", None, "Why are you sending messages again? My son sent STOP", Intent.OPT_OUT),
        ("en", None, "Again you send messages! My brother already sent STOP", Intent.OPT_OUT),
        (
            "en",
            None,
            "The children sent STOP for their grandmother. Thank you again for the reminders",
            Intent.OPT_OUT,
        ),
        (
            "en",
            None,
            "My mother sent STOP for me. Send again and I will report you",
            Intent.OPT_OUT,
        ),
        (
            "en",
            None,
            "Someone please STOP these messages. You send them again and again every day",
            Intent.OPT_OUT,
        ),
        (
            "en",
            None,
            "my husband wrote unsubscribe. you sent the reminders again today",
            Intent.OPT_OUT,
        ),
        ("ti", None, "ደቀይ STOP ሰዲዶም። ሎሚ ደጊምኩም ሰዲድኩም", Intent.OPT_OUT),
        ("en", None, "My son sent STOP and you send again", Intent.OPT_OUT),
        ("sq", None, "Nuk dua t'i aktivizoni përsëri", U),
        # Wolof "nguen" (ngeen, you) is no "n" (no).
        ("wo", R, "mangui beugue nguen yonnéwatt ma messages yi", Intent.OPT_IN),
        # Words that say who before a statement opening the first clause.
        ("ha", A, "Yayana bai je ba, motarsu ta lalace a hanya", Intent.ATTENDED_NO),
        # "X no, but Y yes": a day proposed against another.
        ("pt", R, "Segunda não dá, mas quarta de manhã consigo", Intent.RESCHEDULE),
        ("ff", R, "Aljuma alaa, kono asamdi eey", Intent.RESCHEDULE),
        # Arabic "بقدر" (I can) is also "may I": no confirmation ("بقدر اعرف مين معي؟").
        ("ar", R, "بقدر اعرف مين معي؟", Intent.HELP),
        # "Did not go", then "went" somewhere else: a "did not go".
        ("bn", A, "আমি ওর মা বলছি। ও যায় নাই, ঢাকায় কাজে চলে গেছে", Intent.ATTENDED_NO),
        ("ps", A, "زوی مې نه دی تللی، کلي ته تللی و", Intent.ATTENDED_NO),
        ("en", A, "I didn't go on Monday, I went on Tuesday", U),
        ("en", A, "I did not go to the market, I went to see the counsellor", U),
    ],
)
def test_thirty_eighth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Sending told as done or going on (section `still`) asks for nothing.
        ("en", None, "Today you sent the messages again.", U),
        ("en", None, "you keep sending the messages again", U),
        ("fr", None, "vous m'avez encore envoyé les messages", U),
        ("es", None, "siguen mandando los mensajes otra vez", U),
        ("ha", None, "kun sake turo sakon", U),
        ("am", None, "እንደገና ላካችሁልኝ መልእክት", U),
        ("bn", None, "আবার মেসেজ পাঠিয়েছেন", U),
        ("prs", None, "دوباره پیام فرستادید", U),
        # ... and thanks said again is no "again".
        ("en", None, "Thank you again for the reminders", U),
        # The same words as a request: imperative forms, "please", a wish.
        ("en", None, "Send me the messages again", Intent.OPT_IN),
        ("ha", None, "ku sake turo min sakon", Intent.OPT_IN),
        ("am", None, "እንደገና መልእክት ላኩልኝ", Intent.OPT_IN),
        ("bn", None, "আবার মেসেজ পাঠান", Intent.OPT_IN),
        ("prs", None, "دوباره پیام بفرستید", Intent.OPT_IN),
        ("sq", None, "prapë më dërgoni mesazhet ju lutem", Intent.OPT_IN),
        ("pcm", None, "make una dey send me the message again", Intent.OPT_IN),
        # ... and a "can you", an opt-in phrase, or the sending negated.
        ("en", None, "Can you keep sending me the reminders?", Intent.OPT_IN),
        ("pcm", None, "make una keep sending the reminder", Intent.OPT_IN),
        ("sq", None, "vazhdoni të më dërgoni mesazhet", Intent.OPT_IN),
        ("sq", None, "Sot më keni dërguar prapë mesazhin", U),
        # ... or a word for sending opening or closing a clause of its own.
        (
            "es",
            None,
            "Me mandaron el recordatorio pero lo borré, mándenmelo otra vez",
            Intent.OPT_IN,
        ),
        ("ar", None, "ما وصلتني الرسالة، ابعتوها مرة ثانية", Intent.OPT_IN),
        ("en", None, "you sent me the message again, you send every day", U),
        # After a STOP told as past, sending told as done complains ("volví a recibir").
        ("pt", None, "mandei stop antes e voltei a receber os lembretes", Intent.OPT_OUT),
        # A wish to remove the messages asks for no messages: never an opt-in. Since the
        # forty-fifth round a rule reads it as a stop (`wished_removed`), not the likeness, whose
        # reading moved when it was learned again: "bghit nelghi les messages" (I want to cancel
        # the messages) stops too.
        ("en", None, "I want to remove the messages", Intent.OPT_OUT),
        ("ar", None, "bghit nelghi les messages", Intent.OPT_OUT),
        # Sending told as done does not keep a STOP typed by someone else from being taken back.
        (
            "en",
            None,
            "My son sent STOP and you sent me a confirmation, please put me back on the list",
            Intent.OPT_IN,
        ),
        # A STOP said by mistake with the act of typing it (pt, es); after a STOP, a mistake
        # about something else keeps the stop.
        ("pt", R, "Enganei-me quando mandei parar, podem continuar a enviar", Intent.OPT_IN),
        ("es", R, "me equivoqué al poner STOP, actívenme otra vez porfa", Intent.OPT_IN),
        ("es", R, "STOP, me equivoqué al inscribirme", Intent.OPT_OUT),
        ("es", None, "STOP. Me equivoqué al poner mi número en el registro", Intent.OPT_OUT),
        ("pt", None, "Parem. Enganei-me quando mandei o meu número", Intent.OPT_OUT),
        # An option's number beside a month inside the message dates the statement.
        ("en", F, "started on 2 March", Intent.ATTENDED_YES),
        ("fr", F, "elle a commencé le 2 mars", Intent.ATTENDED_YES),
        ("es", F, "empezó el 2 de marzo", Intent.ATTENDED_YES),
        ("en", A, "2 monday I went", U),
        ("en", R, "I will come on 2 march", U),
        # Kriol "N" is "I", not "no" ("não"): "N bai dja" (I already went).
        ("pt", A, "N bai dja", Intent.ATTENDED_YES),
        ("pt", R, "N ka bai", Intent.DECLINE),
        # Fula "o arataa" (he will not come) is no "o arata": no confirmation.
        ("ff", R, "ko mi baaba makko, o arataa", U),
    ],
)
def test_thirty_ninth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A "but" between a word for a mistake and the STOP: the STOP stands.
        ("ar", None, "bala ma 2sod bas wa2fo el rasayil", Intent.OPT_OUT),
        ("ar", None, "ba3atet stop bala ma 2sod", Intent.OPT_IN),
        # Sending the STOP told in the first person, before the word for the mistake.
        ("en", None, "by mistake I have sent STOP, send the reminders again", Intent.OPT_IN),
        ("fr", None, "par erreur j'ai envoyé stop", Intent.OPT_IN),
        ("pt", None, "sem querer mandei stop", Intent.OPT_IN),
        # "Let me ask (my husband)" keeps what follows from confirming, and is no stop.
        ("ha", R, "bari na tambayi maigidana ko zan iya zuwa ranar Alhamis", U),
        ("ha", R, "bari in tambayi mijina ko zan iya zuwa", U),
        ("ha", R, "ko zan iya zuwa alhamis?", Intent.RESCHEDULE),
        # "The first week" alone is no progress: only "I finished the first week" is.
        ("am", F, "yemejemeriyawn samint cheresku", Intent.ATTENDED_YES),
        ("am", F, "yemejemeriyawn samint altejemerem", U),
        # Tired of the messages that come every day.
        ("ar", A, "kol yom rasayil, khalas ta3abt", Intent.OPT_OUT),
        ("bn", A, "protidin message, birokto hoye gechi", Intent.OPT_OUT),
        ("ti", A, "መዓልቲ መዓልቲ መልእኽቲ, ሰልኪየ", Intent.OPT_OUT),
        ("ar", A, "ro7t bas ta3abt", Intent.ATTENDED_YES),
        # Another appointment of one's own declines; asking for another proposes.
        ("ar", R, "3andi ma3ad tani bnafs el wa2t, ma ba2dar", Intent.DECLINE),
        ("ar", R, "fi ma3ad tani ba3d el 3id?", Intent.RESCHEDULE),
        # "Don't cut the messages" stops nothing.
        ("prs", None, "lotfan payamha ra qat nakonin", U),
        ("prs", None, "in ki ast? nomra-ma pak konin", Intent.OPT_OUT),
        # "..., I don't want them anymore" after the clause that names the messages: a second
        # "no more" word closes the clause for the first.
        ("en", None, "you sent me the messages again, I don't want them anymore", Intent.OPT_OUT),
        ("en", None, "Again you sent me the reminder. I don't need it anymore", Intent.OPT_OUT),
        ("en", A, "got the reminder, I don't want to go anymore", U),
        ("en", None, "thanks for the reminder, I don't need it anymore because I finished", U),
        # A mistake word that holds the verb for pressing ("na danna", not "ɗana", my son).
        ("ha", None, "Na yi kuskure na danna STOP, ku sake turo min sakonni", Intent.OPT_IN),
        ("ti", R, "bgega STOP tewiqe, mezekakheri delye eye", Intent.OPT_IN),
        # After the second review: "Monday anymore" judges the day, not the messages.
        (
            "en",
            R,
            "Got the reminder. I don't want Monday anymore, can we do Friday?",
            Intent.RESCHEDULE,
        ),
        ("en", R, "received the msg, I don't want coffee anymore lol", U),
        # "Not by mistake" keeps the STOP.
        ("en", None, "I pressed stop and it wasn't by mistake", Intent.OPT_OUT),
        ("ha", None, "STOP, ba bisa kuskure ba", Intent.OPT_OUT),
        ("ti", None, "STOP ብዘይ ፍላጥ ኣይኮነን ጠዊቐ", Intent.OPT_OUT),
        # A wish that the messages stop is no wish for the messages.
        ("ar", None, "ana 3ayez el rasayel di tetwa2af", Intent.OPT_OUT),
        ("fr", None, "je veux que les messages s'arrêtent", Intent.OPT_OUT),
        ("fr", None, "je ne veux pas que les messages s'arrêtent", U),
        # Pashto "او" is "and" as well as "yes".
        ("ps", R, "نه شم راتلای او ولا ډیر بوخت یم", Intent.DECLINE),
        # Hausa "ku fara" is "first, you..." too.
        ("ha", R, "ku fara turo min adireshin, sai in zo", U),
        # After the third review: "not a mistake" forms keep the STOP; a mistake told after it
        # takes it back.
        ("am", None, "STOP በስህተት አይደለም", Intent.OPT_OUT),
        ("pt", None, "enviei PARAR e não foi engano", Intent.OPT_OUT),
        ("en", None, "STOP was a mistake sorry, keep sending", Intent.OPT_IN),
        ("en", None, "the reminders are helpful, I don't want them to stop", U),
        ("ar", None, "mesh 3ayez el rasayel di tetwa2af", U),
        ("pcm", R, "i no want am again, abeg shift am to friday", Intent.RESCHEDULE),
        ("fr", F, "j'ai démarré le 4", Intent.ATTENDED_YES),
        ("fr", R, "j'ai démarré le travail, je pourrai pas venir", Intent.DECLINE),
        ("wo", R, "dinaa ñëw semaine bu ñëw", Intent.RESCHEDULE),
        # Spanish "no more" phrases that hold the pronoun, after the clause naming the messages.
        ("es", None, "me mandaron el recordatorio otra vez, ya no lo quiero más", Intent.OPT_OUT),
        ("es", F, "ya no lo necesito, ya empecé el curso", Intent.ATTENDED_YES),
    ],
)
def test_fortieth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A confirmation of two words opening the message says the opposite of a refusal after a
        # "but", like a bare yes; an acknowledgement does not ("ok but I can't make it").
        ("pcm", R, "I confirm but I no fit come that day", U),
        ("ff", R, "Mi teentinii kono mi waawaa arde", U),
        ("en", R, "ill come but i cant stay long", U),
        ("en", R, "ok but I can't make it", Intent.DECLINE),
        ("en", R, "confirm, but I can't come that day", U),
        # Keyword gaps of the seventieth and seventy-first sets.
        ("en", None, "sorry that STOP was an accident, i still want the reminders", Intent.OPT_IN),
        ("en", None, "I had an accident, stop sending me messages", Intent.OPT_OUT),
        # A STOP opening the message, then a mistake in a clause of its own: the STOP stands.
        ("en", None, "Stop, it was an accident", Intent.OPT_OUT),
        ("en", None, "STOP. it was a mistake", Intent.OPT_OUT),
        ("en", None, "STOP by mistake", Intent.OPT_IN),
        # After the review: Hausa "give me back" asks for the messages only beside them,
        # Tigrinya "nay qotsera" (of the appointment) names no messages alone.
        ("ha", None, "ku maido min kudina", U),
        ("ha", R, "ku maido min lokacin zuwa mako mai zuwa", Intent.RESCHEDULE),
        ("ti", R, "nay qotsera ayedlyen", Intent.DECLINE),
        ("ar", A, "ma ba2der a2ra el resale", Intent.HELP),
        ("en", None, "Do not return the messages, I want them stopped", Intent.OPT_OUT),
        ("en", None, "I don't want them stopped", U),
        ("ar", None, "ma ba2der afham shu baddkon, wa2fu el rasayel", Intent.OPT_OUT),
        ("am", None, "መልእክቱን ብታቆሙልኝ ደስ ይለኛል", Intent.OPT_OUT),
        # A thumbs up among thanks and a blessing applauds them: "thanks 👍" still answers.
        ("ff", R, "A jaraama 👍 Alla hokku en jam", U),
        ("en", R, "thanks 👍 god bless you", U),
        ("en", R, "thank you 👍", Intent.CONFIRM),
        ("en", R, "👍 thanks god bless you", Intent.CONFIRM),
        ("en", R, "thanks 👍 tomorrow morning", Intent.CONFIRM),
        ("en", R, "Good morning 👍 thank you", Intent.CONFIRM),
        ("en", R, "thank you 👍🙏🙏", Intent.CONFIRM),
        ("en", None, "I never said I want them stopped", U),
        ("en", None, "I want these messages stopped", Intent.OPT_OUT),
        ("ar", A, "ما عرفتش نمشي، كنت مريض", Intent.ATTENDED_NO),
        ("sq", A, "vajta te motra ime në Durrës", U),
        # Dari "ya" is "or" (or "O" before a name), not English "yes"; Tigrinya "don't want".
        ("prs", R, "ya", U),
        ("ti", R, "kmetse ayidelyn", Intent.DECLINE),
        ("ti", R, "dgim mlekti ayidelyn, hrai kmetse eye", Intent.OPT_OUT),
        # Keyword gaps of the seventy-second set.
        ("ps", A, "نه یم تللی، او نور پیغامونه هم مه راکوئ", Intent.OPT_OUT),
        (
            "pcm",
            A,
            "Before I tell una make una stop, but now I wan make una dey text me again",
            Intent.OPT_IN,
        ),
        ("ar", F, "واحد ولا زوج، مازال ما عرفتش", U),
        ("sq", A, "Vajta, më pritën dhe më dhanë letrat", Intent.ATTENDED_YES),
        ("ar", R, "ma ba2der el sabt, bas el a7ad mnih iza fi majal", Intent.RESCHEDULE),
        ("pt", A, "sou a mãe dele, ele acabou não indo", Intent.ATTENDED_NO),
        ("prs", F, "مه سواد ندارم، یکی زنگ بزنه که بفهمم چی نوشتین", Intent.HELP),
        ("ti", A, "sms nay qotsera degimkum sdedulay, hji dehan eye", Intent.OPT_IN),
        ("sq", A, "kush asht ky numer?", Intent.HELP),
        ("sq", A, "u nisa po s'arrita dot, humba autobusin", Intent.ATTENDED_NO),
        ("sq", A, "po, nuk arrita te shkoj", U),
        # A request for help beside the options it cannot choose between is help.
        ("en", R, "i dont understand which number to send, 1 or 2?", Intent.HELP),
        ("prs", F, "mafhom nashod, 1 ya 2 kodamesh baraye chi ast?", Intent.HELP),
        ("ps", A, "za na pohegam che kom number wolegam, 1 ka 2?", Intent.HELP),
        ("en", R, "1 help", U),
        ("en", A, "i dont understand 1 or 3?", U),
        ("en", R, "help, stop 1 2", Intent.OPT_OUT),
    ],
)
def test_forty_first_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # "Not yet", then a doubt about a date in a clause of its own, is a "not yet": the
        # doubt is about when; a doubt beside an option stays unclear.
        ("fr", F, "pas encore commencé, ça démarre le 15 normalement", Intent.ATTENDED_NO),
        ("en", A, "not yet, maybe on the 12", Intent.ATTENDED_NO),
        ("en", F, "not yet, maybe 2", U),
        ("en", A, "no, maybe 1000", U),
        # A sad face beside an answer is politeness: "two 😔" is the second option.
        ("ff", A, "Ɗiɗi 😔", Intent.ATTENDED_NO),
        ("en", A, "two 😔", Intent.ATTENDED_NO),
        ("en", R, "😔", U),
        # Romanised Amharic "ye" is "of", not English "ye" (yes).
        ("am", R, "ye", U),
        ("am", None, "man nachihu? ye mn message new yih", Intent.HELP),
        ("am", R, "ye arb ken ayhonilignim, besamintu lemta?", Intent.RESCHEDULE),
        # A STOP told as typed, then a mistake ending the next clause, was the mistake; a STOP
        # given as an order stands, and so does one whose mistake clause goes on.
        (
            "en",
            R,
            "Sorry I typed STOP, it was an accident. Send my reminders again please",
            Intent.OPT_IN,
        ),
        ("es", None, "mandé STOP, fue un error. Quiero los mensajes otra vez", Intent.OPT_IN),
        ("en", None, "i didnt mean to send stop", Intent.OPT_IN),
        ("en", None, "Stop, it was an accident", Intent.OPT_OUT),
        ("fr", None, "j'ai envoyé stop, vous continuez, erreur de votre part", Intent.OPT_OUT),
        ("en", None, "I typed STOP, no mistake", Intent.OPT_OUT),
        ("es", None, "mandé STOP, no fue error", Intent.OPT_OUT),
        ("pt", None, "mandei STOP, sem engano", Intent.OPT_OUT),
        ("fr", None, "j'ai envoyé stop, aucune erreur", Intent.OPT_OUT),
        ("sq", None, "shkrova STOP, nuk është gabim", Intent.OPT_OUT),
        # A stop asked back, then a bare no, stops nothing; "what does STOP mean?" asks.
        ("en", None, "stop? no, keep sending", U),
        ("pt", None, "parar? não, continuem mandando", U),
        ("en", None, "STOP? no more messages!", Intent.OPT_OUT),
        ("en", None, "what does STOP mean?", U),
        ("fr", None, "ça veut dire quoi STOP dans votre message?", U),
        ("en", None, "what does this mean, stop texting me", Intent.OPT_OUT),
        # Not interested, a threat to report, a number to be blocked: opt-outs.
        ("es", R, "no estoy interesado gracias", Intent.OPT_OUT),
        (
            "es",
            R,
            "no me interesa el turno de la mañana, ¿puede ser por la tarde?",
            Intent.RESCHEDULE,
        ),
        ("ar", R, "لست مهتم بالتوقيت، سأحضر", Intent.CONFIRM),
        ("en", None, "stop? no, i dont want them", Intent.OPT_OUT),
        ("pt", R, "não vou faltar ao trabalho por isso", Intent.DECLINE),
        ("ka", None, "არ მაინტერესებს", Intent.OPT_OUT),
        ("en", None, "I will report you", Intent.OPT_OUT),
        ("sq", None, "do ta bllokoj këtë numër", Intent.OPT_OUT),
        # A negated "miss" or "wait" is no refusal.
        ("en", R, "I can't wait 👍", Intent.CONFIRM),
        ("en", A, "I didn't miss a single day 👍", Intent.ATTENDED_YES),
        ("en", None, "I didn't mean to bother you, stop the messages", Intent.OPT_OUT),
        ("en", None, "I sent STOP last week, why are you still texting me", Intent.OPT_OUT),
        # A thumbs up closing a refusal, and a yes for the message received, say no yes; a
        # thumbs up before the refusal, or a word yes, stay a contradiction.
        ("en", R, "I can't come but thanks 👍", Intent.DECLINE),
        ("es", R, "no voy 👍", Intent.DECLINE),
        ("ka", R, "ვერ მოვალ 👍", Intent.DECLINE),
        ("en", R, "yes i got the message but i wont be coming", Intent.DECLINE),
        ("fr", R, "oui j'ai bien reçu mais je ne pourrai pas venir", Intent.DECLINE),
        ("en", R, "👍 I can't come", U),
        ("en", R, "I can't come 👍 tomorrow is fine", U),
        ("en", R, "yes but I can't come", U),
        ("en", R, "no 👍", U),
        ("bn", R, "হ্যাঁ মেসেজ পেয়েছি কিন্তু আসতে পারব না", Intent.DECLINE),
        ("pcm", R, "yes I see the message but I no go fit come", Intent.DECLINE),
        # "I didn't come" (to the office) answers "did you go?".
        ("wo", A, "ñëwuma", Intent.ATTENDED_NO),
        ("sq", A, "nuk erdha", Intent.ATTENDED_NO),
        ("ps", A, "ranaghlam", Intent.ATTENDED_NO),
        # "I don't want to come" is a refusal, in every language; not an opt-out.
        ("en", R, "I don't want to come", Intent.DECLINE),
        ("ti", R, "ክመጽእ ኣይደልን", Intent.DECLINE),
        ("ti", R, "kmetse aydelen", Intent.DECLINE),
        ("am", R, "መምጣት አልፈልግም", Intent.DECLINE),
        ("ff", R, "mi yiɗaa arde", Intent.DECLINE),
        ("ka", R, "არ მინდა მოსვლა", Intent.DECLINE),
        ("bn", R, "আমি আসতে চাই না", Intent.DECLINE),
        # A coming told with a doubt stays unclear, whatever the likeness says of "agar".
        ("prs", R, "agar betanam meayam", U),
        ("prs", R, "agar paisa paida kunam meayam", U),
        ("ti", R, "እንተኽኢለ ክመጽእ እየ", U),
        # French "me réécrire" asks for the messages only with "vous pouvez".
        ("fr", None, "évitez de me réécrire", Intent.OPT_OUT),
        ("fr", None, "inutile de me réécrire", Intent.OPT_OUT),
        ("wo", None, "wax naa leen ngeen bàyyi", Intent.OPT_OUT),
        ("bn", None, "আগেই বলেছি বন্ধ করতে", Intent.OPT_OUT),
        ("prs", R, "na miyom", Intent.DECLINE),
        ("ps", R, "za na rasam", Intent.DECLINE),
        ("ar", R, "yom el etnein", U),
        ("es", A, "inicio el lunes", U),
        # Keyword gaps of the seventy-third set.
        ("fr", R, "Bonjour, c'était une erreur le STOP, vous pouvez me réécrire", Intent.OPT_IN),
        ("ar", None, "kont 9olt stop b le8lat, rje3o sifto lia lmessages", Intent.OPT_IN),
        ("ar", A, "etnein", Intent.ATTENDED_NO),
        ("ar", R, "ba3d e dhohr ma nnajjamch, ynajjam ykoun s sbe7?", Intent.RESCHEDULE),
        ("ar", A, "أنا أخوه، هو ما مشى، كان عيان", Intent.ATTENDED_NO),
        (
            "es",
            F,
            "le informamos que el beneficiario inició el taller el día 4",
            Intent.ATTENDED_YES,
        ),
        ("ff", F, "Tiidno wallee kam, mi faamaani, noddee kam", Intent.HELP),
        ("am", F, "aydelem, jemreyalehu", U),
        ("ti", A, "nmbr hade", Intent.ATTENDED_YES),
        ("prs", R, "ha jan, miyom 👍", Intent.CONFIRM),
        ("ps", R, "seshanba na sham, kho chaharshanba rasam", Intent.RESCHEDULE),
        ("bn", F, "kon office theke bolchen? chinlam na", Intent.HELP),
    ],
)
def test_forty_second_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A word for "enough" or for removing, as the whole message, stops.
        ("en", None, "enough!", Intent.OPT_OUT),
        ("en", None, "that's enough", Intent.OPT_OUT),
        ("en", R, "block", Intent.OPT_OUT),
        ("fr", None, "bloquer 😡", Intent.OPT_OUT),
        ("fr", R, "ça suffit !", Intent.OPT_OUT),
        ("sq", None, "mjaft!", Intent.OPT_OUT),
        ("ha", R, "ya ishe", Intent.OPT_OUT),
        ("ar", None, "كفاية", Intent.OPT_OUT),
        ("ka", None, "kmara", Intent.OPT_OUT),
        ("am", None, "ይበቃል", Intent.OPT_OUT),
        # ... and not asked, nor as a refusal that says not what.
        ("en", None, "enough?", U),
        ("en", None, "enough thanks", Intent.OPT_OUT),
        ("en", None, "block?", U),
        ("ti", F, "yekenyeley bzuh, amlak yhabkum 😊", U),
        ("en", R, "don't want", U),
        ("es", R, "no quiero", U),
        ("ha", R, "bana so", U),
        # Someone else's visit is no confirmation.
        ("en", R, "my brother will come tomorrow to visit us", U),
        ("wo", R, "sama rakk dina ñëw ëllëg seetsi ma", U),
        ("ka", R, "ჩემი ძმა ხვალ მოვა სტუმრად", U),
        ("en", R, "my son will come tomorrow", Intent.CONFIRM),
        # "si puedo voy" (if I can, I go) sets a condition; "sí puedo ir" confirms.
        ("es", R, "si puedo voy", U),
        ("es", R, "si puedo vengo mañana", U),
        ("es", R, "sí puedo ir", Intent.CONFIRM),
        ("pt", R, "o celular novo tá ok", U),
        ("pt", R, "tá ok", Intent.CONFIRM),
        # A STOP typed by someone else, then an opt-in phrase of its own: the messages again.
        (
            "fr",
            None,
            "c'était mon petit frère qui a écrit stop sur mon tel, renvoyez moi les messages",
            Intent.OPT_IN,
        ),
        ("wo", F, "sama rakk moo bind stop ci sama tel, yonnewaatal ma sms yi", Intent.OPT_IN),
        ("en", None, "my son sent stop. you sent me the messages again", Intent.OPT_OUT),
        (
            "en",
            None,
            "my son sent stop, send me the messages again and I will kill you",
            Intent.OPT_OUT,
        ),
        # Keyword gaps of the seventy-fourth set.
        (
            "pt",
            F,
            "Boa tarde, mandei STOP mas mudei de ideia. Quero receber as sms outra vez",
            Intent.OPT_IN,
        ),
        ("pt", None, "mandei STOP", Intent.OPT_OUT),
        ("sq", F, "a mundeni me m'i nis prap mesazhet? i kisha ndal pa dasht", Intent.OPT_IN),
        (
            "es",
            F,
            "ola, me pueden activar otra vez los avisos? me los quite por error",
            Intent.OPT_IN,
        ),
        ("pcm", None, "START am again for me abeg, I don ready now", Intent.OPT_IN),
        ("fr", A, "Vous êtes qui exactement ? je connais pas cette structure", Intent.HELP),
        ("sq", F, "Kush je ti, nga e ke marre numrin tim?", Intent.HELP),
        ("ps", A, "ta sok ye? wali ma ta msg kawe", Intent.HELP),
        ("am", R, "ke seat buhala bihon? tewat sira new", Intent.RESCHEDULE),
        ("prs", R, "seshamba nametanum wali charshamba mitanum", Intent.RESCHEDULE),
        ("ti", R, "selus aykelin gn rebue yikl eye", Intent.RESCHEDULE),
        ("ti", R, "dhri qetri kkewn ykl do? nguho srah alleni", Intent.RESCHEDULE),
        ("wo", R, "Soppileen waxtu wi, ngoon laa mën a ñëw", Intent.RESCHEDULE),
        ("ar", R, "واش ممكن تأخرولي الموعد للسيمانة الجاية؟ عندي الخدمة", Intent.RESCHEDULE),
        (
            "en",
            R,
            "pls can u move it to after the 15th, im travelling to see my mum",
            Intent.RESCHEDULE,
        ),
        ("en", R, "yes im travelling to see my mum", U),
        ("am", R, "sost ebakachu", Intent.RESCHEDULE),
        ("am", F, "hulet nw", Intent.ATTENDED_NO),
        ("ps", R, "za dre number ghwaram", Intent.RESCHEDULE),
        ("ka", R, "ara, movali", U),
        ("prs", F, "hafta-e awal khalas shud, kurs-e khayati khub as", Intent.ATTENDED_YES),
        # A stop word right before a question about its meaning asks what it means.
        ("am", None, "STOP ምን ማለት ነው?", U),
        ("ti", None, "STOP እንታይ ማለት እዩ?", U),
        ("prs", None, "STOP یعنی چه؟", U),
        ("ps", None, "STOP څه معنی لري؟", U),
        ("ka", None, "STOP რას ნიშნავს?", U),
        ("bn", None, "STOP মানে কি?", U),
        ("fr", None, "STOP, ça veut dire quoi ?", U),
        ("en", None, "STOP! what does it mean?", Intent.OPT_OUT),
        ("fr", None, "stop c'est quoi", Intent.OPT_OUT),
        ("en", None, "STOP what does it mean to you, stop texting me", Intent.OPT_OUT),
        ("ti", None, "ይኣክል ድዩ?", U),
        ("ti", None, "ይኣክል", Intent.OPT_OUT),
        # An opt-in phrase read across a comma must end its clause.
        ("en", None, "STOP, by mistake I gave you my number", Intent.OPT_OUT),
        ("fr", None, "STOP, par erreur j'ai donné mon numéro", Intent.OPT_OUT),
        ("en", None, "stop, by mistake", Intent.OPT_IN),
        ("en", None, "No thanks, not interested", Intent.OPT_OUT),
        ("en", R, "nothing will stop me 👍", U),
        # After a review: an "enough" said with politeness or again stops; a removal told, a
        # "fine" and a "don't want" alone do not.
        ("en", None, "enough please", Intent.OPT_OUT),
        ("es", None, "suficiente, gracias", Intent.OPT_OUT),
        ("ar", None, "kfaya kfaya", Intent.OPT_OUT),
        ("ar", None, "خلاص كفاية", Intent.OPT_OUT),
        ("en", None, "that is enough", Intent.OPT_OUT),
        ("en", R, "ok, enough", U),
        ("en", R, "deleted", U),
        ("fr", R, "supprimé", U),
        ("es", R, "borré", U),
        ("pt", A, "apagado", U),
        ("es", R, "ya está bien", Intent.CONFIRM),
        ("ha", A, "ya isa", U),
        ("pcm", F, "don do", U),
        # "mandei" (I sent) dates no STOP; a mind changed does.
        ("pt", None, "Mandei STOP. Continuem mandando que eu vou denunciar", Intent.OPT_OUT),
        ("pt", None, "já mandei STOP várias vezes, continuar assim não dá", Intent.OPT_OUT),
        (
            "en",
            None,
            "I sent STOP but I changed my mind, I want the messages again",
            Intent.OPT_IN,
        ),
        ("en", None, "STOP, I changed my mind about the course", Intent.OPT_OUT),
        ("sq", None, "ndaloni mesazhet, pa qëllim, thjesht s'kam nevojë", Intent.OPT_OUT),
        ("es", R, "si puedo llegar a tiempo voy", U),
        ("fr", R, "je viendrai vous rendre visite demain", Intent.CONFIRM),
        ("pcm", F, "i go start am again next week", Intent.ATTENDED_NO),
        # After a hunt: a count of minutes is no option; a confirmation promised is none yet;
        # "yes received" says the message came; threats and a spelt-out STOP stop.
        ("en", R, "1 min", U),
        ("en", R, "1 sec pls", U),
        ("fr", R, "1 minute je vérifie", U),
        ("ar", R, "لحظة 1", U),
        ("ha", R, "minti 1", U),
        ("en", R, "1 pls", Intent.CONFIRM),
        ("en", R, "I confirm tomorrow", U),
        ("pt", R, "confirmo amanhã", U),
        ("sq", R, "po të kem para do vij", U),
        ("sq", R, "po, do vij", Intent.CONFIRM),
        ("en", R, "I'll be there... in my dreams", U),
        ("en", R, "will come back to you", U),
        ("en", R, "yes received", U),
        ("fr", R, "oui bien reçu", U),
        ("bn", R, "হ্যাঁ মেসেজ পেয়েছি", U),
        ("en", R, "yes received, I will come", Intent.CONFIRM),
        ("fr", None, "encore un sms et j'appelle la police", Intent.OPT_OUT),
        ("es", None, "si me escriben otra vez los denuncio", Intent.OPT_OUT),
        ("pt", None, "se mandarem de novo vou chamar a polícia", Intent.OPT_OUT),
        ("en", None, "I will call the police if you text me again", Intent.OPT_OUT),
        ("en", A, "I had to call the police last night, couldn't go", Intent.ATTENDED_NO),
        ("en", None, "reporting this number as spam", Intent.OPT_OUT),
        ("en", None, "S T O P", Intent.OPT_OUT),
        ("am", None, "ይህን ቁጥር አግዳለሁ", Intent.OPT_OUT),
        # Their probes counted again: someone's yes reported, a yes for the message seen, an
        # identity said, "spam" alone.
        ("en", R, "my neighbour said yes she will go", U),
        ("fr", R, "mon voisin a dit oui il viendra", U),
        ("ar", R, "ايوه وصلتني", U),
        ("ka", R, "კი, ვნახე", U),
        ("ka", R, "კი, მოვალ", Intent.CONFIRM),
        ("en", R, "yes this is his number", U),
        ("en", R, "yes, this is his number, he will come", Intent.CONFIRM),
        ("es", R, "ya está bien de mensajes", Intent.OPT_OUT),
        ("es", R, "si puedo estaré ahí", U),
        ("en", None, "I don't want to be contacted", Intent.OPT_OUT),
        ("en", None, "spam", Intent.OPT_OUT),
        ("en", None, "my phone put ur messages in spam", U),
        ("en", R, "1 more day pls", U),
        ("en", R, "1 more day and I'll be there!", Intent.CONFIRM),
        ("ti", A, "ኣውቶቡስ ደው ኢሉ ነይሩ ግን በጺሐ", Intent.ATTENDED_YES),
        # After a second review: a meaning question the message goes on after stops; a
        # mistake with an apology after the comma asks for the messages; bare threats about
        # something else are no stop.
        ("en", None, "STOP what does it mean? I didn't ask for this", Intent.OPT_OUT),
        ("en", None, "stop, by mistake sorry", Intent.OPT_IN),
        ("fr", None, "j'ai écrit stop, par erreur merci de continuer", Intent.OPT_IN),
        ("en", None, "please don't lose my number", U),
        ("es", R, "voy a denunciar el robo de mi pasaporte, no puedo ir mañana", U),
        ("en", R, "yes seen", U),
        ("fr", None, "c'est du spam", Intent.OPT_OUT),
        # Their leftovers: a wish for the messages after a STOP typed by someone else, a STOP in
        # Cyrillic look-alikes, Pashto "bas de" (that's all) beside an answer.
        ("en", None, "my son sent STOP, I want the messages", Intent.OPT_IN),
        ("en", None, "my son wrote stop. I want the messages again please", Intent.OPT_IN),
        ("en", None, "my son sent STOP, I want the messages to stop", Intent.OPT_OUT),
        (
            "en",
            None,
            "my son sent STOP, I want to know why you keep sending messages",
            Intent.OPT_OUT,
        ),
        ("pt", None, "meu filho mandou STOP, quero as mensagens", Intent.OPT_IN),
        ("en", None, "\u0455\u0442\u043e\u0440", Intent.OPT_OUT),
        ("ps", None, "bas de", Intent.OPT_OUT),
        ("ps", R, "za ba sabā rasham, bas de", U),
        # Keyword gaps of the seventy-fifth and seventy-sixth sets.
        ("ar", R, "التلاتا لا بس الاربعا بيمشي معي", Intent.RESCHEDULE),
        ("ar", A, "ro7t bas 2alouli erja3 el jum3a el jeye", Intent.ATTENDED_YES),
        ("ar", A, "قالولي ارجع الشهر الجاي", Intent.ATTENDED_NO),
        ("ff", A, "ko biyam winndi stop e telefon am, artiree mesaasji ɗin", Intent.OPT_IN),
        ("ha", None, "ku fara turo min saƙon alkawari kuma", Intent.OPT_IN),
        ("ka", R, "სხვა დღეზე ხომ ვერ გადაიტანთ? ბავშვი ავად მყავს", Intent.RESCHEDULE),
        ("es", None, "los mensajes me ayudan gracias", U),
        ("es", R, "no entiendo q tengo q contestar, me ayudan?", Intent.HELP),
        ("fr", F, "Il fait trop froid ici ce matin, jai même pas encore de manteau", U),
        ("ti", F, "ከይደ ነይረ ግን ገና ኣይጀመሩለይን፣ ዝመጽእ ሰሙን ይብሉ", Intent.ATTENDED_NO),
        (
            "wo",
            F,
            "sama rakk moo bind stop ci sama tel, man begg naa jotaat seeni bataaxal",
            Intent.OPT_IN,
        ),
    ],
)
def test_forty_third_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # After a STOP typed by someone else, a wish for the messages may open its clause after
        # a "but"; not after its subject when no keyword knows it ("you" complains).
        (
            "en",
            None,
            "my brother sent STOP from my phone, but I want to receive the messages",
            Intent.OPT_IN,
        ),
        ("fr", None, "mon frère a envoyé STOP, mais je veux recevoir les messages", Intent.OPT_IN),
        (
            "ka",
            A,
            "ძმამ ჩემი ტელეფონიდან გამოგიგზავნათ სტოპი, მე კი მინდა მივიღო მესიჯები",
            Intent.OPT_IN,
        ),
        ("en", None, "my son sent STOP, but you send me the messages again", Intent.OPT_OUT),
        ("sq", None, "djali e ka shkru STOP, po m'i dërgoni prap mesazhet", Intent.OPT_OUT),
        ("en", None, "My daughter sent STOP for me. I receive the messages again.", Intent.OPT_OUT),
        ("en", None, "my son sent STOP, but I want no more messages", Intent.OPT_OUT),
        # A preferred time, then a refusal of another time in a later clause: the reason.
        (
            "en",
            R,
            "afternoon would be better for me, in the morning I have work",
            Intent.RESCHEDULE,
        ),
        ("am", R, "ከሰዓት በኋላ ቢሆን ይሻለኛል፣ ጠዋት ስራ አለኝ", Intent.RESCHEDULE),
        ("en", R, "tomorrow would be better, but I cannot", Intent.DECLINE),
        ("en", R, "tomorrow is better, but tomorrow I can't", Intent.DECLINE),
        ("en", R, "no, friday is better", Intent.DECLINE),
        # "2... no, write 1" corrects the answer; "no send 2 me" (to me) stops.
        ("ha", F, "2... a'a ku rubuta 1", U),
        ("pcm", None, "abeg no send 2 me again", Intent.OPT_OUT),
        # A wish that the messages be removed, in one clause, asks for no messages again.
        ("en", None, "I want you to remove the messages", Intent.OPT_OUT),
        ("es", None, "quiero que quiten los mensajes", Intent.OPT_OUT),
        ("wo", None, "bëgg naa ngeen dindi message yi", Intent.OPT_OUT),
        ("en", None, "I want the messages back, I deleted them by mistake", Intent.OPT_IN),
        ("en", None, "no text 2 me pls", Intent.OPT_OUT),
    ],
)
def test_forty_fourth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # An answer, then "but" and a request that the messages go on: the answer stands.
        ("es", R, "2, pero sigan mandando los mensajes", Intent.DECLINE),
        ("en", A, "didn't go but keep sending me the reminders", Intent.ATTENDED_NO),
        ("pt", A, "não fui, mas continuem a mandar as mensagens", Intent.ATTENDED_NO),
        ("en", R, "2 but keep sending the messages please", Intent.DECLINE),
        # Without the "but", with the request first or with help asked after it: unclear.
        ("en", R, "2 keep sending the messages", U),
        ("en", R, "keep sending the messages but 2", U),
        ("en", R, "2 but send me the messages again, and help", U),
        # "Let the messages continue" is such a wish.
        ("sq", F, "po, e kam fillu kursin, por mesazhet le te vazhdojne", Intent.ATTENDED_YES),
        ("ar", F, "ايوه بديت، بس تستمروا في ارسال الرسائل", Intent.ATTENDED_YES),
        ("wo", None, "taxaw leen yonnee ma message yi", Intent.OPT_OUT),
        # A yes stands beside "but keep sending" only when the messages are named.
        ("en", R, "yes but keep sending me the photos", U),
        # ... and after "but", a wish that they not stop: the answer; never a stop.
        ("bn", F, "হ্যাঁ শুরু করেছি, কিন্তু মেসেজ বন্ধ করবেন না", Intent.ATTENDED_YES),
        ("prs", F, "بله شروع کدم، اما پیام ها ره قطع نکنین", Intent.ATTENDED_YES),
        ("es", A, "no fui, pero no dejen de escribirme", Intent.ATTENDED_NO),
        ("en", A, "didnt go but dont stop texting me ok", U),
        # A "no" alone in the first clause, then why: the "no".
        ("en", A, "no, the message came too late", Intent.ATTENDED_NO),
        ("fr", A, "non, le message est arrivé trop tard", Intent.ATTENDED_NO),
        ("ha", R, "a'a, ina da jana'iza a ƙauye", Intent.DECLINE),
        ("en", A, "yes, the message came too late", U),
        ("en", A, "no, who is this?", U),
        # "2 but don't remove my number": the "but" opens the clause of the negation.
        ("en", R, "2 but don't remove my number", Intent.DECLINE),
        ("wo", R, "2 waaye bul dindi sama nimero", Intent.DECLINE),
        # "No thanks, I don't need your messages", "2 and delete my number", "no sms, nothing".
        ("sq", R, "jo faleminderit, s'kam nevoj per mesazhet", Intent.OPT_OUT),
        ("ps", R, "na manana, zarorat na laram paighamono ta", Intent.OPT_OUT),
        ("ps", A, "2 او زما نمبر ورک کړئ", Intent.OPT_OUT),
        ("ka", R, "arc sms minda", Intent.OPT_OUT),
        ("ka", F, "ara, mesijebi ar mWirdeba", Intent.OPT_OUT),
        ("ha", S, "a'a, ban yarda ku riƙa aiko min saƙo ba", Intent.OPT_OUT),
        # "Enough of this traffic", "it doesn't stop raining": nothing of ours stops.
        ("sq", None, "mjaft me kete trafik", U),
        ("prs", None, "بس است ای برق رفتن", U),
        ("pcm", None, "dis rain, e no dey stop since morning", U),
        ("fr", None, "arrête de m'appeler tonton stp", U),
    ],
)
def test_forty_eighth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # One day refused, another said to be free or to suit: another day proposed.
        ("en", R, "i cant on saturday but sunday im free", Intent.RESCHEDULE),
        ("fr", R, "samedi je peux pas mais dimanche je suis libre", Intent.RESCHEDULE),
        ("es", R, "el sábado no puedo pero el domingo estoy libre", Intent.RESCHEDULE),
        ("ar", R, "السبت مسافر، بس الأحد بكون فاضي", Intent.RESCHEDULE),
        ("ti", R, "ሰኑይ ኣይጥዕመንን፡ ረቡዕ ግን ይጥዕመኒ", Intent.RESCHEDULE),
        # Free, with no day refused: no answer.
        ("en", R, "im free", U),
        # A STOP sent by mistake (romanised Amharic), messages stopped by others (Pashto).
        ("am", R, "STOP bestehet new, qetilu", Intent.OPT_IN),
        ("ps", F, "sms me band shwi di, pa list ke wachawai", Intent.OPT_IN),
        # "No, don't bother me any more" (colloquial Bengali) stops, beside its "no".
        ("bn", F, "না, আর বিরক্ত কইরেন না", Intent.OPT_OUT),
        # "No, I will go": a contradiction; "it won't work, brother": a refusal.
        ("ps", R, "نه، زه به ورشم", U),
        ("bn", R, "hobe na bhai", Intent.DECLINE),
        # "God first, let's see how I manage": a doubt, not a request for help.
        ("es", R, "primero Dios, a ver cómo me acomodo", U),
        ("ar", R, "zouz", Intent.DECLINE),
        ("fr", F, "on doit taper quoi comme réponse ?", Intent.HELP),
        ("sq", R, "endaksi, konfirmoj", Intent.CONFIRM),
        ("ps", R, "ټیک ده، په وخت به حاضر یم", Intent.CONFIRM),
        # "Who is this? I don't have this contact saved": who writes, asked.
        ("pt", A, "quem é vc? nao tenho esse contato salvo", Intent.HELP),
        ("sq", F, "a m'sqaroni pak?", Intent.HELP),
        # Confirmations told in a few words, and reports of going told with a detail.
        ("en", R, "fine ill make it, thanks for reminding me", Intent.CONFIRM),
        ("fr", R, "on est ensemble, je serai là avant 9h", Intent.CONFIRM),
        ("es", R, "De una, no falto", Intent.CONFIRM),
        ("sq", R, "Patjetër vij, mos u merakos", Intent.CONFIRM),
        ("am", R, "rgtegna hunu, alqerm", Intent.CONFIRM),
        ("ka", R, "დიახ, აუცილებლად ვიქნები 10-ზე", Intent.CONFIRM),
        ("bn", R, "amar upor bhorsa rakhen, kono vul hobe na", Intent.CONFIRM),
        ("wo", R, "Waaw, ba talaata kon", Intent.CONFIRM),
        ("es", A, "ya me registraron, me dieron un carnet", Intent.ATTENDED_YES),
        ("bn", A, "মিস করে ফেলছি, মায়ের শরীর খারাপ ছিল", Intent.ATTENDED_NO),
        # A yes beside news of the family; "we're together" beside a thumbs up: no answer.
        ("ff", R, "Eey alhamdulillah, yumma am selli jooni", U),
        ("fr", R, "On est ensemble 👍", U),
        # Amharic and Tigrinya "let the messages continue" after a "but": the answer (rule 9).
        ("am", F, "አዎ ጀምሬያለሁ ግን መልዕክቱ ይቀጥል", Intent.ATTENDED_YES),
        ("ti", F, "እወ ጀሚረ ግን መልእኽቲ ይቀጽል", Intent.ATTENDED_YES),
        ("am", None, "በስህተት ነው STOP ያልኩት፣ መላካችሁን ቀጥሉ", Intent.OPT_IN),
        # Who writes, asked; a STOP by mistake; reminders one had stopped, asked for again.
        ("en", A, "who's texting me? i dont kno this number", Intent.HELP),
        ("ar", F, "sme7li ktebt STOP b lghalat, bghit lmessages ywselouni", Intent.OPT_IN),
        ("sq", A, "a mundeni me m'aktivizu prap kujtesat? i kisha ndal", Intent.OPT_IN),
        # "I didn't show up": the negation before "I showed up" is read with it.
        ("es", A, "No me presenté, no tenía con quién dejar a los niños", Intent.ATTENDED_NO),
        ("ps", F, "yao", Intent.ATTENDED_YES),
    ],
)
def test_forty_ninth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # With no question open, the words of an answer answer nothing: the request beside them
        # is the request (rule `request_with_no_question`).
        ("en", None, "pls send me the reminders again, i missed the last one", Intent.OPT_IN),
        ("fr", None, "renvoyez-moi les rappels svp, j'ai raté le dernier", Intent.OPT_IN),
        (
            "pt",
            None,
            "quero voltar a receber os lembretes neste número, o chip antigo foi roubado",
            Intent.OPT_IN,
        ),
        ("ff", None, "tiiɗno neldee kam mesaasji ɗii kadi no adii", Intent.OPT_IN),
        ("sq", None, "po kush jeni ju, me fal?", Intent.HELP),
        # With a question open, the same reply answers it and asks besides: not guessed.
        ("en", R, "pls send me the reminders again, i missed the last one", U),
        # What keeps a request from being one alone still does: a wish that they go on, a story.
        ("en", None, "please don't stop the reminders, they help me a lot", U),
        # Since the fifty-seventh round a story told in clauses of its own beside a help request
        # is read at length: the help answer goes and a caseworker reads the story
        # (`test_help_beside_a_story_also_goes_to_a_caseworker`).
        ("pcm", None, "abeg help me find work, I just dey house dey do nothing", Intent.HELP),
        ("en", None, "I went to the clinic, you sent me the messages again", U),
    ],
)
def test_fiftieth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A question of the reply's own, answered with a no right after its "?", then the
        # answer to ours (rule `own_question_answered`).
        ("en", R, "cancel my appointment? no, I'll come", Intent.CONFIRM),
        ("ar", R, "نلغي الموعد؟ لا لا جاي إن شاء الله", Intent.CONFIRM),
        ("ka", R, "vizitis gauqmeba? ara, movdivar", Intent.CONFIRM),
        ("bn", R, "appointment batil? na na, ami ashbo", Intent.CONFIRM),
        ("en", A, "did I go? no, I was sick that day", Intent.ATTENDED_NO),
        # Without a question of its own, a no beside "I'll come" is still a contradiction; a
        # "no?" asks back; a yes after the "?" is no answer to it.
        ("en", R, "no, I'll come", U),
        ("en", R, "no? I'll come", U),
        ("en", R, "cancel my appointment? yes, I can't come", U),
        # Words of an answer, found by this round.
        ("ff", F, "oho", Intent.ATTENDED_YES),
        ("en", A, "got there tuesday morning, they gave me the forms to fill", Intent.ATTENDED_YES),
        ("sq", F, "kursi mbaroi ne mars, e kam perfunduar", Intent.ATTENDED_YES),
        # Words of a language that its spelling folds into another language's answer word:
        # Wolof "yépp" (all) is no English "yep", Tigrinya "nay" (of) no "nay", Fula "no" (is)
        # no "no".
        ("wo", A, "Déedéet demuma, dama feebaroon ayu-bis bi yépp", Intent.ATTENDED_NO),
        ("wo", R, "1, te nuyul ma njaboot gi yépp 🙏", Intent.CONFIRM),
        ("ti", F, "nay mejemerya semun wedieye", Intent.ATTENDED_YES),
        ("wo", R, "jërëjëf, yeen yépp baax ngeen 👍", U),
        ("ff", R, "eey, ɓesngu ngu no e jam", U),
        # Portuguese "só" (only) is no English "so", Wolof "ñetti" (three) no "again".
        ("pt", S, "Não. Precisava de emprego e só me deram uma palestra", Intent.NOT_SATISFIED),
        ("wo", F, "bataaxal yi dañuy bari de, bés bu nekk ñetti yoon", U),
        # Wolof "metti" (hard) and "am" (to have) keep their reading: taken as nothing, the day
        # refused and the time asked about would go.
        ("wo", R, "talaata dafa metti allarba ngoon mën naa", Intent.RESCHEDULE),
        ("wo", R, "ci 3i mën na am?", Intent.RESCHEDULE),
    ],
)
def test_fifty_first_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("yes, I am his brother", "proxy_answer", ("yes", "i am his brother")),
        ("1 by mistake", "mistaken_answer", ("1", "by mistake")),
    ],
)
def test_a_bare_answer_left_unclear_names_its_rule(
    text: str, rule: str, words: tuple[str, ...]
) -> None:
    decision = explain_reply(text, "en", R)
    assert (decision.intent, decision.rule, decision.words) == (U, rule, words)


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        (
            "fr",
            "il a perdu le papier du bureau, aidez-moi svp, je comprends pas ce message",
            "help_at_length",
        ),
        (
            "ha",
            "Ni ne dan uwansa, baya iya karatu sosai. Me ya kamata mu rubuta?",
            "help_at_length",
        ),
        ("fr", "je comprends pas", "help"),
        ("en", "I need some help please", "help"),
    ],
)
def test_help_asked_at_length_has_its_own_rule(language: str, text: str, rule: str) -> None:
    """The rule that sends the message to a caseworker as well (`help_at_length`) is told apart
    from a short request for help."""
    decision = explain_reply(text, language, Question.APPOINTMENT_REMINDER)
    assert (decision.intent, decision.rule) == (Intent.HELP, rule)


@pytest.mark.parametrize(
    ("lang", "text", "speaks"),
    [
        # Opt-outs nobody understood, and complaints about the messages: told how to stop.
        ("en", "these messages are getting too much for me honestly", True),
        ("en", "my phone was off, I didn't get your messages", True),
        ("fr", "vos messages arrivent sur le téléphone de mon mari, il n'est pas content", True),
        ("ar", "الرسائل كثيرة بزاف", True),
        # Every word known and answering nothing: no likeness opt-out (thirtieth round).
        ("es", "mi teléfono estaba apagado, no recibí sus mensajes", True),
        ("ha", "wayana a kashe yake, ban ga sakon ku ba", True),
        ("bn", "আমার ভাই ভুল করে নাম্বারটা ব্লক করে দিছিল, তাই রিমাইন্ডার দেখি নাই", True),
        # Unclear answers that speak of nothing of the kind, and a stop that stops nothing.
        ("en", "maybe", False),
        # Receipts name the messages and ask for no stop; nor does a wish that they go on.
        ("fr", "message reçu", False),
        ("en", "got the message thanks", False),
        ("en", "thank you for the reminder", False),
        ("es", "recibí el mensaje gracias", False),
        ("en", "dont stop the reminders please", False),
        ("pcm", "Abeg no stop the reminder o, e dey help me well well", False),
        ("en", "I will think about it", False),
        ("en", "where is the bus stop?", False),
        ("fr", "peut-être", False),
        ("fr", "le bus s'arrête où ?", False),
        ("es", "si no puedo ir", False),
        ("wo", "waaw waaw mais mënuma ñëw", False),
        # A negated stop phrase or a negated word that stops only when alone keeps them going.
        ("en", "Please dont delete my number, it is my only phone", False),
        ("sq", "mos e anuloni takimin, do vij", False),
        ("ff", "hoto accu rappel ɗii", False),
    ],
)
def test_an_unclear_reply_that_speaks_of_the_messages_is_told_apart(
    lang: str, text: str, speaks: bool
) -> None:
    """Read `unclear`, a reply with the words opt-outs are made of may be an opt-out the rules
    missed: it is answered with how to stop (`ack_unclear_stop`)."""
    reply = understand_reply(text, lang)
    assert reply.intent(Question.APPOINTMENT_REMINDER) is Intent.UNCLEAR
    assert reply.speaks_of_the_messages is speaks


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A stop asked back and refused with a no, then a coming or a going: the stop is asked,
        # not said, and the answer after the no is read.
        ("en", R, "you want me to stop? no, keep them coming, I will come", Intent.CONFIRM),
        ("en", R, "stop the messages? no, I will come", Intent.CONFIRM),
        ("en", R, "stop texting me? no, I will come", Intent.CONFIRM),
        ("fr", R, "arrêter les messages ? non, je viendrai", Intent.CONFIRM),
        ("ar", R, "نوقف الرسائل؟ لا، راح اجي", Intent.CONFIRM),
        ("en", A, "stop sending? no, I went on monday", Intent.ATTENDED_YES),
        ("pt", A, "parar as mensagens? não, eu fui na segunda", Intent.ATTENDED_YES),
        # Nothing after the no, a refusal or another stop after it: still a stop.
        ("en", R, "stop sending? no", Intent.OPT_OUT),
        ("en", R, "stop? no", Intent.OPT_OUT),
        ("en", R, "stop sending? no! stop it", Intent.OPT_OUT),
        ("en", R, "stop the messages? no, I will not come", Intent.OPT_OUT),
        ("en", R, "stop? no, I will come. STOP", Intent.OPT_OUT),
        ("en", R, "stop? no I will come, dont send anymore", Intent.OPT_OUT),
        ("en", R, "stop? yes stop", Intent.OPT_OUT),
        # Words of the eighty-sixth set's development part: a Tigrinya refusal with its copula
        # glued on (beside a yes it confirmed), a Georgian "don't bother me any more" (after a
        # no it was "I didn't go"), a STOP dated a week back, one sent by mistake in Pashto,
        # messages that stopped coming, and a Wolof day that is hard.
        ("ti", R, "እወ ኣይክመጽእንየ", U),
        ("ti", R, "ኣይክመጽእን'የ", Intent.DECLINE),
        ("ka", R, "არა, აღარ შემაწუხოთ", Intent.OPT_OUT),
        ("en", None, "last week I asked you to stop, now I want the messages again", Intent.OPT_IN),
        ("ps", None, "pa ghalati me stop wastawa", Intent.OPT_IN),
        ("bn", None, "msg asha bondho hoye gese, abar pathan", Intent.OPT_IN),
        ("wo", R, "dafa metti ci man", Intent.DECLINE),
        ("wo", R, "Talaata dafa metti ci man, àjjuma mën naa", Intent.RESCHEDULE),
        # Wolof "gënal" (better) typed with its mark is no "génnal" (take out): a number named
        # beside a preferred time is removed from nothing.
        ("wo", R, "ngoon moo ma gënal, sama numero la", Intent.RESCHEDULE),
        ("wo", None, "génnal sama numero", Intent.OPT_OUT),
    ],
)
def test_fifty_second_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the eighty-seventh set's development part: an Albanian confirmation beside
        # "I'm out of town that day" (it confirmed), "I don't need messages" in romanised
        # Amharic (after a 2 it was "I didn't go"), a Wolof regret for a STOP ("réccu", no
        # French "reçu"), thanks for the help in Dari (a help request), a Pashto "where did you
        # get my number?" (an opt-out by likeness), an organisation asked about, a French day
        # that is not free and a Hausa day when one is there.
        ("sq", R, "po, e konfirmoj, por atë ditë jam jashtë qytetit", U),
        ("sq", R, "jam jashtë qytetit", Intent.DECLINE),
        ("am", A, "ena mesaj ayasfeligegnim", Intent.OPT_OUT),
        ("am", None, "yeman mesaj new?", Intent.HELP),
        ("wo", A, "dama reccu STOP bi, yónnee leen ma message yi", Intent.OPT_IN),
        ("wo", R, "reçu naa message bi", U),
        ("prs", R, "تشکر از کمک تان", U),
        ("ps", F, "زما نمبر مو له کومه پیدا کړ؟", Intent.HELP),
        ("en", A, "Excuse me, which organisation is texting me?", Intent.HELP),
        ("fr", R, "chui pas libre ce jour là", Intent.DECLINE),
        ("ha", R, "Litinin ba zan samu ba, amma Laraba ina nan", Intent.RESCHEDULE),
        # An option given as a word, then "but" and an answer: the option is read and judged
        # against the answer, as a digit is ("1 but I didn't go").
        ("en", A, "one but I didn't go", U),
        ("es", A, "uno, pero no fui", U),
        ("fr", A, "un mais je n'y suis pas allé", U),
        ("en", R, "two but I will come", U),
        ("en", R, "two but I can't come", Intent.DECLINE),
        ("en", A, "one of my friends went but I didn't go", Intent.ATTENDED_NO),
        # A STOP told as typed, then an opt-in phrase that may tell the sending as done: the
        # STOP stands (a rule that read such a STOP as taken back was tried and taken back).
        ("pcm", None, "I talk stop. Una send am again", Intent.OPT_OUT),
        ("en", None, "I typed STOP. you keep sending me messages again", Intent.OPT_OUT),
        ("fr", None, "j'ai envoyé STOP, vous continuez à m'envoyer des messages", Intent.OPT_OUT),
    ],
)
def test_fifty_third_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the eighty-eighth set's development part: a French mistake told as "je me
        # suis trompé" before the STOP (it stopped), Amharic "sihtet" (a mistake) after it, a
        # Pashto STOP told as past with "kray wo" (had done) before a wish for the messages, a
        # Dari "don't bother me any more" (a missed opt-out), Fula "nay" (four, no "no"), and
        # answers told in words no keyword knew.
        ("fr", None, "je me suis trompé en tapant STOP, je veux les rappels", Intent.OPT_IN),
        ("fr", None, "je me suis trompé de numéro, stop", Intent.OPT_OUT),
        ("am", None, "STOP sihtet new, yikirta", Intent.OPT_IN),
        ("am", None, "sihtet new, STOP", Intent.OPT_OUT),
        ("ps", None, "ma pakhwa STOP kray wo, os bia ghwaram", Intent.OPT_IN),
        ("ps", None, "ma STOP kray wo, kho bia me message rasi", Intent.OPT_OUT),
        ("ps", None, "ma STOP kray wo, wali bia message rawlegai?", Intent.OPT_OUT),
        ("prs", R, "lotfan dega mazahem nashin", Intent.OPT_OUT),
        ("ff", A, "nay", U),
        ("sq", R, "s'ja dal dot", Intent.DECLINE),
        ("bn", A, "হাজির হয় নাই", Intent.ATTENDED_NO),
        ("ka", None, "მესიჯები დამიბრუნეთ რა", Intent.OPT_IN),
        ("ti", R, "qedam yhayshenni", Intent.RESCHEDULE),
        ("en", F, "halfway through the course", Intent.ATTENDED_YES),
        # Laughter beside a whole opt-in phrase answers nothing: the request stands; beside a
        # STOP or a yes it changes nothing.
        ("es", F, "Ya me arrepentí jaja, devuélvanme los mensajes", Intent.OPT_IN),
        ("es", F, "jajaja mándenme los mensajes otra vez", Intent.OPT_IN),
        ("en", None, "haha stop", Intent.OPT_OUT),
        ("en", R, "lol yes", U),
        ("en", None, "lol why do you send me these again, stop", Intent.OPT_OUT),
    ],
)
def test_fifty_fourth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A "?" closes the question before it: a word for writing in "who writes to me?" is no
        # sending the "no" after it forbids, and a "don't want" after a "?" judges something
        # else than the messages named before it unless it ends its clause.
        ("es", None, "¿Quién me escribe? No tengo cita", Intent.HELP),
        ("es", None, "¿Quién me escribe? no me escriban más", Intent.OPT_OUT),
        ("en", None, "who is texting me? no more texts please", Intent.OPT_OUT),
        (
            "en",
            None,
            "can you send the reminders again? i dont want to miss another appointment",
            Intent.OPT_IN,
        ),
        ("es", None, "los mensajes? no quiero", Intent.OPT_OUT),
        ("es", None, "¿los avisos? no quiero más", Intent.OPT_OUT),
        # A reply that asks for the messages is no opt-out by likeness.
        ("es", F, "Me arrepiento de haber cancelado, vuelvan a suscribirme", Intent.OPT_IN),
        # Words of the eighty-ninth set's development part: STOPs told in anger or long ago
        # before a request ask for the messages; the same STOPs with a complaint, a "why" or
        # nothing after them stop.
        ("ha", None, "na yi fushi na aika STOP, yanzu ku sabunta min sakonnin", Intent.OPT_IN),
        ("ha", None, "na yi fushi, STOP", Intent.OPT_OUT),
        ("sq", None, "Isha nervoz kur shkrova STOP, tani i dua prape mesazhet", Intent.OPT_IN),
        ("sq", None, "isha nervoz kur shkrova STOP, pse me dergoni prape mesazhe?", Intent.OPT_OUT),
        ("pcm", None, "I talk stop that day. abeg add me back", Intent.OPT_IN),
        ("pcm", None, "I talk stop that day and una still dey send", Intent.OPT_OUT),
        ("pcm", None, "I no fit come that day, stop sending me", Intent.OPT_OUT),
        ("pcm", None, "una message stop now now", Intent.OPT_OUT),
        ("bn", None, "বার্তা বন্ধ করেছিলাম, এখন আবার সেবাটা নিতে চাই, খুলে দিন", Intent.OPT_IN),
        ("bn", None, "বার্তা বন্ধ করেছিলাম, তবুও এখনো আসছে", Intent.OPT_OUT),
        ("ps", None, "stop, ghalat numra da", Intent.OPT_OUT),
        # Hausa "an mayar da ni" (they sent me back) and "sun yi min rijista" (they registered
        # me) tell progress, no request for the messages.
        ("ha", A, "Na je, sun yi min rijista kuma sun ce zasu kira ni", Intent.ATTENDED_YES),
        ("en", R, "wont manage that day", Intent.DECLINE),
        ("fr", A, "je m'y suis rendu mardi", Intent.ATTENDED_YES),
        ("en", R, "which number do I call?", Intent.HELP),
        # Words first listed as confirmations and taken back before they landed: alone in
        # chatter they would have confirmed ("don't worry, I'm fine", "for the time being", "we
        # agree about tomorrow's match"). Wolof "baxna" (it's fine) is an "ok": it confirms a
        # reminder and answers nothing else.
        ("am", R, "hasab aygbachu, dehna negn", U),
        ("am", R, "eshi, hasab aygbachu", Intent.CONFIRM),
        ("pcm", R, "I dey busy 4 d time being", U),
        ("ar", R, "احنا متفقين على الماتش بكرة", U),
        ("wo", R, "baxna", Intent.CONFIRM),
        ("wo", A, "baxna", U),
    ],
)
def test_fifty_fourth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # A request for the messages, with a negation only in the clause before it.
        ("ar", "وحشتني رسايلكم، من زمان ما وصلني شي، اشتركوني من جديد"),
        ("fr", "Ça fait des mois que je reçois plus rien, réinscrivez-moi s'il vous plaît"),
        ("es", "Me arrepiento de haber cancelado, vuelvan a suscribirme"),
    ],
)
def test_a_reply_that_asks_for_the_messages_is_no_opt_out_by_likeness(
    language: str, text: str
) -> None:
    decision = explain_reply(text, language, None)
    assert decision.intent is not Intent.OPT_OUT, decision


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        ("en", None, "dont restart the messages, i never want them", Intent.OPT_OUT),
        (
            "en",
            None,
            "my son sent stop from my phone without asking me, please reactivate me",
            Intent.OPT_IN,
        ),
        ("bn", None, "rag kore stop dichilam, ekhon abar chalu kore den plz", Intent.OPT_IN),
        ("bn", None, "rag kore stop dichi, ar pathaben na", Intent.OPT_OUT),
        # A "possible" word that the refusal negates is the refusal itself: not free on a day
        # declines it and proposes none; a "possible" word after it still asks.
        ("es", R, "no estoy libre el lunes", Intent.DECLINE),
        ("pt", R, "não estou livre segunda", Intent.DECLINE),
        ("ar", R, "مش فاضي بكرة", U),
        ("ar", R, "ana mesh fady bokra, momken el sabt?", Intent.RESCHEDULE),
        ("es", R, "no puedo el lunes, se puede el martes", Intent.RESCHEDULE),
        # First tries taken back: they undid these development lines.
        ("es", R, "nel, no alcanzo a llegar", Intent.DECLINE),
        ("ti", A, "kedye neyre gn ab kal'e gizie temeles ilomuni", Intent.ATTENDED_YES),
    ],
)
def test_fifty_fourth_round_third_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


OI = Intent.OPT_IN
OO = Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A STOP told as typed (a word for typing, pressing or sending right before or after
        # it), and a plain request of its own closing or opening the message, asks for the
        # messages whatever the story: START, an opt-in phrase or a request to be added back.
        ("es", F, "Un amigo me pidió prestado el celu y escribió Stop, no fui yo. START", OI),
        ("prs", R, "rafiqam mobile mara qarz gerefta bud, shokhi shokhi stop rawan kad. START", OI),
        ("en", None, "Someone typed STOP here. Please put me back on the list", OI),
        ("pt", None, "Reativa pf. Um amigo pegou meu cel e enviou stop pra vcs", OI),
        ("pt", None, "mandei STOP, não sabia o que era. START", OI),
        ("en", None, "I pressed STOP, no idea what it was. START", OO),
        # ... asked as the message's last words, beside a "can you".
        ("wo", None, "Sama mag moo bind STOP. Ndax mën ngeen ma dugalaat ci liste bi?", OI),
        ("am", A, "ባለቤቴ ስልኬን ይዛ stop ብላ መለሰችላችሁ። እንደገና ልትመዘግቡኝ ትችላላችሁ?", OI),
        # Complaints and refusals with the same shapes still stop the messages.
        ("en", None, "I replied STOP yesterday. Reactivate? No way, remove me", OO),
        ("en", None, "I sent STOP last week. Subscribe me again and I will report you", OO),
        ("en", None, "I typed STOP. START was never my wish.", OO),
        ("en", None, "I sent STOP a month ago. Can you remove me again?", OO),
        ("en", None, "I texted STOP. You START again?", OO),
        ("en", None, "I texted STOP and you keep sending. START", OO),
        ("en", None, "My son sent STOP. And you send again", OO),
        ("en", None, "I replied STOP. START means nothing to me, leave me", OO),
        ("fr", None, "j'ai envoyé STOP. réabonnez-moi et je porte plainte", OO),
        ("fr", None, "j'ai envoyé stop la semaine passée. vous pouvez me désinscrire ?", OO),
        ("es", None, "mandé STOP hace un mes. Ya no me reactiven, gracias", OO),
        ("pt", None, "mandei STOP ontem. podem me tirar da lista?", OO),
        ("pcm", None, "I don type STOP before. Una fit remove me?", OO),
        ("pcm", None, "I type STOP. START monday", OO),
        # Words of the ninety-first set's development part.
        ("ar", R, "الثلاثاء لا، بس الأربعاء بيناسبني", Intent.RESCHEDULE),
        ("ps", R, "دوشنبه نه، خو سه شنبه وزګار یم", Intent.RESCHEDULE),
        ("am", R, "maksegno aymechegnm gn rebu echilalew", Intent.RESCHEDULE),
        ("am", R, "aymechegnm", Intent.DECLINE),
        ("ka", None, "gamoweris gauqmeba minda", OO),
        ("ka", F, "gtxovt agadginot chemi gamowera", OI),
        ("ha", None, "Na janye STOP din da na tura", OI),
        ("ar", A, "3malt stop bel ghalta, nheb na3mel start", OI),
        ("fr", F, "pas encore, la formation débute le 15 normalement", Intent.ATTENDED_NO),
        ("fr", F, "la formation débute le 15", Intent.ATTENDED_NO),
        ("en", F, "Already on week 2 of the course 💪", Intent.ATTENDED_YES),
        ("sq", R, "ani, kom me kon aty", Intent.CONFIRM),
        ("ff", R, "Eey, mi tawtoroto", Intent.CONFIRM),
        # ... and what they must not read in chatter.
        ("ff", R, "mi tawtoroto e dewgal miñan am hannde, ko weli", U),
        ("sq", R, "kom me kon aty te dasma e kushririt, hajde edhe ti", U),
        ("ps", R, "نن وزګار یم، راځه چای وڅښو", U),
    ],
)
def test_fifty_fifth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


H = Intent.HELP


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # The opt-out likeness is kept from a reply whose every word the rules know when none
        # is of what opt-outs are made of.
        ("pcm", None, "make person ring me abeg", U),
        ("pcm", A, "e don clear me now, tanks", U),
        # Words of the ninety-third set's development part: help asked in words, and replies
        # close to it that ask for none.
        ("ha", F, "plz a taimakamin", H),
        ("pcm", A, "abeg assist me", H),
        ("ka", F, "mishvelet ra", H),
        ("sq", A, "më ndihmo pak të lutem", H),
        ("am", A, "ይሄ የማን ስልክ ነው?", H),
        ("es", F, "de kien es este numero?? no lo tengo agendado", H),
        ("en", None, "anyone know where the bus to town leaves from now? they moved the stop", U),
        ("es", F, "mil gracias x la ayuda, son muy amables 🙏", U),
        ("pcm", A, "Tank you well well for di help, God bless una", U),
    ],
)
def test_fifty_fifth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # The told-STOP rule counts the Ethiopic question mark as it counts "?": a request asked
        # with "፧" as the message's last words asks for the messages again, and a "፧" inside
        # the message keeps the STOP.
        ("am", A, "ባለቤቴ ስልኬን ይዛ stop ብላ መለሰችላችሁ። እንደገና ልትመዘግቡኝ ትችላላችሁ፧", OI),
        ("am", None, "ባለቤቴ stop ብላ መለሰችላችሁ፧ START", OO),
        # Words of the ninety-fourth set's development part.
        ("ka", F, "ara, da sms-ebi gaachiret ra", OO),
        ("ar", None, "bdelt rayi 3la STOP, habit nwelli nestaqbel les messages", OI),
        ("prs", A, "پشیمان شدم که ستاپ کدم، دوباره شاملم کنین", OI),
        ("ps", R, "ma ghalati wakra che stop me wolikal, da sar na ye shuru ka", OI),
        ("wo", A, "annulé sama STOP bi waay 🙏", OI),
        ("ti", None, "bejakum dagmay sms laekuley", OI),
        ("ka", F, "shetyobinebebi ukan damibrunet gtxovt", OI),
        ("ha", F, "Yanzu na shirya, ku rika aiko min sakonnin kamar da", OI),
        ("bn", F, "amar number ta abar add kore nen plz", OI),
        ("ff", A, "siftorde ɗen ngartoo tiidno 🙏", OI),
        ("ar", A, "ana ma na3rafch na9ra mlih, 3awnouni 3afak", H),
        ("pcm", R, "Abeg I need person to help me, make una call me, I no know how e dey work", H),
        ("fr", A, "j'ai loupé le rdv, on peut m'en redonner un autre?", Intent.ATTENDED_NO),
        ("pcm", F, "Dem don enrol her, she resume on the 4th", Intent.ATTENDED_YES),
        (
            "ff",
            A,
            "mi ronkii yaade, mbele on mbaawi dillinde randewu ndu haa lewru garoowu?",
            Intent.ATTENDED_NO,
        ),
        ("ha", R, "nazabi uku", Intent.RESCHEDULE),
        ("sq", R, "patjeter, e kam ne mend", Intent.CONFIRM),
        # ... and what they must not read.
        ("ff", None, "sukaaɓe ɗen ngartoo janngirde hannde", U),
        ("ka", F, "fuli damibrunet ra, ukve ori tvea", U),
        ("ha", F, "ina lafiya kamar da, nagode", U),
        ("pcm", F, "my sister resume work today, thank God", U),
        ("pcm", A, "abeg una fit begin send me those reminder again? i miss am", OI),
        (
            "bn",
            Question.SATISFACTION,
            "amar bou er number ta o add kore nen plz, o i beshi msg dekhe",
            U,
        ),
    ],
)
def test_fifty_sixth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A STOP told as typed may have one word no keyword knows between it and the word for
        # typing or sending ("sent that STOP"), and the request beside it may close its clause
        # as well as open it, where the verb comes last ("the messages again start-for-me").
        (
            "sq",
            None,
            "djali im e ka qu ate stop pa m'pyet, une i dua mesazhet, aktivizoni prap",
            OI,
        ),
        ("en", None, "My son sent this STOP. Put me back on the list", OI),
        ("ti", A, "ወደይ እዩ ብስልከይ STOP ዝበለ፣ ኣነ ኣይኮንኩን። በጃኹም መልእኽቲ ከም ብሓድሽ ኣንቀሳቕሱለይ", OI),
        ("am", None, "stop bilo melese. melektun indegena jemirulign", OI),
        # ... and complaints of the same shapes still stop the messages.
        ("en", None, "I sent that STOP for a reason. START is not what I want", OO),
        ("en", None, "I sent that STOP. Put me back on the list and I will report you", OO),
        ("pt", None, "mandei aquele STOP de propósito. me tirem da lista", OO),
        ("ps", None, "ما stop لیکلی و. پیغامونه بیا پیل شول", OO),
        ("bn", None, "ami STOP likhechilam. message abar chalu hoye geche", OO),
        # Words of the ninety-fifth set's development part: STOPs taken back, opt-ins, help,
        # progress and proposals.
        ("ar", None, "ابني الزغير لعب بالتلفون وبعتلكن stop، بليز فعّلوا الرسايل مرة تانية", OI),
        ("prs", None, "o roz qahr budum STOP nawishtum, lotfan mara dobara ezafa konin", OI),
        (
            "wo",
            None,
            "sama doom bou goor moo bess STOP ci sama tel, mane bokouma ci. "
            "delloo leen ma ci liste bi",
            OI,
        ),
        ("es", None, "porfa no me dejen de mandar los avisos eh, me sirven mucho", U),
        ("ff", None, "wota taƴu siftinde ɗe, ina nafa kam no feewi", U),
        ("pcm", A, "I don change my mind, put my name back for di list abeg", OI),
        ("pcm", F, "I don dey see una message again, thank you", U),
        ("en", A, "i no read english well, somebody help me with this message pls", H),
        ("pt", R, "eu nao sei ler direito, alguem grava um audio explicando?", H),
        (
            "en",
            F,
            "Hope Centre: R1043 enrolled. Amina joined the tailoring group on the 12th and is "
            "attending well.",
            Intent.ATTENDED_YES,
        ),
        ("bn", F, "3 ta class korsi, ekhon rojar jonno bondho ase", Intent.ATTENDED_YES),
        ("fr", R, "lundi impossible pour moi, jeudi aprem ça m'arrangerait", Intent.RESCHEDULE),
        ("ti", R, "ሰኑይ ይጸግመኒ፣ ረቡዕ ግን ጽቡቕ እዩ", Intent.RESCHEDULE),
        # ... and what they must not read.
        ("wo", F, "lépp mat na, jërëjëf", U),
    ],
)
def test_fifty_sixth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A negation does not reach a word for understanding across a clause break: "now I
        # understand, thank you" asks for no help when the thanks holds a negation word ...
        ("ps", R, "os pohedam, sta na manana", U),
        # ... and a negation inside the clause still does.
        ("ps", R, "na pohedam, sta na manana", H),
        # Words of the ninety-sixth set's development part: a yes beside "not possible" is no
        # confirmation, STOPs typed by someone else then taken back, opt-ins, help and progress.
        ("prs", R, "bale, lekin emkan nadara", U),
        ("prs", R, "emkan nadara", Intent.DECLINE),
        ("ti", None, "ሓብተይ እያ STOP ዝበለት፣ ኣነ ግን መልእኽትታት ቀጽሉለይ", OI),
        ("ar", None, "drt STOP bla ma nfham, rjje3 liya lmessagat 3afak", OI),
        ("en", None, "my daughter typed stop, i still need the reminders", OI),
        ("en", F, "can you resume the messages, im back in the country", OI),
        ("pcm", R, "abeg make una restart am for me", OI),
        ("ka", R, "es vinaa?", H),
        ("sq", A, "nga e keni numrin tim?", H),
        ("fr", R, "jvais pas pouvoir venir demain", Intent.DECLINE),
        ("ps", F, "halta nasho rasedalay", Intent.ATTENDED_NO),
        ("wo", R, "altine rek laa am jot", Intent.RESCHEDULE),
        ("prs", R, "خودم را میرسانم", Intent.CONFIRM),
        # ... and what they must not read.
        ("en", None, "i still need to buy bread", U),
    ],
)
def test_fifty_seventh_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A help or opt-in phrase with no more unknown words in its clause than it may carry
        # alone is a request beside clauses of unknown words that tell who reads, why or what
        # happened ...
        ("pcm", F, "I no too sabi read o, na my pikin dey read am give me", H),
        ("prs", F, "مه سواد ندارم، نواسه ام ای مسج ره برم میخانه", H),
        ("en", A, "i cant read, my neighbour reads them to me in the evening", H),
        ("en", F, "my old sim got blocked last month, please send me the reminders again", OI),
        ("fr", F, "je suis rentré au pays avec un nouveau numero, reinscrivez moi svp", OI),
        # ... but not beside an answer, a wish that the messages go on or a "but".
        ("en", A, "1, i cant read, my neighbour reads them to me", U),
        ("pcm", None, "abeg no stop the reminders, e dey help me well well", U),
        ("en", A, "i dont understand, my neighbour usually reads these to me but she travelled", U),
        ("en", F, "yes i started, please send me the reminders again", U),
        ("en", F, "I came back last month, yes I want you to send me the reminders again", U),
        # The word for typing tells how a STOP said by mistake was sent.
        ("pcm", A, "I press STOP by mistake o, abeg make una dey send me again", OI),
        # A parent named with "my" is who the reply is about, not a word of affection.
        ("es", A, "mi mamá no sabe leer, me explican el mensaje?", H),
        ("en", None, "who is this? you keep texting my dad", H),
        ("pt", F, "preciso de ajuda, meu pai recebeu a mensagem e não sabe o que fazer", H),
        ("en", None, "happy birthday my mum, love you", U),
    ],
)
def test_fifty_seventh_round_requests_beside_a_story(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # An "ok" beside START in a plain request of its own, after a STOP told as typed ...
        ("ps", F, "START kha, zoy me pa loba ke STOP likalay wo", OI),
        # ... while a "why" or a START told after the STOP still stops.
        ("en", F, "START ok? my son typed STOP, why do you still send", Intent.OPT_OUT),
        ("en", F, "ok STOP, my son typed START", Intent.OPT_OUT),
        # Words of the ninety-seventh set's development part: help beside who cannot read,
        # requests for the messages, progress, short answers.
        ("ar", None, "ana mamaha, hiya ما بتعرف تقرا, ممكن تشرحولي الرسالة؟", H),
        ("ha", None, "Ni ƙanwarsa ce, shi baya karatu. Don Allah ku yi min bayani", H),
        ("ps", None, "مرسته غواړم، لیک لوست نه لرم، لور مې پیغامونه راته لولي", H),
        ("es", None, "necesito ayuda, mi nieto me lee los mensajes y no le queda claro", H),
        ("ka", R, "me ki mchirdeba shexsenebebi, aghadginet ra", OI),
        ("pcm", R, "I type STOP by mistake o, abeg no vex", OI),
        ("sq", F, "E shtypa STOP gabimisht, kthejeni si ishte", OI),
        ("am", A, "endegena mesejochachihun mekebel efelgalehu", OI),
        ("ar", A, "kont mrida w fatni l maw3id", Intent.ATTENDED_NO),
        ("prs", F, "hanoz ne, sinf ha bad az nowruz baz mesha", Intent.ATTENDED_NO),
        ("ti", A, "ayfal'ba", Intent.ATTENDED_NO),
        ("wo", F, "dema fa waaye ñu ne ma ma dellusi alxames", Intent.ATTENDED_NO),
        ("prs", R, "bale hazer hastam", Intent.CONFIRM),
        ("es", R, "nel, no se va a poder", Intent.DECLINE),
        # ... and what they must not read: a message that did not arrive is no absence.
        ("ar", A, "lmessage ma wselsh", U),
    ],
)
def test_fifty_eighth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A time offered on a condition, the "if" opening its clause or standing right before
        # the coming where the verb comes last, proposes another time ...
        ("en", R, "if it can be in the afternoon I will come, mornings I work", Intent.RESCHEDULE),
        ("fr", R, "si c'est l'après-midi je viens, le matin je travaille", Intent.RESCHEDULE),
        ("es", R, "si es por la tarde voy, en la mañana trabajo", Intent.RESCHEDULE),
        ("prs", R, "agar bad az chasht bashe meyayum", Intent.RESCHEDULE),
        ("am", R, "ከሰዓት በኋላ ከሆነ እመጣለሁ", Intent.RESCHEDULE),
        # ... but not a coming told first, a day that is the money's or the address's, or a
        # Wolof "bu" after a noun.
        ("en", R, "I will come tomorrow if I can", U),
        ("en", R, "if I get the money tomorrow I will come", U),
        ("en", R, "if you send me the address tomorrow I will come", U),
        ("wo", R, "Dama bàyyi sama liggéey bu suba ngir mën a ñëw, dinaa fa nekk", U),
        # Words of the ninety-eighth set's development part: STOPs told as sent by mistake, in
        # anger or by a nephew, then taken back; a wish that the messages go on; short answers.
        ("prs", R, "ببخشین دستم خطا خورد و STOP نوشتم، پیاما ره دوباره روان کنین", OI),
        (
            "ha",
            A,
            "Ranar nan ina fushi shiyasa nace STOP. Yanzu na huce, a dawo dani cikin jerin",
            OI,
        ),
        ("bn", A, "আমার ভাতিজা খেলতেছিল, সে stop লিখছে। আমি রিমাইন্ডার আবার চাই", OI),
        ("ff", None, "Wata on dartin siftinde ɗe, ɗe mballii kam", U),
        ("sq", R, "t'hanen s'bon, t'merkuren po", Intent.RESCHEDULE),
        ("pt", F, "inda nada, es ka txoma-m", Intent.ATTENDED_NO),
        ("ps", F, "ho, dars wayam", Intent.ATTENDED_YES),
        # ... and what they must not read: "I miss am" is also "I miss them" (the messages).
        ("pcm", A, "abeg una fit begin send me those reminder again? i miss am", OI),
        ("ka", A, "ki ar vyofilvar", U),
    ],
)
def test_fifty_eighth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the ninety-ninth set's development part: a request to delete one's number
        # in romanised Tigrinya (a missed opt-out at first sight), STOPs pressed by mistake or by
        # a nephew and taken back, requests for the messages, short answers ...
        ("ti", A, "numero'y serizuwo, bejakum", Intent.OPT_OUT),
        ("am", F, "በስህተት ነው STOP የጫንኩት፣ ይቅርታ", OI),
        ("prs", R, "eshtebahi STOP ra zadom", OI),
        ("ar", None, "ابن أخي ضغط على إيقاف، شغلوا الرسائل تاني", OI),
        ("wo", R, "dooraat leen di ma yonnee sms yi", OI),
        ("bn", R, "হ ঠিক আছে, থাকমু", Intent.CONFIRM),
        ("ha", A, "bai tafi ba, yana asibiti", Intent.ATTENDED_NO),
        # ... and a yes beside "I did not start" stays a contradiction.
        ("prs", F, "ha, shuru nakardom", U),
    ],
)
def test_fifty_eighth_round_third_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the hundredth set's development part: "I'm confused" in romanised Amharic
        # beside a call asked for, a wish that the messages not be turned off (a false opt-out
        # at first sight), a date to change and "I went, they said come back" in romanised
        # Pashto, a later day asked for in Gheg, the reminders wanted back in romanised Tigrinya
        # ...
        ("am", A, "delulign, gira gebagn", Intent.HELP),
        ("ka", A, "ar gamortot shetyobinebebi ra", U),
        ("ps", R, "neta badla kai plz", Intent.RESCHEDULE),
        ("ps", A, "walaram kho wayel bya rasha", Intent.ATTENDED_YES),
        ("sq", R, "s'muj at dit, a bon ma von?", Intent.RESCHEDULE),
        ("ti", F, "mezekakeri ktmelsuley", OI),
        # ... and "later" beside "I'll tell you" proposes nothing.
        ("sq", R, "ma von t'ju them", U),
    ],
)
def test_fifty_ninth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the hundred-and-first set's development part: a Fula opt-out after an option
        # (a missed opt-out at first sight), a Bengali wish that the reminders not be turned off,
        # a French STOP disowned with its article and a Dari request to start again (false
        # opt-outs at first sight), "next week" with its Dari ezafe, Pashto "I come" after a
        # "no", an Amharic "ok" in Tigrinya, "he did not arrive" in Wolof, "I can't make it" in
        # Albanian, a visit and a "come back" in Pidgin.
        ("ff", A, "ɗiɗi, ɓaŋ numero am", Intent.OPT_OUT),
        ("bn", A, "reminder bondho koiren na", U),
        ("fr", None, "c'était une erreur le STOP", OI),
        ("prs", F, "payamha ra az nao jari kunen", OI),
        ("prs", F, "hanoz ne, hafta-ye ayanda shuru mesha", Intent.ATTENDED_NO),
        ("ps", R, "نه، درځم", U),
        ("ti", R, "እሺ ሕራይ", Intent.CONFIRM),
        ("sq", R, "nuk arrij dot të hënën", Intent.DECLINE),
        (
            "pcm",
            F,
            "I visit their office but dem say make I come back next week",
            Intent.ATTENDED_NO,
        ),
    ],
)
def test_fifty_ninth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the hundred-and-second set's development part: a Pidgin opt-out (missed at
        # first sight), Hausa and Portuguese wishes that the reminders not stop (false opt-outs
        # at first sight), a Wolof "no, I will come", Fula "haa" (until) before a day, which is
        # no "yes", a later date asked for in Dari and Georgian, a Tigrinya "I have entered", and
        # an Albanian "keep it up" that asks for nothing.
        ("pcm", F, "abeg una fit rest with dis texts", Intent.OPT_OUT),
        ("ha", F, "kar a dena min tunatarwar nan", U),
        ("pt", A, "não desliguem os lembretes", U),
        ("wo", R, "dedet dinaa dikk", U),
        ("ff", R, "A'a mi waawaa, mi woni ka gure haa aljuma", Intent.DECLINE),
        ("prs", R, "lotfan waqt e ma ra aqab bendazen", Intent.RESCHEDULE),
        ("ka", R, "gadaweva ar iqneba?", Intent.RESCHEDULE),
        ("ti", F, "ewe atiwe aleku", Intent.ATTENDED_YES),
        ("sq", None, "mesazhet tuaja më pëlqejnë, vazhdoni kështu", U),
    ],
)
def test_fifty_ninth_round_third_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # Words of the hundred-and-third set's development part: opt-outs after a "no" in
        # romanised Georgian and Pashto (missed at first sight), a STOP sent by a brother with a
        # request to be put back on the list and a Pashto wish that the messages not stop (false
        # opt-outs at first sight), "it's not possible" in Hausa, "I did not attend" in Pidgin,
        # "send them from the start" in Dari, "I went by there" in Spanish ...
        ("ka", A, "ara. chemi nomeri amoiret siidan", Intent.OPT_OUT),
        ("ps", F, "na, nor me ma tangawai", Intent.OPT_OUT),
        ("ha", None, "ku sake sa ni cikin jerin don Allah, ɗan uwana ne ya aika STOP", OI),
        ("ps", None, "هیله ده چې پیغامونه مو بند نه شي", U),
        ("ha", R, "gaskiya ba dama", Intent.DECLINE),
        ("pcm", A, "No, I no attend am", Intent.ATTENDED_NO),
        ("prs", None, "لطفاً پیام‌ها را از سر بفرستید", OI),
        ("es", A, "sip, ya pasé por allá", Intent.ATTENDED_YES),
        # ... and a bare "ba dama" (not possible) beside another day stays a proposal.
        ("ha", R, "Litinin dai ba dama, sai dai Talata", Intent.RESCHEDULE),
    ],
)
def test_fifty_ninth_round_fourth_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # An option given as a word, with politeness in its clause, then a clause of its own:
        # the number is read (it was a word no keyword knew once "please" stood beside it).
        ("en", R, "two please, I work on Tuesday", Intent.DECLINE),
        ("fr", R, "Trois svp, le mardi je bosse", Intent.RESCHEDULE),
        ("en", R, "one please, see you there", Intent.CONFIRM),
        # Words of the hundred-and-fourth set's development part: a STOP put by a sister with a
        # request to be put back (a false opt-out at first sight), "resume sending" in
        # Portuguese, "no, honestly" in Hausa, a Tigrinya yes and "we met", "I'll be there" in
        # Albanian, "sharp sharp" (right away) in Pidgin, "I handed in the papers" in Georgian.
        ("es", F, "Mi hermana puso STOP, apúntenme otra vez", OI),
        ("pt", None, "Retomem o envio das mensagens por favor", OI),
        ("ha", R, "a'a gaskiya", Intent.DECLINE),
        ("ti", A, "ewe'ba, terakibna", Intent.ATTENDED_YES),
        ("sq", R, "po, aty jam", Intent.CONFIRM),
        ("pcm", R, "Option two sharp sharp", Intent.DECLINE),
        ("ka", A, "sabutebi chavabare", Intent.ATTENDED_YES),
    ],
)
def test_sixtieth_round(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        # A request for the messages opens the reply, then a lone STOP in a later clause: the
        # STOP is told (false opt-outs before) ...
        ("en", None, "Restart the reminders please, the STOP was my son", OI),
        # ... but not past a "no" or a "but", which keep it said (the safe side).
        ("en", None, "Restart? No. STOP", Intent.OPT_OUT),
        ("en", None, "Restart the reminders please, but STOP the calls", Intent.OPT_OUT),
        # Words of the hundred-and-fifth set's development part: Tigrinya "leave us" (a missed
        # opt-out at first sight), a Wolof "I made a mistake with the STOP" (a false opt-out),
        # "I have been attending" in Amharic, "I attended" in Dari, "I was sick" in Albanian
        # after a 2, "bene" (one) in Wolof, "put me back" in Moroccan Arabic.
        ("ti", A, "ezi numero nay hawey eyu. bejakum gidefuna", Intent.OPT_OUT),
        ("wo", None, "dama juumoon ci STOP bi, baal ma", OI),
        ("am", F, "awo, eyetemarku new", Intent.ATTENDED_YES),
        ("prs", A, "bale, hazer shodum", Intent.ATTENDED_YES),
        ("sq", A, "Dy. Isha i sëmurë", Intent.ATTENDED_NO),
        ("wo", F, "Option bene", Intent.ATTENDED_YES),
        ("ar", None, "7ottoni tani 3al list 3afak", OI),
        # "I missed my last appointment" beside a request for the messages tells why; to "did
        # you go?" it still answers no.
        ("en", A, "I missed my last appointment", Intent.ATTENDED_NO),
        # "pode trocar" (can you change) asks for another day only beside the day or the date,
        # "anja bud" (was there) tells an attendance only with "yesterday".
        ("pt", R, "pode trocar o meu número de telefone?", U),
        ("prs", A, "mobile ma anja bud", U),
    ],
)
def test_sixtieth_round_second_set(
    language: str, question: Question | None, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text"),
    [
        ("en", R, "i cant read, my neighbour reads them to me in the evening"),
        (
            "en",
            R,
            "i dont understand, help. this number belongs to my late husband, he died in march",
        ),
        ("pcm", None, "abeg help me find work, I just dey house dey do nothing"),
    ],
)
def test_help_beside_a_story_also_goes_to_a_caseworker(
    language: str, question: Question | None, text: str
) -> None:
    """The help answer goes, and the story beside the ask is read by a caseworker (the review
    reason `help_at_length`): it may say something else, like a death or a need for work."""
    decision = explain_reply(text, language, question)
    assert (decision.intent, decision.rule) == (Intent.HELP, "help_at_length")
