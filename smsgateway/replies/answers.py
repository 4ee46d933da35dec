"""Reading an answer to the open question: what it says, and whether it looks like an answer.

An answer (confirm, decline, ...) must look like one. Its confidence is the weight of the words
that give it, plus a bonus when it leads the message and when answer words stand together,
minus a cost per word that no keyword knows; below the margin the reply is `unclear` and goes to
the review queue, because a wrong `confirm` costs a returnee and a review item costs a minute.
The rules are documented in `locales/KEYWORDS.md` under the names used here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from smsgateway.replies.decision import Decision
from smsgateway.replies.intents import OPTIONS, Intent, Question
from smsgateway.replies.keywords import Match, Signal
from smsgateway.replies.reading import FILLER, STATEMENTS, Reading, apply_negation

#: Weights of the words that give an answer, the bonuses and the cost of each unknown word.
WEIGHT_NUMBER = 3.0
WEIGHT_PHRASE = 3.0
WEIGHT_WORD = 2.0
WEIGHT_ACK = 1.5
LEAD_BONUS = 1.0
AGREEMENT_BONUS = 1.0
UNKNOWN_WORD_COST = 0.5
#: The confidence a positive answer (confirm, attended_yes) needs, and any other answer.
POSITIVE_MARGIN = 2.5
ANSWER_MARGIN = 1.0

_POSITIVE_INTENTS = frozenset({Intent.CONFIRM, Intent.ATTENDED_YES, Intent.SATISFIED})
_NEGATIVE_INTENTS = frozenset(
    {
        Intent.DECLINE,
        Intent.RESCHEDULE,
        Intent.ATTENDED_NO,
        Intent.PARTLY_SATISFIED,
        Intent.NOT_SATISFIED,
    }
)
_REMINDER_MEANING = {
    Signal.YES: Intent.CONFIRM,
    Signal.ACK: Intent.CONFIRM,
    Signal.CONFIRM: Intent.CONFIRM,
    Signal.NO: Intent.DECLINE,
    Signal.DECLINE: Intent.DECLINE,
    Signal.RESCHEDULE: Intent.RESCHEDULE,
}
_YES_NO_MEANING = {
    Signal.YES: Intent.ATTENDED_YES,
    Signal.ATTENDED_YES: Intent.ATTENDED_YES,
    Signal.NO: Intent.ATTENDED_NO,
    Signal.DECLINE: Intent.ATTENDED_NO,
    Signal.ATTENDED_NO: Intent.ATTENDED_NO,
}
#: "Did the help match what you needed?": yes, partly, no; "nobody called me", "I never
#: started" side with the no. Other statements answer another question and stay unclear.
_SATISFACTION_MEANING = {
    Signal.YES: Intent.SATISFIED,
    Signal.PARTLY: Intent.PARTLY_SATISFIED,
    Signal.NO: Intent.NOT_SATISFIED,
    Signal.ATTENDED_NO: Intent.NOT_SATISFIED,
}


@dataclass(frozen=True)
class _Evidence:
    """One match that answers the question: its index, the intent it gives and its weight."""

    index: int
    intent: Intent | None
    weight: float
    kind: str  # statement, later, word, ack or number


#: The evidence a proxy's message leaves unclear: a yes, no, "ok" or praise word, no option
#: number and no statement of coming or going.
_BARE_ANSWERS = frozenset({"word", "ack", "praise"})


def read_answer(reading: Reading, question: Question) -> Decision:
    """The answer `reading` gives to `question`, or the rule that finds none."""
    signals = tuple(m.signal for m in reading.matches)
    if question is Question.APPOINTMENT_REMINDER and _asked_after_refusal(reading, signals):
        # "not this week, maybe the next one?": another date asked for, even with a doubt.
        return Decision(Intent.RESCHEDULE, "proposal", _day_words(reading))
    hedge = reading.first(Signal.HEDGE)
    if hedge is not None and question in _ATTENDANCE_QUESTIONS:
        later = _not_yet_maybe_later(reading)
        if later is not None:
            return later
    if hedge is not None and not (
        question is Question.APPOINTMENT_REMINDER and _hedges_only_the_date(reading)
    ):
        return Decision(Intent.UNCLEAR, "hedge", (hedge.text,))
    if question is Question.APPOINTMENT_REMINDER:
        asked = _asked_after_confirming(reading)
        if asked is not None:
            return asked
        proposal = _proposal(reading) or _date_requested(reading) or _time_on_a_condition(reading)
        if proposal is not None:
            return proposal
    if question in _ATTENDANCE_QUESTIONS:
        habit = _habit(reading) or _went_and_sent_back(reading, question) or _sent_back(reading)
        if habit is not None:
            return habit
    conclusion = _conclusion(reading, question)
    if conclusion is not None:
        return conclusion
    negated_number = _negated_number(reading)
    if negated_number is not None:
        return Decision(Intent.UNCLEAR, "negated_number", negated_number)
    negated = apply_negation(reading.matches, reading.clause_starts)
    if negated is None:
        return Decision(Intent.UNCLEAR, "negation_out_of_reach", reading.texts(Signal.NEGATION))
    evidence = _evidence(reading, negated.signals, question)
    chosen = _choose(reading, evidence, question)
    if isinstance(chosen, Decision):
        return chosen
    intent, support = chosen
    words = tuple(reading.matches[e.index].text for e in support)
    proxy = next((m for m in reading.proxies if m in reading.matches), None)
    if proxy is not None and all(e.kind in _BARE_ANSWERS for e in support):
        # "yes, I'm his brother", "po, jam nëna e saj", "ok c'est sa maman": someone else has
        # the phone; the yes says the number is right or the message was read, not that the
        # returnee will come or went. "1, I'm his brother" and "yes, I'm his brother, he will
        # come" answer.
        return Decision(Intent.UNCLEAR, "proxy_answer", (*words, proxy.text))
    mistake = reading.first(Signal.MISTAKE)
    if mistake is not None and all(e.kind in _BARE_ANSWERS | {"number"} for e in support):
        # "1 by mistake", "oui par erreur", "1 sorry my son was playing with the phone": the
        # answer itself may be what was sent by mistake; a statement still answers ("I pressed
        # 2 by mistake, I will come").
        return Decision(Intent.UNCLEAR, "mistaken_answer", (*words, mistake.text))
    if intent in _POSITIVE_INTENTS and support and all(_says_received(reading, e) for e in support):
        # "yes received", "oui bien reçu", "হ্যাঁ মেসেজ পেয়েছি": the yes is for the message, as
        # "ok received" is; "yes received, I will come" answers.
        return Decision(Intent.UNCLEAR, "no_answer", words)
    if intent is Intent.ATTENDED_YES and all(_is_emoji(reading, e) for e in support):
        # "👍", "khob 👍" to "did you go / did you start?": like an "ok", a thumbs up accepts a
        # reminder but says nothing of what happened.
        return Decision(Intent.UNCLEAR, "no_answer", words)
    if intent in _POSITIVE_INTENTS or all(e.kind != "statement" for e in support):
        # "yes but", "ok when?"; and "no?", "2?" ask back rather than answer.
        doubt = _reservation(reading, bare=intent not in _POSITIVE_INTENTS)
        remark = doubt is not None and (
            _remark_after_progress(reading, question, intent, support, doubt)
            or _answer_after_contrast(reading, support, doubt)
        )
        if doubt is not None and not remark:
            return Decision(Intent.UNCLEAR, "reservation", (doubt.text,))
    laughter = reading.first(Signal.LAUGHTER)
    if intent in _POSITIVE_INTENTS and laughter is not None:
        return Decision(Intent.UNCLEAR, "laughter", (laughter.text,))
    better = reading.first(Signal.BETTER)
    if intent is Intent.CONFIRM and better is not None and not reading.has(Signal.CONFIRM):
        # "yes, Saturday is better", "oui, samedi c'est mieux": a bare yes beside a preference
        # may be a yes to the day it prefers. "yes I'm feeling better now, I'll come" says it.
        return Decision(Intent.UNCLEAR, "reservation", (better.text,))
    if intent is Intent.CONFIRM and reading.night:
        # "ok see you tonight", "à ce soir": the offices are closed then; another meeting.
        return Decision(Intent.UNCLEAR, "reservation", (reading.night[0].text,))
    coming = intent in (Intent.CONFIRM, Intent.ATTENDED_YES) or (
        # "po vij në kafe më vonë" (yes, I'm coming to the café later): the "later" is the
        # time of that meeting, not another date for this one.
        intent is Intent.RESCHEDULE and reading.has(Signal.CONFIRM)
    )
    events = reading.events
    if intent is Intent.ATTENDED_YES and support:
        # "Partner office here: enrolment done, he began classes on the 12th": a clause before
        # the progress introduces who writes.
        opening = reading.clause_start(min(e.index for e in support))
        events = tuple(m for m in reading.matches[opening:] if m in events)
    if coming and events:
        # "yes I'll come to the wedding", "went to the gym this morning": another meeting.
        return Decision(Intent.UNCLEAR, "reservation", (events[0].text,))
    confidence = _confidence(reading, support, negated.flipped)
    margin = POSITIVE_MARGIN if intent in _POSITIVE_INTENTS else ANSWER_MARGIN
    if confidence < margin:
        if _told_as_story(reading, question, intent, support, negated.flipped):
            return Decision(intent, "story", words, confidence)
        if _confirmed_last(reading, intent, support):
            return Decision(intent, "confirmed_last", words, confidence)
        if _answered_first(reading, support):
            return Decision(intent, "answered_first", words, confidence)
        if _refused_first(reading, intent, support):
            return Decision(intent, "refused_first", words, confidence)
        return Decision(Intent.UNCLEAR, "answer_shape", words, confidence)
    return Decision(intent, "answer", words, confidence)


#: What keeps a "but" after a progress report a doubt about it: a refusal, a "not yet", another
#: answer.
_NOT_A_REMARK = frozenset(
    {
        Signal.NO,
        Signal.DECLINE,
        Signal.NEGATION,
        Signal.ATTENDED_NO,
        Signal.ATTENDED_YES,
        Signal.CONFIRM,
    }
)
#: What makes a "but" after "I started" a remark that the class goes on: "... but it's ok".
_GOING_ON = frozenset({Signal.PRAISE, Signal.ACK, Signal.YES})


def _remark_after_progress(
    reading: Reading, question: Question, intent: Intent, support: list[_Evidence], doubt: Match
) -> bool:
    """ "yes went on the 12th, long queue but i saw madam Akua", "started monday, the room is hot
    but it's ok": a "but" in a clause after the one that says the person went or started, with no
    refusal, other answer or question after it, remarks on the place or the class. To "did you
    go?" that is all it can be, the "but" may stand in the visit's own clause ("I went but the
    bus was late"), and the visit told again after it agrees ("... but I arrived on time"); to
    "did you start?" the clause after it must say that things go on ("mas tá bom", "walakin
    mzyan"): "I went monday, but the class is full" has not started. Never for a confirmation."""
    if intent is not Intent.ATTENDED_YES or doubt.signal is not Signal.CONTRAST or not support:
        return False
    at = reading.matches.index(doubt)
    told = [e.index for e in support if e.index < at]
    if not told:
        return False
    last = max(told)
    # To "did you go?", the "but" may follow the visit in its clause: "رحت بس الباص وقف بالطريق
    # وتأخرت شوي" (I went but the bus stopped on the way and I was a bit late).
    any_clause = question is Question.ATTENDANCE_CHECK
    if not any_clause and not any(last < start <= at for start in reading.clause_starts):
        return False
    after = reading.matches[at + 1 :]
    # To "did you go?", the visit told again after the "but" agrees with it ("ho laram, bus pa
    # lare ke wadreda kho wakht ta wrasedam", yes I went, the bus stopped on the way but I
    # arrived on time).
    again = {Signal.ATTENDED_YES} if question is Question.ATTENDANCE_CHECK else set()
    if reading.asks or any(m.signal in _NOT_A_REMARK - again for m in after):
        return False
    # The praise may come before the "but" too: "tàmbali naa..., jàngalekat bi baax na waaye
    # bérab bi sori na" (I started..., the teacher is good but the place is far).
    before = reading.matches[last + 1 : at]
    return question is not Question.FOLLOWUP or (
        any(m.signal in _GOING_ON for m in after)
        # Before the "but", only praise: "I went on monday, ok but the class is full" is no
        # start.
        or any(m.signal is Signal.PRAISE for m in before)
    )


#: What a practical question after a confirmation may hold: words no keyword knows, question
#: words, politeness, places, "can I", "I need" and a "bus stop" ("Is the bus stop near the
#: office?", "can I bring my wife?", "do I need to bring my ID?").
_PRACTICAL = frozenset(
    {
        None,
        Signal.RESERVATION,
        Signal.POLITENESS,
        Signal.NEUTRAL,
        Signal.PLACE,
        Signal.POSSIBLE,
        Signal.WISH,
        Signal.NOT_STOP,
    }
)


def _asked_after_confirming(reading: Reading) -> Decision | None:
    """ "I'll come. Is the bus stop near?", "1. what should I bring?", "እመጣለሁ። ሩቅ ነው?": a
    confirmation (a statement that the person will come, or the digit; a bare yes may be a
    friend's: "Yes! How is a pretty lady like you single?") in the
    sentences before a closing question of its own (after a full stop, not a comma) that names
    no day, time, number, doubt or other answer, and holds a word no keyword knows. The question
    is for a caseworker to answer; the sentences before it are read alone."""
    asks = [i for i, m in enumerate(reading.matches) if m.text == "?"]
    if not asks or reading.matches[-1].text != "?":
        return None
    # "yeah I'll come, is Tom driving?": one sentence, maybe chatter between friends.
    start = max((i for i in reading.sentence_starts if i <= asks[0]), default=0)
    if start == 0 and _digit_one_alone(reading):
        # "1, where is the bus stop near the office?": friends do not answer with a digit.
        start = 1
    if start == 0:
        return None
    question = reading.matches[start:]
    # "is it the same office near the market?": beside the office, a place of everyday life is
    # a landmark, not another meeting.
    landmarks = {Signal.EVENT} if any(m.signal is Signal.PLACE for m in question) else set()
    if any(m.number is not None or (m.signal not in _PRACTICAL | landmarks) for m in question):
        return None
    if any(w.start >= question[0].start for w in reading.asks_when):
        return None  # "yes, what time?", "oui, c'est quand ?": not sure when it is
    if not any(m.is_plain_unknown for m in question):
        return None  # "yes, possible?", "1. why?": a doubt, not a question of its own
    before = reading.matches[:start]
    if not any(m.signal is Signal.CONFIRM or m.number == 1 for m in before):
        return None
    kept = set(before)
    prefix = replace(
        reading,
        matches=before,
        clause_starts=frozenset(i for i in reading.clause_starts if i < start),
        night=tuple(m for m in reading.night if m in kept),
        events=tuple(m for m in reading.events if m in kept),
        since=tuple(m for m in reading.since if m in kept),
        waiting=tuple(m for m in reading.waiting if m in kept),
    )
    answer = read_answer(prefix, Question.APPOINTMENT_REMINDER)
    if answer.intent is not Intent.CONFIRM:
        return None
    return Decision(Intent.CONFIRM, "asked_after_confirming", answer.words, answer.confidence)


def _digit_one_alone(reading: Reading) -> bool:
    """Whether the reply opens with the digit 1 in a clause of its own ("1, where is it?")."""
    first = reading.matches[0]
    return first.number == 1 and first.text.isdigit() and 1 in reading.clause_starts


def _answer_after_contrast(reading: Reading, support: list[_Evidence], doubt: Match) -> bool:
    """ "the bus stopped on the way but I got there", "autobusi ndaloi rrugës por arrita": a
    "but" that opens the answer, after a clause that answers nothing. Every word of the answer
    follows it; nothing before it answers, doubts or holds a number; nothing after it asks or
    doubts again. "yes but I can't" and "I wanted to come but ..." keep their doubt."""
    if doubt.signal is not Signal.CONTRAST or not support or reading.asks:
        return False
    at = reading.matches.index(doubt)
    # A single word before the "but" may be an answer no keyword reads ("biyu amma zan zo"),
    # politeness aside ("thanks two but I will come").
    told = [m for m in reading.matches[:at] if m.signal is not Signal.POLITENESS]
    if len(told) < 2 or any(e.index < at for e in support):
        return False
    if any(m.signal in _ANSWERING or m.number is not None for m in reading.matches[:at]):
        return False
    return not any(
        m.signal in (Signal.RESERVATION, Signal.CONTRAST, Signal.POSSIBLE, Signal.HEDGE)
        for m in reading.matches[at + 1 :]
    )


#: Unknown words the clause before a closing "I will come" may hold.
CONFIRMED_LAST_UNKNOWN_WORDS = 8
#: Words that clause must hold to tell something ("desço na paragem do autocarro em frente").
CONFIRMED_LAST_TOLD_WORDS = 3


#: Unknown words the greetings after an answer that opens the message may hold.
GREETING_UNKNOWN_WORDS = 8


def _answered_first(reading: Reading, support: list[_Evidence]) -> bool:
    """ "1, and greetings to the whole family 🙏", "1, kuma a gaishe da iyali duka": an option
    number makes the first clause on its own, and the clauses after it hold nothing that
    answers, asks, doubts, dates, counts or laughs: greetings and blessings, a request not to
    forget something ("1, and don't forget to send the address"), at most eight unknown
    words."""
    if reading.asks or reading.events or reading.night:
        return False
    first_end = reading.clause_end(0)
    if first_end == len(reading.matches):
        return False
    if any(e.index >= first_end or e.kind != "number" for e in support):
        # "yes!! we won 🎉", "sí, sigue lloviendo": a yes word opens chatter as often as an
        # answer; an option number does not.
        return False
    chosen = {e.index for e in support}
    if any(i not in chosen and not _is_aside(m) for i, m in enumerate(reading.matches[:first_end])):
        return False
    tail = [
        m
        for m in reading.matches[first_end:]
        # "1, and don't forget to send the address": a request not to forget, and the words for
        # sending and the messages it names, cost like other words.
        if not any(r.start <= m.start and m.end <= r.end for r in reading.dont_forget)
    ]
    asked = [m for m in tail if m.signal in _ASKED_NOT_TO_FORGET] if reading.dont_forget else []
    greeting = all(
        (m.signal in (Signal.POLITENESS, Signal.NEUTRAL) or m.is_plain_unknown or m in asked)
        and m.number is None
        for m in tail
    )
    unknown = sum(1 for m in tail if m.is_plain_unknown or m in asked)
    return greeting and unknown <= GREETING_UNKNOWN_WORDS


#: What the reason after a "no" may be told with: the messages and their sending, when they
#: came, where, an event, and its own negations ("no, the message came late", "no, I have a
#: funeral in the village", "no, they gave me nothing").
_REASON = frozenset(
    {
        Signal.POLITENESS,
        Signal.NEUTRAL,
        Signal.MESSAGES,
        Signal.RECEIVED,
        Signal.TIME,
        Signal.NEGATION,
        Signal.PLACE,
        Signal.HABITUAL,
        Signal.NO,
        Signal.SEND,
        Signal.EVENT,
    }
)


def _refused_first(reading: Reading, intent: Intent, support: list[_Evidence]) -> bool:
    """ "No, the message came too late, the time had passed", "2. ils m'ont mal reçu la dernière
    fois": a "no" (a no word, an option number or a statement of not coming or not going) makes
    the first clause on its own, and the clauses after it tell why with nothing that answers,
    asks, doubts, counts or laughs, in at most eight words no keyword knows. An event is a
    reason here ("a'a, ina da jana'iza a ƙauye"): only a yes beside one is another meeting."""
    if intent not in _NEGATIVE_INTENTS or reading.asks or reading.night:
        return False
    first_end = reading.clause_end(0)
    if first_end == len(reading.matches) or any(e.index >= first_end for e in support):
        return False
    chosen = {e.index for e in support}
    if any(
        i not in chosen and not _is_aside(m) and m.signal is not Signal.NEGATION
        for i, m in enumerate(reading.matches[:first_end])
    ):
        return False
    tail = reading.matches[first_end:]
    if any(m.number is not None or not (m.is_plain_unknown or m.signal in _REASON) for m in tail):
        return False
    return sum(1 for m in tail if m.is_plain_unknown) <= GREETING_UNKNOWN_WORDS


#: What a request not to forget names after an option number ("1, don't forget to send the
#: address"): the words for sending, for the messages and for what a notice tells.
_ASKED_NOT_TO_FORGET = frozenset({Signal.SEND, Signal.MESSAGES, Signal.DETAILS})


def _confirmed_last(reading: Reading, intent: Intent, support: list[_Evidence]) -> bool:
    """ "I cancelled my trip to the village so I can come that day" is not enough; "desço na
    paragem do autocarro em frente, vou estar lá" (I get off at the bus stop in front, I will be
    there) is: a statement that the person will come (section `confirm`, not a bare yes, "ok" or
    number) closes the message in a clause of its own, after a clause that answers, doubts,
    asks, dates and laughs at nothing, with at most eight unknown words."""
    if intent is not Intent.CONFIRM or reading.asks or reading.events or reading.night:
        return False
    kept = [i for i, m in enumerate(reading.matches) if not _is_aside(m)]
    if len(kept) < 2:
        return False
    last = kept[-1]
    statement = reading.matches[last]
    if statement.signal is not Signal.CONFIRM or not any(
        e.index == last and e.kind == "statement" for e in support
    ):
        return False
    opening = reading.clause_start(last)
    story_end = opening
    contrast = _contrast_before(reading, kept, last)
    if contrast is not None and _answer_after_contrast(reading, support, reading.matches[contrast]):
        # "le taxi s'est arrêté en route mais j'arrive", "motar ta tsaya a hanya amma zan zo":
        # a "but" that opens the answer closes the story like a comma.
        opening, story_end = contrast + 1, contrast
    # The last clause holds the statement, with nothing but a yes or an "ok" beside it.
    if opening == 0 or any(
        opening <= i < last and reading.matches[i].signal not in (Signal.YES, Signal.ACK)
        for i in kept
    ):
        return False
    before = reading.matches[:story_end]
    # Words that cost nothing tell the story too ("ავტობუსი გაჩერდა, ცოტა დავაგვიანებ", the bus
    # stopped, I'll be a little late); politeness, times and option words do not.
    told = [m for m in before if not _is_aside(m) or m.signal is Signal.NEUTRAL]
    if sum(m.end - m.start for m in told) < CONFIRMED_LAST_TOLD_WORDS:
        return False  # "Night night, see you tomorrow": a greeting, not a story
    if any(m.signal in _NOT_BEFORE_CONFIRMING or m.number is not None for m in before):
        return False
    if any(
        m.signal is Signal.CONTRAST and not _answer_after_contrast(reading, support, m)
        for m in reading.matches
    ):
        return False
    return sum(1 for m in before if m.is_plain_unknown) <= CONFIRMED_LAST_UNKNOWN_WORDS


def _contrast_before(reading: Reading, kept: list[int], last: int) -> int | None:
    """The index of a "but" right before the closing statement, with nothing but a yes or an
    "ok" between them ("... mais oui j'arrive"), or None."""
    for i in reversed([i for i in kept if i < last]):
        signal = reading.matches[i].signal
        if signal is Signal.CONTRAST:
            return i
        if signal not in (Signal.YES, Signal.ACK):
            return None
    return None


#: Unknown words a statement told as a story may carry ("went on tuesday and saw the officer").
STORY_UNKNOWN_WORDS = 12
#: Words no keyword knows that may say who, before a statement opening a clause of a story.
STORY_SUBJECT_WORDS = 2


def _told_as_story(
    reading: Reading,
    question: Question,
    intent: Intent,
    support: list[_Evidence],
    flipped: frozenset[int],
) -> bool:
    """A statement that opens the message (after politeness and a yes or no that agrees), one of
    its clauses, or closes it, and nothing else that answers, doubts, asks or laughs: "went on
    tuesday and saw the officer", "I couldn't go because my mother was sick and the bus was
    late". The rest is
    the story of the answer, whatever its length. Never a confirmation: "I will come" keeps the
    stricter shape."""
    if intent is Intent.CONFIRM:
        return False
    if not any(e.kind == "statement" for e in support):
        return False
    if reading.has(Signal.LAUGHTER, Signal.RESERVATION, Signal.POSSIBLE):
        return False
    if any(
        m.signal is Signal.CONTRAST
        and not _remark_after_progress(reading, question, intent, support, m)
        and not _answer_after_contrast(reading, support, m)
        for m in reading.matches
    ):
        return False
    if reading.asks:
        return False
    statements = [e for e in support if e.kind == "statement"]
    if _story_unknown_words(reading, statements) > STORY_UNKNOWN_WORDS:
        return False
    # A verb of going or a phrase closes a story ("ከወንድሜ ጋር ሄድን"); a lone "busy" closing it
    # may be chatter ("the market is busy").
    closing = [
        e
        for e in statements
        if reading.matches[e.index].is_phrase
        or reading.matches[e.index].signal in (Signal.ATTENDED_YES, Signal.ATTENDED_NO)
    ]
    if _leads(reading, statements, flipped, closing=False, dated=question) or _statement_closes(
        reading, closing
    ):
        return True
    if _opens_after_agreement(reading, support, statements):
        return True
    # "enrolment done, she started the course on the 3rd": a statement opening a clause, after
    # at most a few words that say who ("Ele nunca chegou a ir", "Dan nawa Musa bai je").
    supporting = {e.index for e in statements}
    # Words that say who only in an answer to "did you go / start?", and never beside a symbol:
    # "qué calor hoy, se fue la luz 😩" is chatter.
    who = (
        STORY_SUBJECT_WORDS
        if question in _ATTENDANCE_QUESTIONS and not any(m.is_emoji for m in reading.matches)
        else 0
    )
    # After words that say who, a "did not go"; a "went" only in a report whose writer said who
    # they are in an earlier clause ("Je suis sa mère.", "Hi, Grace from the Skills Hub here.")
    # or that a second "went" agrees with ("Client R1043 is enrolled and began the class on the
    # 4th"): "Long time! Fatou went to Mecca" is news. Never a "can't".
    introduced = [i for i, m in enumerate(reading.matches) if m.signal is Signal.NEUTRAL]
    went = sum(1 for e in statements if reading.matches[e.index].signal is Signal.ATTENDED_YES)
    for start in sorted({0, *reading.clause_starts}):
        subject = 0
        for i in range(start, len(reading.matches)):
            m = reading.matches[i]
            if i in supporting:
                told = m.signal is Signal.ATTENDED_NO or (
                    m.signal is Signal.ATTENDED_YES
                    and (any(k < start for k in introduced) or went > 1)
                )
                if not subject or told:
                    return True
                break
            if i > start and i in reading.clause_starts:
                break
            if m.is_plain_unknown and subject < who:
                subject += 1
            elif not (_is_aside(m) or (who and m.signal is Signal.NEUTRAL)):
                break
    return False


def _story_unknown_words(reading: Reading, statements: list[_Evidence]) -> int:
    """The unknown words of a story, but those of the clauses that greet and say who writes
    before its first statement: "مرحباً، معكم منسقة جمعية الأمل. تم تسجيل المستفيد ...", "Jam
    waali, ko mi Aliw, golloowo ka ONG Tabital. ..." (a greeting opens the message)."""
    unknown = reading.plain_unknown
    if not statements or reading.matches[0].signal is not Signal.POLITENESS:
        return unknown
    told = reading.clause_start(min(e.index for e in statements))
    return unknown - sum(1 for m in reading.matches[:told] if m.is_plain_unknown)


def _opens_after_agreement(
    reading: Reading, support: list[_Evidence], statements: list[_Evidence]
) -> bool:
    """Whether the message opens with a yes or no of the answer and the statement right after it
    (politeness aside): "yes went on thursday, met the adviser"."""
    kept = [i for i, m in enumerate(reading.matches) if not _is_aside(m)]
    if len(kept) < 2:
        return False
    agreeing = {e.index for e in support if e.kind == "word"}
    return kept[0] in agreeing and kept[1] in {e.index for e in statements}


def _negated_number(reading: Reading) -> tuple[str, str] | None:
    """A negation before an option number, with nothing but politeness, the words that frame an
    option and one unknown word between them: "not 1", "it's not 2", "pas le 1" say which option
    is not chosen."""
    matches = reading.matches
    for index, match in enumerate(matches):
        if match.number is None or match.is_hour:
            continue
        before = index - 1
        unknown = 0
        while before >= 0 and (
            matches[before].signal in FILLER
            or matches[before].signal is Signal.OPTION
            or (matches[before].is_plain_unknown and unknown < 1)
        ):
            unknown += matches[before].is_plain_unknown
            before -= 1
        if before >= 0 and matches[before].signal is Signal.NEGATION:
            return matches[before].text, match.text
    return None


_AGREEING = frozenset({Signal.YES, Signal.ACK, Signal.PRAISE, Signal.CONFIRM})
_REFUSING = frozenset({Signal.NO, Signal.DECLINE, Signal.NEGATION})
_ATTENDANCE_QUESTIONS = frozenset({Question.ATTENDANCE_CHECK, Question.FOLLOWUP})
#: Another answer or a doubt: what may stand neither before a "but" that opens the answer nor
#: before a closing "I will come".
_ANSWERS_OR_DOUBTS = frozenset(
    {
        *_REFUSING,
        Signal.ATTENDED_YES,
        Signal.ATTENDED_NO,
        Signal.RESCHEDULE,
        Signal.HEDGE,
        Signal.RESERVATION,
        Signal.POSSIBLE,
    }
)
#: What the clause before a closing "I will come" may not hold: another answer, a doubt, a
#: time, laughter, a request.
_NOT_BEFORE_CONFIRMING = _ANSWERS_OR_DOUBTS | {
    Signal.TIME,
    Signal.LAUGHTER,
    Signal.OPT_IN,
    Signal.HELP,
}
#: What answers, doubts or asks before a "but" that the answer after it would overrule.
_ANSWERING = _ANSWERS_OR_DOUBTS | _AGREEING | {Signal.CONTRAST}
#: Words a day proposed after a refusal may be: a day or time, "the next one", "another day".
_ANOTHER_DAY = frozenset({Signal.TIME, Signal.OTHER, Signal.RESCHEDULE})
#: Unknown words a preference for a day may carry ("wednesday works better for me").
BETTER_UNKNOWN_WORDS = 4


#: Unknown words a message proposing another day may carry; the longest proposals written for
#: the corpus carry ten ("¿Se puede el jueves en vez del martes? tengo que llevar a mi mamá al
#: médico").
PROPOSAL_UNKNOWN_WORDS = 10


def _proposal(reading: Reading) -> Decision | None:
    """Another day proposed for the reminder: "pode ser sexta?", "can I come Monday?" (a day
    asked about, with nothing but agreement and "possible" around it, also when a reason follows
    the question: "can it be next month? I'm out of town"), "I work that day, is Friday
    possible?", "not this week, the next one?" (a refusal, then a day or "the next one" asked
    about), "Tuesday no, but Wednesday yes", "quinta não dá, sexta sim" (a day refused, then
    another day and an agreement, or "but" and the other day alone: "not monday but wednesday")
    or "tomorrow is better for me", "prefiero el viernes" (a day and a word for "better"). Never
    in a message of more than ten unknown words."""
    if reading.plain_unknown > PROPOSAL_UNKNOWN_WORDS:
        # "Hi, can i please get a dollar loan from you. I will pay you back by mid february": a
        # day asked about in a long message is chatter, as a long answer is (the margin).
        return None
    signals = tuple(m.signal for m in reading.matches)
    times = [i for i, m in enumerate(reading.matches) if _is_a_day(m)]
    if times and all(reading.matches[i] in reading.night for i in times):
        # "You still coming tonight?", "can I come by this evening?": the offices are closed
        # then; another meeting.
        return None
    if _asked_after_refusal(reading, signals):
        return Decision(Intent.RESCHEDULE, "proposal", _day_words(reading))
    # "can it be next week?", "a matsa min zuwa mako mai zuwa?": "next week" and "another day"
    # are words of section `reschedule`, asked about like a day.
    asked = [i for i, m in enumerate(reading.matches) if _is_asked_day(m)]
    if asked and _asked_about_a_day(reading):
        return Decision(Intent.RESCHEDULE, "proposal", _time_words(reading, asked))
    if not times:
        return None
    if _preferred_day(reading):
        return Decision(Intent.RESCHEDULE, "proposal", _time_words(reading, times))
    contrasts = [i for i, s in enumerate(signals) if s is Signal.CONTRAST]
    if len(contrasts) > 1:
        return None
    if contrasts:
        turn = contrasts[0]
    else:
        # "quinta não dá, sexta sim": the second day takes the place of a "but".
        refusals = [i for i, s in enumerate(signals) if s in _REFUSING]
        later = [i for i in times if refusals and i > refusals[0]]
        if not later or not any(i < refusals[0] for i in times):
            return None
        turn = later[0]
    refused = any(s in _REFUSING for s in signals[:turn])
    # "ሰኞ አይመቸኝም፣ ረቡዕ ቢሆን ይሻላል" (Monday does not suit me, Wednesday would be better).
    agreeing = _AGREEING | {Signal.POSSIBLE, Signal.BETTER}
    agreed_after = any(s in agreeing for s in signals[turn:])
    refused_after = any(s in _REFUSING for s in signals[turn:])
    # "ሰኑይ ኣይከኣልን ሰሉስ ግን ይከኣል" (Monday no, Tuesday but yes): the second day may stand
    # right before its "but", after the refusal of the first.
    first_refusal = next((i for i, s in enumerate(signals) if s in _REFUSING), turn)
    if not contrasts and not agreed_after:
        # "të martën jo, po të mërkurën" (Tuesday no, yes Wednesday): the agreement may open the
        # clause of the second day, after the refusal's clause.
        agreed_after = any(
            signals[k] in agreeing and reading.clause_start(k) > first_refusal
            for k in range(first_refusal + 1, turn)
        )
    second_day = any(i >= turn for i in times) or (
        any(i < first_refusal for i in times) and any(first_refusal < i < turn for i in times)
    )
    # "not monday but wednesday", "segunda n, mas terça": the day after the "but" is all of it.
    day_alone_after = bool(contrasts) and _days_only(reading.matches[turn + 1 :])
    if refused and (agreed_after or day_alone_after) and not refused_after and second_day:
        return Decision(Intent.RESCHEDULE, "proposal", _time_words(reading, times))
    return None


#: Words that ask in the clause of a request for another date: "can", "please", "I want".
_ASKING_FOR_A_DATE = frozenset({Signal.POSSIBLE, Signal.POLITENESS, Signal.WISH})
#: What a request for another date may not stand beside: an agreement, laughter, a request for
#: help.
_NOT_A_REQUEST = frozenset({*_AGREEING, Signal.LAUGHTER, Signal.HELP})
#: What the excuse before the request may tell ("I went to the village, there was no network",
#: "I'm at a funeral in the village", "ma femme doit accoucher normalement cette semaine-là"),
#: but neither the request's clause nor what follows it: a visit, another meeting, a doubt, a
#: question word (but one that asks the request itself: "wach mumkin ...", `_asks_the_request`).
_NOT_IN_THE_REQUEST = frozenset(
    {Signal.ATTENDED_YES, Signal.ATTENDED_NO, Signal.EVENT, Signal.HEDGE, Signal.RESERVATION}
)
#: Unknown words a request for another date may carry: the excuse before it, told at length.
REQUEST_UNKNOWN_WORDS = 20


#: What a condition's clause may not name for its day to be a time offered: an event, sending,
#: what a notice told.
_NOT_A_TIME_OFFERED = frozenset({Signal.EVENT, Signal.SEND, Signal.DETAILS})


def _time_on_a_condition(reading: Reading) -> Decision | None:
    """A time offered on a condition: a word for "if" (section `condition`) and a day or time in
    one clause, then a statement of coming after both ("if it is in the afternoon I can come,
    mornings I work", "agar bad az chasht bashe meyayum", "ከሰዓት በኋላ ከሆነ እመጣለሁ", afternoon
    if it is I will come): the person comes at another time than the one booked, which a
    caseworker arranges. Not when the coming is negated or comes first ("I'll come tomorrow if
    I can"), nor beside an option number, at night, or in a message of more than ten unknown
    words."""
    if not reading.conditions or reading.plain_unknown > PROPOSAL_UNKNOWN_WORDS:
        return None
    matches = reading.matches
    if any(m.number is not None and not (_is_a_day(m) or m.is_hour) for m in matches):
        return None
    if reading.night:
        return None
    comings = [i for i, m in enumerate(matches) if m.signal is Signal.CONFIRM]
    if not comings:
        return None
    coming = comings[0]
    clause = reading.clause_start(coming)
    if any(matches[k].signal is Signal.NEGATION for k in range(clause, coming)):
        return None
    for condition in reading.conditions:
        at = next((i for i, m in enumerate(matches) if m.start == condition.start), None)
        if at is None or at > coming:
            continue
        # The "if" opens its clause ("su ngeen ko mënee def ngoon si ...") or, where the verb
        # comes last, stands right before the coming ("ከሰዓት በኋላ ከሆነ እመጣለሁ"); Wolof "bu" after
        # a noun ("sama liggéey bu suba", my morning work) is no "if".
        opening = reading.clause_start(at)
        if not (all(matches[k].signal in FILLER for k in range(opening, at)) or at + 1 == coming):
            continue
        inside = range(opening, reading.clause_end(at))
        if any(matches[i].signal in _NOT_A_TIME_OFFERED for i in inside):
            # "if I get the money tomorrow I will come", "if you send me the address tomorrow":
            # the day is the money's or the address's.
            continue
        times = [i for i in inside if i < coming and (_is_a_day(matches[i]) or matches[i].is_hour)]
        if times:
            words = (matches[at].text, *(matches[i].text for i in times), matches[coming].text)
            return Decision(Intent.RESCHEDULE, "time_on_a_condition", words)
    return None


def _date_requested(reading: Reading) -> Decision | None:
    """ "Good evening sir. My mother is in the hospital, please can you give me another date
    after the 20th", "ሌላ ቀጠሮ ሊያሲዙልኝ ይችላሉ?" (can you give me another appointment?): a word
    for another date in the last clause, asked for there ("?", "can", "please", "I want"),
    after whatever excuse. Nothing may agree, doubt or name another meeting, and the last
    clause may not tell that the person went or did not."""
    if reading.plain_unknown > REQUEST_UNKNOWN_WORDS or reading.options:
        return None
    if any(m.signal in _NOT_A_REQUEST for m in reading.matches):
        return None
    # The request is the last clause that names another date; an excuse may follow it ("please
    # find me another day next week, I am at work all these days").
    dated = [
        start
        for start in {0, *reading.clause_starts}
        if any(
            m.signal is Signal.RESCHEDULE
            for m in reading.matches[start : reading.clause_end(start)]
        )
    ]
    if not dated:
        return None
    request = max(dated)
    clause = reading.matches[request : reading.clause_end(request)]
    told = reading.matches[request:]
    if any(m.signal in (Signal.MESSAGES, Signal.SEND) for m in told):
        return None  # "can you send the messages in Spanish instead?": another language
    if any(
        m.signal in _NOT_IN_THE_REQUEST and not _asks_the_request(told, i)
        for i, m in enumerate(told)
    ):
        return None
    first_date = next(i for i, m in enumerate(told) if m.signal is Signal.RESCHEDULE)
    if any(m.signal is Signal.NO for m in told[first_date:]):
        return None  # "another date? no wait, I will not need it": taken back
    if not any(m.signal in _ASKING_FOR_A_DATE or m.text == "?" for m in clause):
        return None
    dates = [m for m in clause if m.signal is Signal.RESCHEDULE]
    return Decision(Intent.RESCHEDULE, "date_requested", tuple(m.text for m in dates))


def _asks_the_request(told: tuple[Match, ...], index: int) -> bool:
    """Whether the question word at `index` opens the request itself: right before a word for
    "possible" or for another date ("wach mumkin nbeddel lmaw3id", "ki porer shoptahe")."""
    return (
        told[index].signal is Signal.RESERVATION
        and index + 1 < len(told)
        and told[index + 1].signal in (Signal.POSSIBLE, Signal.RESCHEDULE)
    )


def _days_only(clause: tuple[Match, ...]) -> bool:
    """Whether `clause` holds days and nothing else but politeness and words that cost nothing:
    stricter than `_only_a_day`, with no "the next one", "?" or unknown word."""
    words = [m for m in clause if m.signal not in (Signal.POLITENESS, Signal.NEUTRAL)]
    return bool(words) and all(_is_a_day(m) for m in words)


def _asked_about_a_day(reading: Reading) -> bool:
    """A day asked about with nothing but agreement and "possible" around it, up to the first
    question mark: "pode ser sexta?", "se puede después del 15?", "can it be next month? I'm out
    of town", or without the mark when "possible" leads ("what about Thursday afternoon"). Dates
    are no options: only the reminder's option numbers spoil it."""
    # Adlam and Spanish may open a question with a mark too: the clause ends at a mark after a day.
    first_day = next(i for i, m in enumerate(reading.matches) if _is_asked_day(m))
    marks = [i for i, m in enumerate(reading.matches) if m.text == "?" and i > first_day]
    first = _first_told(reading)
    # "mornings are hard for me, could we do afternoon on another day": a clause of its own.
    asking = [
        i
        for i in sorted(reading.clause_starts)
        if reading.matches[i].signal is Signal.POSSIBLE
        and any(_is_asked_day(m) for m in reading.matches[i:])
    ]
    if marks:
        # "হরতালে সব গাড়ি বন্ধ, বৃহস্পতিবার আসা যাবে?" (a strike, no buses; can I come on
        # Thursday?): a reason may stand in a clause of its own before the day asked about.
        opening = reading.clause_start(first_day)
        clause = reading.matches[opening : marks[0] + 1]
    elif first is not None and first.signal is Signal.POSSIBLE:
        # "what about Thursday afternoon", "a mund të vij të enjten": asked without the mark.
        clause = reading.matches
    elif asking:
        clause = reading.matches[asking[-1] :]
    else:
        return False
    present = {m.signal for m in clause}
    # "can I pass by the office tomorrow?" asks about a visit, not for another date.
    doubt = {Signal.RESERVATION, Signal.CONTRAST, Signal.HEDGE, Signal.PLACE, *_REFUSING}
    offered = present & (_AGREEING | {Signal.POSSIBLE})
    options = any(_is_option(m) for m in reading.matches)
    if present & doubt or options:
        return False
    if any(m in reading.events for m in clause):
        return False  # "want anything from the shop?" asks about another errand
    # "can you postpone it to next week?", "შემდეგ კვირაზე გადავიტანოთ?": a word for moving the
    # appointment beside the day asked about offers it like a "can we".
    moved = [m for m in clause if m.signal is Signal.RESCHEDULE]
    days = [m for m in clause if _is_asked_day(m)]
    if moved and len(days) >= 2 and bool(marks):
        return True
    return bool(offered) or (bool(marks) and _only_a_day(clause))


#: Unknown words a day asked about on its own may carry ("yontere garoowe nden?").
DAY_ALONE_UNKNOWN_WORDS = 1


def _only_a_day(clause: tuple[Match, ...]) -> bool:
    """A clause of nothing but days, "the next one" and politeness, asked with its mark: "next
    week?", "yontere garoowe nden?", "segunda que vem?"."""
    words = [m for m in clause if m.signal not in (Signal.POLITENESS, Signal.NEUTRAL)]
    days = [m for m in words if _is_a_day(m) or m.signal is Signal.OTHER]
    unknown = [m for m in words if m.is_plain_unknown]
    others = [m for m in words if m not in days and m not in unknown and m.text != "?"]
    return bool(days) and not others and len(unknown) <= DAY_ALONE_UNKNOWN_WORDS


_REMINDER_OPTIONS = frozenset(OPTIONS[Question.APPOINTMENT_REMINDER])


def _is_option(match: Match) -> bool:
    """An option number of the reminder; not a time of day ("at 3", "الساعة 3")."""
    return match.number in _REMINDER_OPTIONS and not match.is_hour


def _is_a_day(match: Match) -> bool:
    """A day or time, or a number that is no option of the reminder: a date ("after the 15th")."""
    if match.number is not None:
        return _is_a_date(match)
    return match.signal is Signal.TIME


def _is_asked_day(match: Match) -> bool:
    """A day, or a word of section `reschedule` ("next week", "another day"), asked about."""
    return _is_a_day(match) or match.signal is Signal.RESCHEDULE


def _preferred_day(reading: Reading) -> bool:
    """ "tomorrow is better for me", "prefiero el viernes", "ხვალ ჯობია": a day and a word for
    "better", one of them leading the message, with no refusal, question word, laughter or option
    number, and few other words ("the weather is better today" is chatter)."""
    if not reading.has(Signal.BETTER):
        return False
    # Words that cost nothing may come first: "zma lapara shanbe behtar de" (for me, Saturday).
    ignored = (Signal.POLITENESS, Signal.NEUTRAL)
    first = next((m for m in reading.matches if m.signal not in ignored), None)
    if first is None or not (first.signal is Signal.BETTER or _is_a_day(first)):
        return False
    spoiling = {Signal.RESERVATION, Signal.LAUGHTER, Signal.ATTENDED_YES}
    if reading.has(*spoiling) or any(_is_option(m) for m in reading.matches):
        return False
    # "afternoon would be better for me, in the morning I have work": a refusal in a later
    # clause, of another time, tells why; in the preference's own clause, or of nothing named
    # ("tomorrow would be better, but I can't"), it refuses.
    leading, *later = reading.clauses
    if any(m.signal in _REFUSING for m in leading):
        return False
    if reading.has(*_REFUSING) and not (
        any(m.signal is Signal.BETTER for m in leading)
        and any(map(_is_a_day, leading))
        and all(
            _names_another_day(clause, leading)
            for clause in later
            if any(m.signal in _REFUSING for m in clause)
        )
    ):
        return False
    return reading.plain_unknown <= BETTER_UNKNOWN_WORDS


def _names_another_day(clause: tuple[Match, ...], preferred: tuple[Match, ...]) -> bool:
    """Whether `clause` names a day or time that `preferred` does not ("tomorrow is better,
    but tomorrow I can't" refuses the day it prefers)."""
    named = {m.text for m in preferred if _is_a_day(m)}
    days = [m.text for m in clause if _is_a_day(m)]
    return bool(days) and not named.intersection(days)


def _asked_after_refusal(reading: Reading, signals: tuple[Signal | None, ...]) -> bool:
    """ "I work that day, is Friday possible?", "not this week, the next one?", "my boss won't
    let me off that day, can we pick another one?": a refusal, then a day, a date, "the next
    one" or "another day", and a question mark, or a "possible" word before that day ("can we")."""
    refusals = [i for i, s in enumerate(signals) if s in _REFUSING]
    if not refusals:
        return False
    start = refusals[0] + 1
    after = reading.matches[start:]
    # ... or a date, a number that is no option: "estoy de viaje, se puede después del 15?"
    days = [
        i
        for i, m in enumerate(after)
        if (m.signal in _ANOTHER_DAY or _is_a_date(m)) and not _refused_day(after, i)
    ]
    if not days:
        return False
    # The question asks about the day: "not next week, not another day. ... how many times
    # will I tell you?" asks nothing of it.
    if any(m.text == "?" for m in after[days[0] :]):
        return True
    # The question may be asked without its mark: "..., can we pick another one". A "possible"
    # word the refusal negates is the refusal itself: "no estoy libre el lunes", "مش فاضي بكرة"
    # (not free on Monday, tomorrow) refuse the day and ask for none.
    return any(
        m.signal is Signal.POSSIBLE
        and i < days[-1]
        and not _refused_day(reading.matches, start + i)
        for i, m in enumerate(after)
    )


def _refused_day(matches: tuple[Match, ...], index: int) -> bool:
    """Whether the day at `index` is refused by a negation or a "no" right before it, or before a
    word that costs nothing: "not next week", "ni otro día", "nem na semana que vem", "لا
    الأسبوع الجاي"."""
    before = index - 1
    if before > 0 and matches[before].signal is Signal.NEUTRAL:
        before -= 1
    return before >= 0 and matches[before].signal in (Signal.NEGATION, Signal.NO)


def _day_words(reading: Reading) -> tuple[str, ...]:
    return tuple(m.text for m in reading.matches if m.signal in _ANOTHER_DAY or _is_a_date(m))


#: The highest number a date may be ("after the 15th"); more is a sum, a year or a count.
LAST_DAY_OF_A_MONTH = 31


def _is_a_date(match: Match) -> bool:
    """A number that is no option of the reminder: a date or a time of day; not a sum of money
    ("yónnee ma 5000 ci Wave", send me 5000 by Wave)."""
    if match.number is None or _is_option(match):
        return False
    return match.is_hour or match.number <= LAST_DAY_OF_A_MONTH


#: Words that keep "I go" from being told as a habit: a refusal, a doubt, a question.
_NOT_A_HABIT = frozenset(
    {
        *_REFUSING,
        Signal.ATTENDED_NO,
        Signal.RESERVATION,
        Signal.CONTRAST,
        Signal.POSSIBLE,
        Signal.LAUGHTER,
        Signal.RESCHEDULE,
    }
)
#: Unknown words a habit may carry ("I go there every morning now").
HABIT_UNKNOWN_WORDS = 2


def _habit(reading: Reading) -> Decision | None:
    """ "I go every day now", "j'y vais tous les jours", "ina zuwa kowace rana yanzu": "I go" (a
    statement of coming or of going, or a present "I go" of section `going`) beside a word for
    "every day" answers "did you go / did you start?" with a yes, when nothing refuses, doubts or
    asks. A "since" the time section reads with its day ("desde el lunes", "depuis lundi")
    counts as the word for "every day": "voy desde el lunes" is "I have been going since
    Monday"."""
    if not reading.has(Signal.HABITUAL) and not reading.since:
        return None
    going = [m for m in reading.matches if m.signal in _GOING]
    if not going or reading.has(*_NOT_A_HABIT) or reading.events:
        return None  # "I go to the mosque every day" tells another habit
    if not all(_dated_by_since(reading, index) for index in _number_indexes(reading)):
        return None  # a number that is no date after "since" may be an option
    if reading.asks:
        return None
    if reading.plain_unknown > HABIT_UNKNOWN_WORDS:
        return None
    words = tuple(m.text for m in reading.matches if m.signal in _HABIT_WORDS or m in reading.since)
    return Decision(Intent.ATTENDED_YES, "habit", words)


def _number_indexes(reading: Reading) -> list[int]:
    return [index for index, m in enumerate(reading.matches) if m.number is not None]


def _dated_by_since(reading: Reading, index: int) -> bool:
    """Whether the number at `index` is a date after a word for "since" (section `habitual`:
    "since the 3rd", "depuis le 3", "ከ3 ጀምሮ", "د ۳مې نېټې راهیسې"): at most two words stand
    between them."""
    near = range(max(0, index - 3), min(len(reading.matches), index + 4))
    return any(
        reading.matches[i].signal is Signal.HABITUAL or reading.matches[i] in reading.since
        for i in near
        if i != index
    )


#: Words that keep "they said come back next month" from being a plain "not yet".
_NOT_SENT_BACK = frozenset(
    {
        Signal.YES,
        Signal.ATTENDED_YES,
        Signal.CONFIRM,
        Signal.RESERVATION,
        Signal.CONTRAST,
        Signal.LAUGHTER,
    }
)
#: Unknown words a report of being sent back may carry ("dem say make I come back next month").
SENT_BACK_UNKNOWN_WORDS = 4


#: What keeps "not yet, maybe next week" from being a not yet: anything that says yes.
_SAYS_YES = frozenset(
    {Signal.YES, Signal.ACK, Signal.CONFIRM, Signal.ATTENDED_YES, Signal.PRAISE, Signal.LAUGHTER}
)


#: How many matches may stand between a doubt and the day it doubts ("tal vez la semana que
#: viene": "la" is one).
HEDGED_DAY_GAP = 2
#: The most words a doubt of the day may have ("maybe", "tal vez").
HEDGED_WORDS = 2


def _hedges_only_the_date(reading: Reading) -> bool:
    """ "Could you give me another date, maybe next week in the afternoon?", "¿Me podrían dar
    otra fecha, tal vez la semana que viene?": a request for another date (section `reschedule`)
    whose every doubt stands right before a day or time, in its clause, doubts the day proposed,
    not the request. Not beside a yes, an "ok" or a confirmation ("ok, maybe next week")."""
    matches = reading.matches
    if not reading.has(Signal.RESCHEDULE) or reading.has(Signal.YES, Signal.ACK, Signal.CONFIRM):
        return False

    def before_a_day(index: int) -> bool:
        for step in range(1, HEDGED_DAY_GAP + 2):
            at = index + step
            if at >= len(matches) or at in reading.clause_starts:
                return False
            if matches[at].signal is Signal.TIME:
                return True
        return False

    hedges = [i for i, m in enumerate(matches) if m.signal is Signal.HEDGE]
    # "maybe", "tal vez", "peut-être"; not "instead of me" (someone else would come) or "I
    # don't know" (HEDGED_WORDS).
    short = all(matches[i].end - matches[i].start <= HEDGED_WORDS for i in hedges)
    return short and all(before_a_day(i) for i in hedges)


def _not_yet_maybe_later(reading: Reading) -> Decision | None:
    """ "not yet, maybe next week", "pas encore, peut-être le mois prochain", "ჯერ არა, ალბათ
    მომავალ თვეში", "pas encore commencé, ça démarre le 15 normalement" to "did you go / did you
    start?": a "not yet" or a no opening the message, then, in a clause of its own, a doubt about
    a later day or date. The doubt is about when, not about
    the answer. Nothing may say yes, ask or give an option."""
    kept = [i for i, m in enumerate(reading.matches) if not _is_aside(m)]
    if not kept or reading.asks or any(_is_option(m) for m in reading.options):
        return None
    first = reading.matches[kept[0]]
    if first.signal not in (Signal.ATTENDED_NO, Signal.NO):
        return None
    if any(m.signal in _SAYS_YES for m in reading.matches):
        return None
    hedges = [i for i, m in enumerate(reading.matches) if m.signal is Signal.HEDGE]
    for i in hedges:
        start = reading.clause_start(i)
        if start <= kept[0]:
            return None  # "not yet maybe": the doubt is about the answer itself
        clause = reading.matches[start : reading.clause_end(start)]
        if not any(m.signal in (Signal.TIME, Signal.RESCHEDULE) or _is_a_day(m) for m in clause):
            return None
    return Decision(Intent.ATTENDED_NO, "not_yet_maybe_later", (first.text,))


def _sent_back(reading: Reading) -> Decision | None:
    """ "They said come back next month", "ils m'ont dit de revenir le mois prochain", "ተመለስ
    አሉኝ" to "did you go / did you start?": a word for coming back beside a later day or time is a
    "not yet", when it does not open the message (a report, not an instruction) and nothing says
    yes, doubts or asks."""
    back = reading.texts(Signal.COME_BACK)
    if not back or not reading.has(Signal.TIME, Signal.OTHER, Signal.RESCHEDULE):
        return None
    first = _first_told(reading)
    if first is not None and first.signal is Signal.COME_BACK:
        return None  # "come back home tomorrow": an instruction to someone, not a report
    if reading.has(*_NOT_SENT_BACK) or reading.options:
        return None
    if reading.asks:
        return None
    if reading.plain_unknown > SENT_BACK_UNKNOWN_WORDS:
        return None
    return Decision(Intent.ATTENDED_NO, "sent_back", back)


#: Words that keep "I went, they told me to come back next week" from being a plain yes.
_NOT_WENT = frozenset(
    {
        *_REFUSING,
        Signal.ATTENDED_NO,
        Signal.RESERVATION,
        Signal.HEDGE,
        Signal.LAUGHTER,
        Signal.CONFIRM,
    }
)
#: Unknown words a visit and the date it was sent back to may carry ("I reach dia but dem say
#: make I come back next month").
WENT_UNKNOWN_WORDS = 10


def _went_and_sent_back(reading: Reading, question: Question) -> Decision | None:
    """ "I went but they told me to come back next week", "shkova por me than me ardh javen
    tjeter", "ሄጄ ነበር ግን በሌላ ጊዜ ተመለስ አሉኝ": a statement of having gone, then a word for
    coming back (told to come back another day) or a "not yet" of section `waiting` (told to
    wait: "I went, they took my papers and said they will call", "رفتم، فورمه پر کدم و گفتن منتظر
    باش"). To "did you go?" it is a yes: the person went, whatever the office asked next. To "did
    you start?" it is a "not yet": nothing has started. Nothing may refuse, doubt or ask."""
    went = [i for i, m in enumerate(reading.matches) if m.signal is Signal.ATTENDED_YES]
    back = [
        i
        for i, m in enumerate(reading.matches)
        if m.signal is Signal.COME_BACK or m in reading.waiting
    ]
    if not went or not back or back[0] < went[0]:
        return None
    refusing = _NOT_WENT - {Signal.ATTENDED_NO} if question is Question.FOLLOWUP else _NOT_WENT
    # A refusal in a clause after the visit's tells what the office said ("I went but they said
    # the officer was not around, come back next week"); it refuses nothing the person did.
    visit = reading.clause_start(went[0])
    but = next(
        (i for i, m in enumerate(reading.matches) if i > went[0] and m.signal is Signal.CONTRAST),
        None,
    )

    def told_by_the_office(i: int) -> bool:
        # ... but not a no right after the "but": "je suis allé mais non, je ne suis pas
        # entré", "mon frère est allé mais moi non".
        if but is not None and reading.matches[i].signal is Signal.NO and i <= but + 2:
            return False
        return reading.clause_start(i) > visit or (but is not None and i > but)

    def agrees(i: int) -> bool:
        # To "did you start?", a no in a clause before the visit agrees with its "not yet":
        # "Naum, fui lá mas mandaram voltar na outra semana".
        return question is Question.FOLLOWUP and reading.clause_start(i) < visit

    refused = any(
        m.signal in refusing
        and m not in reading.waiting
        and not (m.signal in _REFUSING and (told_by_the_office(i) or agrees(i)))
        # "... me dijeron que regrese porque no estaba la doctora": the office's reason.
        and not (m.signal is Signal.RESERVATION and told_by_the_office(i))
        for i, m in enumerate(reading.matches)
    )
    if refused:
        return None  # "... ekhono shuru hoy nai" (not started yet) agrees with a not yet
    if any(m.number in OPTIONS[question] for m in reading.options):
        return None  # an option beside the story; a date ("le 12") is none
    if reading.asks:
        return None
    # "Bonjour, ici le centre de formation de Saint-Louis. M. Diallo s'est présenté le 12, ...":
    # the clauses before the visit introduce who writes; its story is told from its own clause.
    told = reading.matches[reading.clause_start(went[0]) :]
    if any(m in reading.events for m in told):
        return None
    if sum(1 for m in told if m.is_plain_unknown) > WENT_UNKNOWN_WORDS:
        return None
    words = (reading.matches[went[0]].text, reading.matches[back[0]].text)
    if question is Question.FOLLOWUP:
        return Decision(Intent.ATTENDED_NO, "went_and_sent_back", words)
    return Decision(Intent.ATTENDED_YES, "went_and_sent_back", words)


#: "I will come", "I went" and "I go" (section `going`): what a habit may be told with.
_GOING = frozenset({Signal.CONFIRM, Signal.ATTENDED_YES, Signal.GOING})
_HABIT_WORDS = _GOING | {Signal.HABITUAL}


def _time_words(reading: Reading, times: list[int]) -> tuple[str, ...]:
    return tuple(reading.matches[i].text for i in times)


def _evidence(
    reading: Reading, signals: tuple[Signal | None, ...], question: Question
) -> list[_Evidence]:
    reminder = question is Question.APPOINTMENT_REMINDER
    meaning = _REMINDER_MEANING if reminder else _YES_NO_MEANING
    if question is Question.SATISFACTION:
        meaning = _SATISFACTION_MEANING
    options = OPTIONS[question]
    found: list[_Evidence] = []
    for index, (match, signal) in enumerate(zip(reading.matches, signals, strict=True)):
        if match.number is not None:
            option = None if match.is_hour else options.get(match.number)
            found.append(_Evidence(index, option, WEIGHT_NUMBER, "number"))
        elif match.signal is Signal.HELPED:
            # "they helped me", "not what I needed" answer only the satisfaction question.
            if question is Question.SATISFACTION:
                weight = WEIGHT_PHRASE if match.is_phrase else WEIGHT_WORD
                negated = signal is not Signal.HELPED or _no_beside(reading, index)
                helped = Intent.NOT_SATISFIED if negated else Intent.SATISFIED
                found.append(_Evidence(index, helped, weight, "statement"))
        elif signal is Signal.PARTLY:
            # "partly" answers only the satisfaction question; to any other it does not fit.
            weight = WEIGHT_PHRASE if match.is_phrase else WEIGHT_WORD
            found.append(_Evidence(index, meaning.get(signal), weight, "statement"))
        elif signal in STATEMENTS:
            weight = WEIGHT_PHRASE if match.is_phrase else WEIGHT_WORD
            intent = meaning.get(signal)
            # "Not yet, next week" to "did you start?": a later date only sides with a no; so
            # does "I will go" beside a day ("এখনো যাইনি, আগামী সপ্তাহে যাব", not yet, I will
            # go next week).
            later = signal is Signal.RESCHEDULE or (
                signal is Signal.CONFIRM and _beside_a_day(reading, index)
            )
            kind = "later" if later and not reminder else "statement"
            found.append(_Evidence(index, intent, weight, kind))
        elif signal in (Signal.ACK, Signal.PRAISE) and match.signal is signal:
            if reminder:
                kind = "ack" if signal is Signal.ACK else "praise"
                found.append(_Evidence(index, Intent.CONFIRM, WEIGHT_ACK, kind))
        elif signal in (Signal.YES, Signal.NO, Signal.ACK, Signal.PRAISE):
            # A negated "ok" ("not ok") is a no.
            found.append(_Evidence(index, meaning.get(signal), WEIGHT_WORD, "word"))
    return found


def _visit_gave_a_date(
    reading: Reading, statements: list[_Evidence], later: list[_Evidence]
) -> bool:
    """To "did you go?", a later date after "I went" that the visit gave, and the person went:
    "ሄድኩ ግን በሚቀጥለው ሳምንት ና አሉኝ" (I went, but they told me to come next week), "Fui sim, fui
    atendida ... ela pediu uns exames pra próxima semana". The "I went" is said firmly (twice in
    one clause, or with a yes) or a "but" stands between it and the date, and nobody says they
    will come or go: "my brother went yesterday, I will go next week", "she went, me next week"
    do not answer."""
    went = [e for e in statements if e.intent is Intent.ATTENDED_YES]
    if not later or not went or reading.has(Signal.CONFIRM, Signal.GOING):
        return False
    first_date = min(x.index for x in later)
    before = [e for e in went if e.index < first_date]
    if not before:
        return False
    turn = any(m.signal is Signal.CONTRAST for m in reading.matches[before[0].index : first_date])
    # "Fui sim, fui atendida": said twice in one clause ("the others went, I'm going next week"
    # is two people).
    twice = len({reading.clause_start(e.index) for e in before}) < len(before)
    return turn or twice or reading.has(Signal.YES)


def _beside_a_day(reading: Reading, index: int) -> bool:
    """Whether a day or time stands right before or after `index`, within its clause."""
    for step in (-1, 1):
        other = index + step
        if not 0 <= other < len(reading.matches):
            continue
        if (other if step > 0 else index) in reading.clause_starts:
            continue
        if reading.matches[other].signal is Signal.TIME:
            return True
    return False


def _no_beside(reading: Reading, index: int) -> bool:
    """A "no" right before `index`, or at most two matches after it, within its clause:
    languages that negate with their "no" ("no era lo que necesitaba", "যা দরকার ছিল তা না");
    "no, they helped me" (a "no" further before) contradicts rather than negates."""
    start = reading.clause_start(index)
    ends = [i for i in reading.clause_starts if i > index]
    end = min(ends) if ends else len(reading.matches)
    return any(
        reading.matches[i].signal is Signal.NO
        for i in range(max(start, index - 1), min(end, index + 3))
        if i != index
    )


def _choose(
    reading: Reading, evidence: list[_Evidence], question: Question
) -> Decision | tuple[Intent, list[_Evidence]]:
    """The one intent the evidence gives, with its support, or the rule that refuses it."""
    statements = [e for e in evidence if e.kind == "statement"]
    later = [e for e in evidence if e.kind == "later"]
    if question in _ATTENDANCE_QUESTIONS and any(
        e.intent is Intent.ATTENDED_YES for e in statements
    ):
        # "la inscripción está confirmada y la señora comenzó el día 4", "ثبت نام شان تایید
        # شد، از تاریخ ۴ شروع کدن": beside a start, a word for confirming tells the enrolment
        # confirmed; it confirms no appointment.
        statements = [
            e
            for e in statements
            if e.intent is not None or reading.matches[e.index].signal is not Signal.CONFIRM
        ]
    misfits = [e for e in statements if e.intent is None]
    if question is Question.ATTENDANCE_CHECK and _visit_gave_a_date(reading, statements, later):
        later = []
    # "Not yet, next week", "no, next week" to "did you start?": a later date sides with a no.
    sided = any(e.intent is Intent.ATTENDED_NO for e in evidence if e.kind != "number")
    if misfits or (later and not sided):
        words = _words(reading, misfits or later)
        return Decision(Intent.UNCLEAR, "statement_does_not_fit", words)
    if any(e.intent is Intent.RESCHEDULE for e in statements):
        # A request for another date beats every other statement of the reminder.
        statements = [e for e in statements if e.intent is Intent.RESCHEDULE]
    if any(e.intent is Intent.PARTLY_SATISFIED for e in statements):
        # "partly, they helped with the papers only": "partly" says how far the help went.
        statements = [e for e in statements if e.intent is Intent.PARTLY_SATISFIED]
    partly = [e for e in evidence if e.kind == "number" and e.intent is Intent.PARTLY_SATISFIED]
    if partly and reading.has(Signal.CONTRAST):
        # "2 some things helped but still no job": the option "partly", and a reason that weighs
        # what helped against what did not, which is what "partly" means.
        return Intent.PARTLY_SATISFIED, partly
    kinds = {e.intent for e in statements if e.intent is not None}
    if len(kinds) > 1:
        # "I registered but classes haven't begun": a negative statement after a "but"
        # overrules an earlier positive one.
        statements = _after_but(reading, statements)
        kinds = {e.intent for e in statements if e.intent is not None}
    if len(kinds) > 1 and question in _ATTENDANCE_QUESTIONS:
        statements = _went_elsewhere(reading, statements)
        kinds = {e.intent for e in statements if e.intent is not None}
    if len(kinds) > 1:
        return Decision(Intent.UNCLEAR, "contradiction", _words(reading, statements))
    bare = [e for e in evidence if e.kind in ("word", "number", "ack", "praise")]
    if kinds:
        (intent,) = kinds
        return _with_statement(reading, intent, statements, bare)
    return _bare_answer(reading, bare)


#: What a message may conclude with after "so": a refusal or a "not yet", never a yes.
_CONCLUDING = frozenset({Intent.DECLINE, Intent.ATTENDED_NO, Intent.NOT_SATISFIED})
#: Unknown words the concluding clause may carry ("so didn't see anyone").
CONCLUSION_UNKNOWN_WORDS = 2


def _conclusion(reading: Reading, question: Question) -> Decision | None:
    """ "they said the course starts in January, so not yet", "donc pas encore", "يعني لسه": a
    word for "so" opening the last clause, and after it one refusal or "not yet" and nothing
    else that answers, doubts or asks. What comes before it is the reason, whatever it says."""
    so = [i for i, m in enumerate(reading.matches) if m.signal is Signal.SO]
    if not so:
        return None
    after = reading.matches[so[-1] + 1 :]
    negated = apply_negation(after)
    if negated is None:
        return None
    meaning = _REMINDER_MEANING if question is Question.APPOINTMENT_REMINDER else _YES_NO_MEANING
    if question is Question.SATISFACTION:
        meaning = _SATISFACTION_MEANING
    intents: set[Intent] = set()
    words: list[str] = []
    unknown = 0
    for match, signal in zip(after, negated.signals, strict=True):
        if match.text == "?":
            return None
        if signal in FILLER:
            continue
        intent = meaning.get(signal) if signal is not None else None
        if intent in _CONCLUDING:
            intents.add(intent)
            words.append(match.text)
        elif match.is_plain_unknown:
            unknown += 1
        else:
            return None
    if len(intents) != 1 or unknown > CONCLUSION_UNKNOWN_WORDS:
        return None
    return Decision(intents.pop(), "conclusion", tuple(words))


def _after_but(reading: Reading, statements: list[_Evidence]) -> list[_Evidence]:
    """The statements after the last "but" when they are all one negative statement and those
    before it are positive; otherwise `statements` unchanged."""
    contrasts = [i for i, m in enumerate(reading.matches) if m.signal is Signal.CONTRAST]
    if not contrasts:
        return statements
    after = [e for e in statements if e.index > contrasts[-1]]
    before = [e for e in statements if e.index < contrasts[-1]]
    negative = {e.intent for e in after}
    if len(negative) != 1 or not negative <= _NEGATIVE_INTENTS:
        return statements
    if any(e.intent in _NEGATIVE_INTENTS or e.intent is None for e in before):
        return statements
    if any(_bare_confirmation(reading, e) for e in before):
        # "confirm, but I can't come that day", "I confirm but I no fit come that day": a short
        # confirmation opening the message says the opposite like a bare yes ("yes but I can't
        # come" stays unclear).
        return statements
    return after


def _went_elsewhere(reading: Reading, statements: list[_Evidence]) -> list[_Evidence]:
    """The "did not go" statements alone when every "went" comes after them, each in a later
    clause that names somewhere else and no day, time, number, place of the service, yes or
    "I will come": "ও যায় নাই, ঢাকায় কাজে চলে গেছে" (he didn't go, he went to Dhaka for work),
    "زوی مې نه دی تللی، کلي ته تللی و", "Ibrahima yahaani e randewu oo, o yehii Dakar". "I didn't
    go on Monday, I went on Tuesday" (a day) and "I did not go to the market, I went to see the
    counsellor" (an event in the "did not go") stay contradictions. Otherwise `statements`
    unchanged."""
    went = [e for e in statements if e.intent is Intent.ATTENDED_YES]
    did_not = [e for e in statements if e.intent is Intent.ATTENDED_NO]
    if not went or not did_not or len(went) + len(did_not) != len(statements):
        return statements
    last_no = max(e.index for e in did_not)
    refused = {reading.clause_start(e.index) for e in did_not}
    if any(
        m.signal is Signal.EVENT and reading.clause_start(i) in refused
        for i, m in enumerate(reading.matches)
    ):
        # "I did not go to the market, I went to see the counsellor": the "not" is the market's.
        return statements
    elsewhere = {Signal.TIME, Signal.PLACE, Signal.YES, Signal.CONFIRM, Signal.HABITUAL}
    for e in went:
        start = reading.clause_start(e.index)
        if start <= last_no:
            return statements
        clause = reading.matches[start : reading.clause_end(e.index)]
        if any(m.signal in elsewhere or m.number is not None for m in clause):
            return statements
        if not any(m.is_plain_unknown for m in clause):
            return statements
    return did_not


def _bare_confirmation(reading: Reading, item: _Evidence) -> bool:
    """A confirmation of one or two words ("confirm", "confirmo", "I confirm", "mi teentinii",
    "أكيد جاي", "I'll come") opening the message: before a "but" and a refusal it says the
    opposite like a bare yes ("I confirm but I can't come that day", "I'll come but I can't stay
    long" are left to a caseworker)."""
    match = reading.matches[item.index]
    if item.intent is not Intent.CONFIRM or match.end - match.start > 2:
        return False
    return all(m.signal is Signal.POLITENESS for m in reading.matches[: item.index])


def _with_statement(
    reading: Reading, intent: Intent, statements: list[_Evidence], bare: list[_Evidence]
) -> Decision | tuple[Intent, list[_Evidence]]:
    new_date = _new_date_option(reading, intent, bare)
    if new_date is not None:
        return Intent.RESCHEDULE, [new_date]
    support = list(statements)
    for item in bare:
        if item.kind == "number" and item.intent is None and intent is not Intent.CONFIRM:
            continue  # beside a statement other than "I will come", numbers are dates and times
        if _is_time(reading, item):
            continue  # "I'll be there at 10", "vou às 9": a time of day, not an option
        if item.intent is intent:
            support.append(item)
        elif item.kind in ("ack", "praise") and intent in _NEGATIVE_INTENTS:
            continue  # "ok, I can't come": an acknowledgement, not a yes
        elif intent in _NEGATIVE_INTENTS and _signs_off(reading, item, statements):
            continue  # "I can't come but thanks 👍", "no voy 👍": a thumbs up closing a refusal
        elif intent in _NEGATIVE_INTENTS and _says_received(reading, item):
            continue  # "yes I got the message but I won't be coming": the yes is for the message
        elif item.intent is None:
            return Decision(Intent.UNCLEAR, "number_not_an_option", (_text(reading, item),))
        elif (
            item.kind == "number"
            and intent is not Intent.CONFIRM
            and item.index > 0
            and _dates_a_day(reading, item.index)
        ):
            continue  # "started on 2 March", "elle a commencé le 2 mars": a date, no option
        elif not _overruled(reading, item, statements, intent):
            words = (_text(reading, item), *_words(reading, statements))
            return Decision(Intent.UNCLEAR, "contradiction", words)
    return intent, support


#: What may follow a thumbs up that closes a refusal: thanks, blessings, more emoji.
_SIGNING_OFF = frozenset({Signal.POLITENESS, Signal.ACK, Signal.PRAISE, Signal.YES})


def _signs_off(reading: Reading, item: _Evidence, statements: list[_Evidence]) -> bool:
    """ "I can't come but thanks 👍", "no voy 👍", "ვერ მოვალ 👍": an emoji yes after every
    refusal, with nothing but thanks or emoji after it, closes the message as "ok" would; it says
    no yes. A word yes ("I can't come, yes") and an emoji before the refusal ("👍 I can't come")
    stay a contradiction."""
    if not _is_emoji(reading, item) or any(s.index > item.index for s in statements):
        return False
    after = reading.matches[item.index + 1 :]
    return all(
        m.signal in _SIGNING_OFF and (m.signal is not Signal.YES or m.is_emoji) for m in after
    )


def _says_received(reading: Reading, item: _Evidence) -> bool:
    """ "yes I got the message but I won't be coming", "oui j'ai bien reçu mais je ne pourrai
    pas venir": a yes word opening the message, right before a word for receiving the message,
    acknowledges the message."""
    said = reading.matches[item.index]
    if said.signal is not Signal.YES or said is not _first_told(reading):
        return False
    following = reading.matches[item.index + 1 : item.index + 2]
    return any(m.signal is Signal.RECEIVED for m in following)


def _first_told(reading: Reading) -> Match | None:
    """The first match that is not politeness: what the message opens with."""
    return next((m for m in reading.matches if m.signal is not Signal.POLITENESS), None)


def _dates_a_day(reading: Reading, index: int) -> bool:
    """Whether the number at `index` is the day of a month beside it: a day of the month (31 at
    most) right before or after a word of section `time` in its clause, or with one word no
    keyword knows between ("2 March", "March 2", "el 2 de marzo"). Beside a statement that
    answers otherwise, inside the message (an option opens it: "2 monday I went" stays a
    contradiction) and not beside "I will come" (a wrong confirmation costs more), it dates the
    statement rather than contradicting it."""
    number = reading.matches[index].number
    if number is None or number > LAST_DAY_OF_A_MONTH or reading.matches[index].is_hour:
        return False
    clause = range(reading.clause_start(index), reading.clause_end(index))
    for step in (-1, 1):
        near = index + step
        if near in clause and reading.matches[near].is_plain_unknown:
            near += step  # "el 2 de marzo"
        if near in clause and reading.matches[near].signal is Signal.TIME:
            return True
    return False


def _new_date_option(reading: Reading, intent: Intent, bare: list[_Evidence]) -> _Evidence | None:
    """ "3 please, I'm working that day", "3 من فضلك عندي شغل هداك النهار": the reminder's
    option for a new date, opening the message, beside a refusal of the day: the refusal is its
    reason, not a contradiction. Only the number may answer besides the refusal."""
    if intent is not Intent.DECLINE:
        return None
    numbers = [e for e in bare if e.kind == "number"]
    if len(numbers) != 1 or numbers[0].intent is not Intent.RESCHEDULE:
        return None
    if any(e.kind != "number" for e in bare):
        return None
    first = next((i for i, m in enumerate(reading.matches) if not _is_aside(m)), None)
    return numbers[0] if first == numbers[0].index else None


#: Answers a time beside them leaves as they are.
_TIMED = frozenset({Intent.CONFIRM, Intent.DECLINE, Intent.ATTENDED_NO})


def _is_time(reading: Reading, item: _Evidence) -> bool:
    """A number read as a time of day or a count of days ("at 10", "in 2 weeks") in a reply
    whose other clauses hold no word that no keyword knows: "I'll be there at 8, bring the
    dvds" tells something else besides, and its number stays in doubt."""
    if item.kind != "number" or not reading.matches[item.index].is_hour:
        return False
    clause = reading.clause_start(item.index)
    return not any(
        m.is_plain_unknown and reading.clause_start(i) != clause
        for i, m in enumerate(reading.matches)
    )


def _overruled(
    reading: Reading, item: _Evidence, statements: list[_Evidence], intent: Intent
) -> bool:
    """Whether a statement overrules a bare yes, no or digit beside it: a new date ("yes,
    another day please"), or "partly" ("yes, partly"). A bare yes then "but I can't come" says
    two things: a contradiction, left to a caseworker."""
    return intent in (Intent.RESCHEDULE, Intent.PARTLY_SATISFIED)


def _bare_answer(
    reading: Reading, bare: list[_Evidence]
) -> Decision | tuple[Intent, list[_Evidence]]:
    """Yes, no, ok and numbers alone."""
    answers = [e for e in bare if not _is_time(reading, e)]
    answered = {e.intent for e in answers}
    if answers and len(answers) < len(bare) and len(answered) == 1 and answered <= _TIMED:
        # "yes at 10", "1, see you at 2", "2 I work until 5": the time of day beside an answer
        # is no option. Not beside a yes to "did you start?" ("yes in 2 weeks" has not).
        bare = answers
    not_options = [e for e in bare if e.intent is None]
    if not_options:
        return Decision(Intent.UNCLEAR, "number_not_an_option", _words(reading, not_options))
    firm = [e for e in bare if e.kind not in ("ack", "praise")]
    intents = {e.intent for e in firm if e.intent is not None}
    if len(intents) > 1:
        return Decision(Intent.UNCLEAR, "contradiction", _words(reading, firm))
    acks = [e for e in bare if e.kind in ("ack", "praise")]
    if not intents and all(e.kind == "praise" for e in acks):
        # "great", "perfect" judge something; alone they do not answer.
        return Decision(Intent.UNCLEAR, "no_answer", _words(reading, acks))
    if acks and all(e.kind == "praise" for e in acks) and all(_is_emoji(reading, e) for e in firm):
        # "thanks, great 👍", "tsbuq eyu 👍": praise with a thumbs up applauds something; with
        # no yes word, "ok" or statement it answers nothing either.
        return Decision(Intent.UNCLEAR, "no_answer", _words(reading, acks + firm))
    if firm and all(_is_emoji(reading, e) for e in firm) and _blessing_before(reading, firm):
        # "madalla, Allah ya saka da alheri 👍", "እግዚአብሔር ይመስገን ሁሉም ደህና ነው 👍": a thumbs up
        # among thanks and blessings applauds them; it answers nothing.
        return Decision(Intent.UNCLEAR, "no_answer", _words(reading, firm))
    if not intents:
        return Intent.CONFIRM, acks
    (intent,) = intents
    if acks and intent is not Intent.CONFIRM:
        # "ok no", "👌 2": an "ok" accepts the reminder, a no refuses it.
        return Decision(Intent.UNCLEAR, "contradiction", _words(reading, acks + firm))
    return intent, firm + acks


#: Words of thanks and blessing before a closing emoji that make it applause, not an answer.
BLESSING_WORDS = 3


def _blessing_before(reading: Reading, firm: list[_Evidence]) -> bool:
    """Whether the emoji in `firm` close a message of politeness alone, of at least three
    words ("thanks, God bless you 👍"), or stand after thanks and before a blessing of at least
    three words ("A jaraama 👍 Alla hokku en jam", "thanks 👍 god bless you"): "thanks 👍", "ok
    👍", "👍 thanks, God bless" (the thumbs up first), "thanks 👍 tomorrow morning", "good
    morning 👍 thank you" and "thank you 👍🙏🙏" still answer. The other words that answer
    nothing (`FILLER`: who writes, days, "since") count with the politeness before it
    ("saludos cordiales, gracias, Dios le bendiga 👍")."""
    emoji = [e.index for e in firm]
    before = reading.matches[: min(emoji)]
    if not before or any(m.signal not in FILLER for m in before):
        return False
    if sum(m.end - m.start for m in before) >= BLESSING_WORDS:
        return True
    after = reading.matches[max(emoji) + 1 :]
    if not after or any(m.signal is not Signal.POLITENESS for m in after):
        return False
    return sum(m.end - m.start for m in after if not m.is_emoji) >= BLESSING_WORDS


def _is_emoji(reading: Reading, item: _Evidence) -> bool:
    """Whether the answer word is an emoji (👍, ✅), not a word or a digit."""
    return reading.matches[item.index].is_emoji


def _reservation(reading: Reading, *, bare: bool = False) -> Match | None:
    """A "but", question word or "?" that leaves a positive answer in doubt (a bare no: "?")."""
    signals = () if bare else (Signal.RESERVATION, Signal.CONTRAST, Signal.POSSIBLE)
    return next((m for m in reading.matches if m.signal in signals or m.text == "?"), None)


def _confidence(reading: Reading, support: list[_Evidence], flipped: frozenset[int]) -> float:
    """Weight of the answer, plus leading and agreement bonuses, minus unknown words.

    An "ok"-word ("good", "great") away from the answer judges something else ("yes, the
    weather is good"): it costs like an unknown word instead of supporting the answer.
    """
    stray = [
        e
        for e in support
        if (e.kind in ("ack", "praise") or _is_emoji(reading, e))
        and (not _beside_another(reading, e, support) or _judges(reading, e))
    ]
    if len(stray) < len(support):
        support = [e for e in support if e not in stray]
    else:
        stray = []
    score = max(e.weight for e in support)
    if any(_beside_another(reading, e, support) for e in support):
        score += AGREEMENT_BONUS
    if _leads(reading, support, flipped):
        score += LEAD_BONUS
    # The words of a heading ("Sunrise Clinic: ...") say who writes; they cost nothing.
    unknown = [m for m in reading.unknown if m.start >= reading.heading]
    return score - UNKNOWN_WORD_COST * (len(unknown) + len(stray))


def _judges(reading: Reading, item: _Evidence) -> bool:
    """Whether an "ok" or praise word says how something else is: it follows a word no keyword
    knows, within its clause ("the weather is nice 👍", "هوا ډېره ښه ده", "tey jant bi baax
    na"), so it judges that word rather than agrees."""
    if item.kind not in ("ack", "praise") or item.index in reading.clause_starts:
        return False
    index = item.index - 1
    while index >= 0 and _is_aside(reading.matches[index]):
        if index in reading.clause_starts:
            return False
        index -= 1
    return index >= 0 and reading.matches[index].is_plain_unknown


def _beside_another(reading: Reading, item: _Evidence, support: list[_Evidence]) -> bool:
    """Whether another answer word stands right beside `item` ("yes I will come", "ok sure"),
    politeness aside; answer words scattered through a message are the mark of chatter."""
    supporting = {e.index for e in support} - {item.index}
    for step in (-1, 1):
        index = item.index + step
        while 0 <= index < len(reading.matches) and _is_aside(reading.matches[index]):
            index += step
        if index in supporting:
            return True
    return False


def _is_aside(match: Match) -> bool:
    """Politeness, "?" and the words that frame an option number ("my answer is 1")."""
    return match.signal in FILLER or match.signal is Signal.OPTION or match.text == "?"


#: Unknown words a date opening a story may carry (a month's name: "ሰኞ መጋቢት 3 ሄጄ...").
DATE_UNKNOWN_WORDS = 1


def _date_opening(reading: Reading, question: Question) -> int:
    """How many matches a date opening the message takes ("সোমবার ১২ তারিখে গিয়ে ভর্তি
    হয়েছি", on Monday the 12th I went and enrolled): days, times and numbers that are no option
    of `question`, with asides and one unknown word among them (a month's name)."""
    options = OPTIONS.get(question, {})
    taken = unknown = 0
    for m in reading.matches:
        if m.signal is Signal.TIME or (
            m.number is not None and m.number not in options and not m.is_number_word
        ):
            taken += 1
        elif taken and (_is_aside(m) or (m.is_plain_unknown and unknown < DATE_UNKNOWN_WORDS)):
            unknown += m.is_plain_unknown
            taken += 1
        else:
            break
    return taken


def _leads(
    reading: Reading,
    support: list[_Evidence],
    flipped: frozenset[int],
    *,
    closing: bool = True,
    dated: Question | None = None,
) -> bool:
    """Whether the answer's words come first (after politeness): "yes, ..." not "..., yes"; or a
    statement comes last. With `dated`, a date may open the message before them
    (`_date_opening`)."""
    supporting = {e.index for e in support}
    matches = reading.matches
    skip = _date_opening(reading, dated) if dated is not None else 0
    first = next(
        (
            index
            for index, m in enumerate(matches)
            # An "ok" that does not answer (to "did you go?") is an aside: "ok, yes I went".
            if index >= skip
            and not _is_aside(m)
            and (m.signal is not Signal.ACK or index in supporting)
        ),
        None,
    )
    if first is None:
        return False
    if first in supporting:
        return True
    # "not ok", "je ne viens pas": the negation that turned the answer leads it.
    if reading.matches[first].signal is Signal.NEGATION and bool(flipped & supporting):
        return True
    return closing and _statement_closes(reading, support)


def _statement_closes(reading: Reading, support: list[_Evidence]) -> bool:
    """Whether a statement ends the message (politeness aside): languages that put the verb
    last tell progress that way ("ორი კვირის წინ დავიწყე", "ከሁለት ሳምንት በፊት ጀመርኩ"). A yes or
    an "ok" at the end does not count ("the weather is nice, yes" is chatter), nor does "I will
    come": a confirmation keeps the stricter shape, since a wrong one loses a returnee."""
    last = next(
        (
            index
            for index in range(len(reading.matches) - 1, -1, -1)
            if not _is_aside(reading.matches[index])
        ),
        None,
    )
    return any(
        e.index == last and e.kind == "statement" and e.intent is not Intent.CONFIRM
        for e in support
    )


def _text(reading: Reading, item: _Evidence) -> str:
    return reading.matches[item.index].text


def _words(reading: Reading, items: list[_Evidence]) -> tuple[str, ...]:
    return tuple(_text(reading, item) for item in items)
