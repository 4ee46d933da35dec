"""Every console route for every role (and anonymous), checked against the one permission table."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.bulk import Cohort, Content, create_bulk
from smsgateway.models import (
    BulkSend,
    ChannelConsent,
    ContactPoint,
    FeedbackItem,
    FeedbackNote,
    Followup,
    Message,
    Notice,
    Partner,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
    User,
)
from smsgateway.permissions import Action, Role, Scope, permissions_table, scope_of
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


def console_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every route that is not public."""
    from smsgateway.web.access import Public, declared_access

    found = []
    for rule in app.url_map.iter_rules():
        if isinstance(declared_access(app, rule.endpoint), Public):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return found


def test_every_route_declares_a_permission_or_why_it_is_public(app: Flask) -> None:
    from smsgateway.web.access import declared_access

    assert "simulator.phones" in app.view_functions, "the simulator is on in tests: walk it too"
    undeclared = [r.rule for r in app.url_map.iter_rules() if not declared_access(app, r.endpoint)]
    assert undeclared == [], f"routes without a permission: {undeclared}"


def test_a_route_without_a_declaration_is_refused_even_to_an_admin(
    app: Flask, make_user: Callable[..., User], log_in: Callable[..., Any]
) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client = app.test_client()
    admin = make_user("admin")
    assert log_in(client, admin.username).status_code == 303
    response = client.get("/forgotten")
    assert response.status_code == 403 and "secret" not in response.get_data(as_text=True)


@pytest.fixture
def world(
    session: Session,
    runtime: Runtime,
    now: Any,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> dict[str, Any]:
    """Two partners with a referral each, a review item, and the values to fill URL rules."""
    own, other = make_partner(), make_partner()
    mine, theirs = make_referral(partner=own), make_referral(partner=other)
    with runtime.db.transaction() as tx:
        phone = mine.returnee.contact_points[0].phone_e164
        receive_message(tx, InboundMessage(phone, "hmm?"), now=now, settings=runtime.settings)
        complaint = InboundMessage(phone, "FEEDBACK nobody called me")
        receive_message(tx, complaint, now=now, settings=runtime.settings)
    item = session.scalar(select(ReviewItem))
    assert item is not None
    feedback = session.scalar(select(FeedbackItem))
    assert feedback is not None
    draft = create_bulk(
        session,
        Cohort(partner_id=own.id),
        Content(texts={"fr": "Bonjour"}),
        window_start=now,
        now=now,
        created_by="test",
    )
    session.commit()
    return {
        "own_partner": own,
        "mine": mine,
        "theirs": theirs,
        "arguments": {
            "reference": mine.reference,
            "item_id": item.id,
            "contact_id": mine.returnee.contact_points[0].id,
            "returnee_id": mine.returnee_id,
            "feedback_id": feedback.id,
            "bulk_id": draft.id,
            "name": "funnel",
        },
        # The other partner's values, for the URL rules a partner may open on its own ones.
        "their_arguments": {
            "reference": theirs.reference,
            "returnee_id": theirs.returnee_id,
            "contact_id": theirs.returnee.contact_points[0].id,
        },
    }


def fingerprint(session: Session) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    session.expire_all()
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    statuses = tuple(session.scalars(select(Referral.status).order_by(Referral.id)))
    resolved = session.scalar(select(func.count()).where(ReviewItem.resolved_at.is_not(None)))
    rows = lambda *columns: tuple(session.execute(select(*columns).order_by(*columns)))  # noqa: E731
    return (
        count(Referral),
        count(ReferralEvent),
        count(Message),
        count(Notice),
        resolved,
        statuses,
        rows(Returnee.id, Returnee.version, Returnee.erased_at, Returnee.unreachable_flagged_at),
        rows(ContactPoint.id, ContactPoint.phone_e164),
        rows(ChannelConsent.id, ChannelConsent.is_opted_out),
        rows(BulkSend.id, BulkSend.state),
        rows(FeedbackItem.id, FeedbackItem.closed_at),
        count(FeedbackNote),
        count(Followup),
        rows(User.id, User.is_active, User.language),
    )


def build_url(rule: str, arguments: dict[str, Any]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(arguments[m.group(1)]), rule)


@pytest.fixture
def client_for(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User], log_in: Callable[..., Any]
) -> Callable[[str], FlaskClient]:
    """A client logged in as a new account of a role (the partner: of `world`'s own partner)."""

    def make(role: str) -> FlaskClient:
        client = app.test_client()
        if role != "anonymous":
            partner_id = world["own_partner"].id if role == Role.PARTNER else None
            user = make_user(role, partner_id=partner_id)
            assert log_in(client, user.username).status_code == 303
        return client

    return make


