"""Caseload simulation (a benchmark, not a timed test): run `python bench/reach.py`.

A month of a caseload of returnees, each with one or two referrals, runs through the real app:
the Twilio transport sends to the local fake Twilio server (`smsgateway.fakes`), every reply,
status report and call comes back as a signed Twilio webhook through the Flask test client, and
the scheduler's own job functions (dispatch, lease and delivery sweeps, the loop's task sweep)
run every ten simulated minutes on a travelling clock (`Runtime.clock`). People, phones, proxies
and partners follow a seeded behaviour model described in docs/simulation.md; a simulated
caseworker does the daily round (rebooking tasks, review items, flags) and answers people who
phone the office.

At the end it prints, per policy, the share of referrals that have a known outcome or an explicit
flag at 30 days (reach), caseworker touches per 10 referrals, and dangerous errors (a status
that contradicts what the person meant or did). The last line printed is one JSON object.

    python bench/reach.py                      # 1,000 people, seed 1, the shipped programme
    python bench/reach.py --people 200 --seed 7
    python bench/reach.py --compare            # also the programme without asking partners
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
import random
import re
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from smsgateway import create_app, migrations, scheduler
from smsgateway.escalation import SOURCE_KEY
from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.loop.standing import REACH_AGE, caseworker_tasks, reach_report
from smsgateway.models import (
    Message,
    Notice,
    Referral,
    ReferralEvent,
    ReviewItem,
    Suppression,
    Task,
)
from smsgateway.partners import register_partner
from smsgateway.reachability import clear_unreachable, unreachable_returnee_ids
from smsgateway.referrals import (
    SILENT,
    Source,
    Status,
    change_status,
    create_referral,
    is_allowed,
    move_appointment,
)
from smsgateway.replies.apply import apply_review_item
from smsgateway.replies.intents import Intent
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import get_runtime

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_URL = "https://sms.sim.invalid"
SENDER = "+15005550006"
INBOUND = PUBLIC_URL + "/webhooks/twilio/messages"
START = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
TICK = timedelta(minutes=10)
INTAKE_DAYS = 3

# Language of each returnee (a caseload of a West-African, Horn and Afghan return programme),
# with the share who also read French and English, and where they live (their time zone).
LANGUAGES: dict[str, tuple[float, float, float, str]] = {
    # code: (weight, reads French, reads English, time zone)
    "wo": (0.20, 0.55, 0.05, "Africa/Dakar"),
    "fr": (0.10, 1.00, 0.15, "Africa/Dakar"),
    "ff": (0.08, 0.45, 0.05, "Africa/Conakry"),
    "ha": (0.06, 0.10, 0.40, "Africa/Lagos"),
    "pcm": (0.06, 0.02, 0.85, "Africa/Lagos"),
    "en": (0.06, 0.05, 1.00, "Africa/Accra"),
    "ar": (0.06, 0.30, 0.20, "Africa/Casablanca"),
    "bn": (0.05, 0.01, 0.35, "Asia/Dhaka"),
    "am": (0.05, 0.01, 0.30, "Africa/Addis_Ababa"),
    "ti": (0.05, 0.01, 0.20, "Africa/Asmara"),
    "prs": (0.05, 0.01, 0.15, "Asia/Kabul"),
    "ps": (0.04, 0.01, 0.10, "Asia/Kabul"),
    "pt": (0.03, 0.10, 0.10, "Africa/Bissau"),
    "es": (0.02, 0.10, 0.20, "Africa/Dakar"),
    "ka": (0.02, 0.01, 0.30, "Asia/Tbilisi"),
    "sq": (0.01, 0.05, 0.40, "Europe/Tirane"),
}
QUESTION_KINDS = {"appointment_reminder", "attendance_check", "referral_followup"}

# People who want no more messages and say so in their own words, not with a keyword. Written for
# this model, apart from every reply corpus and keyword file, and never used to tune the rules:
# what the service makes of them is measured here, not arranged. Languages without sentences of
# their own write French when they read it, else English (as many do on a phone without their
# script).
STOP_SHARE = 0.03
STOP_SENTENCES: dict[str, list[str]] = {
    "en": [
        "please stop sending me these messages",
        "I don't want any more texts from you",
        "no more reminders please, I'm done with this",
        "take my number off your list",
        "enough messages, I am not interested anymore",
        "this is too many sms for me, my wife reads my phone",
        "I have moved on, I don't need these reminders",
        "my brother owns this phone and is tired of your messages",
    ],
    "fr": [
        "arrêtez de m'envoyer ces messages svp",
        "je ne veux plus recevoir vos sms",
        "plus de rappels s'il vous plaît, c'est fini pour moi",
        "enlevez mon numéro de votre liste",
        "ça suffit les messages, ça ne m'intéresse plus",
        "laissez moi tranquille avec vos sms",
        "mon mari n'aime pas ces messages, c'est fini",
        "je suis passé à autre chose, vos rappels ne me servent plus",
    ],
    "es": [
        "dejen de mandarme mensajes por favor",
        "ya no quiero recibir sus mensajes",
        "quiten mi número de su lista",
    ],
    "pt": [
        "parem de me mandar mensagens por favor",
        "não quero mais receber essas mensagens",
        "tirem o meu número da lista",
    ],
    "pcm": [
        "abeg stop to dey send me message",
        "I no want una message again",
        "make una comot my number for una list",
    ],
    "ha": ["ku daina turo min sako", "bana son sakonninku kuma"],
    "ar": ["توقفوا عن إرسال الرسائل لي", "ما بغيتش هاد الرسائل", "لا أريد رسائل بعد الآن"],
}
#: What someone who asked to stop does when told how: most reply STOP.
STOP_WHEN_TOLD = 0.85


# -- the behaviour model (docs/simulation.md) ------------------------------------------------


@dataclass
class Person:
    index: int
    language: str
    understands: set[str]
    time_zone: str
    number: str
    proxy_number: str | None
    shared: bool
    wrong_number: bool  # the number recorded at intake belongs to a stranger
    refused_number: bool  # the provider refuses the number recorded at intake (21211)
    off: list[tuple[datetime, datetime]]  # phone switched off, for days
    sim_change_at: datetime | None  # the number stops working from then on
    answers: float  # chance of answering a question they understand
    says_ok: float  # chance that an answer is a bare "ok" meaning "received"
    uses_digits: float
    intake_at: datetime = START
    # Wants no more messages after hearing this many (0: never), and says so in their own words.
    stops_after: int = 0
    heard: int = 0
    stop_planned: bool = False  # has made up their mind: reads nothing more
    asked_to_stop_at: datetime | None = None
    stop_sentences: list[str] = field(default_factory=list)  # sids of their requests, in order
    sent_after_asking: int = 0  # reminders and questions that reached them after they asked
    last_question: dict[int, str] = field(default_factory=dict)  # referral id: kind
    recorded_languages: list[str] = field(default_factory=list)  # what the intake wrote down
    returnee_id: int = 0
    cases: list[Case] = field(default_factory=list)

    def phone_on(self, at: datetime) -> bool:
        return not any(start <= at < end for start, end in self.off)

    def number_works(self, at: datetime) -> bool:
        return not self.refused_number and (self.sim_change_at is None or at < self.sim_change_at)


@dataclass
class Case:
    """One referral and what really happens: the person's intent, attendance, the decision."""

    person: Person
    partner: SimPartner
    appointment_at: datetime | None
    intent: str  # go | decline | reschedule
    attends: bool
    decision: str  # enrolled | ineligible
    decision_days: int
    starts_at: datetime | None = None  # referrals without an appointment: when they start
    referral_id: int = 0
    reference: str = ""
    attended_at: datetime | None = None
    wrong_events: list[str] = field(default_factory=list)

    def truth_at(self, at: datetime) -> str:
        """What a perfectly informed record would say at `at` (for partners and the check)."""
        went = self.attended_at
        if went is None or went > at:
            if self.appointment_at is not None and self.appointment_at < at:
                return "no_show" if self.intent != "reschedule" else "reschedule_requested"
            return {"go": "confirmed", "decline": "declined"}.get(self.intent, "referred")
        if at >= went + timedelta(days=self.decision_days):
            return self.decision
        return "attended"


