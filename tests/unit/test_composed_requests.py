"""Opt-outs, opt-ins and help requests composed from classes of words (locales/KEYWORDS.md, rules
2, 6 and 7): the rules on a small lexicon of their own, then on the shipped keyword data; and a
statement that closes the message (rule 19)."""

from __future__ import annotations

import pytest

from smsgateway.replies.classify import classify_reply, explain_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.keywords import Lexicon, Signal, find_all_everywhere, find_everywhere
from smsgateway.replies.reading import composed_opt_outs

R = Question.APPOINTMENT_REMINDER
A = Question.ATTENDANCE_CHECK
F = Question.FOLLOWUP


def _lexicon(*entries: tuple[str, Signal]) -> Lexicon:
    lexicon = Lexicon()
    for entry, signal in entries:
        lexicon.add(entry, signal.value)
    return lexicon


CLASSES = _lexicon(
    ("dont", Signal.NEGATION),
    ("no", Signal.NO),
    ("dont know", Signal.HEDGE),
    ("send", Signal.SEND),
    ("texts", Signal.MESSAGES),
    ("enough", Signal.UNWANTED),
    ("remove", Signal.REMOVE),
    ("remove me", Signal.REMOVE_ME),
    ("my number", Signal.CONTACT),
    ("cancel", Signal.OPT_OUT_ALONE),
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("dont send", ["dont send"]),
        ("dont you ever send", ["dont you ever send"]),
        ("send dont", ["send dont"]),
        ("no send", ["no send"]),
        ("dont texts", ["dont texts"]),
        ("enough texts", ["enough texts"]),
        ("texts a b c enough", ["texts a b c enough"]),
        ("remove my number", ["remove my number"]),
        ("my number please remove", ["my number please remove"]),
        ("cancel the texts", ["cancel the texts"]),
        ("remove a b my number", ["remove a b my number"]),
        # "نام و معلومات مره از سیستم تان حذف کنین": up to three words between (sixteenth round).
        ("remove a b c my number", ["remove a b c my number"]),
        ("remove me from these texts", ["remove me from these texts"]),
        ("texts a b remove me", ["texts a b remove me"]),
        # Too far apart, or not a negation: no opt-out.
        ("dont a b c send", []),
        ("no a b send", []),
        ("texts a b c d enough", []),
        ("remove a b c d my number", []),
        ("remove me a b c d texts", []),
        ("remove the texts", []),
        ("texts dont", []),
        ("dont know send", []),
        ("cancel the appointment", []),
    ],
)
def test_an_opt_out_is_composed_from_classes_of_words_close_together(
    text: str, found: list[str]
) -> None:
    tokens = CLASSES.words(text)
    assert [m.text for m in composed_opt_outs(tokens, CLASSES)] == found


def test_a_longer_keyword_of_another_meaning_cannot_hide_an_opt_out() -> None:
    lexicon = _lexicon(("stop", Signal.OPT_OUT), ("stop by the office", Signal.NEUTRAL))
    tokens = lexicon.words("I will stop by the office")
    assert find_everywhere(tokens, lexicon, Signal.OPT_OUT) == []
    assert [m.text for m in find_all_everywhere(tokens, lexicon, Signal.OPT_OUT)] == ["stop"]


@pytest.mark.parametrize(
    ("language", "question", "text"),
    [
        ("en", None, "please don't send me anything else"),
        ("en", A, "dont text this phone anymore"),
        ("en", F, "get my number off your list"),
        ("fr", R, "ne m'envoyez plus rien"),
        ("es", A, "eliminen mi número de su lista"),
        ("pt", R, "exclui meu número"),
        ("ar", None, "ما بدي هالرسايل"),
        ("ar", A, "mat b3tolich had les sms"),
        ("prs", R, "payam namikhaym"),
        ("prs", None, "دیگه پیام نفرستین"),
        ("ps", R, "زما شمېره پاک کړئ"),
        ("bn", R, "আমার নাম্বার মুছে ফেলুন"),
        ("bn", A, "ar sms pathaben na please"),
        ("am", None, "እባክዎ ከዚህ በኋላ አይላኩልኝ"),
        ("ti", F, "melekti aytsdedulay"),
        ("ka", A, "ar minda mesijebi"),
        ("sq", R, "hiqeni numrin tim nga lista"),
        ("ha", None, "kar ku sake turo min sms"),
        ("wo", A, "dindil sama numero"),
        ("ff", R, "wota on neldu kam mesaas"),
        ("ff", A, "itte limre an"),
        ("pcm", None, "no send me any text again"),
    ],
)
def test_opt_out_sentences_in_every_script(
    language: str, question: Question | None, text: str
) -> None:
    assert classify_reply(text, language, question) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "question", "text"),
    [
        ("ar", R, "bala rasa2el please"),
        ("pt", None, "deixem de me mandar sms por favor"),
        ("pt", R, "N ka misti mas mensajen"),
        ("es", None, "no, y deja de escribirme"),
        ("wo", A, "dama bëggatul message yi"),
        ("ff", R, "alaa, accu winndude kam"),
        ("am", R, "kuxre atfu"),
        ("ti", A, "yiakil melekti"),
        ("prs", F, "اشتراکم را لغو کنید"),
        ("prs", F, "nambaram ra pak konen"),
        ("bn", None, "onek hoyeche message"),
        ("bn", None, "amar number ta kete din"),
    ],
)
def test_opt_outs_composed_from_the_new_word_classes(
    language: str, question: Question | None, text: str
) -> None:
    assert classify_reply(text, language, question) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "don't stop the reminders"),
        ("en", "please dont stop"),
        ("wo", "bul noppi yónnee rappel yi"),
        ("ff", "hoto accu rappel ɗii"),
    ],
)
def test_a_negated_stop_word_is_no_opt_out(language: str, text: str) -> None:
    assert classify_reply(text, language, R) is not Intent.OPT_OUT