@pytest.mark.parametrize("role", ["anonymous", *[role.value for role in Role]])
def test_each_console_route_answers_each_role_as_the_table_says(
    app: Flask,
    session: Session,
    world: dict[str, Any],
    client_for: Callable[[str], FlaskClient],
    form_token: Callable[..., str],
    role: str,
) -> None:
    from smsgateway.web.access import declared_access

    wrong = []
    for endpoint, rule, method in console_rules(app):
        action = declared_access(app, endpoint)
        assert isinstance(action, Action)
        client = client_for(role)
        url = build_url(rule, world["arguments"])
        token = form_token(client, "/login") if role == "anonymous" else form_token(client)
        before = fingerprint(session)
        response = client.open(url, method=method, data={"csrf_token": token})
        scope = None if role == "anonymous" else scope_of(role, action)
        to_login = response.status_code == 302 and "/login" in response.headers["Location"]
        if role == "anonymous":
            expected, ok = "login", to_login
        elif scope is None:
            expected, ok = "403", response.status_code == 403
        else:
            expected = "allowed"
            ok = response.status_code not in (401, 403, 404, 500) and not to_login
        if expected != "allowed" and method == "POST":
            ok = ok and fingerprint(session) == before
        if not ok:
            wrong.append(f"{method} {rule} as {role}: {response.status_code}, expected {expected}")
        if scope is Scope.OWN_PARTNER and "<" in rule:
            wrong += refused_on_the_other_partners(client, session, world, rule, method, token)
    assert wrong == []


