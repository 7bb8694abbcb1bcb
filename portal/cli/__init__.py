"""`flask --app portal ...` commands: each parses, calls one domain function, echoes one line.

One module per area; this one registers them all with the app.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from .. import clock, db as database


def connect():
    return database.connect(current_app.config["DATABASE"])


def now() -> datetime:
    """The office's clock, the one the web pages use (a fixed time when a test sets one)."""
    return clock.office_now(current_app)


def calendar():
    """The working-day calendar, the one the web pages use."""
    return clock.office_calendar(current_app)


def init_app(app) -> None:
    from . import jobs, ops, population, reports, setup, site, skm
    from .mail import mail
    mail.init_app(app)
    for command in (*setup.COMMANDS, *jobs.COMMANDS, population.data_group, reports.report_group, *ops.COMMANDS,
                    *site.COMMANDS, *skm.COMMANDS):
        app.cli.add_command(command)