@pytest.mark.parametrize(
    "text", ["stop", "no stop", "no, stop", "2 stop", "stop sending", "not interested, stop"]
)
def test_a_stop_word_without_a_negation_before_it_stays_an_opt_out(text: str) -> None:
    assert classify_reply(text, "en", R) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "text"), [("wo", "noppil yónnee ma sms"), ("ff", "accu neldude kam sms")]
)
def test_a_stop_word_beside_the_messages_stays_an_opt_out(language: str, text: str) -> None:
    assert classify_reply(text, language, R) is Intent.OPT_OUT


@pytest.mark.parametrize(
    ("language", "question", "text"),
    [
        ("en", A, "I dont understand what this message means"),
        ("en", A, "I don't get it"),
        ("fr", A, "je comprends rien à ce message"),
        ("pt", R, "não estou entendendo"),
        ("bn", F, "bujhte parchi na"),
        ("ha", F, "ban fahimci sakon ba"),
        ("prs", R, "این پیام چیست؟"),
        ("es", A, "quién me manda esto?"),
        ("es", A, "no sé qué contestar"),
        ("am", A, "ምን መመለስ እንዳለብኝ አላውቅም"),
        ("wo", R, "dama soxla ndimbal"),
    ],
)
def test_help_sentences_are_composed(language: str, question: Question | None, text: str) -> None:
    decision = explain_reply(text, language, question)
    assert (decision.intent, decision.rule) == (Intent.HELP, "help")


@pytest.mark.parametrize(
    ("language", "question", "text"),
    [
        # Understanding that is not negated, or a request beside an answer, is no help request.
        ("en", R, "I understand, I will come"),
        ("en", R, "yes I understand"),
        ("fr", R, "je ne comprends pas, je viendrai"),
        ("es", A, "no entiendo, sí fui"),
    ],
)
def test_understanding_beside_an_answer_is_not_a_help_request(
    language: str, question: Question | None, text: str
) -> None:
    assert classify_reply(text, language, question) is not Intent.HELP


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Vous pouvez recommencer à m'envoyer les messages"),
        ("en", "I would like to get the reminders again"),
        ("en", "I changed my mind, please send the messages again"),
        ("wo", "yonneeti ma message yi"),
        ("es", "pueden volver a mandarme los mensajes"),
    ],
)
def test_opt_in_sentences_are_composed(language: str, text: str) -> None:
    assert classify_reply(text, language, None) is Intent.OPT_IN


@pytest.mark.parametrize(
    "text", ["I didn't get the messages again", "not the messages again", "no messages again?"]
)
def test_again_with_a_refusal_or_a_question_is_no_opt_in(text: str) -> None:
    assert classify_reply(text, "en", None) is not Intent.OPT_IN


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        # A statement that closes the message counts like one that leads it (verb-last word
        # order) ...
        ("ka", "ორი კვირის წინ დავიწყე", Intent.ATTENDED_YES),
        ("am", "ከሁለት ሳምንት በፊት ጀመርኩ", Intent.ATTENDED_YES),
        # ... but a yes or an "ok" that closes chatter does not.
        ("en", "the weather is very nice today, yes", Intent.UNCLEAR),
        ("en", "my sister is getting married, ok", Intent.UNCLEAR),
        # ... nor does "I will come" closing chatter, nor a yes before a weather verb.
        ("en", "the rain is coming", Intent.UNCLEAR),
        ("es", "sí hace calor", Intent.UNCLEAR),
        ("pt", "sim faz calor", Intent.UNCLEAR),
    ],
)
def test_a_statement_may_close_the_answer_but_a_closing_yes_does_not_confirm(
    language: str, text: str, intent: Intent
) -> None:
    question = F if intent is Intent.ATTENDED_YES else R
    assert classify_reply(text, language, question) is intent
