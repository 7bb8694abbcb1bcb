"""The background jobs: `outbox send`, `daily`, `withdraw-unanswered`, `reminders send`,
`retention apply`, `publikasi export`, and the loop that keeps a job running through failures."""

from __future__ import annotations

import logging
import sqlite3
import time

import click
import tenacity
from flask import current_app
from flask.cli import with_appcontext

from .. import db as database
from ..domain import handling, outbox, reminders, uploads
from . import calendar as _calendar, connect as _db, now as _now, ops
from .mail import transport

log = logging.getLogger(__name__)


@click.group("outbox")
def outbox_group():
    """Queued e-mail."""


@outbox_group.command("send")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep sending every OUTBOX_INTERVAL seconds.")
def outbox_send_command(loop):
    """Send the e-mail that is due; with --loop, keep doing so."""
    db = _job_db() if loop else _db()
    config = current_app.config

    def one_pass():
        sent, failed = outbox.send_due(
            db, transport, now=_now, retry_seconds=config["OUTBOX_RETRY_SECONDS"],
            retry_max_seconds=config["OUTBOX_RETRY_MAX_SECONDS"],
            record_retry_seconds=config["JOB_RETRY_SECONDS"], record_retry_max_seconds=config["JOB_RETRY_MAX_SECONDS"])
        if sent or failed or not loop:
            click.echo(f"Terkirim {sent}, gagal {failed} (dicoba lagi nanti).")

    if loop:
        _keep_running("outbox send", one_pass, interval=config["OUTBOX_INTERVAL"])
    else:
        one_pass()


def _job_db():
    """The database for a background loop: a pass waits JOB_BUSY_TIMEOUT for the write lock
    and then fails, to be tried again by _keep_running, instead of blocking on a long write."""
    db = _db()
    db.execute(f"PRAGMA busy_timeout = {round(current_app.config['JOB_BUSY_TIMEOUT'] * 1000)}")
    return db


def _describe(exc: BaseException) -> str:
    # SQLite's and the OS's messages name no person; other messages might, so only their type is logged.
    if isinstance(exc, (sqlite3.Error, OSError)):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def _keep_running(name: str, one_pass, *, interval: float):
    """Run one_pass every `interval` seconds until the process is stopped.

    A pass that fails (the database locked past JOB_BUSY_TIMEOUT, a full disk, ...) is logged
    and tried again after JOB_RETRY_SECONDS, doubling up to JOB_RETRY_MAX_SECONDS, so that a
    transient error never ends the background job. Each pass is written to be repeated.
    """
    config = current_app.config

    def warn(state):
        log.warning("%s: pass failed (%s); next try in %.1fs", name, _describe(state.outcome.exception()),
                    state.upcoming_sleep)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(Exception),
        wait=tenacity.wait_exponential(multiplier=config["JOB_RETRY_SECONDS"], max=config["JOB_RETRY_MAX_SECONDS"]),
        before_sleep=warn)
    while True:
        retrying(one_pass)  # each call starts again from the first, shortest delay
        time.sleep(interval)


def _catalog_calendar():
    return current_app.extensions["portal.catalog"], _calendar()


@click.command("withdraw-unanswered")
@with_appcontext
def withdraw_unanswered_command():
    """Close complaints whose request for more information went unanswered past the limit."""
    catalog, calendar = _catalog_calendar()
    closed = handling.withdraw_unanswered(_db(), _now(), catalog=catalog, calendar=calendar,
                                          base_url=current_app.config["BASE_URL"])
    click.echo(f"{closed} pengaduan dianggap dicabut.")


@click.group("reminders")
def reminders_group():
    """Daily digests for staff."""


@reminders_group.command("send")
@with_appcontext
def reminders_send_command():
    """Queue each member of staff's digest of what waits for them and what is overdue."""
    catalog, calendar = _catalog_calendar()
    queued = reminders.send_all(_db(), catalog=catalog, calendar=calendar, now=_now(),
                                base_url=current_app.config["BASE_URL"])
    click.echo(f"{queued} ringkasan diantrekan untuk dikirim.")


@click.command("daily")
@click.option("--loop", is_flag=True, help="Stay running and do the daily jobs once each day after DAILY_HOUR.")
@with_appcontext
def daily_command(loop):
    """The daily jobs: withdraw unanswered complaints, erase expired personal data, remove attachments held
    over 24 hours for a complaint form never sent, then queue the staff digests."""
    db = _job_db() if loop else _db()
    config = current_app.config

    def one_pass():
        moment = _now()
        done = db.execute("SELECT day FROM job_runs WHERE name = 'daily'").fetchone()
        if moment.hour < config["DAILY_HOUR"] or (done is not None and done[0] == moment.date().isoformat()):
            if not loop:
                click.echo("Tugas harian sudah dijalankan hari ini atau belum waktunya.")
            return
        catalog, calendar = _catalog_calendar()
        base_url = config["BASE_URL"]
        # Withdrawal and erasure change nothing when repeated, so a pass that failed half way
        # is simply run again.
        closed = handling.withdraw_unanswered(db, moment, catalog=catalog, calendar=calendar, base_url=base_url)
        from ..domain import retention
        retention.apply(db, moment, years=config["RETENTION_YEARS"], upload_dir=config["UPLOAD_DIR"])
        # Attachments held for a form the citizen never sent again (uploads.hold).
        uploads.remove_abandoned(config["HELD_UPLOAD_DIR"], moment)
        # The digests and the record of the day are one transaction: a repeated pass must not
        # queue a second digest.
        with database.write_transaction(db):
            queued = 0
            if calendar.is_working_day(moment.date()):
                queued = reminders.send_all(db, catalog=catalog, calendar=calendar, now=moment, base_url=base_url)
            db["job_runs"].upsert({"name": "daily", "day": moment.date().isoformat(), "at": moment.isoformat()},
                                  pk="name")
        click.echo(f"Tugas harian {moment.date()}: {closed} dicabut, {queued} ringkasan.")
        click.echo(ops.scheduled_backup(moment))  # backup and prune; reports a failure, never raises

    if loop:
        _keep_running("daily", one_pass, interval=config["DAILY_INTERVAL"])
    else:
        one_pass()


@click.group("publikasi")
def publication_group():
    """The public list of complaints and replies."""


@publication_group.command("export")
@click.option("--ke", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write daftar.json into (default: PUBLIC_DATA_DIR).")
@with_appcontext
def publication_export_command(out_dir):
    """Write the approved public items, without personal data, for the site."""
    from ..domain import publication
    target = out_dir or current_app.config["PUBLIC_DATA_DIR"]
    count = publication.export(_db(), current_app.extensions["portal.catalog"], target)
    click.echo(f"{count} pengaduan publik ditulis ke {target}/daftar.json.")


@click.group("retention")
def retention_group():
    """Erasing personal data after the retention period."""


@retention_group.command("apply")
@with_appcontext
def retention_apply_command():
    """Erase the personal data of complaints closed more than RETENTION_YEARS ago; keep the aggregates."""
    from ..domain import retention
    count = retention.apply(_db(), _now(), years=current_app.config["RETENTION_YEARS"],
                            upload_dir=current_app.config["UPLOAD_DIR"])
    click.echo(f"Data pribadi {count} pengaduan dihapus.")


COMMANDS = (outbox_group, withdraw_unanswered_command, reminders_group, daily_command, publication_group,
            retention_group)
