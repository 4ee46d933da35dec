"""A decision on a reply: its intent, the rule that made it and the words it rests on.

`RULES` lists the rules of meaning in the order they apply, with what each means; the same names
document them for translators in `locales/KEYWORDS.md`.
"""

from __future__ import annotations

from dataclasses import dataclass

from smsgateway.replies.intents import Intent

#: The rules, in the order they apply, with what each means (shown by `--explain`).
RULES: dict[str, str] = {
    "nothing_readable": "no word, number or sign to read",
    "opt_out": "an opt-out keyword or sentence (also composed: 'don't' + 'send', 'don't want' + "
    "'messages', 'remove' + 'my number' or 'the messages') wins whatever else is said",
    "wished_removed": "a wish, then a word for removing, then the messages, in one clause with no "
    "negation, question or 'why' ('I want you to remove the messages', 'quiero que quiten los "
    "mensajes'): a request to stop",
    "opt_out_alone": "a carrier word (CANCEL, END, QUIT), or a word for 'enough', 'block' or a "
    "bare threat ('I'll call the police'), standing alone",
    "feedback": "FEEDBACK (AVIS, PLAINTE...) leading a message: a message for the managers",
    "how_to_stop": "a question about how to stop the messages 'if I want' ('how do I stop these "
    "if I want to later?'): its stop word stops nothing, and it is help, which tells how",
    "asked_why": "a stop word in a question asking why ('why did the messages stop?', 'pourquoi "
    "vous n'envoyez plus les rappels ?'): it stops nothing; a caseworker reads it",
    "number_changed": "an opt-out about one's old number in a message that gives a new one "
    "('borren mi número viejo, este es el nuevo'): a number changed, for a caseworker",
    "moved_to_another_day": "an opt-out that takes the person off one day's list to put them "
    "on another ('remove me from Tuesday's list and put me on Friday'): another date asked for "
    "(to a reminder), not a stop",
    "too_long": "a long message is not read as an answer",
    "wrong_number": "'wrong number', 'I don't know this person' with nothing that answers or "
    "gives a number: the number is not the returnee's",
    "stop_by_mistake": "a STOP said to be a mistake ('I sent STOP by mistake'), or told as past "
    "before a wish for the messages ('I sent STOP before, now I want them'), asks for messages",
    "opt_in": "a request to receive messages again ('again' or START beside the messages)",
    "opt_in_alone": "a word for START in the reply's language ('FILLO', 'শুরু') standing alone",
    "help": "a request for help or 'who is this?' ('I don't understand', 'what is this message')",
    "help_at_length": "two asks for help with who writes and why around them ('my father can't "
    "read, what should we answer?'), or one beside a story told in clauses of its own ('i cant "
    "read, my neighbour reads them to me'): help, and a caseworker reads what else it says",
    "opt_out_likeness": "no rule reads the reply and it answers no question, but it is very like "
    "the opt-outs of the development corpus (learned weights of its words and letters)",
    "reason": "an answer to 'why?': any words beyond yes, no, ok and numbers",
    "no_reason": "an answer to 'why?' with nothing but yes, no, ok or numbers",
    "no_open_question": "no question is open, so no answer can be read",
    "help_between_options": "a request for help beside two or more of the question's options "
    "and nothing that answers ('I don't understand, 1 or 2?'): help",
    "request_with_no_question": "an opt-in or help request beside words of an answer, with no "
    "question open for them to answer ('pls send me the reminders again, i missed the last one')",
    "request_beside_answer": "a help or opt-in request, or 'wrong number', mixed with other words",
    "answer_beside_messages_kept": "an answer, then 'but' and a request that the messages go on "
    "('2, but keep sending the reminders'): the answer",
    "hedge": "doubt ('maybe', 'I'll try') makes the answer unclear",
    "went_and_sent_back": "went, then told to come back another day or to wait ('I went but they "
    "said come back next week', 'I went, they said they will call'): a yes to 'did you go?', a "
    "not yet to 'did you start?'",
    "sent_back": "told to come back later ('they said come back next month'): not yet",
    "not_yet_maybe_later": "a 'not yet' or a no, then a doubt about a later day in a clause of "
    "its own ('not yet, maybe next week'): the doubt is about when; not yet",
    "habit": "'I go' told as a habit ('I go every day now') answers 'did you go / start?'",
    "proposal": "another day or time proposed: as a question, after a refusal, or as better",
    "date_requested": "another date asked for in the last clause, after whatever excuse",
    "conclusion": "a refusal or 'not yet' after 'so' ends the message: the words before are "
    "its reason ('they said it starts in January, so not yet')",
    "negated_number": "a negation before an option number ('not 1'): which option is meant is "
    "not said",
    "negation_out_of_reach": "a negation that is not next to the word it would negate",
    "statement_does_not_fit": "a statement that does not answer this question",
    "answered_first": "an option number alone in the first clause, then only greetings and "
    "blessings ('1, and greetings to the whole family')",
    "refused_first": "a 'no' alone in the first clause, then only why, with nothing that "
    "answers, asks or doubts ('no, the message came too late, the time had passed')",
    "contradiction": "two readings that disagree",
    "own_question_answered": "a question of its own answered with a no, then the answer",
    "number_not_an_option": "a number that is not one of the question's options",
    "no_answer": "nothing that answers the question",
    "proxy_answer": "someone other than the returnee says who writes ('yes, I'm his brother', "
    "'po, jam nëna e saj') and answers with a bare yes, no or ok: the number is right, nothing "
    "is said of the returnee's answer",
    "mistaken_answer": "a word for a mistake beside a bare yes, no, ok or option number ('1 by "
    "mistake', 'oui par erreur'): the answer itself may be what was sent by mistake",
    "reservation": "'but', a question word or '?' leaves the answer in doubt",
    "laughter": "laughter or a laughing emoji: chatter, not a positive answer",
    "answer_shape": "too many other words around the answer: not answer-shaped enough",
    "story": "a statement opening or closing a message told as a story, with nothing else that "
    "answers, doubts or asks ('went on tuesday and saw the officer'); never a confirmation",
    "confirmed_last": "'I will come' closing the message in a clause of its own, after a "
    "clause that answers, doubts, asks and dates nothing ('I get off at the stop in front, I will "
    "be there')",
    "asked_after_confirming": "a confirmation, then a question in a sentence of its own that "
    "names no day, time, number, doubt or other answer ('I'll come. Is the bus stop near?'): "
    "the question is for a caseworker, the answer is read before it",
    "time_on_a_condition": "a word for 'if' beside a day or time, then a statement of coming "
    "('if it is in the afternoon I can come, mornings I work'): another time is offered, a "
    "caseworker arranges it",
    "answer": "the answer, with enough confidence",
    "answer_likeness": "no rule reads an answer (nothing that answers, not answer-shaped, a "
    "statement that does not fit, too long), nothing speaks of the messages, and the reply is "
    "very like the development corpus's proposals of another date or its 'not yet's, and like "
    "no other answer the question allows (learned weights): that answer",
}

#: Rules whose answer also asks a caseworker something: the answer is applied and the message
#: goes to the review queue as well (`smsgateway.replies.apply.apply_answer`).
QUESTION_BESIDE_ANSWER = frozenset({"asked_after_confirming"})


@dataclass(frozen=True)
class Decision:
    """An intent, the rule (a key of `RULES`) that decided it and the words it rests on."""

    intent: Intent
    rule: str
    words: tuple[str, ...] = ()
    confidence: float | None = None

    def explain(self) -> dict[str, object]:
        """The decision as a JSON-ready dict: intent, rule, what the rule means, its words."""
        found: dict[str, object] = {
            "intent": self.intent.value,
            "rule": self.rule,
            "because": RULES[self.rule],
            "words": list(self.words),
        }
        if self.confidence is not None:
            found["confidence"] = self.confidence
        return found
