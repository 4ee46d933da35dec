"""The `smsgateway` command: a Flask CLI group with one module per command group."""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import FlaskGroup

from smsgateway import create_app
from smsgateway.cli.checks import refuse_to_start
from smsgateway.config import ConfigError
from smsgateway.logs import configure_logging


def _create_app() -> Flask:
    try:
        return create_app()
    except ConfigError as error:
        refuse_to_start(error)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """smsgateway: referral notices and replies by SMS, WhatsApp and voice."""
    configure_logging(logging.INFO)


def _register_command_groups(group: click.Group) -> None:
    from smsgateway.cli.api import api_cli
    from smsgateway.cli.bulk import bulk_cli
    from smsgateway.cli.content import i18n_cli, messages_cli
    from smsgateway.cli.db import db_cli
    from smsgateway.cli.demo import demo_cli
    from smsgateway.cli.import_export import export_cli, import_cli
    from smsgateway.cli.loop import loop_cli
    from smsgateway.cli.privacy import retention_cli, returnees_cli
    from smsgateway.cli.replies import replies_cli
    from smsgateway.cli.serve import dispatch_once, serve, worker
    from smsgateway.cli.twilio import twilio_cli
    from smsgateway.cli.users import users_cli
    from smsgateway.fakes.twilio_cli import fake_twilio_cli

    for command in (db_cli, demo_cli, users_cli, serve, worker, dispatch_once, loop_cli):
        group.add_command(command)
    for command in (messages_cli, i18n_cli, replies_cli, bulk_cli, fake_twilio_cli, twilio_cli):
        group.add_command(command)
    for command in (api_cli, import_cli, export_cli, returnees_cli, retention_cli):
        group.add_command(command)


_register_command_groups(main)