@dataclass
class SimPartner:
    index: int
    name: str
    language: str
    number: str
    answers: float  # chance of answering a question about a referral
    volunteers: float  # chance of reporting an outcome unasked
    words: dict[str, list[str]]
    partner_id: int = 0


def keywords(language: str) -> dict[str, Any]:
    """A language's keyword sections, as words people type: an entry ending in `*` is a prefix
    pattern ("pil me kr*" for every form of "I started"), not something anyone writes, and is
    left out (typed literally, it reached the review queue as unclear)."""
    path = ROOT / "locales" / language / "keywords.toml"
    return _typed_words(tomllib.loads(path.read_text("utf-8"))) if path.is_file() else {}


def _typed_words(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _typed_words(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item for item in value if not (isinstance(item, str) and item.endswith("*"))]
    return value


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def awake(at: datetime, zone: str, rng: random.Random) -> datetime:
    """`at`, or the next morning when it falls in the night (people read in the day)."""
    here = local(at, zone)
    if 7 <= here.hour < 22:
        return at
    morning = here.replace(hour=7, minute=0, second=0, microsecond=0)
    if here.hour >= 22:
        morning += timedelta(days=1)
    return morning.astimezone(UTC) + timedelta(minutes=rng.randint(0, 180))


class Caseload:
    """People, partners and referrals drawn from one seed."""

    def __init__(self, rng: random.Random, people: int) -> None:
        self.rng = rng
        self.partners = [self._partner(i) for i in range(max(4, people // 50))]
        self.people = [self._person(i) for i in range(people)]
        for person in self.people:
            count = 2 if rng.random() < 0.15 else 1
            intake = START + timedelta(minutes=rng.randint(120, INTAKE_DAYS * 24 * 60 - 600))
            person.intake_at = intake
            for _ in range(count):
                person.cases.append(self._case(person, intake))

    def _number(self) -> str:
        return f"+22177{self.rng.randint(0, 9_999_999):07d}"

    def _partner(self, index: int) -> SimPartner:
        rng = self.rng
        language = "fr" if rng.random() < 0.7 else "en"
        words = keywords(language).get("partner", {})
        # Partners "often do not report": a third rarely answer at all.
        answers = rng.choice([0.15, 0.35, 0.6, 0.75, 0.9])
        return SimPartner(
            index,
            f"Partner {index}",
            language,
            self._number(),
            answers,
            volunteers=rng.uniform(0.05, 0.3),
            words=words,
        )

    def _person(self, index: int) -> Person:
        rng = self.rng
        codes = list(LANGUAGES)
        language = rng.choices(codes, weights=[LANGUAGES[c][0] for c in codes])[0]
        _, reads_fr, reads_en, zone = LANGUAGES[language]
        understands = {language}
        if rng.random() < reads_fr:
            understands.add("fr")
        if rng.random() < reads_en:
            understands.add("en")
        off = []
        if rng.random() < 0.35:  # phones off for days (no credit, no power, lost)
            for _ in range(rng.randint(1, 3)):
                begin = START + timedelta(hours=rng.randint(0, 30 * 24))
                off.append((begin, begin + timedelta(hours=rng.randint(12, 6 * 24))))
        sim_change = None
        if rng.random() < 0.08:
            sim_change = START + timedelta(hours=rng.randint(48, 25 * 24))
        silent = rng.random() < 0.12  # never answers a message
        recorded = sorted(understands - {language})
        if "fr" not in understands and rng.random() < 0.1:
            recorded.append("fr")  # the caseworker assumed French
        person = Person(
            index=index,
            language=language,
            understands=understands,
            time_zone=zone,
            number=self._number(),
            proxy_number=self._number() if rng.random() < 0.45 else None,
            shared=rng.random() < 0.15,
            wrong_number=rng.random() < 0.04,
            refused_number=rng.random() < 0.015,
            off=off,
            sim_change_at=sim_change,
            answers=0.0 if silent else rng.uniform(0.45, 0.95),
            says_ok=rng.choice([0.0, 0.0, 0.1, 0.3]),
            uses_digits=rng.uniform(0.4, 0.95),
        )
        person.recorded_languages = recorded
        return person

    def _case(self, person: Person, intake: datetime) -> Case:
        rng = self.rng
        partner = rng.choice(self.partners)
        appointment = None
        starts_at = None
        if rng.random() < 0.8:
            day = intake + timedelta(days=rng.randint(4, 14))
            here = local(day, person.time_zone).replace(
                hour=rng.choice([9, 10, 11, 14, 15]), minute=0, second=0, microsecond=0
            )
            appointment = here.astimezone(UTC)
        intent = rng.choices(["go", "decline", "reschedule"], weights=[0.74, 0.14, 0.12])[0]
        attends = intent == "go" and rng.random() < 0.82
        if appointment is None and attends:
            starts_at = intake + timedelta(days=rng.randint(3, 20))
        return Case(
            person=person,
            partner=partner,
            appointment_at=appointment,
            intent=intent,
            attends=attends,
            decision="enrolled" if rng.random() < 0.75 else "ineligible",
            decision_days=rng.randint(0, 10),
            starts_at=starts_at,
            attended_at=appointment if attends else starts_at,
        )


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Counts:
    touches: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    replies: Counter[str] = field(default_factory=Counter)
    office_calls: Counter[str] = field(default_factory=Counter)  # by what led to the call
    awaiting_partner_referrals: int = 0  # referrals newly waiting, before grouping by partner


class Simulation:
    """One policy, one seed: the app, the fake provider, the clock and the people."""

    def __init__(
        self,
        people: int,
        seed: int,
        programme: Path | None,
        workdir: Path,
        stop_share: float = STOP_SHARE,
    ) -> None:
        self.rng = random.Random(seed)
        self.caseload = Caseload(random.Random(seed), people)
        self.now = START
        self.events: list[tuple[datetime, int, Callable[[], None]]] = []
        self.sequence = 0
        self.counts = Counts()
        self.fake = FakeTwilio().start()
        overrides: dict[str, Any] = {
            "instance_path": workdir / "instance",
            "env": "test",
            "scheduler": False,
            "transport": "twilio",
            "public_url": PUBLIC_URL,
            "twilio_account_sid": self.fake.account_sid,
            "twilio_auth_token": self.fake.auth_token,
            "twilio_api_base": self.fake.url,
            "twilio_sms_from": SENDER,
            "twilio_voice_from": SENDER,
            "send_rate_per_second": 0.0,
            "dispatch_concurrency": 1,  # one provider call at a time: the same seed, the same run
            "office_phone": "+221338000000",
        }
        if programme is not None:
            overrides["programme_file"] = programme
        self.app = create_app(overrides)
        self.runtime = get_runtime(self.app)
        migrations.upgrade(self.runtime.settings.sqlalchemy_url)
        self.client = self.app.test_client()
        self.fake.callback_target = via_test_client(self.client)
        self.runtime.clock = lambda: self.now
        scheduler._runtime = self.runtime  # the jobs below are the scheduler's own functions
        self.by_number: dict[str, tuple[str, Any]] = {}
        self.labels: dict[str, str] = {}
        self.bare_answers: dict[
            int, list[Case]
        ] = {}  # inbound provider id: who sent it and what they meant
        self.cases: dict[int, Case] = {}
        self.seen_messages = 0
        self.seen_calls = 0
        self.review_seen = 0
        self.flags_seen: set[int] = set()
        self.flag_kinds: dict[int, str] = {}  # the flag a referral was first seen with
        self.unreachable_seen: set[int] = set()  # people counted on the Unreachable page
        # People flagged unreachable while every referral of theirs had an outcome (not counted).
        self.unreachable_known: set[int] = set()
        # People who will ask to stop, drawn apart from the rest of the model (their own random
        # stream), so that the other people are drawn as before.
        self.stop_rng = random.Random(f"stop:{seed}")
        for person in self.caseload.people:
            if self.stop_rng.random() < stop_share:
                person.stops_after = self.stop_rng.randint(1, 3)
        self.stopped: dict[int, tuple[str, datetime]] = {}  # person index: how, when
        self.intakes = sorted(
            ((person.intake_at, person.index, person) for person in self.caseload.people),
            key=lambda item: (item[0], item[1]),
        )

    # -- plumbing

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.sequence += 1
        heapq.heappush(self.events, (max(when, self.now), self.sequence, action))

    def inbound(self, number: str, body: str, label: str = "") -> None:
        self.counts.replies[label or "other"] += 1
        self.sequence += 1
        sid = f"SM{self.sequence:032x}"
        self.labels[sid] = label
        self.fake.fire_inbound_message(
            INBOUND, number, SENDER, body, MessageSid=sid, SmsSid=sid, SmsMessageSid=sid
        )

    def jobs(self) -> None:
        scheduler.run_task_sweep()
        scheduler.run_delivery_sweeps()
        scheduler.run_dispatch()

    # -- set-up

    def register(self) -> None:
        with self.runtime.db.transaction() as session:
            for partner in self.caseload.partners:
                found = register_partner(
                    session,
                    self.now,
                    name=partner.name,
                    service_categories=["vocational_training"],
                    region="SN",
                    point_persons=[("Point", partner.number)],
                )
                found.point_persons[0].language = partner.language
                partner.partner_id = found.id
                self.by_number[partner.number] = ("partner", partner)

    def intake(self, person: Person) -> None:
        """A caseworker records the returnee and their referrals (the intake day)."""
        phones = [PhoneInput(person.number, is_shared=person.shared)]
        if person.proxy_number:
            phones.append(PhoneInput(person.proxy_number, is_proxy=True, relation="brother"))
        fallback = person.recorded_languages
        with self.runtime.db.transaction() as session:
            returnee = register_returnee(
                session,
                self.now,
                case_reference=f"C{person.index:05d}",
                phones=phones,
                region="SN",
                language=person.language,
                time_zone=person.time_zone,
                first_name=f"P{person.index}",
                fallback_languages=fallback,
            )
            person.returnee_id = returnee.id
            for case in person.cases:
                referral = create_referral(
                    session,
                    self.now,
                    returnee=returnee,
                    partner=_partner_row(session, case.partner.partner_id),
                    service_category="vocational_training",
                    created_by="caseworker",
                    appointment_at=case.appointment_at,
                    appointment_place="Rue 10" if case.appointment_at else "",
                    programme=self.runtime.programme,
                )
                case.referral_id = referral.id
                case.reference = referral.reference or ""
                self.cases[referral.id] = case
        # A number written down wrong at intake belongs to a stranger.
        self.by_number[person.number] = ("stranger" if person.wrong_number else "own", person)
        if person.proxy_number:
            self.by_number[person.proxy_number] = ("proxy", person)
        if person.refused_number:
            self.fake.reject_number(person.number, 21211)
        for case in person.cases:
            self._plan_partner_volunteering(case)

    def _plan_partner_volunteering(self, case: Case) -> None:
        """Some partners report an outcome unasked, a few days after it happened."""
        partner = case.partner
        if self.rng.random() >= partner.volunteers:
            return
        if case.attended_at is not None:
            when = case.attended_at + timedelta(
                days=case.decision_days, hours=self.rng.randint(4, 72)
            )
        elif case.appointment_at is not None:
            when = case.appointment_at + timedelta(hours=self.rng.randint(6, 96))
        else:
            return
        self.at(when, lambda: self.partner_reports(case, asked=False))

    # -- the provider's side: deliveries and calls

    def collect(self) -> None:
        with self.fake.state.lock:
            messages = list(self.fake.state.messages.values())[self.seen_messages :]
            calls = list(self.fake.state.calls.values())[self.seen_calls :]
        self.seen_messages += len(messages)
        self.seen_calls += len(calls)
        if not messages and not calls:
            return
        sids = [m.sid for m in messages] + [c.sid for c in calls]
        with self.runtime.db.sessions() as session:
            rows = session.execute(
                select(
                    Message.provider_id, Message.kind, Message.referral_id, Message.language
                ).where(Message.provider_id.in_(sids))
            ).all()
        info = {row[0]: (row[1], row[2], row[3]) for row in rows}
        for stored in messages:
            kind, referral_id, language = info.get(stored.sid, ("", None, ""))
            self.deliver_sms(stored.sid, stored.to, kind, referral_id, language)
        for stored in calls:
            self.at(
                self.now + timedelta(seconds=30),
                lambda s=stored.sid, to=stored.to: self.call(s, to),
            )

    def deliver_sms(
        self, sid: str, number: str, kind: str, referral_id: int | None, language: str
    ) -> None:
        who, owner = self.by_number.get(number, ("stranger", None))
        now = self.now
        if who == "own" and not owner.number_works(now):
            self.at(now + timedelta(hours=1), lambda: self.status(sid, "undelivered", 30005))
            return
        if who == "own" and not owner.phone_on(now):
            back = min(end for start, end in owner.off if start <= now < end)
            if back - now <= timedelta(hours=24):
                self.at(back, lambda: self.status(sid, "delivered"))
                self.at(back, lambda: self.read(owner, kind, referral_id, language))
            else:
                self.at(now + timedelta(hours=4), lambda: self.status(sid, "undelivered", 30003))
            return
        self.at(now + timedelta(seconds=20), lambda: self.status(sid, "delivered"))
        if who == "own":
            self.at(
                now + timedelta(seconds=30), lambda: self.read(owner, kind, referral_id, language)
            )
        elif who == "proxy" and kind == "proxy_contact_request":
            self.at(now + timedelta(minutes=5), lambda: self.proxy_relays(owner))
        elif who == "stranger" and owner is not None and kind in QUESTION_KINDS:
            if self.rng.random() < 0.2:  # "who is this?", or STOP
                body = self.rng.choice(["who is this?", "wrong number", "STOP", "?"])
                later = now + timedelta(minutes=self.rng.randint(5, 300))
                self.at(later, lambda: self.inbound(number, body, "stranger"))
        elif who == "partner" and kind == "partner_question":
            self.at(now + timedelta(minutes=5), lambda: self.partner_asked(owner, referral_id))
        elif who == "partner" and kind == "partner_date_request":
            self.at(now + timedelta(minutes=5), lambda: self.partner_rebooks(owner, referral_id))
        elif who == "partner" and kind == "ack_partner_results":
            self.at(now + timedelta(minutes=5), lambda: self.partner_corrects(owner, sid))

    def status(self, sid: str, status: str, code: int | None = None) -> None:
        self.fake.fire_message_status(sid, status, code)

    def call(self, sid: str, number: str) -> None:
        who, person = self.by_number.get(number, ("stranger", None))
        self.counts.calls["placed"] += 1
        if who == "own" and person.stop_planned:
            # Someone who wants no more messages does not pick up the service's calls.
            if person.asked_to_stop_at is not None:
                person.sent_after_asking += 1
            self.fake.fire_call_status(sid, "no-answer")
            self.counts.calls["no_answer"] += 1
            return
        if who != "own" or not person.number_works(self.now) or not person.phone_on(self.now):
            self.fake.fire_call_status(sid, "no-answer")
            self.counts.calls["no_answer"] += 1
            return
        roll = self.rng.random()
        if roll < 0.1:
            answer = self.fake.fire_voice_request(None, sid, AnsweredBy="machine_end_beep")
            self.fake.fire_call_status(sid, "completed", answered_by="machine_end_beep")
            self.counts.calls["machine"] += 1
            return
        if roll < 0.35:
            self.fake.fire_call_status(sid, "no-answer")
            self.counts.calls["no_answer"] += 1
            return
        relative = person.shared and self.rng.random() < 0.3
        answer = self.fake.fire_voice_request(None, sid, AnsweredBy="human")
        self.counts.calls["answered"] += 1
        notice_id = _notice_of_call(self.fake, sid)
        kind, referral_id = self._notice_kind(notice_id)
        case = self.cases.get(referral_id or 0)
        for _ in range(3):
            gather = re.search(r'<Gather[^>]*action="([^"]+)"', answer.text)
            if gather is None:
                break
            spoken = spoken_language(answer.text)
            understood = spoken in person.understands and not relative
            if not understood:
                self.counts.calls["not_understood"] += 1
            key = self.key_for(person, case, kind, understood)
            if key is None:
                break
            self.labels[f"{sid}:{key}"] = (
                "key_relative" if relative else "key" if understood else "key_not_understood"
            )
            answer = self.fake.fire_gather(gather.group(1).replace("&amp;", "&"), sid, key)
        self.fake.fire_call_status(sid, "completed", answered_by="human")

    def key_for(self, person: Person, case: Case | None, kind: str, understood: bool) -> str | None:
        if not understood:
            # A call in a language one does not speak: hang up, or press something.
            return self.rng.choice(["1", "2", "1"]) if self.rng.random() < 0.4 else None
        if case is None or kind not in QUESTION_KINDS:
            return None
        if self.rng.random() > max(person.answers, 0.3):
            return None
        return self.answer_digit(case, kind)

    def _notice_kind(self, notice_id: int | None) -> tuple[str, int | None]:
        if notice_id is None:
            return "", None
        with self.runtime.db.sessions() as session:
            notice = session.get(Notice, notice_id)
            return (notice.kind, notice.referral_id) if notice else ("", None)

    # -- people

    def read(self, person: Person, kind: str, referral_id: int | None, language: str) -> None:
        """A message reached the person's phone: who reads it, and what they answer."""
        if person.stops_after and self.wants_no_more(person, kind):
            return
        rng = self.rng
        case = self.cases.get(referral_id or 0)
        if person.shared and rng.random() < 0.25:
            # A relative reads it first and answers "ok" (received), now and then a digit.
            if kind in QUESTION_KINDS and rng.random() < 0.45:
                body = rng.choice([*self.receipt_words(person), "1"])
                self.at(
                    self.now + timedelta(minutes=rng.randint(2, 90)),
                    lambda: self.inbound(person.number, body, "relative"),
                )
            if rng.random() < 0.4:
                return  # and never passes it on
        if kind not in QUESTION_KINDS and kind not in (
            "referral_created",
            "ack_needs_confirmation",
            "ack_which_referral",
            "ack_unclear",
            "ack_unclear_stop",
        ):
            return
        understood = language in person.understands
        delay = timedelta(minutes=rng.expovariate(1 / 150))
        when = awake(self.now + delay, person.time_zone, rng)
        if not understood:
            roll = rng.random()
            if kind in QUESTION_KINDS and roll < 0.15:
                self.at(
                    when,
                    lambda: self.inbound(
                        person.number, rng.choice(["?", "1", "ok"]), "not_understood"
                    ),
                )
            elif kind in QUESTION_KINDS and roll < 0.22:
                self.at(when, lambda: self.office_call(person, "not_understood"))
            return
        if kind == "referral_created":
            if rng.random() < person.says_ok:
                self.at(
                    when,
                    lambda: self.inbound(
                        person.number, rng.choice(self.receipt_words(person)), "receipt"
                    ),
                )
            return
        if kind in (
            "ack_needs_confirmation",
            "ack_which_referral",
            "ack_unclear",
            "ack_unclear_stop",
        ):
            if case is None or rng.random() > person.answers:
                return
            asked = person.last_question.get(case.referral_id) or self.likely_question(case)
            digit = self.answer_digit(case, asked)
            body = f"{case.reference} {digit}" if kind == "ack_which_referral" else digit
            self.at(when, lambda: self.inbound(person.number, body, "answer_to_ack"))
            return
        if case is None:
            return
        person.last_question[case.referral_id] = kind
        if rng.random() > person.answers:
            return
        self.at(when, lambda: self.answer(person, case, kind))

    def wants_no_more(self, person: Person, kind: str) -> bool:
        """A person who wants no more messages: after hearing `stops_after` of them they say so in
        their own words, and answer nothing else. Told how to stop (`ack_unclear_stop`,
        `ack_help`), most reply STOP; told only "we did not understand", they say it once more.
        Whether this message was theirs to handle (else they read it as anyone else)."""
        if not person.stop_planned:
            person.heard += 1
            if person.heard < person.stops_after:
                return False
            person.stop_planned = True
            self.at(self.when_awake(person), lambda: self.ask_to_stop(person))
            return True
        if person.asked_to_stop_at is None:
            return True  # about to write it
        if not kind.startswith("ack_"):
            person.sent_after_asking += 1
        if kind in ("ack_unclear_stop", "ack_help"):
            if self.stop_rng.random() < STOP_WHEN_TOLD:
                self.at(self.when_awake(person), lambda: self.stop_keyword(person))
        elif kind == "ack_unclear" and len(person.stop_sentences) < 2:
            self.at(self.when_awake(person), lambda: self.ask_to_stop(person))
        return True

    def when_awake(self, person: Person) -> datetime:
        delay = timedelta(minutes=self.stop_rng.expovariate(1 / 120))
        return awake(self.now + delay, person.time_zone, self.stop_rng)

    def ask_to_stop(self, person: Person) -> None:
        if person.asked_to_stop_at is None:
            person.asked_to_stop_at = self.now
        own = STOP_SENTENCES.get(person.language)
        if own is None:
            own = STOP_SENTENCES["fr" if "fr" in person.understands else "en"]
        self.inbound(person.number, self.stop_rng.choice(own), "stop_sentence")
        person.stop_sentences.append(f"SM{self.sequence:032x}")
        self.note_stopped(person, "read as an opt-out")

    def stop_keyword(self, person: Person) -> None:
        self.inbound(person.number, "STOP", "stop_when_told")
        self.note_stopped(person, "STOP when told how")

    def note_stopped(self, person: Person, how: str) -> None:
        """Record how and when the service stopped messaging the person (the first time)."""
        if person.index in self.stopped:
            return
        with self.runtime.db.sessions() as session:
            returnee = _returnee_row(session, person.returnee_id)
            stopped = session.scalar(
                select(Suppression.id).where(Suppression.phone_e164 == person.number)
            ) is not None or any(c.is_opted_out for c in returnee.consents)
        if stopped:
            self.stopped[person.index] = (how, self.now)

    def receipt_words(self, person: Person) -> list[str]:
        """How this person says "received": "ok", their language's ok-words, a thanks."""
        words = keywords(person.language).get("reply", {})
        acks = words.get("ack", [])[:3]
        thanks = words.get("politeness", [])[:2]
        return ["ok", "Ok", *acks, *(f"ok {word}" for word in thanks)]

    def likely_question(self, case: Case) -> str:
        if case.appointment_at is None:
            return "referral_followup"
        return "appointment_reminder" if case.appointment_at > self.now else "attendance_check"

    def answer(self, person: Person, case: Case, kind: str) -> None:
        rng = self.rng
        label = "answer"
        if rng.random() < person.says_ok:
            body = rng.choice(self.receipt_words(person))
            label = "ok_receipt"
        elif rng.random() < person.uses_digits:
            body = self.answer_digit(case, kind)
        else:
            body = self.answer_words(person, case, kind)
        if kind == "appointment_reminder" and case.intent == "reschedule" and rng.random() < 0.5:
            pass
        self.inbound(person.number, body, label)

    def answer_digit(self, case: Case, kind: str) -> str:
        if kind == "appointment_reminder":
            return {"go": "1", "decline": "2", "reschedule": "3"}[case.intent]
        if kind == "referral_followup":  # "did you start?": only an enrolment is a start
            return "1" if case.truth_at(self.now) == "enrolled" else "2"
        went = case.attended_at is not None and case.attended_at <= self.now
        return "1" if went else "2"

    def answer_words(self, person: Person, case: Case, kind: str) -> str:
        words = keywords(person.language).get("reply", {}) or keywords("fr").get("reply", {})
        if kind == "appointment_reminder":
            section = {"go": "confirm", "decline": "decline", "reschedule": "reschedule"}[
                case.intent
            ]
        else:
            section = "attended_yes" if self.answer_digit(case, kind) == "1" else "no"
        choices = (
            words.get(section)
            or words.get("yes" if section in ("confirm", "attended_yes") else "no")
            or ["1"]
        )
        return self.rng.choice(choices[:8])

    def office_call(self, person: Person, cause: str) -> None:
        """The person phones the office; the caseworker records what they say."""
        self.counts.touches["office_calls"] += 1
        self.counts.office_calls[cause] += 1
        with self.runtime.db.transaction() as session:
            for case in person.cases:
                referral = session.get(Referral, case.referral_id)
                if referral is None or referral.status not in SILENT:
                    continue
                truth = case.truth_at(self.now)
                if truth not in ("referred", referral.status) and is_allowed(
                    referral.status, truth
                ):
                    change_status(
                        session,
                        referral,
                        Status(truth),
                        source=Source.CASEWORKER,
                        now=self.now,
                        actor="caseworker",
                        programme=self.runtime.programme,
                    )
            returnee = _returnee_row(session, person.returnee_id)
            clear_unreachable(session, returnee, now=self.now, actor="caseworker", reason="phoned")

    def proxy_relays(self, person: Person) -> None:
        """A proxy passes the request on (or not); the person phones the office or answers."""
        rng = self.rng
        if rng.random() > 0.6:
            return
        when = self.now + timedelta(hours=rng.randint(2, 36))
        if person.number_works(when) and rng.random() < 0.4 and person.answers > 0:
            case = rng.choice(person.cases)
            kind = self.likely_question(case)
            self.at(
                when,
                lambda: self.inbound(person.number, self.answer_digit(case, kind), "proxy_relayed"),
            )
        elif rng.random() < 0.6:
            self.at(when, lambda: self.office_call(person, "proxy_relayed"))

    # -- partners

    def partner_asked(self, partner: SimPartner, referral_id: int | None) -> None:
        rng = self.rng
        if rng.random() > partner.answers:
            return
        case = self.cases.get(referral_id or 0)
        if case is None:
            return
        delay = timedelta(hours=rng.uniform(0.5, 30))
        self.at(self.now + delay, lambda: self.partner_reports(case, asked=True))

    def partner_rebooks(self, partner: SimPartner, referral_id: int | None) -> None:
        """Asked for a new date, a partner answers as often as it answers anything: a day 5 to
        10 days on, at 10:00 ("R1234 19/12 10:00", "R1234 19/12 10h")."""
        rng = self.rng
        case = self.cases.get(referral_id or 0)
        if case is None or rng.random() > partner.answers:
            return
        delay = timedelta(hours=rng.uniform(0.5, 30))

        def answer() -> None:
            when = self.now + timedelta(days=rng.randint(5, 10))
            here = local(when, case.person.time_zone).replace(hour=10, minute=0, second=0)
            clock = rng.choice(["10:00", "10h", "à 10h"])
            self.inbound(partner.number, f"{case.reference} {here:%d/%m} {clock}", "partner")
            with self.runtime.db.sessions() as session:
                referral = session.get(Referral, case.referral_id)
                moved = referral is not None and referral.appointment_at == here
            if moved:  # after a new date most come; their intent is now to go
                case.appointment_at = here.astimezone(UTC)
                case.intent = "go"
                case.attends = rng.random() < 0.75
                case.attended_at = case.appointment_at if case.attends else None

        self.at(self.now + delay, answer)

    def partner_corrects(self, partner: SimPartner, sid: str) -> None:
        """Told that a bare answer could not be placed, most partners send it with the reference."""
        with self.fake.state.lock:
            body = self.fake.state.messages[sid].form.get("Body", "")
        pending = self.bare_answers.pop(partner.index, [])
        if not body.startswith("?") or not pending or self.rng.random() > 0.7:
            return
        for case in pending:
            self.at(
                self.now + timedelta(hours=self.rng.uniform(1, 20)),
                lambda c=case: self.partner_reports(c, asked=False),
            )

    def partner_reports(self, case: Case, *, asked: bool) -> None:
        partner = case.partner
        truth = case.truth_at(self.now)
        word_key = {
            "enrolled": "enrolled",
            "ineligible": "ineligible",
            "attended": "attended",
        }.get(truth, "no_show")
        if truth in ("confirmed", "declined", "referred", "reschedule_requested"):
            if case.appointment_at is not None and case.appointment_at > self.now:
                return  # nothing to say yet
            word_key = "no_show"
        words = partner.words.get(word_key) or [word_key.upper()]
        word = self.rng.choice(words[:3])
        digit = {"enrolled": "1", "no_show": "2", "ineligible": "3", "attended": "4"}[word_key]
        roll = self.rng.random()
        if asked and roll < 0.5:
            body = digit
            self.bare_answers.setdefault(partner.index, []).append(case)
        elif roll < 0.75:
            body = f"{case.reference} {word}"
        elif roll < 0.95:
            body = f"{word.lower()} {case.reference}"
        else:
            body = f"{word} {case.reference.lower()} merci"
        self.inbound(partner.number, body, "partner")

    # -- the caseworker's daily round

    def caseworker_round(self) -> None:
        with self.runtime.db.transaction() as session:
            items = session.scalars(
                select(ReviewItem).where(ReviewItem.id > self.review_seen)
            ).all()
            for item in items:
                self.counts.touches[f"review:{item.reason}"] += 1
                self.review_seen = max(self.review_seen, item.id)
                self.reads_a_stop_sentence(session, item)
            # A flagged referral is one entry on a caseworker's list, whatever its flags: a task
            # flag, or its returnee's unreachable flag, standing at the round (a flag set and
            # cleared between two rounds reaches nobody; the rebooking task is counted below).
            flagged = session.execute(
                select(Task.referral_id, Task.flag).where(
                    Task.state == "flagged", Task.flag != "awaiting_rebooking"
                )
            ).all()
            unreachable = unreachable_returnee_ids(
                session, {case.person.returnee_id for case in self.cases.values()}
            )
            entries = {(referral_id, flag) for referral_id, flag in flagged}
            entries |= {
                (case.referral_id, "unreachable")
                for case in self.cases.values()
                if case.person.returnee_id in unreachable
            }
            # The Unreachable page puts first the people with a referral whose outcome is still
            # unknown ("to chase"); the others are listed for information, and need nobody yet.
            silent = {
                self.cases[referral_id].person.index
                for referral_id, status in session.execute(
                    select(Referral.id, Referral.status).where(Referral.status.in_(SILENT))
                )
                if referral_id in self.cases
            }
            partners_to_call: set[int] = set()
            for referral_id, flag in sorted(entries):
                if referral_id in self.flags_seen:
                    continue
                if flag == "unreachable" and self.cases[referral_id].person.index not in silent:
                    self.unreachable_known.add(self.cases[referral_id].person.index)
                    continue
                self.flags_seen.add(referral_id)
                self.flag_kinds[referral_id] = flag
                if flag == "unreachable":
                    # The Unreachable page lists people, with all their open referrals: one
                    # entry for a person, however many referrals they have.
                    person = self.cases[referral_id].person.index
                    if person in self.unreachable_seen:
                        continue
                    self.unreachable_seen.add(person)
                if flag == "awaiting_partner":
                    # "Waiting for partners" lists partners, each with its referrals newly
                    # waiting: one call to the point person covers them all that day.
                    self.counts.awaiting_partner_referrals += 1
                    partners_to_call.add(self.cases[referral_id].partner.index)
                    continue
                self.counts.touches[f"flag:{flag}"] += 1
            self.counts.touches["flag:awaiting_partner"] += len(partners_to_call)
            # The rebooking tasks on the caseworker's list (the partner had its day first).
            rebooking = caseworker_tasks(session, programme=self.runtime.programme)
            for task in rebooking:
                referral = session.get(Referral, task.referral_id)
                case = self.cases.get(task.referral_id)
                if referral is None or case is None:
                    continue
                self.counts.touches["rebooking"] += 1
                new_time = self.now + timedelta(days=self.rng.randint(5, 10))
                here = local(new_time, case.person.time_zone).replace(hour=10, minute=0)
                case.appointment_at = here.astimezone(UTC)
                # After a new date most come; their intent is now to go.
                case.intent = "go"
                case.attends = self.rng.random() < 0.75
                case.attended_at = case.appointment_at if case.attends else None
                move_appointment(
                    session,
                    referral,
                    case.appointment_at,
                    now=self.now,
                    actor="caseworker",
                    programme=self.runtime.programme,
                )

    def reads_a_stop_sentence(self, session: Any, item: ReviewItem) -> None:
        """The caseworker reads a request to stop in the queue and applies it as an opt-out,
        unless the person stopped meanwhile."""
        message = item.message
        if message is None or self.labels.get(message.provider_id or "") != "stop_sentence":
            return
        person = self.by_number.get(message.phone_e164, ("", None))[1]
        if person is None or person.index in self.stopped or item.resolved_at is not None:
            return
        apply_review_item(
            session,
            item.id,
            Intent.OPT_OUT,
            now=self.now,
            actor="caseworker",
            referral_id=item.referral_id or message.referral_id or person.cases[0].referral_id,
        )
        session.flush()
        self.stopped[person.index] = ("by a caseworker", self.now)

    # -- the month

    def run(self, days: int) -> dict[str, Any]:
        self.register()
        end = START + timedelta(days=days)
        pending = list(self.intakes)
        last_round = None
        while self.now < end:
            self.now += TICK
            while pending and pending[0][0] <= self.now:
                _, _, person = pending.pop(0)
                self.intake(person)
            while self.events and self.events[0][0] <= self.now:
                when, _, action = heapq.heappop(self.events)
                self.now = max(self.now, when)
                action()
            self.jobs()
            self.collect()
            if self.now.hour == 9 and last_round != self.now.date():
                last_round = self.now.date()
                self.caseworker_round()
        self.caseworker_round()
        return self.measure()

    def measure(self) -> dict[str, Any]:
        with self.runtime.db.sessions() as session:
            report = reach_report(session, now=self.now, age=REACH_AGE)
            events = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id)).all()
            dangerous = dangerous_errors(self.cases, events)
            proxy_requests: Counter[str] = Counter(
                "escalation" if SOURCE_KEY in (payload or {}) else "loop task"
                for payload in session.scalars(
                    select(Notice.payload).where(
                        Notice.kind == "proxy_contact_request", Notice.state == "sent"
                    )
                )
            )
        referrals = report.referrals
        touches = sum(self.counts.touches.values())
        return {
            "referrals": referrals,
            "reach": round(report.reach, 4),
            "known_outcome": report.known_outcome,
            "flagged_only": report.flagged_only,
            "silent": report.silent,
            "by_flag": dict(report.by_flag),
            "by_status": dict(report.by_status),
            "touches_per_10": round(10 * touches / referrals, 2) if referrals else 0.0,
            "touches": dict(sorted(self.counts.touches.items())),
            "dangerous_errors": sum(dangerous.values()),
            "dangerous_rate": round(sum(dangerous.values()) / referrals, 4) if referrals else 0.0,
            "dangerous_by_kind": dict(dangerous),
            "calls": dict(self.counts.calls),
            "office_calls_by_cause": dict(self.counts.office_calls),
            "awaiting_partner_referrals": self.counts.awaiting_partner_referrals,
            "unreachable_people": len(self.unreachable_seen | self.unreachable_known),
            "unreachable_people_outcome_known": len(self.unreachable_known - self.unreachable_seen),
            "touches_per_10_per_referral_partner_flags": round(
                10
                * (
                    touches
                    - self.counts.touches["flag:awaiting_partner"]
                    + self.counts.awaiting_partner_referrals
                )
                / referrals,
                2,
            )
            if referrals
            else 0.0,
            "proxy_requests": dict(proxy_requests),
            "messages": self.seen_messages,
            "asked_to_stop": self.stop_measures(),
        }

    def stop_measures(self) -> dict[str, Any]:
        """The people who asked to stop in their own words: how they were stopped, how long it
        took, and how many reminders and questions still reached them after they asked."""
        asked = [p for p in self.caseload.people if p.asked_to_stop_at is not None]
        hours = sorted(
            (self.stopped[p.index][1] - p.asked_to_stop_at).total_seconds() / 3600
            for p in asked
            if p.index in self.stopped and p.asked_to_stop_at is not None
        )
        return {
            "people": len(asked),
            "requests_written": sum(len(p.stop_sentences) for p in asked),
            "stopped_by": dict(
                Counter(self.stopped[p.index][0] for p in asked if p.index in self.stopped)
            ),
            "not_stopped": sum(p.index not in self.stopped for p in asked),
            "hours_to_stop_median": round(hours[len(hours) // 2], 1) if hours else None,
            "hours_to_stop_max": round(hours[-1], 1) if hours else None,
            "sent_after_asking": sum(p.sent_after_asking for p in asked),
            "people_sent_after_asking": sum(p.sent_after_asking > 0 for p in asked),
        }

    def details(self) -> dict[str, Any]:
        """Samples for reading the model against the product (--verbose)."""
        with self.runtime.db.sessions() as session:
            rows = session.execute(
                select(ReviewItem.reason, Message.body, Message.phone_e164)
                .join(Message, Message.id == ReviewItem.message_id)
                .order_by(ReviewItem.id)
            ).all()
            samples: dict[str, list[str]] = {}
            for reason, body, phone in rows:
                who = self.by_number.get(phone, ("stranger", None))[0]
                samples.setdefault(reason, [])
                if len(samples[reason]) < 12:
                    samples[reason].append(f"{who}: {body}")
            events = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id)).all()
            origin = dict(session.execute(select(Message.id, Message.provider_id)).all())
            wrong = []
            for event in events:
                case = self.cases.get(event.referral_id)
                if case is None or event.source in (Source.CASEWORKER, Source.SYSTEM):
                    continue
                why = contradicts(event.new_status, case, event.created_at)
                if why:
                    sid = origin.get(event.message_id or 0) or ""
                    who = self.labels.get(sid, "?")
                    change = f"{event.old_status}->{event.new_status}"
                    wrong.append(
                        f"{why} by {event.source}/{who} {change} intent={case.intent} "
                        f"appointment={case.appointment_at} went={case.attended_at} "
                        f"at={event.created_at}"
                    )
        return {"review_samples": samples, "wrong": wrong[:30]}

    def close(self) -> None:
        self.runtime.db.dispose()
        self.fake.stop()


def _partner_row(session: Any, partner_id: int) -> Any:
    from smsgateway.models import Partner

    return session.get(Partner, partner_id)


def _returnee_row(session: Any, returnee_id: int) -> Any:
    from smsgateway.models import Returnee

    return session.get(Returnee, returnee_id)


def _notice_of_call(fake: FakeTwilio, sid: str) -> int | None:
    with fake.state.lock:
        stored = fake.state.calls.get(sid)
        url = stored.form.get("Url", "") if stored else ""
    found = re.search(r"notice=notice-(\d+)", url)
    return int(found.group(1)) if found else None


_TTS = {}


def spoken_language(twiml: str) -> str:
    """The language a caller hears: a recording's folder, or the TTS language of <Say>."""
    if not _TTS:
        table = tomllib.loads((ROOT / "locales" / "languages.toml").read_text("utf-8"))
        for language in table["language"]:
            if language.get("tts_language"):
                _TTS[language["tts_language"]] = language["code"]
    played = re.search(r"/recordings/([a-z]+)/", twiml)
    if played:
        return played.group(1)
    said = re.search(r'<Say[^>]*language="([^"]+)"', twiml)
    return _TTS.get(said.group(1), "?") if said else "?"


#: What a returnee's or partner's status change may not say, given the truth at the time.
def contradicts(new: str, case: Case, at: datetime) -> str | None:
    went = case.attended_at is not None and case.attended_at <= at + timedelta(hours=12)
    if new == "confirmed" and case.intent != "go":
        return "confirmed_without_intent"
    if new == "declined" and case.intent == "go":
        return "declined_but_wanted_to_go"
    if new in ("attended", "enrolled", "ineligible") and not went:
        return f"{new}_but_never_went"
    if new == "no_show" and went:
        return "no_show_but_went"
    if new == "not_started" and case.truth_at(at) == "enrolled":
        return "not_started_but_enrolled"
    if new in ("enrolled", "ineligible") and went and new != case.decision:
        return f"{new}_but_{case.decision}"
    return None


def dangerous_errors(cases: dict[int, Case], events: Any) -> Counter[str]:
    """Referrals with a status, set by a reply, a key press or a partner, that contradicts what
    the person meant or did (one count per referral)."""
    found: Counter[str] = Counter()
    seen: set[int] = set()
    for event in events:
        case = cases.get(event.referral_id)
        if case is None or event.referral_id in seen:
            continue
        if event.source in (Source.CASEWORKER, Source.SYSTEM) or event.old_status is None:
            continue
        wrong = contradicts(event.new_status, case, event.created_at)
        if wrong is not None:
            seen.add(event.referral_id)
            found[wrong] += 1
    return found


def without_partner_questions(source: Path, target: Path) -> Path:
    """The programme with no question to partners (the naive comparison)."""
    text = source.read_text("utf-8")
    kept = []
    skip = False
    for line in text.splitlines():
        if line.startswith("[tasks."):
            skip = line.strip() in ("[tasks.partner_outcome]", "[tasks.partner_decision]")
        if not skip:
            kept.append(line.replace('{ action = "ask_partner", wait_days = 3 },', ""))
    target.write_text("\n".join(kept) + "\n", "utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="returnees (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=INTAKE_DAYS + 31)
    parser.add_argument("--programme", type=Path, default=None, help="a programme file to try")
    parser.add_argument(
        "--compare", action="store_true", help="also run the programme without partner questions"
    )
    parser.add_argument(
        "--stop-share",
        type=float,
        default=STOP_SHARE,
        help=f"share of people who ask to stop in their own words (default {STOP_SHARE})",
    )
    parser.add_argument("--verbose", action="store_true", help="samples of review items and errors")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    shipped = args.programme or ROOT / "smsgateway" / "programme.toml"
    policies = {"programme": shipped}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="smsgateway-reach-") as tmp:
        if args.compare:
            policies["no_partner_questions"] = without_partner_questions(
                shipped, Path(tmp) / "no-partners.toml"
            )
        for name, programme in policies.items():
            workdir = Path(tmp) / name
            started = time.perf_counter()
            sim = Simulation(args.people, args.seed, programme, workdir, args.stop_share)
            try:
                result = sim.run(args.days)
                if args.verbose:
                    print(json.dumps(sim.details(), indent=1), file=sys.stderr)
            finally:
                sim.close()
            result["seconds"] = round(time.perf_counter() - started, 1)
            results[name] = result
            print(f"{name}: {json.dumps(result, sort_keys=True)}", file=sys.stderr)
    main_result = results["programme"]
    summary = {
        "people": args.people,
        "stop_share": args.stop_share,
        "seed": args.seed,
        "referrals": main_result["referrals"],
        "reach": main_result["reach"],
        "touches_per_10": main_result["touches_per_10"],
        "touches_per_10_per_referral_partner_flags": main_result[
            "touches_per_10_per_referral_partner_flags"
        ],
        "dangerous_errors": main_result["dangerous_errors"],
        "dangerous_rate": main_result["dangerous_rate"],
        "asked_to_stop": main_result["asked_to_stop"],
        "policies": {
            name: {k: r[k] for k in ("reach", "touches_per_10", "dangerous_rate", "silent")}
            for name, r in results.items()
        },
    }
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
