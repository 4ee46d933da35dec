"""The notice programme: offsets, local times, validity, prices and the loop's task rules.

The package ships `programme.toml` with the documented defaults; `SMSGATEWAY_PROGRAMME_FILE`
(the `programme_file` setting) points at a replacement. Parsed once per path. A replacement
written before a section existed (`[questions]`, `[partner_questions]`, `[tasks]`,
`[satisfaction]`, `[retention]`) gets that section from the shipped file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import time, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from smsgateway.errors import InvalidInput
from smsgateway.quiet_hours import AllowedHours

#: Anchors a task rule may count from (`smsgateway.loop.tasks`).
ANCHORS = ("appointment", "referral", "status", "question")
PARTNER_DELIVERIES = ("each", "digest")


@dataclass(frozen=True)
class TaskStep:
    """One step of a task rule: an action, then a wait for the matching event."""

    action: str
    wait: timedelta


@dataclass(frozen=True)
class TaskRule:
    """A rule that gives a referral a task (CHT tasks): anchor, first due time, steps, flag."""

    name: str
    anchor: str
    start: timedelta
    no_appointment_start: timedelta | None  # appointment anchor: from the referral when none
    while_status: frozenset[str]
    resolved_by_answer: bool
    steps: tuple[TaskStep, ...]
    flag: str


@dataclass(frozen=True)
class QuestionPacing:
    """One open question per number: how long a question waits for an earlier one's answer."""

    wait_for_answer: timedelta
    after_answer: timedelta
    ask_again_channels: tuple[str, ...]
    #: How long a question that cannot wait the whole `wait_for_answer` (a reminder the day
    #: before) waits for an earlier one's answer.
    short_wait: timedelta = timedelta(hours=3)


@dataclass(frozen=True)
class PartnerQuestions:
    """How partners are asked what became of a referral: one message each, or a daily digest."""

    delivery: str  # "each" | "digest"
    digest_time: time
    min_between: timedelta


#: What `[replies] review` may name: answers that also go to the review queue.
REVIEW_ANSWERS = frozenset({"decline", "reschedule", "unclear", "chatter", "reorientation"})
#: `[replies] ok_confirms`: where a bare "ok" to a reminder may confirm an appointment.
OK_CONFIRMS = ("own_phone", "never")


@dataclass(frozen=True)
class ReplyPolicy:
    """What an answer sets in motion beyond its status: the review queue, and "ok"."""

    review: frozenset[str]
    ok_confirms: str  # "own_phone" | "never"


@dataclass(frozen=True)
class EscalationTiming:
    """`[escalation]`: how long the per-person sequence waits (smsgateway.escalation)."""

    retry_after: timedelta
    proxy_answer_window: timedelta
    steps: tuple[str, ...] = ("retry", "voice", "proxy")
    retry_later: timedelta = timedelta(hours=48)


@dataclass(frozen=True)
class Satisfaction:
    """When returnees are asked whether the help matched, and who may see the answers."""

    months_after_enrolment: int | None  # None: not asked after the enrolment
    at_last_followup: bool
    local_time: time
    partner_minimum_answers: int
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept (`smsgateway.privacy.retention`, docs/privacy.md)."""

    message_body: timedelta  # the text of every message, in or out
    stranger_message: timedelta  # texts from and to numbers nobody registered
    closed_referral: timedelta  # a returnee's data once all their referrals are closed
    staff_note: timedelta = timedelta(days=730)  # staff's free-text notes, from when written


@dataclass(frozen=True)
class Programme:
    """When notices are planned, how long they stay useful, and what a message costs."""

    kinds: frozenset[str]  # the notice kinds planned from referral dates
    reminder_days_before: tuple[int, ...]
    reminder_time: time
    short_notice: timedelta
    short_notice_before: timedelta
    attendance_days_after: int
    attendance_time: time
    followup_months: tuple[int, ...]
    followup_days_without_appointment: tuple[int, ...]
    followup_time: time
    allowed_hours: AllowedHours
    validity: dict[str, timedelta]
    currency: str
    prices: dict[str, float]
    questions: QuestionPacing
    partner_questions: PartnerQuestions
    tasks: tuple[TaskRule, ...]
    satisfaction: Satisfaction
    retention: Retention
    #: The service categories referrals may name (codes; the wording is in the templates).
    services: tuple[str, ...] = ()
    replies: ReplyPolicy = ReplyPolicy(frozenset({"unclear"}), "never")
    escalation: EscalationTiming = EscalationTiming(timedelta(hours=4), timedelta(days=3))

    def rule(self, name: str) -> TaskRule | None:
        """The task rule called `name`, if the programme has it."""
        return next((rule for rule in self.tasks if rule.name == name), None)

    def validity_of(self, kind: str) -> timedelta | None:
        """How long a notice of `kind` stays worth sending after its due time, if limited."""
        return self.validity.get(kind)

    def price_of(self, channel: str) -> float:
        """The estimated price of one SMS segment (or one call, for voice) on `channel`."""
        return self.prices.get(channel, 0.0)


def load_programme(path: str = "") -> Programme:
    """The programme in `path`, or the package's default file when `path` is empty."""
    return _load(path)


