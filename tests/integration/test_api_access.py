"""Every API route declares its actions, and answers every role as the permission table says."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from smsgateway.api.access import Needs, OpenToAll
from smsgateway.models import Partner, Referral
from smsgateway.permissions import Role, scope_of
from tests.conftest import ApiClient


def api_rules(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return found


def test_every_api_route_declares_its_actions_or_why_it_is_open(app: Flask) -> None:
    rules = api_rules(app)
    assert len(rules) > 20
    undeclared = []
    for endpoint, rule, _ in rules:
        access = getattr(app.view_functions[endpoint], "smsgateway_api_access", None)
        if endpoint.startswith(("api-docs.", "api_reference.")):
            continue  # the OpenAPI document and its reference page: open, no data
        if not isinstance(access, Needs | OpenToAll):
            undeclared.append(rule)
    assert undeclared == []


def test_an_undeclared_api_route_is_refused(app: Flask, api_as: Callable[..., ApiClient]) -> None:
    from smsgateway.api.blueprint import blp

    view = app.view_functions["api.token_info"]
    try:
        app.view_functions["api.token_info"] = lambda: "secret"
        response = api_as("admin").get("/token")
    finally:
        app.view_functions["api.token_info"] = view
    assert response.status_code == 403 and b"secret" not in response.data
    assert blp.name == "api"


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_api_route_answers_each_role_as_the_table_says(
    app: Flask,
    role: str,
    api_as: Callable[..., ApiClient],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner)
    extra = {"partner_id": partner.id} if role == Role.PARTNER else {}
    api = api_as(role, **extra)
    values = {
        "reference": referral.reference,
        "returnee_id": referral.returnee_id,
        "partner_id": partner.id,
        "point_id": referral.returnee.contact_points[0].id,
        "bulk_id": 1,
    }
    wrong = []
    for endpoint, rule, method in api_rules(app):
        access = getattr(app.view_functions[endpoint], "smsgateway_api_access", None)
        if not isinstance(access, Needs):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
        response = api.client.open(
            path, method=method, json={}, headers={"Authorization": f"Bearer {api.secret}"}
        )
        allowed = any(scope_of(role, action) is not None for action in access.actions)
        if allowed:
            ok = response.status_code not in (401, 403, 500)
        else:
            ok = response.status_code == 403 and response.get_json()["code"] == "forbidden"
        if not ok:
            wrong.append(f"{method} {rule} as {role}: {response.status_code} {response.get_json()}")
    assert wrong == []


def test_each_api_route_answers_no_token_with_401(
    app: Flask, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    values = {
        "reference": referral.reference,
        "returnee_id": referral.returnee_id,
        "partner_id": referral.partner_id,
        "point_id": referral.returnee.contact_points[0].id,
        "bulk_id": 1,
    }
    client = app.test_client()
    wrong = []
    for endpoint, rule, method in api_rules(app):
        access = getattr(app.view_functions[endpoint], "smsgateway_api_access", None)
        if not isinstance(access, Needs):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = client.open(path, method=method, json={}, headers=headers)
            if response.status_code != 401 or response.get_json()["code"] != "unauthorized":
                wrong.append(f"{method} {rule} {headers}: {response.status_code}")
    assert wrong == []


def test_each_api_route_a_partner_may_use_refuses_the_other_partners_data(
    app: Flask,
    api_as: Callable[..., ApiClient],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    own, other = make_partner(), make_partner()
    make_referral(partner=own)
    theirs = make_referral(partner=other)
    api = api_as(Role.PARTNER, partner_id=own.id)
    values = {
        "reference": theirs.reference,
        "returnee_id": theirs.returnee_id,
        "partner_id": other.id,
        "point_id": theirs.returnee.contact_points[0].id,
    }
    wrong, checked = [], []
    for endpoint, rule, method in api_rules(app):
        access = getattr(app.view_functions[endpoint], "smsgateway_api_access", None)
        if not isinstance(access, Needs) or "<" not in rule:
            continue
        if not any(scope_of(Role.PARTNER, action) for action in access.actions):
            continue
        checked.append(endpoint)
        path = re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
        headers = {"Authorization": f"Bearer {api.secret}", "If-Match": '"1"'}
        body = {"status": "enrolled"}  # a valid outcome: only the scope may refuse it
        response = api.client.open(path, method=method, json=body, headers=headers)
        if response.status_code not in (403, 404):
            wrong.append(f"{method} {path}, the other partner's: {response.status_code}")
    assert {"api.get_referral", "api.set_status", "api.get_partner"} <= set(checked), checked
    assert wrong == []
