"""schemathesis against the served /api/v1/openapi.json with a write token (bounded runs).

The command is the one the issue names: `schemathesis run URL --checks
not_a_server_error,response_schema_conformance`, with every phase (examples, coverage, fuzzing
of valid and invalid data, stateful sequences), a fixed seed and at most 10 examples per
operation, so each run takes well under a minute here. It must find no server error and no
answer that contradicts the document.

The first run lets schemathesis make up the identifiers in the paths (so most of them name
nothing, and those operations answer 404); the second gives it the identifiers of records that
exist, and the versions they have, so every operation on one record answers with that record
and its answer is checked against the document too. A third test calls every operation once as
a client would and checks each success answer against the document the same way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from smsgateway.models import Message, Partner, Referral
from smsgateway.runtime import Runtime
from tests.conftest import ApiClient

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for as long as the test runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def run_schemathesis(served: str, api: ApiClient, cwd: Path, *options: str) -> str:
    """Run the issue's command against the served document; its output, after checking that it
    found nothing, tested every operation of the document and passed every case it made."""
    command = [
        str(SCHEMATHESIS),
        *options,
        "run",
        f"{served}/api/v1/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--header",
        f"Authorization: Bearer {api.secret}",
        "--max-examples",
        "10",
        "--seed",
        "20261201",
        "--workers",
        "1",
        "--request-timeout",
        "30",
    ]
    environment: dict[str, Any] = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=600, env=environment
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    spec = api.client.get("/api/v1/openapi.json").get_json()
    methods = {"get", "put", "post", "delete", "patch"}
    expected = sum(len(methods & set(item)) for item in spec["paths"].values())
    operations = re.search(r"Operations:\s+(\d+) selected / (\d+) total", output)
    assert operations, output[-3000:]
    assert int(operations.group(1)) == int(operations.group(2)) == expected >= 20
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases and int(cases.group(1)) == int(cases.group(2)) > 500, output[-3000:]
    return output


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(
    served: str,
    api_as: Callable[..., ApiClient],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    tmp_path: Path,
) -> None:
    partner = make_partner()
    make_referral(partner=partner)
    run_schemathesis(served, api_as("admin", scope="write"), tmp_path)


@pytest.mark.slow
def test_schemathesis_on_records_that_exist_finds_nothing_either(
    served: str,
    api_as: Callable[..., ApiClient],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    session: Session,
    now: datetime,
    tmp_path: Path,
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner)
    phone = referral.returnee.contact_points[0].phone_e164
    session.add(
        Message(
            direction="in",
            channel="sms",
            phone_e164=phone,
            returnee_id=referral.returnee_id,
            referral_id=referral.id,
            provider="local",
            body=f"oui {referral.reference}",
            delivery_status="received",
            created_at=now,
            updated_at=now,
        )
    )
    session.commit()
    api = api_as("admin", scope="write")
    texts = {"fr": "Le bureau est fermé lundi.", "en": "The office is closed on Monday."}
    bulk = api.post(
        "/bulk-notices", json={"cohort": {"partner_id": partner.id}, "content": {"texts": texts}}
    )
    assert bulk.status_code == 201, bulk.get_json()
    returnee = api.get(f"/returnees/{referral.returnee_id}")
    point = returnee.get_json()["contact_points"][0]["id"]
    referral_tag = api.get(f"/referrals/{referral.reference}").headers["ETag"]
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
[parameters]
"path.reference" = "{referral.reference}"
"path.returnee_id" = {referral.returnee_id}
"path.point_id" = {point}
"path.bulk_id" = {bulk.get_json()["id"]}
"path.partner_id" = {partner.id}

[[operations]]
include-path-regex = "^/api/v1/referrals/"
parameters = {{ "header.If-Match" = '{referral_tag}' }}

[[operations]]
include-path-regex = "^/api/v1/returnees/"
parameters = {{ "header.If-Match" = '{returnee.headers["ETag"]}' }}
""",
        encoding="utf-8",
    )
    output = run_schemathesis(served, api, tmp_path, "--config-file", str(config))
    assert "Missing test data" not in output, output[-6000:]  # no operation kept answering 404


