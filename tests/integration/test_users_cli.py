"""`smsgateway users create|list|disable|set-password`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from smsgateway.cli.users import users_cli
from smsgateway.models import Partner
from smsgateway.users import find_user


def test_create_with_password_from_stdin_then_log_in(
    app: Flask, runner: FlaskCliRunner, session: Session, log_in: Callable[..., Any]
) -> None:
    result = runner.invoke(
        users_cli,
        ["create", "Aminata", "--role", "caseworker", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "created aminata (caseworker)" in result.output
    assert "a long passphrase" not in result.output
    user = find_user(session, "aminata")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert log_in(app.test_client(), "aminata", "a long passphrase").status_code == 303


def test_create_asks_twice_at_the_terminal(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(
        users_cli,
        ["create", "moussa", "--role", "manager"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert find_user(session, "moussa") is not None


def test_a_partner_account_names_its_organisation(
    runner: FlaskCliRunner, session: Session, make_partner: Callable[..., Partner]
) -> None:
    partner = make_partner()
    args = ["create", "clinic", "--role", "partner", "--password-stdin"]
    refused = runner.invoke(users_cli, args, input="a long passphrase\n")
    assert refused.exit_code != 0 and "--partner NAME" in refused.output
    made = runner.invoke(
        users_cli, [*args, "--partner", str(partner.id)], input="a long passphrase\n"
    )
    assert made.exit_code == 0, made.output
    user = find_user(session, "clinic")
    assert user is not None and user.partner_id == partner.id
    by_name = ["create", "clinic2", "--role", "partner", "--password-stdin"]
    made = runner.invoke(
        users_cli, [*by_name, "--partner", partner.name.lower()], input="a long passphrase\n"
    )
    assert made.exit_code == 0, made.output
    user = find_user(session, "clinic2")
    assert user is not None and user.partner_id == partner.id
    unknown = runner.invoke(
        users_cli,
        ["create", "clinic3", "--role", "partner", "--password-stdin", "--partner", "Nowhere"],
        input="a long passphrase\n",
    )
    assert unknown.exit_code == 2 and "no partner named 'Nowhere'" in unknown.output
    assert find_user(session, "clinic3") is None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["create", "x y", "--role", "admin"], "a long passphrase", "username"),
        (["create", "short", "--role", "admin"], "short", "at least 10 characters"),
        (
            ["create", "cw", "--role", "caseworker", "--partner", "1"],
            "a long passphrase",
            "only partner",
        ),
        (
            ["create", "clinic", "--role", "partner", "--partner", "999"],
            "a long passphrase",
            "no partner",
        ),
        (["create", "boss", "--role", "king"], "a long passphrase", "Invalid value for '--role'"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_saves_nothing(
    runner: FlaskCliRunner, session: Session, args: list[str], password: str, message: str
) -> None:
    result = runner.invoke(users_cli, [*args, "--password-stdin"], input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert find_user(session, args[1]) is None


def test_an_existing_username_is_refused(runner: FlaskCliRunner) -> None:
    args = ["create", "awa", "--role", "caseworker", "--password-stdin"]
    assert runner.invoke(users_cli, args, input="a long passphrase\n").exit_code == 0
    again = runner.invoke(users_cli, args, input="another passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_list_disable_and_set_password(
    app: Flask, runner: FlaskCliRunner, session: Session, log_in: Callable[..., Any]
) -> None:
    args = ["create", "awa", "--role", "caseworker", "--password-stdin"]
    runner.invoke(users_cli, args, input="a long passphrase\n")

    changed = runner.invoke(
        users_cli, ["set-password", "awa", "--password-stdin"], input="a newer passphrase\n"
    )
    assert changed.exit_code == 0, changed.output
    assert log_in(app.test_client(), "awa", "a long passphrase").status_code == 200
    assert log_in(app.test_client(), "awa", "a newer passphrase").status_code == 303

    assert runner.invoke(users_cli, ["disable", "awa"]).exit_code == 0
    assert log_in(app.test_client(), "awa", "a newer passphrase").status_code == 200
    listed = runner.invoke(users_cli, ["list"]).output
    assert "awa\tcaseworker\t-\tdisabled\tlast login" in listed

    missing = runner.invoke(users_cli, ["disable", "nobody"])
    assert missing.exit_code != 0 and "no account named 'nobody'" in missing.output
