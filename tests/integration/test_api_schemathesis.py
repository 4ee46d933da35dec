"""schemathesis against the served /api/v1/openapi.json with a write token (bounded run).

The command is the one the issue names: `schemathesis run URL --checks
not_a_server_error,response_schema_conformance`, with every phase (examples, coverage, fuzzing
of valid and invalid data, stateful sequences), a fixed seed and at most 10 examples per
operation, so it takes well under a minute here. It must find no server error and no answer
that contradicts the document.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from smsgateway.models import Partner, Referral
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
    api = api_as("admin", scope="write")
    token = api.secret
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{served}/api/v1/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--header",
        f"Authorization: Bearer {token}",
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
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=environment
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
