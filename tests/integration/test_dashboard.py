"""Every figure of the managers' dashboard against a small history computed by hand.

The history (UTC times; November 2026; `NOW` is Tuesday 1 December 09:00; Dakar is UTC+0):

| ref | partner / service | recorded     | then |
|-----|-------------------|--------------|-------------------------------------------------------|
| r1  | A / vocational    | Nov 2 10:00  | confirmed Nov 3, attended Nov 5, enrolled Nov 10 |
| r2  | A / vocational    | Nov 4 10:00  | confirmed Nov 4 12:00, declined Nov 5, confirmed Nov 6 |
| r3  | A / vocational    | Nov 1 00:30  | enrolled Dec 1 08:00 (partner; 30.3 days) |
| r4  | A / vocational    | Oct 31 23:59 | nothing (before November in Dakar, in it in Paris) |
| r5  | A / vocational    | Nov 20 10:00 | ineligible Nov 21 |
| r6  | B / mental_health | Nov 10 10:00 | nothing; the returnee is flagged unreachable |
| r7  | B / mental_health | Nov 15 10:00 | confirmed 16, attended 17, dropped out Nov 30 |
| r8  | B / medical       | Nov 28 10:00 | no-show Nov 29 |
| r9  | B / medical       | Nov 30 23:30 | enrolled Dec 1 08:00 (8.5 h; December in Paris) |
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway import dashboard as d
from smsgateway.loop.tasks import TaskState
from smsgateway.models import Message, Partner, Referral, Returnee, ReviewItem, Task
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.reachability import flag_unreachable, record_opt_out
from smsgateway.referrals import Source, Status, change_status
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOVEMBER = d.Period(date(2026, 11, 1), date(2026, 11, 30), "Africa/Dakar")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Every figure on SQLite and on PostgreSQL (their date arithmetic differs)."""
    overrides = {"instance_path": tmp_path / "instance", "env": "test", "scheduler": False}
    if request.param == "postgres":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    return overrides


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def moves(session: Session, referral: Referral, *steps: tuple[Status, datetime]) -> None:
    for status, moment in steps:
        change_status(session, referral, status, source=Source.CASEWORKER, now=moment, actor="t")


def message(
    session: Session, referral: Referral, channel: str, status: str, moment: datetime, **kw: Any
) -> None:
    returnee = referral.returnee
    session.add(
        Message(
            direction=kw.get("direction", "out"),
            channel=channel,
            phone_e164=returnee.contact_points[0].phone_e164,
            returnee_id=returnee.id,
            referral_id=referral.id,
            provider="local",
            language=returnee.preferred_language,
            delivery_status=status,
            created_at=moment,
            updated_at=moment,
        )
    )