def refused_on_the_other_partners(
    client: FlaskClient,
    session: Session,
    world: dict[str, Any],
    rule: str,
    method: str,
    token: str,
) -> list[str]:
    """A route scoped to the partner's own referrals, opened on the other partner's: 403/404."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    unknown = [name for name in names if name not in world["their_arguments"]]
    if unknown:
        return [
            f"{method} {rule}: no other partner's value for {unknown} in world's their_arguments"
        ]
    before = fingerprint(session)
    url = build_url(rule, world["their_arguments"])
    response = client.open(url, method=method, data={"csrf_token": token})
    changed = fingerprint(session) != before
    if response.status_code in (403, 404) and not changed:
        return []
    return [f"{method} {url}, the other partner's: {response.status_code}, changed: {changed}"]


def test_every_console_form_post_without_its_csrf_token_is_refused_and_changes_nothing(
    app: Flask,
    session: Session,
    world: dict[str, Any],
    client_for: Callable[[str], FlaskClient],
) -> None:
    """Each POST route, by a role the table allows, with every other field but the token."""
    from smsgateway.web.access import declared_access

    posts = [(endpoint, rule) for endpoint, rule, method in console_rules(app) if method == "POST"]
    assert len(posts) > 20
    wrong = []
    for endpoint, rule in posts:
        action = declared_access(app, endpoint)
        assert isinstance(action, Action)
        role = next(role for role in Role if scope_of(role, action) is not None)
        client = client_for(role)
        before = fingerprint(session)
        response = client.post(build_url(rule, world["arguments"]), data={"note": "x"})
        if response.status_code != 400 or fingerprint(session) != before:
            wrong.append(f"POST {rule} as {role.value} without a token: {response.status_code}")
    assert wrong == []


def test_a_partner_reads_and_reports_only_on_its_own_referrals(
    app: Flask,
    session: Session,
    world: dict[str, Any],
    client_for: Callable[[str], FlaskClient],
    form_token: Callable[..., str],
) -> None:
    client = client_for(Role.PARTNER)
    mine, theirs = world["mine"], world["theirs"]
    listing = client.get("/partner/").get_data(as_text=True)
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(f"/partner/referrals/{mine.reference}").status_code == 200
    assert client.get(f"/partner/referrals/{theirs.reference}").status_code == 404
    assert client.get(f"/referrals/{theirs.reference}").status_code == 403
    assert client.get(f"/referrals/{mine.reference}").status_code == 403  # the caseworker's page

    before = fingerprint(session)
    response = client.post(
        f"/partner/referrals/{theirs.reference}/outcome",
        data={"csrf_token": form_token(client), "outcome": "ineligible", "note": "x"},
    )
    assert response.status_code == 404
    assert fingerprint(session) == before


def test_a_partner_outcome_is_recorded_under_the_partner_account(
    app: Flask,
    session: Session,
    world: dict[str, Any],
    client_for: Callable[[str], FlaskClient],
    form_token: Callable[..., str],
) -> None:
    client = client_for(Role.PARTNER)
    mine = world["mine"]
    before = fingerprint(session)
    unchosen = client.post(
        f"/partner/referrals/{mine.reference}/outcome",
        data={"csrf_token": form_token(client), "outcome": ""},
        follow_redirects=True,
    )
    assert "Choose an outcome." in unchosen.get_data(as_text=True)
    assert fingerprint(session) == before
    response = client.post(
        f"/partner/referrals/{mine.reference}/outcome",
        data={
            "csrf_token": form_token(client),
            "outcome": "ineligible",
            "reason": "residence",
            "note": "too far",
        },
    )
    assert response.status_code == 303
    session.expire_all()
    referral = session.get(Referral, mine.id)
    assert referral is not None and referral.status == "ineligible"
    assert referral.needs_reorientation
    event = referral.events[-1]
    partner_user = session.scalar(select(User).filter_by(role="partner"))
    assert partner_user is not None
    assert (event.source, event.actor, event.actor_user_id, event.note) == (
        "partner_page",
        partner_user.username,
        partner_user.id,
        "residence: too far",
    )


def test_the_recorded_actor_is_the_logged_in_user_whatever_the_form_says(
    caseworker_client: FlaskClient,
    session: Session,
    make_returnee: Callable[..., Any],
    make_partner: Callable[..., Partner],
    form_token: Callable[..., str],
) -> None:
    returnee, partner = make_returnee(), make_partner()
    response = caseworker_client.post(
        "/referrals",
        data={
            "csrf_token": form_token(caseworker_client),
            "returnee_id": returnee.id,
            "partner_id": partner.id,
            "service_category": "vocational_training",
            "created_by": "mallory",
            "actor": "mallory",
        },
    )
    assert response.status_code == 303
    referral = session.scalar(select(Referral))
    assert referral is not None
    caseworker = caseworker_client.user  # type: ignore[attr-defined]
    assert (referral.created_by, referral.created_by_user_id) == (
        caseworker.username,
        caseworker.id,
    )
    first = referral.events[0]
    assert (first.actor, first.actor_user_id) == (caseworker.username, caseworker.id)


def test_each_role_starts_on_its_own_page(
    client_as: Callable[..., FlaskClient], world: Any
) -> None:
    homes = {
        "admin": "/users",
        "manager": "/manager/",
        "caseworker": "/referrals",
        "partner": "/partner/",
    }
    for role, path in homes.items():
        extra = {"partner_id": world["own_partner"].id} if role == "partner" else {}
        client = client_as(role, **extra)
        response = client.get("/")
        assert response.status_code == 302 and response.headers["Location"] == path
        assert client.get(path).status_code == 200


def test_the_docs_show_the_permission_table_of_the_code() -> None:
    docs = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert permissions_table() in docs, "run: python -c 'from smsgateway.permissions import "
    "permissions_table; print(permissions_table())' and paste it into docs/permissions.md"
