"""The intent vocabulary (what a reply means) and the questions a notice can ask."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    RESCHEDULE = "reschedule"
    ATTENDED_YES = "attended_yes"
    ATTENDED_NO = "attended_no"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    SATISFIED = "satisfied"  # the help matched what the returnee needed
    PARTLY_SATISFIED = "partly_satisfied"
    NOT_SATISFIED = "not_satisfied"
    REASON = "reason"  # a few words of why, or a message for the managers (free text)
    FEEDBACK = "feedback"  # FEEDBACK / AVIS / PLAINTE: a message for the managers
    #: "wrong number", "je ne connais pas cette personne": the number is not the returnee's
    WRONG_NUMBER = "wrong_number"
    UNCLEAR = "unclear"


class Question(StrEnum):
    """What an open notice asks. Options per question are in `OPTIONS`."""

    APPOINTMENT_REMINDER = "appointment_reminder"  # 1 confirm, 2 cannot come, 3 new date
    ATTENDANCE_CHECK = "attendance_check"  # did you go? 1 yes, 2 no
    FOLLOWUP = "followup"  # did you start the service? 1 yes, 2 no
    SATISFACTION = "satisfaction"  # did the help match what you needed? 1 yes, 2 partly, 3 no
    SATISFACTION_REASON = "satisfaction_reason"  # in a few words, why? (free text)


#: The answer each option digit stands for, per question.
OPTIONS: dict[Question, dict[int, Intent]] = {
    Question.APPOINTMENT_REMINDER: {1: Intent.CONFIRM, 2: Intent.DECLINE, 3: Intent.RESCHEDULE},
    Question.ATTENDANCE_CHECK: {1: Intent.ATTENDED_YES, 2: Intent.ATTENDED_NO},
    Question.FOLLOWUP: {1: Intent.ATTENDED_YES, 2: Intent.ATTENDED_NO},
    Question.SATISFACTION: {
        1: Intent.SATISFIED,
        2: Intent.PARTLY_SATISFIED,
        3: Intent.NOT_SATISFIED,
    },
    Question.SATISFACTION_REASON: {},
}

#: Questions answered in free text rather than by an option, with the intent such an answer has.
FREE_TEXT: dict[Question, Intent] = {Question.SATISFACTION_REASON: Intent.REASON}

#: Intents that work whatever the question (or with none open).
GLOBAL_INTENTS = frozenset(
    {Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP, Intent.FEEDBACK, Intent.WRONG_NUMBER}
)


def answers_of(question: Question) -> frozenset[Intent]:
    """The intents that answer `question`: its options, or its free-text answer."""
    free = FREE_TEXT.get(question)
    return frozenset(OPTIONS[question].values()) | ({free} if free else frozenset())