def programme_of(settings: Any) -> Programme:
    """The programme named by a settings object (its `programme_file`)."""
    return load_programme(getattr(settings, "programme_file", "") or "")


def current_programme() -> Programme:
    """The running app's programme inside an app context, else the package default."""
    from flask import has_app_context

    if has_app_context():
        from smsgateway.runtime import get_runtime

        return programme_of(get_runtime().settings)
    return load_programme()


@lru_cache(maxsize=8)
def _load(path: str) -> Programme:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8")) if path else _default_data()
        return parse_programme(data)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(
            "programme_file", "the programme file is not valid: %(error)s", error=error
        ) from None


def parse_programme(data: dict[str, Any]) -> Programme:
    """A programme from parsed TOML; a missing or malformed value raises KeyError/ValueError."""
    reminders = data["reminders"]
    attendance = data["attendance_check"]
    followups = data["followups"]
    quiet = data["quiet_hours"]
    prices = data["prices"]
    defaults = _default_data()
    return Programme(
        kinds=frozenset(str(kind) for kind in data["plan"]["kinds"]),
        reminder_days_before=tuple(int(d) for d in reminders["days_before"]),
        reminder_time=_clock(reminders["local_time"]),
        short_notice=timedelta(hours=float(reminders["short_notice_hours"])),
        short_notice_before=timedelta(hours=float(reminders["short_notice_hours_before"])),
        attendance_days_after=int(attendance["days_after"]),
        attendance_time=_clock(attendance["local_time"]),
        followup_months=tuple(int(m) for m in followups["months_after_referral"]),
        followup_days_without_appointment=tuple(
            int(d) for d in followups.get("days_after_referral_without_appointment", ())
        ),
        followup_time=_clock(followups["local_time"]),
        allowed_hours=AllowedHours(
            start=_clock(quiet["allowed_start"]), end=_clock(quiet["allowed_end"])
        ),
        validity={
            kind: timedelta(days=float(days)) for kind, days in data["validity_days"].items()
        },
        currency=str(prices.get("currency", "")),
        prices={k: float(v) for k, v in prices.items() if k != "currency"},
        questions=_question_pacing(data.get("questions", defaults["questions"])),
        partner_questions=_partner_questions(
            data.get("partner_questions", defaults["partner_questions"])
        ),
        tasks=tuple(
            _task_rule(name, rule) for name, rule in data.get("tasks", defaults["tasks"]).items()
        ),
        replies=_reply_policy(data.get("replies", defaults["replies"])),
        escalation=_escalation(data.get("escalation", defaults["escalation"])),
        satisfaction=_satisfaction(data.get("satisfaction", defaults["satisfaction"])),
        services=tuple(
            str(code)
            for code in data.get("services", defaults.get("services", {})).get("codes", ())
        ),
        retention=_retention({**defaults["retention"], **data.get("retention", {})}),
    )


def _satisfaction(section: dict[str, Any]) -> Satisfaction:
    months = section.get("months_after_enrolment")
    if months is not None and int(months) < 0:
        raise ValueError("[satisfaction] months_after_enrolment must be zero or more")
    minimum = int(section["partner_minimum_answers"])
    if minimum < 1:
        raise ValueError("[satisfaction] partner_minimum_answers must be 1 or more")
    themes = tuple(str(theme) for theme in section["themes"])
    if not themes or len(set(themes)) != len(themes):
        raise ValueError("[satisfaction] themes must be a list of distinct names")
    return Satisfaction(
        months_after_enrolment=None if months is None else int(months),
        at_last_followup=bool(section.get("at_last_followup", True)),
        local_time=_clock(section["local_time"]),
        partner_minimum_answers=minimum,
        themes=themes,
    )


#: Retention periods lie between a day and a century.
RETENTION_DAYS = (1, 36_500)
#: The periods a programme file must give; `staff_note_days` is optional (730 days).
REQUIRED_RETENTION = ("message_body_days", "stranger_message_days", "closed_referral_days")


def _retention(section: dict[str, Any]) -> Retention:
    def days(name: str) -> timedelta:
        value = section[name] if name in REQUIRED_RETENTION else section.get(name, 730)
        low, high = RETENTION_DAYS
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                f"[retention] {name} must be a whole number of days from {low} to {high}, "
                f"not {value!r}"
            )
        return timedelta(days=value)

    unknown = set(section) - {*REQUIRED_RETENTION, "staff_note_days"}
    if unknown:
        raise ValueError(f"[retention] unknown settings {sorted(unknown)}")
    return Retention(
        message_body=days("message_body_days"),
        stranger_message=days("stranger_message_days"),
        closed_referral=days("closed_referral_days"),
        staff_note=days("staff_note_days"),
    )