def test_every_operations_success_answer_matches_the_document(
    api_as: Callable[..., ApiClient],
    make_partner: Callable[..., Partner],
    runtime: Runtime,
    now: datetime,
) -> None:
    """The fuzzed runs rarely get a write through (made-up bodies and versions are refused), so
    each operation is called here once as a client would, and its success answer is checked
    against the served document by schemathesis (`validate_response`: status, headers, body).
    The API reads the test's clock: appointment times are set from it, and a real clock that
    has passed them would refuse them as past."""
    import schemathesis

    runtime.clock = lambda: now

    api = api_as("admin", scope="write")
    spec = api.client.get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(spec)
    answered: set[str] = set()

    def call(method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = api.open(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.get_json())
        operation = schema.find_operation_by_path(method, f"/api/v1{path.split('?')[0]}")
        assert operation is not None, (method, path)
        operation.validate_response(response)  # raises with every mismatch it finds
        answered.add(operation.label)
        return response

    partner = make_partner()
    returnee = call(
        "POST",
        "/returnees",
        201,
        json={
            "case_reference": "MIM-2026-001",
            "first_name": "Awa",
            "language": "wo",
            "contact_points": [{"number": "77 123 45 67"}],
        },
    )
    rid = returnee.get_json()["id"]
    tag = call("GET", f"/returnees/{rid}", 200).headers["ETag"]
    tag = call(
        "PATCH", f"/returnees/{rid}", 200, json={"first_name": "Fatou"}, headers={"If-Match": tag}
    ).headers["ETag"]
    added = call(
        "POST",
        f"/returnees/{rid}/contact-points",
        201,
        json={"number": "+221 78 111 22 33", "is_proxy": True, "relation": "uncle"},
        headers={"If-Match": tag},
    )
    point = added.get_json()["contact_points"][-1]["id"]
    tag = call(
        "PATCH",
        f"/returnees/{rid}/contact-points/{point}",
        200,
        json={"number": "+221 78 111 22 44"},
        headers={"If-Match": added.headers["ETag"]},
    ).headers["ETag"]
    returnee_tag = call(
        "DELETE", f"/returnees/{rid}/contact-points/{point}", 200, headers={"If-Match": tag}
    ).headers["ETag"]
    call("GET", "/returnees?page=1&per_page=5", 200)
    call("GET", f"/returnees/{rid}/subject-access", 200)

    referral = call(
        "POST",
        "/referrals",
        201,
        json={
            "case_reference": "MIM-2026-001",
            "partner_id": partner.id,
            "service_category": "vocational_training",
            "appointment_at": (now + timedelta(days=3)).isoformat(),
            "appointment_place": "Pikine",
        },
    )
    reference = referral.get_json()["reference"]
    tag = call(
        "PUT",
        f"/referrals/{reference}/appointment",
        200,
        json={"appointment_at": (now + timedelta(days=5)).isoformat()},
        headers={"If-Match": referral.headers["ETag"]},
    ).headers["ETag"]
    tag = call(
        "POST",
        f"/referrals/{reference}/status",
        200,
        json={"status": "confirmed", "note": "by phone"},
        headers={"If-Match": tag},
    ).headers["ETag"]
    call("GET", f"/referrals/{reference}", 200)
    call("GET", f"/referrals/{reference}/messages", 200)
    call("GET", f"/referrals?status=confirmed&partner_id={partner.id}", 200)
    call("GET", "/events", 200)
    call("GET", "/partners", 200)
    call("GET", f"/partners/{partner.id}", 200)
    call("GET", "/services", 200)
    call("GET", "/token", 200)

    texts = {"fr": "Le bureau est fermé lundi.", "en": "The office is closed on Monday."}
    bulk = {"cohort": {"partner_id": partner.id}, "content": {"texts": texts}}
    call("POST", "/bulk-notices/preview", 200, json=bulk)
    created = call("POST", "/bulk-notices", 201, json=bulk).get_json()["id"]
    call("GET", f"/bulk-notices/{created}", 200)
    call("POST", f"/bulk-notices/{created}/cancel", 200)

    call(
        "PUT",
        f"/returnees/{rid}/consent",
        200,
        json={"opted_out": True},
        headers={"If-Match": returnee_tag},
    )
    call(
        "POST",
        f"/referrals/{reference}/close",
        200,
        json={"status": "cancelled"},
        headers={"If-Match": call("GET", f"/referrals/{reference}", 200).headers["ETag"]},
    )
    methods = {"get", "put", "post", "delete", "patch"}
    every = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in methods & set(item)
    }
    assert answered == every, every - answered
