"""Satisfaction counted per partner, service and month, response rates, and the themes.

Only the returnee's own answers count (`SatisfactionAnswer.is_proxy` false); a proxy's answers
are shown apart. A partner sees its own totals, and only once at least
`[satisfaction] partner_minimum_answers` returnees answered, so that no answer can be traced to a
person; the CSV export leaves the breakdown of smaller cells empty for the same reason.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.feedback.answers import CLOSED, OPEN
from smsgateway.models import FeedbackItem, Notice, Partner, Referral, SatisfactionAnswer
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.replies.intents import Intent

ANSWER_ORDER = (Intent.SATISFIED, Intent.PARTLY_SATISFIED, Intent.NOT_SATISFIED)


@dataclass
class Tally:
    """Questions sent, the returnee's own answers by value, proxies' answers (not counted)."""

    asked: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    proxy_answers: int = 0
    returnees: set[int] = field(default_factory=set)

    @property
    def answered(self) -> int:
        return sum(self.answers.values())

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    def share(self, answer: str) -> float | None:
        return self.answers[answer] / self.answered if self.answered else None


@dataclass(frozen=True)
class Row:
    partner: str
    service: str
    month: str  # YYYY-MM of the question
    tally: Tally


def satisfaction_rows(session: Session) -> list[Row]:
    """One row per partner, service and month in which satisfaction questions were sent."""
    cells: dict[tuple[str, str, str], Tally] = {}
    sent = session.execute(
        select(Partner.name, Referral.service_category, Notice.sent_at)
        .join(Referral, Notice.referral_id == Referral.id)
        .join(Partner, Referral.partner_id == Partner.id)
        .where(Notice.kind == NoticeKind.SATISFACTION_QUESTION, Notice.state == NoticeState.SENT)
    ).all()
    for partner, service, sent_at in sent:
        if sent_at is None:  # a sent notice always has its time; the column allows none
            continue
        cells.setdefault((partner, service, _month(sent_at)), Tally()).asked += 1
    for partner, answer in _answers(session):
        tally = cells.setdefault(
            (partner, answer.service_category, _month(answer.asked_at)), Tally()
        )
        _count(tally, answer)
    return [Row(*key, tally) for key, tally in sorted(cells.items())]


def totals_by(rows: list[Row], key: str) -> dict[str, Tally]:
    """Rows summed per partner (`key="partner"`) or per service."""
    totals: dict[str, Tally] = {}
    for row in rows:
        total = totals.setdefault(getattr(row, key), Tally())
        total.asked += row.tally.asked
        total.answers.update(row.tally.answers)
        total.proxy_answers += row.tally.proxy_answers
        total.returnees |= row.tally.returnees
    return dict(sorted(totals.items()))


def partner_totals(session: Session, partner_id: int, *, minimum: int) -> Tally | None:
    """A partner's own totals, or None while fewer than `minimum` returnees answered."""
    tally = Tally()
    tally.asked = (
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .join(Referral, Notice.referral_id == Referral.id)
            .where(
                Referral.partner_id == partner_id,
                Notice.kind == NoticeKind.SATISFACTION_QUESTION,
                Notice.state == NoticeState.SENT,
            )
        )
        or 0
    )
    for _, answer in _answers(session, partner_id=partner_id):
        _count(tally, answer)
    return tally if len(tally.returnees) >= minimum else None


def theme_counts(session: Session) -> tuple[dict[str, int], int]:
    """Closed items per theme, and how many items are still open."""
    closed = session.execute(
        select(FeedbackItem.theme, func.count())
        .where(FeedbackItem.state == CLOSED)
        .group_by(FeedbackItem.theme)
    ).all()
    still_open = session.scalar(
        select(func.count()).select_from(FeedbackItem).where(FeedbackItem.state == OPEN)
    )
    return {theme: count for theme, count in sorted(closed)}, int(still_open or 0)


CSV_COLUMNS = (
    "partner",
    "service",
    "month",
    "asked",
    "answered",
    "response_rate",
    "satisfied",
    "partly_satisfied",
    "not_satisfied",
)


def rows_csv(rows: list[Row], *, minimum: int) -> str:
    """The aggregates as CSV; the breakdown of a cell with fewer than `minimum` returnees who
    answered is left empty, so that a donor's copy cannot point at a person."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        tally = row.tally
        shown = len(tally.returnees) >= minimum
        rate = tally.response_rate
        writer.writerow(
            [
                row.partner,
                row.service,
                row.month,
                tally.asked,
                tally.answered,
                "" if rate is None else f"{rate:.2f}",
                *[tally.answers[a.value] if shown else "" for a in ANSWER_ORDER],
            ]
        )
    return out.getvalue()


def _answers(
    session: Session, *, partner_id: int | None = None
) -> list[tuple[str, SatisfactionAnswer]]:
    query = (
        select(Partner.name, SatisfactionAnswer)
        .join(Partner, SatisfactionAnswer.partner_id == Partner.id)
        .order_by(SatisfactionAnswer.id)
    )
    if partner_id is not None:
        query = query.where(SatisfactionAnswer.partner_id == partner_id)
    return [(name, answer) for name, answer in session.execute(query).all()]


def _count(tally: Tally, answer: SatisfactionAnswer) -> None:
    if answer.is_proxy:
        tally.proxy_answers += 1
        return
    tally.answers[answer.answer] += 1
    tally.returnees.add(answer.referral.returnee_id)


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"