@pytest.fixture
def world(
    session: Session,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> dict[str, Any]:
    a = make_partner(name="A Training")
    b = make_partner(name="B Clinic", service_categories=["mental_health", "medical"])

    def refer(
        partner: Partner, service: str, moment: datetime, language: str = "fr", phones: int = 1
    ) -> Referral:
        if phones == 1:
            returnee = make_returnee(language=language)
        else:
            numbers = [PhoneInput(f"+22177198{moment:%d}{n}0") for n in range(phones)]
            returnee = make_returnee(language=language, phones=numbers)
        return make_referral(
            partner=partner, service_category=service, now=moment, returnee=returnee
        )

    r = {
        1: refer(a, "vocational", at(11, 2)),
        2: refer(a, "vocational", at(11, 4)),
        3: refer(a, "vocational", at(11, 1, 0, 30)),
        4: refer(a, "vocational", at(10, 31, 23, 59)),
        5: refer(a, "vocational", at(11, 20)),
        6: refer(b, "mental_health", at(11, 10), "wo"),
        # Two own numbers each: when one stops, the other still reaches them (a review item
        # says so, rather than the Unreachable list).
        7: refer(b, "mental_health", at(11, 15), phones=2),
        8: refer(b, "medical", at(11, 28), phones=2),
        9: refer(b, "medical", at(11, 30, 23, 30)),
    }
    s = Status
    moves(
        session, r[1], (s.CONFIRMED, at(11, 3)), (s.ATTENDED, at(11, 5)), (s.ENROLLED, at(11, 10))
    )
    moves(
        session,
        r[2],
        (s.CONFIRMED, at(11, 4, 12)),
        (s.DECLINED, at(11, 5)),
        (s.CONFIRMED, at(11, 6)),
    )
    moves(session, r[3], (s.ENROLLED, at(12, 1, 8)))
    moves(session, r[5], (s.INELIGIBLE, at(11, 21)))
    flag_unreachable(session, r[6].returnee, reason="escalation_exhausted", now=at(11, 13))
    moves(
        session,
        r[7],
        (s.CONFIRMED, at(11, 16)),
        (s.ATTENDED, at(11, 17)),
        (s.DROPPED_OUT, at(11, 30)),
    )
    moves(session, r[8], (s.NO_SHOW, at(11, 29)))
    moves(session, r[9], (s.ENROLLED, at(12, 1, 8)))
    # Messages: what crossed the wire.
    message(session, r[1], "sms", "delivered", at(11, 2, 10, 5))
    message(session, r[2], "sms", "undelivered", at(11, 4, 10, 5))
    message(session, r[6], "voice", "failed", at(11, 10, 10, 5))
    message(session, r[6], "sms", "delivered", at(11, 10, 11))
    message(session, r[7], "whatsapp", "read", at(11, 15, 10, 5))
    message(session, r[1], "sms", "delivered", at(10, 31, 23))  # October
    message(session, r[2], "sms", "received", at(11, 4, 13), direction="in")
    # Questions sent: r1's answered, r2's not, r8's in October (not counted).
    for ref, sent, answered in (
        (1, at(11, 2), at(11, 3)),
        (2, at(11, 4), None),
        (8, at(10, 30), None),
    ):
        notice = plan_notice(
            session,
            kind=NoticeKind.ATTENDANCE_CHECK,
            returnee=r[ref].returnee,
            referral=r[ref],
            due_at=sent,
            now=sent,
        )
        notice.state, notice.sent_at, notice.answered_at = "sent", sent, answered
    # Opt-outs: r7's number in November, r8's in October.
    record_opt_out(
        session, r[7].returnee.contact_points[0].phone_e164, source="stop", now=at(11, 12)
    )
    record_opt_out(
        session, r[8].returnee.contact_points[0].phone_e164, source="stop", now=at(10, 30)
    )
    # Review items: open ones of 20 hours and exactly 3 days, one resolved.
    session.add_all(
        [
            ReviewItem(referral_id=r[1].id, reason="unclear", created_at=at(11, 30, 13)),
            ReviewItem(referral_id=r[5].id, reason="ineligible", created_at=at(11, 28, 9)),
            ReviewItem(
                referral_id=r[6].id, reason="unclear", created_at=at(11, 2), resolved_at=at(11, 3)
            ),
        ]
    )
    session.commit()
    return {"a": a, "b": b, "r": r}


def rows_by_service(rows: list[d.FunnelRow]) -> dict[str, d.FunnelRow]:
    return {row.service: row for row in rows}


def test_the_funnel_counts_each_referral_once_at_its_furthest_stage(
    session: Session, world: dict[str, Any]
) -> None:
    rows = rows_by_service(d.funnel(session, d.DashboardFilter(NOVEMBER)))
    assert set(rows) == {"vocational", "mental_health", "medical"}
    # r2 was confirmed twice: once in the funnel. r3 was enrolled straight away: it passed every
    # stage before. r4 is October's.
    voc = rows["vocational"]
    assert [voc.stages[stage] for stage in d.STAGES] == [4, 3, 2, 2]
    assert dict(voc.ends) == {"ineligible": 1}
    mental = rows["mental_health"]
    assert [mental.stages[stage] for stage in d.STAGES] == [2, 1, 1, 1]
    assert dict(mental.ends) == {"unreachable": 1, "dropped_out": 1}
    medical = rows["medical"]
    assert [medical.stages[stage] for stage in d.STAGES] == [2, 1, 1, 1]
    assert dict(medical.ends) == {"no_show": 1}
    total = d.funnel_total(list(rows.values()))
    assert total.referred == 8 and total.stages["enrolled"] == 4
    assert (voc.partner, mental.partner) == ("A Training", "B Clinic")


def test_the_period_ends_at_local_midnight_of_its_time_zone(
    session: Session, world: dict[str, Any]
) -> None:
    paris = d.Period(date(2026, 11, 1), date(2026, 11, 30), "Europe/Paris")
    assert paris.bounds() == (at(10, 31, 23), at(11, 30, 23))
    rows = rows_by_service(d.funnel(session, d.DashboardFilter(paris)))
    # In Paris r4 (Oct 31 23:59 UTC) is November's, and r9 (Nov 30 23:30 UTC) December's.
    assert rows["vocational"].referred == 5
    assert rows["medical"].referred == 1
    one_day = d.Period(date(2026, 11, 30), date(2026, 11, 30), "Africa/Dakar")
    assert rows_by_service(d.funnel(session, d.DashboardFilter(one_day)))["medical"].referred == 1


def test_a_partner_filter_keeps_only_that_partners_figures(
    session: Session, world: dict[str, Any]
) -> None:
    only_b = d.DashboardFilter(NOVEMBER, partner_id=world["b"].id)
    assert set(rows_by_service(d.funnel(session, only_b))) == {"mental_health", "medical"}
    assert [row.partner for row in d.enrolment_times(session, only_b)] == ["B Clinic"]
    delivery = {
        (r.channel, r.language): (r.total, r.done) for r in d.delivery_rates(session, only_b)
    }
    assert delivery == {("sms", "wo"): (1, 1), ("voice", "wo"): (1, 0), ("whatsapp", "fr"): (1, 1)}
    assert d.opt_outs(session, only_b) == {"fr": 1}
    assert d.opt_outs(session, d.DashboardFilter(NOVEMBER, partner_id=world["a"].id)) == {}
    medical = d.DashboardFilter(NOVEMBER, partner_id=world["b"].id, service="medical")
    assert [row.service for row in d.funnel(session, medical)] == ["medical"]


def test_time_to_enrolment_per_partner_median_and_share_within_30_days(
    session: Session, world: dict[str, Any]
) -> None:
    times = {row.partner: row for row in d.enrolment_times(session, d.DashboardFilter(NOVEMBER))}
    a, b = times["A Training"], times["B Clinic"]
    # A: r1 8 days, r3 30 days 7.5 hours (just over a month). B: r7 15 days (dropped out after
    # attending, which implies the enrolment), r9 8.5 hours.
    assert a.enrolled == 2
    assert a.median_days == pytest.approx((8 + 30.3) / 2)  # to the tenth of a day
    assert a.within_30_days == 0.5
    assert b.enrolled == 2
    assert b.median_days == pytest.approx((15 + 0.4) / 2)
    assert b.within_30_days == 1.0


def test_stalled_referrals_have_had_no_status_change_for_n_days_whenever_recorded(
    session: Session, world: dict[str, Any]
) -> None:
    r = world["r"]
    count, rows = d.stalled_referrals(session, d.DashboardFilter(NOVEMBER), now=NOW)
    # r4 (31 days, recorded in October), r2 (last change Nov 6), r6 (recorded Nov 10).
    assert count == 3
    assert [row.reference for row in rows] == [r[4].reference, r[2].reference, r[6].reference]
    assert rows[1].last_change_at == at(11, 6) and rows[1].status == "confirmed"
    longer = d.DashboardFilter(NOVEMBER, stalled_days=22)
    assert d.stalled_referrals(session, longer, now=NOW)[0] == 2  # r6: 21 days, 23 hours
    only_a = d.DashboardFilter(NOVEMBER, partner_id=world["a"].id)
    assert d.stalled_referrals(session, only_a, now=NOW)[0] == 2


def test_delivery_and_reply_rates_by_channel_and_language(
    session: Session, world: dict[str, Any]
) -> None:
    filters = d.DashboardFilter(NOVEMBER)
    delivery = {
        (r.channel, r.language): (r.total, r.done) for r in d.delivery_rates(session, filters)
    }
    assert delivery == {
        ("sms", "fr"): (2, 1),  # October's delivered message is not November's
        ("sms", "wo"): (1, 1),
        ("voice", "wo"): (1, 0),
        ("whatsapp", "fr"): (1, 1),  # read counts as delivered
    }
    replies = d.reply_rates(session, filters)
    assert [(r.channel, r.language, r.total, r.done, r.rate) for r in replies] == [
        ("sms", "fr", 2, 1, 0.5)
    ]


def test_opt_outs_in_the_period_by_language(session: Session, world: dict[str, Any]) -> None:
    assert d.opt_outs(session, d.DashboardFilter(NOVEMBER)) == {"fr": 1}
    october = d.Period(date(2026, 10, 1), date(2026, 10, 31), "Africa/Dakar")
    assert d.opt_outs(session, d.DashboardFilter(october)) == {"fr": 1}


def test_caseworker_load_counts_open_review_items_by_reason_and_age(
    session: Session, world: dict[str, Any]
) -> None:
    load = d.caseworker_load(session, d.DashboardFilter(NOVEMBER), now=NOW)
    # Two opt-outs (Nov 12 and Oct 30) put an item each in front of a caseworker.
    assert load.open_items == 4
    assert load.by_reason == {"unclear": 1, "ineligible": 1, "opted_out": 2}
    # 20 hours; exactly 3 days (not under 3); 19 and 32 days.
    assert load.by_age == {"0-1": 1, "1-3": 0, "3-7": 1, "7+": 2}
    assert load.oldest_at == at(10, 30)
    only_a = d.caseworker_load(
        session, d.DashboardFilter(NOVEMBER, partner_id=world["a"].id), now=NOW
    )
    assert (only_a.open_items, only_a.by_reason) == (2, {"unclear": 1, "ineligible": 1})


def test_weekly_reach_in_local_weeks(session: Session, world: dict[str, Any]) -> None:
    weeks = d.weekly_reach(session, d.DashboardFilter(NOVEMBER))
    assert [(w.week, w.referred, w.settled) for w in weeks] == [
        (date(2026, 10, 26), 1, 1),  # Sunday Nov 1: r3, enrolled
        (date(2026, 11, 2), 2, 1),  # r1 enrolled; r2 confirmed, no flag: silent
        (date(2026, 11, 9), 2, 2),  # r6 unreachable, r7 dropped out
        (date(2026, 11, 16), 1, 1),
        (date(2026, 11, 23), 1, 1),
        (date(2026, 11, 30), 1, 1),  # r9, Nov 30 23:30
    ]
    only_b = d.weekly_reach(session, d.DashboardFilter(NOVEMBER, partner_id=world["b"].id))
    assert [(w.referred, w.settled) for w in only_b] == [
        (0, 0),
        (0, 0),
        (2, 2),
        (0, 0),
        (1, 1),
        (1, 1),
    ]
    # A task of the loop that flags r2 (awaiting the partner) settles it too.
    task = session.scalars(select(Task).where(Task.referral_id == world["r"][2].id)).first()
    assert task is not None
    task.state, task.flag = TaskState.FLAGGED, "awaiting_partner"
    session.commit()
    assert d.weekly_reach(session, d.DashboardFilter(NOVEMBER))[1].settled == 2


def test_the_whole_dashboard_in_one_call(session: Session, world: dict[str, Any]) -> None:
    board = d.build_dashboard(session, d.DashboardFilter(NOVEMBER), now=NOW)
    assert board.total.referred == 8 and board.stalled_count == 3 and board.load.open_items == 4
    assert len(board.weeks) == 6


def test_last_days_is_a_period_of_local_days_up_to_today() -> None:
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert d.last_days(late, 7, "Europe/Paris") == d.Period(
        date(2026, 11, 25), date(2026, 12, 1), "Europe/Paris"
    )
    assert d.last_days(late, 1, "Africa/Dakar").start == date(2026, 11, 30)
    assert timedelta(days=1) == d.WITHIN / 30


# -- the page and its downloads ---------------------------------------------------------------


def test_the_dashboard_page_shows_charts_tables_and_the_filters(
    runtime: Runtime, manager_client: FlaskClient, world: dict[str, Any]
) -> None:
    runtime.clock = lambda: NOW
    page = manager_client.get("/manager/?start=2026-11-01&end=2026-11-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for chart in ("chart-funnel", "chart-weeks", "chart-delivery"):
        assert f'<svg id="{chart}"' in html
    for name in d.TABLES:
        assert f'id="table-{name}"' in html and f'id="csv-{name}"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert world["r"][2].reference in html  # stalled
    only_a = manager_client.get(
        f"/manager/?start=2026-11-01&end=2026-11-30&partner={world['a'].id}"
    )
    assert "mental_health" not in only_a.get_data(as_text=True).split('id="table-funnel"')[1]


def test_the_funnel_csv_has_the_pages_figures_and_filters(
    runtime: Runtime, manager_client: FlaskClient, world: dict[str, Any]
) -> None:
    runtime.clock = lambda: NOW
    answer = manager_client.get(
        f"/manager/dashboard/funnel.csv?start=2026-11-01&end=2026-11-30&partner={world['b'].id}"
    )
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "funnel_2026-11-01_2026-11-30.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][:6] == ["partner", "service", "referred", "confirmed", "attended", "enrolled"]
    assert rows[1][:6] == ["B Clinic", "medical", "2", "1", "1", "1"]
    assert rows[2][:2] == ["B Clinic", "mental_health"]
    assert rows[3][:3] == ["", "", "4"]  # all of them
    assert manager_client.get("/manager/dashboard/nothing.csv").status_code == 404


def test_a_partner_or_caseworker_cannot_open_the_dashboard(
    client_as: Callable[..., FlaskClient], world: dict[str, Any]
) -> None:
    assert client_as("caseworker").get("/manager/").status_code == 403
    assert client_as("caseworker").get("/manager/dashboard/funnel.csv").status_code == 403


# -- every figure as the page and the downloads show it ----------------------------------------


def test_every_table_of_the_page_holds_the_hand_computed_figures(
    session: Session, world: dict[str, Any]
) -> None:
    """The tables (and so the page and every CSV) round and convert the figures: by hand too."""
    r = world["r"]
    tables = d.dashboard_tables(d.build_dashboard(session, d.DashboardFilter(NOVEMBER), now=NOW))
    assert list(tables) == list(d.TABLES)
    #       referred confirmed attended enrolled | ineligible declined no_show dropped unreachable
    assert tables["funnel"].rows == [
        ("A Training", "vocational", 4, 3, 2, 2, 1, 0, 0, 0, 0),  # r2 confirmed again: 0 declined
        ("B Clinic", "medical", 2, 1, 1, 1, 0, 0, 1, 0, 0),
        ("B Clinic", "mental_health", 2, 1, 1, 1, 0, 0, 0, 1, 1),
        ("", "", 8, 5, 4, 4, 1, 0, 1, 1, 1),
    ]
    # A: (8 + 30.3) / 2 = 19.15 days, shown to the tenth; one of two within 30 days.
    # B: (15 + 0.4) / 2 = 7.7 days; both within 30 days.
    assert [(p, n, pytest.approx(m, abs=0.051), w) for p, n, m, w in tables["enrolment"].rows] == [
        ("A Training", 2, 19.15, 50.0),
        ("B Clinic", 2, 7.7, 100.0),
    ]
    assert tables["stalled"].rows == [
        (r[4].reference, "A Training", "vocational", "referred", "2026-10-31T23:59+00:00"),
        (r[2].reference, "A Training", "vocational", "confirmed", "2026-11-06T10:00+00:00"),
        (r[6].reference, "B Clinic", "mental_health", "referred", "2026-11-10T10:00+00:00"),
    ]
    assert tables["delivery"].rows == [
        ("sms", "fr", 2, 1, 50.0),
        ("sms", "wo", 1, 1, 100.0),
        ("voice", "wo", 1, 0, 0.0),
        ("whatsapp", "fr", 1, 1, 100.0),
    ]
    assert tables["replies"].rows == [("sms", "fr", 2, 1, 50.0)]
    assert tables["opt_outs"].rows == [("fr", 1)]
    assert tables["load"].rows == [
        ("reason", "ineligible", 1),
        ("reason", "opted_out", 2),
        ("reason", "unclear", 1),
        ("age_days", "0-1", 1),
        ("age_days", "1-3", 0),
        ("age_days", "3-7", 1),
        ("age_days", "7+", 2),
    ]
    assert tables["weeks"].rows == [
        ("2026-10-26", 1, 1, 100.0),
        ("2026-11-02", 2, 1, 50.0),
        ("2026-11-09", 2, 2, 100.0),
        ("2026-11-16", 1, 1, 100.0),
        ("2026-11-23", 1, 1, 100.0),
        ("2026-11-30", 1, 1, 100.0),
    ]


def _svg(html: str, chart: str) -> str:
    return html.split(f'<svg id="{chart}"', 1)[1].split("</svg>", 1)[0]


def test_the_headline_cards_and_the_charts_show_the_hand_computed_figures(
    runtime: Runtime, manager_client: FlaskClient, world: dict[str, Any]
) -> None:
    runtime.clock = lambda: NOW
    html = manager_client.get("/manager/?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    headline = html.split('id="headline"', 1)[1].split("</ul>", 1)[0]
    cards = re.findall(r'<span class="count">(\d+)</span>([^<]+)</li>', headline)
    assert [(int(n), label.strip()) for n, label in cards] == [
        (8, "referred"),
        (4, "enrolled"),
        (3, "stalled"),
        (1, "unreachable"),
        (4, "open review items"),
    ]
    bars = re.findall(r"<title>([^<]+): ([\d.]+)</title>", _svg(html, "chart-funnel"))
    assert bars == [
        ("referred", "8"),
        ("confirmed", "5"),
        ("attended", "4"),
        ("enrolled", "4"),
        ("not eligible", "1"),
        ("declined", "0"),
        ("did not come", "1"),
        ("dropped out", "1"),
        ("unreachable", "1"),
    ]
    rates = re.findall(r"<title>([^<]+): ([\d.]+)</title>", _svg(html, "chart-delivery"))
    assert rates == [
        ("sms · fr", "50"),
        ("sms · wo", "100"),
        ("voice · wo", "0"),
        ("whatsapp · fr", "100"),
    ]
    weeks = re.findall(r"<title>([^<]+): (\d+) %</title>", _svg(html, "chart-weeks"))
    assert weeks == [
        ("2026-10-26", "100"),
        ("2026-11-02", "50"),
        ("2026-11-09", "100"),
        ("2026-11-16", "100"),
        ("2026-11-23", "100"),
        ("2026-11-30", "100"),
    ]
