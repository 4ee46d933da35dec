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
    UNCLEAR = "unclear"


class Question(StrEnum):
    """What an open notice asks. Options per question are in `OPTIONS`."""

    APPOINTMENT_REMINDER = "appointment_reminder"  # 1 confirm, 2 cannot come, 3 new date
    ATTENDANCE_CHECK = "attendance_check"  # did you go? 1 yes, 2 no
    FOLLOWUP = "followup"  # did you start the service? 1 yes, 2 no


#: The answer each option digit stands for, per question.
OPTIONS: dict[Question, dict[int, Intent]] = {
    Question.APPOINTMENT_REMINDER: {1: Intent.CONFIRM, 2: Intent.DECLINE, 3: Intent.RESCHEDULE},
    Question.ATTENDANCE_CHECK: {1: Intent.ATTENDED_YES, 2: Intent.ATTENDED_NO},
    Question.FOLLOWUP: {1: Intent.ATTENDED_YES, 2: Intent.ATTENDED_NO},
}

#: Intents that work whatever the question (or with none open).
GLOBAL_INTENTS = frozenset({Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP})
