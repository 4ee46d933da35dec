"""What a reply means for the question it answers: conservative, never a guessed `confirm`.

The rules of meaning apply in the order of `RULES` (documented for translators and product people
in `locales/KEYWORDS.md`): first what works whatever the question (opt-out, opt-in, help), then
the answer to the open question (`answers`). Every decision names the rule that made it and the
words it rests on, so `smsgateway replies classify --explain` can show why a reply was read the
way it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from smsgateway.replies.answers import read_answer
from smsgateway.replies.decision import RULES, Decision
from smsgateway.replies.intents import FREE_TEXT, OPTIONS, Intent, Question, answers_of
from smsgateway.replies.keywords import Match, Signal
from smsgateway.replies.likeness import (
    OTHER_LIKENESSES,
    Model,
    shipped_likeness,
    shipped_model,
)
from smsgateway.replies.reading import (
    FILLER,
    START_WORD,
    STATEMENTS,
    Reading,
    overlaps,
    read_reply,
    within,
)

__all__ = [
    "RULES",
    "Decision",
    "Understanding",
    "classify_reply",
    "explain_reply",
    "understand_reply",
]

#: Longer replies are not read as answers (an opt-out still counts).
MAX_WORDS = 25
#: Unknown words a request phrase ("I need help", "send me the messages again") may carry.
REQUEST_UNKNOWN_WORDS = 2
#: Unknown words a wish for the messages again may carry ("I would like to get the reminders
#: again").
AGAIN_UNKNOWN_WORDS = 6
#: ... and a whole opt-in phrase ("I changed my mind, please send the messages again").
OPT_IN_PHRASE_UNKNOWN_WORDS = 4
#: Unknown words a help or opt-in phrase may carry in clauses of their own that tell who reads,
#: why or what happened ("I no too sabi read o, na person dey read am give me").
STORY_UNKNOWN_WORDS = 12


def classify_reply(text: str, language: str | None, question: Question | None) -> Intent:
    """Classify `text`, written in `language`, as an answer to `question` (None: nothing open)."""
    return explain_reply(text, language, question).intent


def explain_reply(text: str, language: str | None, question: Question | None) -> Decision:
    """Like `classify_reply`, with the rule that decided and the words it rests on."""
    return understand_reply(text, language).explain(question)


#: Requests at any moment; beside an answer they leave the reply unclear.
_REQUESTS = frozenset({Signal.HELP, Signal.OPT_IN, Signal.WRONG_NUMBER})

#: What may stand beside a request for help and the options it cannot choose between: words
#: that ask, explain or name the messages, sending and the options.
_BESIDE_OPTIONS_ASKED = frozenset(
    {
        Signal.HELP,
        Signal.UNDERSTAND,
        Signal.RESERVATION,
        Signal.POLITENESS,
        Signal.NEUTRAL,
        Signal.MESSAGES,
        Signal.SEND,
        Signal.RESPOND,
        Signal.OPTION,
        Signal.NEGATION,
    }
)
#: Words no keyword knows that such a message may hold ("za na pohegam che kom number wolegam,
#: 1 ka 2?": which number to send).
OPTIONS_ASKED_UNKNOWN_WORDS = 6


def _help_between_options(reading: Reading, request: Match, question: Question) -> bool:
    """A request for help beside two or more of the question's options and nothing that
    answers: "I don't understand, 1 or 2?", "mafhom nashod, 1 ya 2 kodamesh baraye chi ast?"
    (Dari "ya" is "or", a yes elsewhere: a word between two options is their "or")."""
    if request.signal is not Signal.HELP:
        return False
    options = OPTIONS.get(question) or {}
    numbers = [i for i, m in enumerate(reading.matches) if m.number is not None]
    if len({reading.matches[i].number for i in numbers}) < 2:
        return False
    if any(reading.matches[i].number not in options for i in numbers):
        return False
    between = {i + 1 for i in numbers if i + 2 in numbers}
    if reading.plain_unknown > OPTIONS_ASKED_UNKNOWN_WORDS:
        return False
    return all(
        m.number is not None
        or m.text == "?"
        or m.is_plain_unknown
        or m.signal in _BESIDE_OPTIONS_ASKED
        or i in between
        for i, m in enumerate(reading.matches)
    )


#: The words opt-out sentences are made of: the messages, sending, one's number or the list,
#: "no more", removing, a stop or opt-in word or phrase.
_ABOUT_THE_MESSAGES = (
    Signal.MESSAGES,
    Signal.SEND,
    Signal.CONTACT,
    Signal.UNWANTED,
    Signal.REMOVE,
    Signal.REMOVE_ME,
    Signal.OPT_OUT,
    Signal.OPT_OUT_ALONE,
    Signal.OPT_IN,
)
#: Refusals an opt-out may be made of with words the rules know ("no more please").
_REFUSING_WORDS = (Signal.NO, Signal.NEGATION, Signal.ENOUGH)
#: What a receipt is made of: "message reçu, merci", "got the message thanks", "thank you for
#: the reminder", "please send me the address" name the messages and ask for no stop.
_RECEIPT = frozenset(
    {
        Signal.ACK,
        Signal.PRAISE,
        Signal.POLITENESS,
        Signal.NEUTRAL,
        Signal.YES,
        Signal.CONFIRM,
        Signal.TIME,
        Signal.LAUGHTER,
        Signal.RECEIVED,
        Signal.MESSAGES,
        Signal.SEND,
        Signal.WISH,
    }
)
#: ... one of which thanks or says the message arrived ("الرسائل كثيرة بزاف", the messages are
#: too many, is no receipt).
_THANKS = frozenset({Signal.ACK, Signal.PRAISE, Signal.POLITENESS, Signal.RECEIVED})
#: Words no keyword or word class knows that a receipt may carry ("got the message", "for the
#: reminder").
RECEIPT_UNKNOWN_WORDS = 2


@dataclass(frozen=True)
class Understanding:
    """A reply read once in one language: what it means whatever the question is read once,
    and what it means as the answer to each question is decided from that reading, so a caller
    that asks for both (the inbound path: first opt-out, help..., then the answer) reads the
    reply once (`understand_reply`)."""

    text: str
    language: str | None
    reading: Reading
    #: Opt-out, opt-in, help, feedback, too long: what it means whatever the question.
    general: Decision | None
    #: The learned backstops for answers (rule 7c), by the intent each finds: none when read by
    #: the rules alone or with the opt-out likeness alone (`weighed_with`).
    others: tuple[tuple[Intent, Model], ...] = ()

    def weighed_with(
        self, model: Model, others: tuple[tuple[Intent, Model], ...] = ()
    ) -> Understanding:
        """This reading, read by the rules alone, with the learned backstops weighing by `model`
        (opt-outs) and `others` (answers): a reply the rules read as nothing (or too long to
        answer) may be an opt-out by likeness (rule 7b), and an answer they cannot read one of
        the answers the question allows (rule 7c)."""
        weighed = replace(self, others=others)
        general = self.general
        if not self.reading.matches or not (general is None or general.rule == "too_long"):
            return weighed
        return replace(weighed, general=_like_an_opt_out(self.text, self.reading, model) or general)

    def explain(self, question: Question | None) -> Decision:
        """`explain_reply(text, language, question)`, without reading the reply again."""
        decision = self._by_rules(question)
        if (
            question is None
            or not self.others
            or decision.intent is not Intent.UNCLEAR
            or decision.rule not in _LIKENESS_MAY_READ
        ):
            return decision
        return self._like_an_answer(question) or decision

    def _like_an_answer(self, question: Question) -> Decision | None:
        """Rule 7c for answers: an answer the rules left unclear with nothing they know against
        it, very like one answer the question allows and like no other, is read as that one."""
        reading = self.reading
        if reading.words < 2 or self.speaks_of_the_messages or _takes_back(reading):
            # "sheidzleba" (maybe) alone is like many proposals; a reply about the messages may
            # be an opt-out nobody understood, answered with how to stop; "can you give me
            # another date? no wait, I will not need it" takes back what it asked.
            return None
        if all(m.signal in (Signal.NEUTRAL, Signal.POLITENESS) for m in reading.matches):
            # "not cancelled", "thank you sir": words the rules know to answer nothing.
            return None
        if question is not Question.APPOINTMENT_REMINDER and _only_a_date_asked(reading):
            # "new date please" to "did you start?": a date asked for, nothing told.
            return None
        alike = [
            (intent, likeness)
            for intent, model in self.others
            if intent in answers_of(question)
            for likeness in (model.likeness(self.text),)
            if likeness.is_alike
        ]
        if len(alike) != 1:
            return None
        intent, likeness = alike[0]
        return Decision(intent, "answer_likeness", likeness.pieces)

    def _by_rules(self, question: Question | None) -> Decision:
        reading = self.reading
        if not reading.matches:
            return Decision(Intent.UNCLEAR, "nothing_readable")
        decision = self.general
        free_text = FREE_TEXT.get(question) if question is not None else None
        if free_text is not None and (
            decision is None
            or decision.rule == "too_long"
            # "ba su taimaka min da komai ba" (they helped me with nothing): help not given is
            # why, not a request for it.
            or (decision.rule in _HELP_RULES and _help_only_not_given(reading))
        ):
            # "Why?": a long answer is still a reason; what else it says is for the managers.
            return _free_text(reading, free_text)
        # "they didn't help me", "ما ساعدوني": how the help went, not a request for help.
        if (
            question is Question.SATISFACTION
            and reading.help_not_given
            and (decision is None or decision.rule in (*_HELP_RULES, "too_long"))
        ):
            return read_answer(_as_helped(reading), question)
        if (
            decision is not None
            and decision.rule == "too_long"
            and question is Question.APPOINTMENT_REMINDER
        ):
            # "sorry my phone was off for 3 days, just seen this now. can we do it next week some
            # other day? ...": another date asked for after an excuse told at length.
            requested = read_answer(reading, question)
            if requested.rule == "date_requested":
                return requested
        if decision is not None and decision.rule == "moved_to_another_day":
            if question is Question.APPOINTMENT_REMINDER:
                return Decision(Intent.RESCHEDULE, decision.rule, decision.words)
            return decision
        if decision is not None:
            return decision
        if question is None:
            return _request_with_no_question(reading) or Decision(
                Intent.UNCLEAR, "no_open_question"
            )
        request = reading.first(*_REQUESTS)
        if request is not None and _start_told(reading):
            # "they said classes start in January, so not yet": START is a word of the story.
            # Its one-word STARTs are read as words no keyword knows.
            reading = _read_as(reading, Signal.OPT_IN, None)
            request = None
        if request is not None and _help_judged(reading, question):
            # "3 ምንም እርዳታ አላገኘሁም ከነሱ" (3, I got no help from them): the help is what the
            # satisfaction question asks about.
            reading = _read_as(reading, Signal.HELP, Signal.NEUTRAL)
            request = None
        if request is None and {Signal.WISH, Signal.MESSAGES, Signal.AGAIN} <= {
            m.signal for m in reading.matches
        }:
            # "yes I want the reminders again, I will come": a wish for the messages again is a
            # request too, composed from classes of words.
            request = reading.first(Signal.WISH)
        if request is not None and _help_between_options(reading, request, question):
            return Decision(Intent.HELP, "help_between_options", (request.text,))
        # "2, but keep sending the reminders", "yes I started, but don't stop the messages": an
        # opt-in request, or with no request a wish that the messages not stop, after "but".
        wish = (
            request
            if request is not None
            else next((m for m in reading.matches if m.signal is Signal.NOT_STOP), None)
        )
        if wish is not None and wish.signal in (Signal.OPT_IN, Signal.NOT_STOP):
            kept = _answer_beside_messages_kept(reading, wish, question)
            if kept is not None:
                return kept
        if request is not None:
            # "1 help", "yes start", "yes wrong number": an answer mixed with a request is not
            # guessed.
            return Decision(Intent.UNCLEAR, "request_beside_answer", (request.text,))
        return _own_question_answered(reading, question) or read_answer(reading, question)

    def intent(self, question: Question | None) -> Intent:
        """`classify_reply(text, language, question)`, without reading the reply again."""
        return self.explain(question).intent

    @property
    def speaks_of_the_messages(self) -> bool:
        """Whether the reply uses the words opt-outs are made of (`_ABOUT_THE_MESSAGES`), and is
        neither a receipt ("message reçu", "got the message thanks": only `_RECEIPT` words, one
        of them `_THANKS`, and at most two words no keyword knows) nor a wish that the messages
        go on ("don't stop the reminders").

        Read `unclear`, such a reply may be an opt-out the rules missed ("I have had enough of
        your texts, my husband reads them"): it is answered with how to stop, and a caseworker
        sees why it was flagged (locales/KEYWORDS.md, "Unclear replies about the messages").
        """
        reading = self.reading
        if reading.opt_outs:
            return True
        if reading.go_on or reading.negated_stops:
            return False  # "don't stop the reminders": the messages are to go on
        if not reading.has(*_ABOUT_THE_MESSAGES) and not reading.messages_in_asides:
            return False
        known = {m.signal for m in reading.matches if m.signal is not None}
        is_receipt = (
            known <= _RECEIPT
            and bool(known & _THANKS)
            and reading.plain_unknown <= RECEIPT_UNKNOWN_WORDS
        )
        return not is_receipt

    @property
    def cannot_read(self) -> bool:
        """Whether the reply asks for help because the person cannot read ("I can't read",
        "je sais pas lire", "ማንበብ አልችልም"; section `cannot_read`): the help answer is a text,
        so a caseworker is asked to call them, or to send their notices as voice calls."""
        general = self.general
        return (
            general is not None and general.intent is Intent.HELP and bool(self.reading.cannot_read)
        )

    def in_language(self, language: str | None) -> Understanding:
        """The same reply read in `language`: this one when it is the language it was read in."""
        return self if language == self.language else understand_reply(self.text, language)


#: The answers that say yes: beside "but keep sending ...", only when the messages are named.
_YES_ANSWERS = frozenset({Intent.CONFIRM, Intent.ATTENDED_YES, Intent.SATISFIED})
#: What a request that the messages go on is made of, beside an answer it leaves standing.
_MESSAGES_KEPT = frozenset(
    {Signal.OPT_IN, Signal.NOT_STOP, Signal.MESSAGES, Signal.SEND, Signal.POLITENESS}
)


def _answer_beside_messages_kept(
    reading: Reading, request: Match, question: Question
) -> Decision | None:
    """An answer, then "but" and a request that the messages go on: "2, but keep sending me the
    reminders", "არ წავედი, მაგრამ მესიჯები ისევ გამომიგზავნეთ" (I didn't go, but send the
    messages again), "হ্যাঁ শুরু করেছি, কিন্তু মেসেজ বন্ধ করবেন না" (yes I started, but don't stop
    the messages). The messages go on whatever the answer; the answer stands, read without the
    request."""
    matches = reading.matches
    at = matches.index(request)
    but = next((i for i in range(at - 1, -1, -1) if matches[i].signal is Signal.CONTRAST), None)
    if not but:  # no "but", or nothing before it to answer
        return None
    after = matches[but + 1 :]
    if any(m.signal is not None and m.signal not in _MESSAGES_KEPT for m in after) or any(
        m.signal in _REQUESTS for m in matches[:but]
    ):
        return None
    # The "but" and what follows it read as words that carry no answer (the indices of the
    # reading stay those of the whole reply).
    before = replace(
        reading,
        matches=tuple(
            replace(m, signal=Signal.NEUTRAL) if i >= but else m for i, m in enumerate(matches)
        ),
    )
    answer = read_answer(before, question)
    if answer.intent is Intent.UNCLEAR:
        return None
    if answer.intent in _YES_ANSWERS and not any(m.signal is Signal.MESSAGES for m in after):
        # "yes but keep sending me the photos": a yes stands only beside the messages named.
        return None
    return Decision(answer.intent, "answer_beside_messages_kept", (*answer.words, request.text))


def _own_question_answered(reading: Reading, question: Question) -> Decision | None:
    """ "cancel my appointment? no, I'll come", "نلغي الموعد؟ لا لا جاي", "vizitis gauqmeba?
    ara, movdivar": the reply asks a question of its own, answers it with a no right after its
    "?", then answers ours. The no is for its own question; what follows is the answer, read as
    if the reply began there. Only one "?", words before it, and an answer after the no: "no?"
    and "cancel? no" stay with the other rules, and "no, I'll come" alone stays a
    contradiction."""
    marks = [i for i, m in enumerate(reading.matches) if m.text == "?"]
    if len(marks) != 1:
        return None
    (mark,) = marks
    start = mark + 1
    while start < len(reading.matches) and reading.matches[start].signal is Signal.NO:
        start += 1  # "na na, ami ashbo"
    if mark == 0 or start == mark + 1 or start == len(reading.matches):
        return None
    answer = read_answer(reading.after(start), question)
    if answer.intent is Intent.UNCLEAR:
        return None
    return Decision(answer.intent, "own_question_answered", answer.words, answer.confidence)


def _request_with_no_question(reading: Reading) -> Decision | None:
    """With no question open, the words of an answer answer nothing: a request beside them is
    the request, as it would be alone ("pls send me the reminders again, i missed the last
    one", "po kush jeni ju, me fal?": Albanian "po" is a yes). Only the answer's words are set
    aside; whatever else keeps a request from being one alone (a wish that the messages go on,
    words of a story, sending told as done) still does."""
    if not any(m.signal in _ANSWER_WORDS for m in reading.matches) or _start_told(reading):
        return None
    aside = _read_as(reading, _ANSWER_WORDS, Signal.NEUTRAL)
    # Not beside a story: words of an answer and a story together are for a caseworker.
    if _is_request(aside, Signal.OPT_IN, story=False) and not _told_going_on(aside):
        return Decision(Intent.OPT_IN, "request_with_no_question", aside.texts(Signal.OPT_IN))
    if _is_request(aside, Signal.HELP, story=False) and not _told_before(
        aside, aside.texts(Signal.HELP)
    ):
        return Decision(Intent.HELP, "request_with_no_question", aside.texts(Signal.HELP))
    return None


def _start_told(reading: Reading) -> bool:
    """A one-word START (section `opt_in`) that tells when something starts: the only request
    of the reply, not leading it, beside a day or time ("dem say e go start next month", "the
    classes start in January, so not yet"); leading ("start monday") it stays a request."""
    requests = [m for m in reading.matches if m.signal in _REQUESTS]
    if not requests or any(m.signal is not Signal.OPT_IN or m.is_phrase for m in requests):
        return False
    first = next((m for m in reading.matches if m.signal not in FILLER), None)
    return first not in requests and reading.has(Signal.TIME)


def _read_as(
    reading: Reading, signals: Signal | frozenset[Signal], meaning: Signal | None
) -> Reading:
    """`reading` with the words of `signals` (one or several) read with `meaning` instead
    (None: as words no keyword knows)."""
    read = signals if isinstance(signals, frozenset) else frozenset({signals})
    matches = tuple(replace(m, signal=meaning) if m.signal in read else m for m in reading.matches)
    return replace(reading, matches=matches)


def _help_judged(reading: Reading, question: Question) -> bool:
    """Words for help beside an option number of the satisfaction question or a word for
    "partly", and no other request: "۲ نیم کمک شد" (2, half the help came), "یو څه مرسته شوې"
    (some help was given) judge the help, ask for none."""
    if question is not Question.SATISFACTION:
        return False
    requests = [m for m in reading.matches if m.signal in _REQUESTS]
    # A phrase ("help me", "I need help") asks for it.
    return all(m.signal is Signal.HELP and not m.is_phrase for m in requests) and any(
        m.number in OPTIONS[question] or m.signal is Signal.PARTLY for m in reading.matches
    )


def _help_only_not_given(reading: Reading) -> bool:
    """Whether every word for help in `reading` tells help not given ("they didn't help me"),
    none asks for it ("they didn't help me, I need help")."""
    helps = [m for m in reading.matches if m.signal is Signal.HELP]
    return bool(helps) and all(m in reading.help_not_given for m in helps)


def _as_helped(reading: Reading) -> Reading:
    """`reading` with its negated words for help read as being helped (section `helped`), which
    the negation beside them turns into a no."""
    matches = tuple(
        replace(m, signal=Signal.HELPED) if m in reading.help_not_given else m
        for m in reading.matches
    )
    return replace(reading, matches=matches, help_not_given=())


def understand_reply(
    text: str, language: str | None, *, likeness: Model | None = None
) -> Understanding:
    """Read `text`, written in `language`, once (`Understanding`). The learned backstop weighs
    with the shipped weights, or with `likeness` (`smsgateway.replies.likeness_check` reads each
    file with weights learned without it; `NO_LIKENESS` reads by the rules alone)."""
    reading = read_reply(text, language)
    general = _global_decision(reading) if reading.matches else None
    by_rules = Understanding(text, language, reading, general)
    if likeness is not None:
        return by_rules.weighed_with(likeness)
    others = tuple((intent, shipped_likeness(intent)) for intent in OTHER_LIKENESSES)
    return by_rules.weighed_with(shipped_model(), others)


#: The unclear readings a learned backstop may read as an answer (rule 7c): the rules found no
#: answer, or one not shaped like an answer, or too long. Never a contradiction, a doubt, an
#: option the question does not offer, a request beside an answer, or laughter: those are
#: unclear by a rule of their own.
_LIKENESS_MAY_READ = frozenset(
    {"no_answer", "answer_shape", "statement_does_not_fit", "negation_out_of_reach", "too_long"}
)


#: How many words before a word for removing or sending a negation keeps the likeness from
#: applying (the rules compose "don't" + "send" with up to two words between).
NEGATION_REACH = 3
#: The questions answered by an option: a reply that answers one of them is no opt-out by likeness.
_OPTION_QUESTIONS = tuple(question for question, options in OPTIONS.items() if options)


def _like_an_opt_out(text: str, reading: Reading, model: Model) -> Decision | None:
    """The learned backstop (rule 7b): a reply the rules read as nothing, that answers none of
    the questions and asks for the messages to go on nowhere, read as an opt-out when it is very
    like the development corpus's opt-outs (`smsgateway.replies.likeness`)."""
    if reading.go_on or reading.negated_stops or reading.whys or reading.has(Signal.NOT_STOP):
        # "don't stop the reminders", "why did you stop?", "the clinic stopped the programme":
        # the rules know these stop nothing.
        return None
    matches = reading.matches
    if all(m.signal in FILLER for m in matches):
        # "mi teléfono estaba apagado, no recibí sus mensajes": every word is known and answers
        # nothing (why one did not reply, who writes, greetings); no word is left to be like.
        return None
    if not reading.plain_unknown and not reading.has(*_ABOUT_THE_MESSAGES, *_REFUSING_WORDS):
        # "make person ring me abeg" (a call asked for), "e don clear me now, tanks" (I
        # understand now, thanks): every word is known, and none is of what opt-outs are made
        # of (the messages, sending, the number, removal, a stop or start word, a refusal);
        # nothing is left to be like.
        return None
    if _negated(reading, frozenset({Signal.REMOVE, Signal.SEND})):
        # "my number, don't delete it", "não esqueçam de me lembrar" (don't forget to remind me):
        # the rules read a negation before the word for removing or sending, and found no stop.
        return None
    if (
        reading.has(Signal.CONFIRM)
        and reading.has(Signal.HEDGE, Signal.RESERVATION)
        and not reading.has(*_ABOUT_THE_MESSAGES)
    ):
        # "agar betanam meayam" (if I can, I'll come): a coming told with a doubt, and none of
        # the words opt-outs are made of ("... ای پیاما از کجا میایه؟؟ لغو کنین" may still be
        # one), is an answer in doubt, whatever the words are like elsewhere
        # (Georgian "agar", no more).
        return None
    if _asks_for_the_messages(reading):
        # "Ça fait des mois que je reçois plus rien, réinscrivez-moi s'il vous plaît": a word
        # that asks for the messages, with no negation before it, asks for no stop, whatever
        # the rest is like.
        return None
    likeness = model.likeness(text)
    if not likeness.is_an_opt_out:
        return None
    if reading.words <= MAX_WORDS and any(
        _answers(read_answer(reading, question)) for question in _OPTION_QUESTIONS
    ):
        return None  # "2, I don't want to go there any more" declines
    return Decision(Intent.OPT_OUT, "opt_out_likeness", likeness.pieces)


#: Words of an answer that a "no" after them takes back.
_TAKEN_BACK = frozenset({Signal.YES, Signal.CONFIRM, Signal.ATTENDED_YES, Signal.RESCHEDULE})


#: What may stand beside a request for another date that tells nothing else ("new date please").
_BESIDE_A_DATE_ASKED = frozenset(
    {Signal.RESCHEDULE, Signal.POLITENESS, Signal.NEUTRAL, Signal.TIME}
)


def _only_a_date_asked(reading: Reading) -> bool:
    """A request for another date and nothing else: "new date please", "another day?". To "did
    you go?" or "did you start?" it tells neither; "I will start next week" tells a "not yet"."""
    return reading.has(Signal.RESCHEDULE) and all(
        m.signal in _BESIDE_A_DATE_ASKED or m.text == "?" for m in reading.matches
    )


def _takes_back(reading: Reading) -> bool:
    """Whether a "no" follows a yes or an answer ("je suis allé mais non, je ne suis pas
    entré"): "not Monday, Tuesday yes" (a no, then the answer) is no taking back."""
    answered = False
    for m in reading.matches:
        if m.signal in _TAKEN_BACK:
            answered = True
        elif m.signal is Signal.NO and answered:
            return True
    return False


def _asks_for_the_messages(reading: Reading) -> bool:
    """Whether a word of section `opt_in` stands with no negation up to `NEGATION_REACH` words
    before it in its clause: "من زمان ما وصلني شي، اشتركوني من جديد" (nothing came for a long
    time, subscribe me again) asks; "don't restart the messages" does not."""
    matches = reading.matches
    return any(
        m.signal is Signal.OPT_IN
        and not any(
            n.signal is Signal.NEGATION
            for n in matches[max(i - NEGATION_REACH, reading.clause_start(i)) : i]
        )
        for i, m in enumerate(matches)
    )


def _negated(reading: Reading, signals: frozenset[Signal]) -> bool:
    """Whether a negation stands up to `NEGATION_REACH` words before a word of `signals`."""
    matches = reading.matches
    return any(
        m.signal in signals
        and any(n.signal is Signal.NEGATION for n in matches[max(0, i - NEGATION_REACH) : i])
        for i, m in enumerate(matches)
    )


def _answers(decision: Decision) -> bool:
    """Whether an answer reading keeps the likeness from applying: any but a proposal read
    from a question ("where do these messages come from?? cancel" asks no new date), and a
    relative's bare yes or no, which answers though it is left unclear ("non je suis sa mère,
    il n'habite plus ici" asks no stop)."""
    if decision.rule in ("proxy_answer", "mistaken_answer"):
        return True
    return decision.intent is not Intent.UNCLEAR and decision.rule != "proposal"


def _aside_words(reading: Reading) -> int:
    """The words of phrases that answer nothing (section `neutral`: why one did not reply, who
    writes, being late): "sorry for the late reply, my phone was spoilt for three days. can we
    shift the appointment to next week" is no longer for them."""
    return sum(
        m.end - m.start for m in reading.matches if m.signal is Signal.NEUTRAL and m.is_phrase
    )


def _global_decision(reading: Reading) -> Decision | None:
    """Opt-out, opt-in and help, which work whatever the question (or with none open)."""
    opt_out = reading.opt_outs[0] if reading.opt_outs else None
    if opt_out is not None:
        return Decision(Intent.OPT_OUT, "opt_out", (opt_out.text,))
    removal = _wish_to_remove_the_messages(reading)
    if removal:
        return Decision(Intent.OPT_OUT, "wished_removed", removal)
    if _stops_alone(reading):
        words = reading.texts(Signal.OPT_OUT_ALONE) or tuple(
            m.text for m in reading.matches if m.text not in ANNOYED
        )
        return Decision(Intent.OPT_OUT, "opt_out_alone", words)
    command = _leading(reading)
    if command is not None and command.signal is Signal.FEEDBACK:
        return Decision(Intent.FEEDBACK, "feedback", (command.text,))
    if reading.how_to_stop:
        # "How do I stop these if I want to later?": the help answer tells how.
        return Decision(Intent.HELP, "how_to_stop", tuple(m.text for m in reading.how_to_stop))
    if reading.number_changed:
        # "borren mi número viejo, este es el nuevo": a caseworker changes the number.
        words = tuple(m.text for m in reading.number_changed)
        return Decision(Intent.UNCLEAR, "number_changed", words)
    if reading.moved_day:
        # "remove me from Tuesday's list and put me on Friday": another date (`explain`).
        words = tuple(m.text for m in reading.moved_day)
        return Decision(Intent.UNCLEAR, "moved_to_another_day", words)
    if reading.asked_why:
        # "why did the messages stop?": a complaint or a worry, for a caseworker to read.
        return Decision(Intent.UNCLEAR, "asked_why", tuple(m.text for m in reading.asked_why))
    if reading.asks and reading.hypotheticals:
        # "መልእክቱን ማቆም ብፈልግ ምን ብዬ ልጻፍ?" (if I want to stop the message, what should I
        # write?): no listed stop word, but the messages or a word that stops alone.
        about = tuple(
            m for m in reading.matches if m.signal in (Signal.MESSAGES, Signal.OPT_OUT_ALONE)
        )
        if about:
            return Decision(Intent.HELP, "how_to_stop", tuple(m.text for m in about))
    if reading.words - _aside_words(reading) > MAX_WORDS:
        return Decision(Intent.UNCLEAR, "too_long", (f"{reading.words} words",))
    wrong = _wrong_number(reading)
    if wrong is not None:
        return wrong
    if reading.mistaken_opt_outs:
        words = tuple(m.text for m in reading.mistaken_opt_outs)
        return Decision(Intent.OPT_IN, "stop_by_mistake", words)
    opened = _start_opens(reading)
    if opened is not None:
        return opened
    again = None if _told_going_on(reading) else _asks_again(reading)
    if again is not None:
        return again
    if reading.has(Signal.OPT_IN_ALONE) and all(
        m.signal in FILLER or m.signal in (Signal.OPT_IN_ALONE, Signal.OPT_IN) or m.text == "?"
        for m in reading.matches
    ):
        # "শুরু", "FILLO", "START ጀምር" (START said in both languages)
        return Decision(Intent.OPT_IN, "opt_in_alone", reading.texts(Signal.OPT_IN_ALONE))
    for signal, intent, rule in (
        (Signal.OPT_IN, Intent.OPT_IN, "opt_in"),
        (Signal.HELP, Intent.HELP, "help"),
    ):
        if _is_request(reading, signal) and not (
            (signal is Signal.HELP and _told_before(reading, reading.texts(signal)))
            or (signal is Signal.OPT_IN and _told_going_on(reading))
        ):
            if signal is Signal.HELP and not _is_request(reading, signal, story=False):
                # "i cant read, my neighbour reads them to me": the help answer goes, and a
                # caseworker reads what else the story says.
                rule = "help_at_length"
            return Decision(intent, rule, reading.texts(signal))
    if reading.only_question_marks:
        return Decision(Intent.HELP, "help", ("?",))
    return _composed_help(reading)


#: Words that answer a question: a statement, a yes, a no, an "ok".
_ANSWER_WORDS = frozenset({*STATEMENTS, Signal.YES, Signal.NO, Signal.ACK})


def _told_going_on(reading: Reading) -> bool:
    """A phrase of section `still` or `sent` ("you keep sending", "vous m'avez envoyé", "me
    mandaron", "kun turo"), not negated, and no "please" anywhere, nor a wish, an opt-in phrase,
    a request to be added or a "can you" that is no part of it, nor a word for sending that
    opens or closes a clause of its own: the messages are told as going on or sent again, not
    asked for. "Today you sent the messages again", "you keep sending the reminders again"
    report or complain, and so does "you sent me the message again, you send every day"; "you
    sent me the STOP answer, but I want the messages again", "can you keep sending the
    reminders?", "Me mandaron el recordatorio pero lo borré, mándenmelo otra vez", "no me
    mandaron el mensaje, mándenmelo otra vez" and "prapë më dërgoni mesazhet ju lutem" ask."""
    if reading.please:
        return False
    told = [phrase for phrase in reading.told_sending if not _sending_negated(reading, phrase)]
    if not told:
        return False
    told_in = {
        reading.clause_start(i)
        for i, m in enumerate(reading.matches)
        if any(overlaps(m, phrase) for phrase in told)
    }
    for i, m in enumerate(reading.matches):
        if within(m, told):
            continue
        if m.signal in _ASKING_BESIDE_THE_SENDING:
            return False
        if m.signal is Signal.SEND and reading.clause_start(i) not in told_in:
            start = reading.clause_start(i)
            said = [
                n
                for n in reading.matches[start : reading.clause_end(i)]
                if n.signal not in _AROUND_A_REQUEST and n.text != "?"
            ]
            if said[0] is m or said[-1] is m:
                return False  # "..., mándenmelo otra vez", "..., send it again"
    return True


def _sending_negated(reading: Reading, phrase: Match) -> bool:
    """ "no me mandaron", "ما وصلتني الرسالة": a negation right before the phrase, or a phrase
    of a negation or of who writes (`neutral`) that holds it."""
    return any(
        (m.signal in _NEGATING_THE_SENDING and m.end == phrase.start)
        or (
            m.signal in (*_NEGATING_THE_SENDING, Signal.NEUTRAL)
            and m.start <= phrase.start
            and m.end >= phrase.end
            and (m.start, m.end) != (phrase.start, phrase.end)
        )
        for m in reading.matches
    )


#: What a clause that asks for the messages may hold around its word for sending.
_AROUND_A_REQUEST = frozenset({Signal.AGAIN, Signal.POLITENESS, Signal.MESSAGES})


#: What asks for the messages beside sending told as done: "I want", START, "put me back", "can
#: you".
_ASKING_BESIDE_THE_SENDING = frozenset({Signal.WISH, Signal.OPT_IN, Signal.ADD_ME, Signal.POSSIBLE})
#: What makes sending told as done none: "no me mandaron", "you didn't send".
_NEGATING_THE_SENDING = frozenset({Signal.NEGATION, Signal.NOT_DONE, Signal.NO})


def _start_opens(reading: Reading) -> Decision | None:
    """START (and "again") as a clause of its own that opens the message, and no answer,
    number, negation, doubt or question anywhere: "START kuma. yanzu na dawo gida ...", "START
    prape. Tani jam kthy n shpi" ask for the messages, and what follows tells why (I am back
    home, I have my number again). A START inside a clause may tell progress
    ("START yanzu", rule 11) and a START beside a story is a word of it (`_start_told`)."""
    first = next((i for i, m in enumerate(reading.matches) if m.signal not in FILLER), None)
    if first is None or not reading.clause_starts:
        return None
    leading = reading.matches[first]
    if leading.signal is not Signal.OPT_IN or not leading.text.startswith(START_WORD):
        return None
    end = reading.clause_end(first)
    if end == len(reading.matches):
        return None
    clause = reading.matches[first:end]
    # "Start monday. thank you" tells when something starts.
    if not all(m.signal in (Signal.OPT_IN, Signal.AGAIN, Signal.POLITENESS) for m in clause):
        return None
    if reading.numbers or any(m.text == "?" or m.signal in _NOT_STARTING for m in reading.matches):
        return None
    return Decision(Intent.OPT_IN, "opt_in", tuple(m.text for m in clause))


#: What keeps a START opening a message from asking for the messages: an answer beside it (which
#: is not guessed: "START. I went yesterday", "START. 1"), a refusal or a doubt.
_NOT_STARTING = frozenset({*_ANSWER_WORDS, Signal.NEGATION, Signal.UNWANTED, Signal.HEDGE})


#: Faces of annoyance that may stand beside a stop word alone ("daina 😡", "yonii jooni 😤"):
#: they say how the sender feels about the messages, nothing else.
ANNOYED = frozenset({"😤", "😡", "🤬", "😠", "😒", "🙄"})


def _says_only_enough(reading: Reading) -> bool:
    """A word for "enough" or a bare command to block or delete (section `enough`) as the whole
    message, said once or more, beside politeness and a face of annoyance at most ("enough!",
    "mjaft!", "ya ishe", "block", "bloquer 😡", "enough please", "kfaya kfaya"): said to a sender
    of reminders, it asks them to stop. Asked ("enough?", "block?") it does not, nor does a word
    that only tells of a removal ("deleted", "borré"), or "I don't want" alone, which refuses
    without saying what."""
    said = [
        m for m in reading.matches if m.text not in ANNOYED and m.signal is not Signal.POLITENESS
    ]
    return bool(said) and all(
        any(e.start <= m.start and m.end <= e.end for e in reading.enough) for m in said
    )


def _stops_alone(reading: Reading) -> bool:
    """A stop word of section `opt_out_alone` with nothing but numbers and politeness ("Cancel",
    "2 cancel"), or beside "wrong number", a "no" or "enough" ("wonaa kam, accee", it is not me,
    stop; "yiakel, akuartsu", enough, stop), or
    making the last clause after one that answers nothing: the sender asks for the messages to
    stop."""
    if _says_only_enough(reading):
        return True
    if not reading.has(Signal.OPT_OUT_ALONE):
        return False
    # "enough, stop" ("yiakel, akuartsu"): a word for "enough" only says it twice.
    beside = (Signal.OPT_OUT_ALONE, Signal.WRONG_NUMBER, Signal.NO, Signal.UNWANTED)
    if all(
        m.signal in FILLER
        or m.signal in beside
        or m.number is not None
        or m.text == "?"
        or m.text in ANNOYED
        for m in reading.matches
    ):
        return True
    # "ma nistum, band konin", "me ar var, sheachere" (I am not, stop): a stop word that makes
    # the last clause, after a negated clause that answers nothing ("the appointment, cancel"
    # cancels the appointment).
    if not reading.clause_starts:
        return False
    last = max(reading.clause_starts)
    tail, head = reading.matches[last:], reading.matches[:last]
    return (
        any(m.signal is Signal.OPT_OUT_ALONE for m in tail)
        and all(m.signal in FILLER or m.signal is Signal.OPT_OUT_ALONE for m in tail)
        and any(m.signal in (*beside, Signal.NEGATION) for m in head)
        # "دیگه علاقه ندارم، بس کنین" (I am not interested any more, stop): "any more" only
        # says that the lack of interest is new.
        and all(
            m.signal in FILLER
            or m.signal in (*beside, Signal.NEGATION, Signal.OTHER)
            or m.is_plain_unknown
            for m in head
        )
    )


#: Words that may stand around "wrong number" ("no, sorry, wrong number, who is this?").
_AROUND_WRONG_NUMBER = frozenset(
    {
        *FILLER,
        Signal.WRONG_NUMBER,
        Signal.NO,
        Signal.NEGATION,
        Signal.HELP,
        Signal.RESERVATION,
        Signal.CONTACT,
        Signal.MISTAKE,
        Signal.MESSAGES,
        Signal.SEND,
    }
)
#: Unknown words "wrong number" may carry ("you have texted the wrong number").
WRONG_NUMBER_UNKNOWN_WORDS = 4


def _wrong_number(reading: Reading) -> Decision | None:
    """The number is not the returnee's: a `wrong_number` phrase with nothing that answers a
    question around it and no number (a new number given is for a caseworker to read)."""
    found = reading.texts(Signal.WRONG_NUMBER)
    if not found or reading.numbers:
        return None
    unknown = _unknown_around(reading, _AROUND_WRONG_NUMBER, plain=False)
    if unknown is None or unknown > WRONG_NUMBER_UNKNOWN_WORDS:
        return None
    return Decision(Intent.WRONG_NUMBER, "wrong_number", found)


def _unknown_around(
    reading: Reading, around: frozenset[Signal | None], *, plain: bool
) -> int | None:
    """How many words besides `around` and "?" a request carries, all of them unknown (`plain`:
    words no keyword knows; else also word classes); None when one of them is a known word
    (an answer, another request): then it is no request of that shape."""
    unknown = 0
    for match in reading.matches:
        if match.signal in around or match.text == "?":
            continue
        if not (match.is_plain_unknown if plain else match.is_unknown):
            return None
        unknown += 1
    return unknown


#: Words that may stand around a composed help request without making it an answer.
_AROUND_HELP = frozenset(
    {
        *FILLER,
        Signal.HELP,
        Signal.HEDGE,
        Signal.RESERVATION,
        Signal.POSSIBLE,
        Signal.MESSAGES,
        Signal.UNDERSTAND,
        Signal.RESPOND,
        Signal.NEGATION,
        # "I don't understand what you want me to send"
        Signal.SEND,
        Signal.WISH,
        # "what am i supposed to answer here"
        Signal.EVENT,
        # "I got a text from this number, what is it?"
        Signal.CONTACT,
        Signal.RECEIVED,
    }
)
#: Unknown words a composed help request may carry ("I don't understand what this message means").
HELP_UNKNOWN_WORDS = 4
#: ... and a question about a message that was received ("me llegó un mensaje de este número,
#: ¿qué es?"): the story of its coming is part of the question.
RECEIVED_HELP_UNKNOWN_WORDS = 7


def _composed_help(reading: Reading) -> Decision | None:
    """Help composed from classes of words, with a few unknown words and nothing that answers
    around it: a negated word for understanding ("I don't understand", "je comprends rien",
    "bujhte parchi na"); a question word beside a word for the messages or for sending ("what is
    this message?", "این پیام چیست؟", "quién me manda esto?"); a word for answering beside a
    question word or "I don't know" ("no sé qué contestar", "شو لازم رد؟"); "I don't know" beside
    a question word ("I don't know what this is"); a help word ("dama soxla ndimbal", "I need
    some help please")."""
    if reading.not_understood:
        words = tuple(m.text for m in reading.not_understood)
        around = _AROUND_HELP | {Signal.NO}
    elif _asks_what(reading) and reading.has(Signal.MESSAGES, Signal.SEND):
        # "what is this message?", "who is sending me this?"; a bare "if" asks nothing: "if u
        # send me one more sms ill report u", "si ce n'est pas trop demander, est-ce que les
        # messages peuvent s'arrêter ?" are no requests for help.
        if reading.whys and reading.has(Signal.NEGATION, Signal.NO, Signal.NOT_STOP):
            # "pourquoi je ne reçois plus vos messages ?", "ለምን መልእክት አትልኩልኝም?" (why don't
            # you send me messages?), "pse i ndaluat mesazhet?" (why did you stop the
            # messages?): a complaint that they do not come, for a caseworker.
            return None
        words = reading.texts(Signal.RESERVATION) + reading.texts(Signal.MESSAGES)
        around = _AROUND_HELP | {Signal.SEND}
        if _asks_last(reading):
            # "deleted ur text by accident, what was it about?": how the message was lost tells
            # why it is asked about.
            around |= {Signal.REMOVE, Signal.MISTAKE}
    elif reading.has(Signal.RESPOND) and reading.has(Signal.RESERVATION, Signal.HEDGE):
        # "what should I answer?", "no sé qué contestar", "ምን መመለስ እንዳለብኝ አላውቅም"
        words = reading.texts(Signal.RESPOND)
        around = _AROUND_HELP
    elif reading.has(Signal.HEDGE) and _asks_what(reading) and not reading.numbers:
        # "I don't know what this is", "je ne sais pas ce que c'est"; "we'll see if I get money
        # for transport" sets a condition and asks nothing.
        words = reading.texts(Signal.HEDGE) + reading.texts(Signal.RESERVATION)
        around = _AROUND_HELP
    elif reading.has(Signal.HELP):
        words = reading.texts(Signal.HELP)
        around = _AROUND_HELP
    else:
        return None
    unknown = _unknown_around(reading, around, plain=True)
    allowed = HELP_UNKNOWN_WORDS
    if (
        reading.has(Signal.MESSAGES, Signal.SEND)
        and reading.has(Signal.RESERVATION, Signal.HELP)
        and _asks_last(reading)
    ):
        allowed = RECEIVED_HELP_UNKNOWN_WORDS
    if reading.not_understood and reading.has(Signal.HEDGE):
        # "I don't get what this ref number is, can someone call me": two asks for help.
        allowed = RECEIVED_HELP_UNKNOWN_WORDS
    if unknown is None or unknown > allowed or _told_before(reading, words):
        if _asks_twice(reading):
            # "Ni ne dan uwansa, baya iya karatu. Me ya kamata mu rubuta?": two asks for help
            # carry who writes and why; what else they say is for a caseworker to read.
            return Decision(Intent.HELP, "help_at_length", words)
        return None
    return Decision(Intent.HELP, "help", words)


#: The rules that read a request for help.
_HELP_RULES = ("help", "help_at_length")
#: Unknown words a reply that asks for help twice may carry.
TWICE_HELP_UNKNOWN_WORDS = 10
#: What a reply that asks for help twice may not hold: an answer, a request about the messages,
#: a laugh.
_ANSWERING = frozenset(
    {
        *STATEMENTS,
        Signal.YES,
        Signal.ACK,
        Signal.NO,
        Signal.OPT_OUT,
        Signal.OPT_OUT_ALONE,
        Signal.OPT_IN,
        Signal.OPT_IN_ALONE,
        Signal.COME_BACK,
        Signal.GOING,
        Signal.WAITING,
        Signal.PARTLY,
        Signal.FEEDBACK,
        Signal.WRONG_NUMBER,
        Signal.LAUGHTER,
    }
)


def _asks_twice(reading: Reading) -> bool:
    """Two asks for help (two help words, or one beside "I don't understand", "what should I
    answer?" or "I don't know how"), at most seven unknown words, no lone option number and
    nothing that answers: "3afak 3aweni ana ma kan3refch nqra mzyan, ash njaweb?" (please help
    me, I can't read well, what do I answer?)."""
    asks = sum(1 for m in reading.matches if m.signal is Signal.HELP)
    asks += bool(reading.not_understood)
    asks += (reading.has(Signal.RESPOND) and reading.has(Signal.RESERVATION, Signal.HEDGE)) or (
        reading.has(Signal.HEDGE) and _asks_what(reading)
    )
    if asks < 2 or reading.plain_unknown > TWICE_HELP_UNKNOWN_WORDS:
        return False
    if len({m.number for m in reading.numbers}) == 1:
        return False  # "1, help me, I don't understand": an answer beside the request
    if any(m.signal in _ANSWERING for m in reading.matches):
        return False
    # The asks close the message; what comes before them says who writes and why ("Ni ban iya
    # karatu ba, yarona ne yake karanta min. Me sakon yake nufi?"). A clause told after them
    # tells a caseworker something else: "i dont understand, help. this number belongs to my
    # late husband".
    told = [c for c in reading.clauses if not all(m.signal in FILLER or m.text == "?" for m in c)]
    return bool(told) and any(m.signal in _ASKING_HELP for m in told[-1])


#: What makes a clause part of a reply that asks for help twice.
_ASKING_HELP = frozenset(
    {Signal.HELP, Signal.HEDGE, Signal.UNDERSTAND, Signal.RESERVATION, Signal.RESPOND}
)


def _asks_what(reading: Reading) -> bool:
    """Whether a question word other than a word for "if" (section `condition`) stands in the
    reply."""
    conditions = {(c.start, c.end) for c in reading.conditions}
    return any(
        m.signal is Signal.RESERVATION and (m.start, m.end) not in conditions
        for m in reading.matches
    )


def _asks_last(reading: Reading) -> bool:
    """Whether the message ends with a question: a question word in its last clause, or "?"."""
    last = max(reading.clause_starts, default=0)
    tail = reading.matches[last:]
    asking = (Signal.RESERVATION, Signal.HELP)
    return any(m.signal in asking for m in tail) or reading.matches[-1].text == "?"


def _told_before(reading: Reading, words: tuple[str, ...]) -> bool:
    """Whether a clause of unknown words comes before the clause that asks: "I lost my ID, what
    should I do?" asks a caseworker about something else, not how to answer."""
    asking = next((i for i, m in enumerate(reading.matches) if m.text in words), None)
    if asking is None:
        return False
    starts = [i for i in reading.clause_starts if i <= asking]
    if not starts:
        return False
    before = reading.matches[: max(starts)]
    # "Can someone call me, I don't understand": the first clause asks too.
    return any(m.is_plain_unknown for m in before) and not any(m.signal in _ASKING for m in before)


#: Words that make a clause part of a request for help ("can someone call me, ...").
_ASKING = frozenset(
    {
        Signal.HELP,
        Signal.HEDGE,
        Signal.UNDERSTAND,
        Signal.RESERVATION,
        Signal.RESPOND,
        Signal.MESSAGES,
        Signal.SEND,
    }
)


def _leading(reading: Reading) -> Match | None:
    """The first match that is not politeness: where a command word must stand."""
    return next((m for m in reading.matches if m.signal not in FILLER), None)


#: Words that answer a yes/no question but say nothing of why.
_NOT_A_REASON = frozenset(
    {*(FILLER - {Signal.HABITUAL}), Signal.YES, Signal.NO, Signal.ACK, Signal.PRAISE}
)


def _free_text(reading: Reading, intent: Intent) -> Decision:
    """A few words of why: anything beyond yes, no, ok, numbers and politeness."""
    words = tuple(
        m.text
        for m in reading.matches
        if m.signal not in _NOT_A_REASON and m.number is None and m.text != "?"
    )
    if not words:
        return Decision(Intent.UNCLEAR, "no_reason", tuple(m.text for m in reading.matches))
    return Decision(intent, "reason", words[:5])


def _is_request(reading: Reading, signal: Signal, *, story: bool = True) -> bool:
    """`signal` with nothing but politeness, "?" and, beside a phrase, a few unknown words.

    An opt-in phrase may also carry a yes, an "ok", a "can you" or a word for "by mistake" ("yes,
    send me the reminders again", "una fit send me the message again", "I want the messages back,
    I stopped them by mistake"); a
    single word may not ("yes start": START may be a word of the answer), nor a request for help
    ("ok who is this" may answer the reminder and ask besides). A request for help may carry a
    hedge ("call me, I don't understand"). With `story`, a phrase may also stand beside a story
    told in clauses of its own (`_beside_a_story`).
    """
    requests = [m for m in reading.matches if m.signal is signal]
    if not requests:
        return False
    if signal is Signal.OPT_IN and _start_with_emoji(reading):
        return True
    is_phrase = any(m.is_phrase for m in requests)
    agreeing: tuple[Signal, ...] = ()
    if is_phrase and signal is Signal.OPT_IN:
        # "yes, send me the reminders again", "can you send me the messages again"; "I want the
        # messages back, I stopped them by mistake": the mistake is why they are wanted again.
        # "shtypa stop gabimisht, dua te vazhdoj ti marr" (I pressed stop by mistake, I want to
        # keep receiving them): words for wanting, sending, the messages and "again" say it twice.
        agreeing = (
            Signal.YES,
            Signal.ACK,
            Signal.POSSIBLE,
            Signal.MISTAKE,
            Signal.WISH,
            Signal.SEND,
            Signal.MESSAGES,
            Signal.AGAIN,
            # "Ya me arrepentí jaja, devuélvanme los recordatorios": laughter answers nothing.
            Signal.LAUGHTER,
            # "I press STOP by mistake, abeg make una dey send me again": how the STOP was sent.
            Signal.RESPOND,
        )
    elif signal is Signal.HELP:
        # "call me, I don't understand" ("call me" alone is a hedge); "what is this message".
        agreeing = (Signal.HEDGE, Signal.RESERVATION, Signal.MESSAGES, Signal.UNDERSTAND)
    case = _case_asked_about(reading, requests) if signal is Signal.HELP and is_phrase else ()
    unknown_number = _number_not_known(reading, requests) if signal is Signal.HELP else ()
    others = [
        m
        for m in reading.matches
        if m.signal is not signal
        and m.signal not in FILLER
        and m.signal not in agreeing
        and m.text != "?"
        and m not in case
        and m not in unknown_number
    ]
    if any(not m.is_unknown for m in others):
        return False
    if not is_phrase:
        if signal is Signal.OPT_IN and _signed(reading):
            return True
        # A lone START beside a day or a person ("my pikin start last Monday") tells progress.
        told = signal is Signal.OPT_IN and any(
            m.signal not in (Signal.POLITENESS, signal) and m.text != "?" for m in reading.matches
        )
        return not others and not told
    # A whole opt-in phrase ("send ... messages again") may follow a preface ("I changed my
    # mind, please send the messages again").
    allowed = OPT_IN_PHRASE_UNKNOWN_WORDS if signal is Signal.OPT_IN else REQUEST_UNKNOWN_WORDS
    if len(others) <= allowed:
        return True
    return story and _beside_a_story(reading, requests, others, allowed)


def _beside_a_story(
    reading: Reading, requests: list[Match], others: list[Match], allowed: int
) -> bool:
    """A request phrase whose clause holds no more words no keyword knows than it may carry
    alone, beside clauses that tell who reads, why or what happened and hold nothing else: "I no
    too sabi read o, na person dey read am give me", "مه سواد ندارم، کسی ای مسج ره برم بخانه" (I
    cannot read, someone reads this message to me at home), "I have my own phone now, you can
    start sending me the reminders again on this number". Never beside a wish that the messages
    go on or a word for sending ("abeg no stop the reminders o, e dey help me remember" tells
    that they help), nor beside a yes or an "ok", which may answer the question with the story
    ("I came back last month, yes I want you to send me the reminders again")."""
    if len(others) > STORY_UNKNOWN_WORDS or reading.has(
        Signal.NOT_STOP, Signal.SEND, Signal.YES, Signal.ACK
    ):
        return False
    asked_in = [clause for clause in reading.clauses if any(m in clause for m in requests)]
    return sum(1 for clause in asked_in for m in others if m in clause) <= allowed


#: How far a "no" may stand from the number it says is not known ("number ta chini na").
_NUMBER_NOT_KNOWN_GAP = 2


def _number_not_known(reading: Reading, requests: list[Match]) -> tuple[Match, ...]:
    """After "who is this?", the words that say the number is not known: a word for this
    number and a "no" at most two words from it in its clause ("who dis? I no save this
    number", "ke bolchen? number ta chini na", "ته څوک یې؟ دا شمېره نه پېژنم"). They ask who
    writes, as the question does."""
    matches = reading.matches
    first = min(i for i, m in enumerate(matches) if m in requests)
    found: list[Match] = []
    for i, m in enumerate(matches):
        if i <= first or m.signal is not Signal.CONTACT:
            continue
        for j in range(max(first + 1, i - _NUMBER_NOT_KNOWN_GAP), i + _NUMBER_NOT_KNOWN_GAP + 1):
            if j == i or j >= len(matches) or matches[j].signal is not Signal.NO:
                continue
            if reading.clause_start(i) == reading.clause_start(j):
                found += [m, matches[j]]
    return tuple(found)


def _case_asked_about(reading: Reading, requests: list[Match]) -> tuple[Match, ...]:
    """The case a help phrase asks about: from a word for "if" after it in its clause to the end
    of that clause ("what do I reply if I went but was late?", "je dois répondre quoi si je
    suis parti mais en retard ?"). What it says is the question's case, not an answer; what
    follows it is read ("what do I reply if I am late? I will not come" still answers). After a
    comma the word may be a yes ("no entiendo, sí fui": "si" is both)."""
    matches = reading.matches
    asked = min(i for i, m in enumerate(matches) if m in requests and m.is_phrase)
    for i in range(asked + 1, len(matches)):
        if i in reading.clause_starts:
            return ()
        if any(c.start == matches[i].start for c in reading.conditions):
            end = next(
                (
                    k
                    for k in range(i + 1, len(matches))
                    if k in reading.clause_starts or matches[k - 1].text == "?"
                ),
                len(matches),
            )
            return matches[i:end]
    return ()


#: Unknown words a START may be signed with ("START, its Ama", "START, Modou la").
SIGNATURE_WORDS = 2


def _start_with_emoji(reading: Reading) -> bool:
    """ "START 👍", "START ✅🙏": a START that leads the message, and after it nothing but
    politeness and a yes or an "ok" typed as an emoji."""
    first = _leading(reading)
    if first is None or first.signal is not Signal.OPT_IN:
        return False
    ignored = (Signal.POLITENESS, Signal.NEUTRAL)
    rest = [m for m in reading.matches if m is not first and m.signal not in ignored]
    return bool(rest) and all(m.signal in (Signal.YES, Signal.ACK) and m.is_emoji for m in rest)


def _signed(reading: Reading) -> bool:
    """A START that makes the first clause of the message, then a name in the next: "START, its
    Ama", "START svp c'est Awa", "START, Aisha ce" (with politeness around)."""
    first = next((i for i, m in enumerate(reading.matches) if m.signal not in FILLER), None)
    if first is None or reading.matches[first].signal is not Signal.OPT_IN:
        return False
    rest = reading.matches[first + 1 :]
    breaks = [i for i in reading.clause_starts if i > first]
    if not breaks or any(m.signal not in FILLER for m in reading.matches[first + 1 : min(breaks)]):
        return False
    unknown = [m for m in rest if m.is_plain_unknown]
    return all(m.signal in FILLER or m.is_plain_unknown for m in rest) and (
        0 < len(unknown) <= SIGNATURE_WORDS
    )


_SENDING = frozenset({Signal.OPT_IN, Signal.SEND, Signal.MESSAGES})
_NOT_AGAIN = frozenset(
    {
        Signal.NEGATION,
        Signal.NO,
        Signal.DECLINE,
        Signal.ATTENDED_NO,
        Signal.UNWANTED,
        Signal.HEDGE,
        Signal.RESERVATION,
        Signal.HELP,
        # "the messages are helpful, keep sending": praise of messages that still come.
        Signal.PRAISE,
        # "send me 2k, I go pay you back sunday": a statement of coming or going tells
        # something else than a wish for the messages.
        Signal.ATTENDED_YES,
        Signal.CONFIRM,
    }
)


def _asked_in_full(reading: Reading) -> bool:
    """A wish beside "again", a word for sending (or START) and the messages, or beside an
    opt-in phrase ("send me the reminders again"), with no number and nothing that answers:
    "bëgg naa ngeen delloo may yonnee rappel yi ci nimero bu bees bii" (I want you to send me
    the reminders again on this new number) asks for the messages whatever story comes with it
    (I am back in Senegal)."""
    present = {m.signal for m in reading.matches}
    composed = {Signal.AGAIN, Signal.MESSAGES} <= present and bool(
        present & {Signal.SEND, Signal.OPT_IN}
    )
    phrased = any(m.signal is Signal.OPT_IN and m.is_phrase for m in reading.matches)
    return (
        Signal.WISH in present
        and (composed or phrased)
        and not reading.numbers
        and not present & _ANSWER_WORDS
    )


#: What makes "again" beside a word for receiving a request: wanting, sending, START, adding.
_ASKING_AGAIN = frozenset({Signal.WISH, Signal.SEND, Signal.OPT_IN, Signal.ADD_ME})


def _wish_to_remove_the_messages(reading: Reading) -> tuple[str, ...]:
    """The words of a wish, then a word for removing, then the messages, in one clause and in
    that order, with no negation before the word for removing and no question or "why" in the
    reply ("I want you to remove the messages", "quiero que quiten los mensajes"): a request
    to stop. Empty when there is none."""
    if reading.asks or reading.whys or reading.go_on or reading.negated_stops:
        return ()
    matches = reading.matches
    for i, wish in enumerate(matches):
        if wish.signal is not Signal.WISH:
            continue
        clause = reading.clause_start(i)
        removal = None
        for j in range(i + 1, len(matches)):
            m = matches[j]
            if reading.clause_start(j) != clause or m.signal is Signal.NEGATION:
                break
            if m.signal is Signal.REMOVE and removal is None:
                removal = m
            elif m.signal is Signal.MESSAGES and removal is not None:
                return (wish.text, removal.text, m.text)
    return ()


def _wished_removed(reading: Reading) -> bool:
    """Whether a word for removing follows a wish in its clause."""
    wished_in: set[int] = set()
    for i, m in enumerate(reading.matches):
        clause = reading.clause_start(i)
        if m.signal is Signal.WISH:
            wished_in.add(clause)
        elif m.signal is Signal.REMOVE and clause in wished_in:
            return True
    return False


def _asks_again(reading: Reading) -> Decision | None:
    """ "START again", "send me the messages again", "I want the reminders back": a word for
    "again" beside START, a word for sending or for the messages, START ("resume",
    "recommencer") beside a word for sending or for the messages ("recommencez à m'envoyer les
    messages"), or a wish ("I want", "je veux recevoir", "بدي") beside the messages or START ("I
    want to receive your messages", "je veux m'abonner"), or a request to be added (section
    `add_me`) beside the list or "again" ("put me back on the list", "እንደገና መዝግቡኝ"), and no
    refusal or question."""
    present = {m.signal for m in reading.matches}
    again = Signal.AGAIN in present and bool(present & _SENDING)
    # ... or the list: "رجعوني للقائمة" (put me back on the list).
    resumed = Signal.OPT_IN in present and bool(
        present & {Signal.SEND, Signal.MESSAGES, Signal.CONTACT}
    )
    # "I want to receive your messages", "je veux m'abonner", "بدي الرسائل"
    wished = Signal.WISH in present and bool(present & {Signal.MESSAGES, Signal.OPT_IN})
    # "put me back on the list", "dugal ma ci liste bi", "እንደገና መዝግቡኝ"
    added = Signal.ADD_ME in present and bool(
        present & {Signal.CONTACT, Signal.AGAIN, Signal.OPT_IN, Signal.MESSAGES}
    )
    if not (again or resumed or wished or added) or present & _NOT_AGAIN:
        return None
    if _wished_removed(reading):
        # "I want to remove the messages", "bghit nelghi les messages", "I want you to remove
        # the messages", "quiero que quiten los mensajes": a wish that they be removed, in one
        # clause; "je l'ai effacé, vous pouvez me le renvoyer ?" asks for it again.
        return None
    if Signal.DETAILS in present and not present & {Signal.OPT_IN, Signal.ADD_ME}:
        # "send me the address again", "manda de novo o endereço, perdi a msg", "የቢሮውን አድራሻ
        # ድጋሚ ላኩልኝ": what a notice told asked for again, not the messages.
        return None
    if Signal.RECEIVED in present and not present & _ASKING_AGAIN:
        # "I received the messages again", "j'ai reçu les messages encore", "jotaat naa
        # message yi": news of the messages, or a complaint that they still come, asks for
        # nothing.
        return None
    if reading.asks and not (again or resumed or added):
        # "did u get my message?", "ka samu sakona?": a wish word in a question asks whether a
        # message arrived; "can I get the reminders again?" asks for them.
        return None
    if reading.go_on:
        # "یادونې مه بندوئ، هره ورځ یې غواړم" (don't stop the reminders, I want them every day):
        # a wish that the messages go on is no request to start them again.
        return None
    unknown = [m for m in reading.matches if m.is_plain_unknown]
    # "again" beside the messages themselves may carry a longer wish ("I would like to get the
    # reminders again"); beside START or a word for sending, a short one.
    allowed = AGAIN_UNKNOWN_WORDS if Signal.MESSAGES in present else REQUEST_UNKNOWN_WORDS + 1
    if (len(unknown) > allowed or reading.numbers) and not (
        _asked_in_a_clause(reading) or _asked_in_full(reading)
    ):
        return None
    words = tuple(
        m.text
        for m in reading.matches
        if m.signal in _SENDING | {Signal.AGAIN, Signal.WISH, Signal.ADD_ME}
    )
    return Decision(Intent.OPT_IN, "opt_in", words)


#: Unknown words the clauses around a request for the messages again may carry: why it comes
#: now ("my phone was off for ten days, now it is on").
AROUND_AGAIN_UNKNOWN_WORDS = 10


def _asked_in_a_clause(reading: Reading) -> bool:
    """A clause of its own that asks for the messages again ("again" and the messages, with a
    few unknown words and no number), and around it at most ten unknown words that tell why:
    "selam, silke le 10 ken tefto neber ahun bera. mesajochun degmo lakulign" (my phone was off
    for ten days, now it is on; send me the messages again), "3awdo sifto liya les messages
    3afak, bghit n3ref les rendez-vous dyali"."""
    for clause in reading.clauses:
        present = {m.signal for m in clause}
        # ... with a word for sending, wanting or adding: "again these messages, I am tired"
        # complains of them.
        if not ({Signal.AGAIN, Signal.MESSAGES} <= present) or not present & _ASKED_AGAIN:
            continue
        inside = sum(1 for m in clause if m.is_plain_unknown)
        outside = reading.plain_unknown - inside
        if inside <= AGAIN_UNKNOWN_WORDS and outside <= AROUND_AGAIN_UNKNOWN_WORDS:
            # A count of days may tell the excuse; an option number ("1, ...") answers.
            return not any(m.number is not None for m in clause) and not any(
                m.number in _OPTION_NUMBERS for m in reading.options
            )
    return False


#: The words that ask in a clause for the messages again.
_ASKED_AGAIN = frozenset({Signal.SEND, Signal.WISH, Signal.OPT_IN, Signal.ADD_ME})
#: Every number that is an option of some question.
_OPTION_NUMBERS = frozenset(number for options in OPTIONS.values() for number in options)
