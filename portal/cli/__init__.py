"""`flask --app portal ...` commands: each parses, calls one domain function, echoes one line.

One module per area; this one registers them all with the app.
"""

from __future__ import annotations


def init_app(app) -> None:
    from . import jobs, ops, population, reports, setup, site
    from .mail import mail
    mail.init_app(app)
    for command in (*setup.COMMANDS, *jobs.COMMANDS, population.data_group, reports.report_group, *ops.COMMANDS,
                    *site.COMMANDS):
        app.cli.add_command(command)