#: The steps of an escalation sequence a programme may list, in its order (smsgateway.escalation).
ESCALATION_STEPS = frozenset({"retry", "voice", "retry_later", "proxy", "last_retry"})


def _escalation(section: dict[str, Any]) -> EscalationTiming:
    steps = tuple(str(step) for step in section.get("steps", ("retry", "voice", "proxy")))
    unknown = sorted(set(steps) - ESCALATION_STEPS)
    if unknown or len(set(steps)) != len(steps):
        raise ValueError(
            f"[escalation] steps: each of {sorted(ESCALATION_STEPS)} at most once"
            + (f"; unknown {unknown}" if unknown else "")
        )
    return EscalationTiming(
        retry_after=_non_negative_hours(section["retry_after_hours"]),
        proxy_answer_window=_days(section["proxy_answer_days"], "proxy_answer_days"),
        steps=steps,
        retry_later=_non_negative_hours(section.get("retry_later_hours", 48)),
    )


def _reply_policy(section: dict[str, Any]) -> ReplyPolicy:
    review = frozenset(str(answer) for answer in section["review"])
    unknown = review - REVIEW_ANSWERS
    if unknown:
        raise ValueError(f"[replies] review: unknown answers {sorted(unknown)}")
    ok_confirms = str(section["ok_confirms"])
    if ok_confirms not in OK_CONFIRMS:
        raise ValueError(f"[replies] ok_confirms must be one of {OK_CONFIRMS}")
    return ReplyPolicy(review=review, ok_confirms=ok_confirms)


def _question_pacing(section: dict[str, Any]) -> QuestionPacing:
    channels = tuple(str(channel) for channel in section["ask_again_channels"])
    unknown = set(channels) - {"sms", "whatsapp", "voice"}
    if unknown:
        raise ValueError(f"[questions] ask_again_channels: unknown channels {sorted(unknown)}")
    return QuestionPacing(
        wait_for_answer=_non_negative_hours(section["wait_for_answer_hours"]),
        after_answer=timedelta(minutes=float(section["after_answer_minutes"])),
        ask_again_channels=channels,
        short_wait=_non_negative_hours(section.get("short_wait_hours", 3)),
    )


def _partner_questions(section: dict[str, Any]) -> PartnerQuestions:
    delivery = str(section["delivery"])
    if delivery not in PARTNER_DELIVERIES:
        raise ValueError(f"[partner_questions] delivery must be one of {PARTNER_DELIVERIES}")
    return PartnerQuestions(
        delivery=delivery,
        digest_time=_clock(section["digest_local_time"]),
        min_between=_days(section.get("min_days_between", 0), "min_days_between"),
    )


def _task_rule(name: str, rule: dict[str, Any]) -> TaskRule:
    """One `[tasks.<name>]` table; statuses and actions are checked against their vocabularies."""
    # Imported here: the status and action vocabularies live with the rules that use them, and
    # those modules read the programme (no import cycle at load time).
    from smsgateway.loop.actions import ACTIONS
    from smsgateway.referrals import Status

    anchor = str(rule["anchor"])
    if anchor not in ANCHORS:
        raise ValueError(f"[tasks.{name}] anchor must be one of {ANCHORS}")
    statuses = frozenset(str(status) for status in rule["while_status"])
    unknown = statuses - {status.value for status in Status}
    if unknown:
        raise ValueError(f"[tasks.{name}] while_status: unknown statuses {sorted(unknown)}")
    steps = tuple(
        TaskStep(str(step["action"]), _days(step["wait_days"], "wait_days"))
        for step in rule["steps"]
    )
    actions = {step.action for step in steps} - set(ACTIONS)
    if actions or not steps:
        raise ValueError(f"[tasks.{name}] steps: unknown actions {sorted(actions)} or none")
    no_appointment = rule.get("no_appointment_start_days")
    return TaskRule(
        name=name,
        anchor=anchor,
        start=_days(rule["start_days"], "start_days"),
        no_appointment_start=(
            None if no_appointment is None else _days(no_appointment, "no_appointment_start_days")
        ),
        while_status=statuses,
        resolved_by_answer=bool(rule.get("resolved_by_answer", False)),
        steps=steps,
        flag=str(rule.get("flag", "")),
    )


def _days(value: Any, name: str) -> timedelta:
    days = float(value)
    if not days >= 0:  # also refuses nan
        raise ValueError(f"{name} must be zero or more days")
    return timedelta(days=days)


def _non_negative_hours(value: Any) -> timedelta:
    hours = float(value)
    if not hours >= 0:
        raise ValueError("hours must be zero or more")
    return timedelta(hours=hours)


@lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def single_reminder(lead: timedelta) -> Programme:
    """The default programme with one reminder `lead` before each appointment and no creation
    notice: nothing is due at the moment a referral is recorded."""
    default = load_programme()
    return replace(
        default,
        kinds=default.kinds - {"referral_created"},
        reminder_days_before=(),
        short_notice=timedelta.max,
        short_notice_before=lead,
    )


def _clock(value: str) -> time:
    return time.fromisoformat(value)
