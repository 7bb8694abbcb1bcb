"""Outgoing e-mail that is never lost and never sent twice.

A message is queued in the same transaction as the change that causes it, so a complaint
and its acknowledgment are stored together or not at all. The sender then claims each due
message, hands it to the SMTP server and marks it sent. A failed send is retried with a
growing delay. Once the server has accepted a message, a locked database is waited out
before it is marked sent, so a busy moment never turns into a second delivery. Each message
carries a fixed Message-ID, so in the one unavoidable window (the process dies after the
server accepted a message and before it was marked sent) the repeat is recognisable as the
same message.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import tenacity

from ..db import write_transaction

log = logging.getLogger(__name__)

# A claim older than this belongs to a sender that died mid-send.
STALE_CLAIM = timedelta(minutes=10)


def _ts(moment: datetime) -> str:
    # Timestamps are compared as text, so they must all be written in one offset and one
    # precision: whole seconds, as the office clock gives them.
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Mail:
    id: int
    recipient: str
    subject: str
    body: str
    message_id: str
    html: str | None = None  # an HTML alternative of `body`, when the text has formatting


def enqueue(db, *, recipient: str, subject: str, body: str, now: datetime,
            complaint_id: int | None = None, domain: str = "localhost", html: str | None = None) -> int:
    """Queue one message. Call inside the transaction of the change that causes it."""
    return db["outbox"].insert(
        {
            "created_at": _ts(now),
            "complaint_id": complaint_id,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "html": html,
            "message_id": f"<{secrets.token_hex(16)}@{domain}>",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": _ts(now),
        }
    ).last_pk


def _claim(db, now: datetime) -> Mail | None:
    stale = _ts(now - STALE_CLAIM)
    with write_transaction(db):
        row = db.execute(
            """SELECT id, recipient, subject, body, message_id, html FROM outbox
               WHERE (status = 'pending' AND next_attempt_at <= ?)
                  OR (status = 'sending' AND claimed_at <= ?)
               ORDER BY next_attempt_at, id LIMIT 1""",
            [_ts(now), stale],
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1 WHERE id = ?",
            [_ts(now), row[0]],
        )
    return Mail(*row)


def _record(db, sql: str, params: list, *, mail_id: int, wait) -> None:
    """Write the outcome of a send, waiting out a locked database for as long as it takes.

    The SMTP server has already answered; a delivery that is not recorded would be claimed
    again after STALE_CLAIM and reach the citizen twice, so this write is never given up.
    """
    def warn(state):
        exc = state.outcome.exception()
        log.warning("outbox message %s: outcome not recorded yet (%s: %s); retry in %.1fs",
                    mail_id, type(exc).__name__, exc, state.upcoming_sleep)

    for attempt in tenacity.Retrying(retry=tenacity.retry_if_exception_type(sqlite3.OperationalError),
                                     wait=wait, before_sleep=warn, reraise=True):
        with attempt:
            with write_transaction(db):
                db.execute(sql, params)


def send_due(db, transport: Callable[[Mail], None], *, now: Callable[[], datetime],
             retry_seconds: int = 60, retry_max_seconds: int = 21600,
             record_retry_seconds: float = 1.0, record_retry_max_seconds: float = 60.0) -> tuple[int, int]:
    """Send every message that is due; return (sent, failed).

    A locked database while claiming ends the pass with sqlite3.OperationalError and changes
    nothing; the caller tries again later. Once a message was handed over, its outcome is
    recorded with retries (record_retry_seconds, doubling up to record_retry_max_seconds).
    """
    wait = tenacity.wait_exponential(multiplier=record_retry_seconds, max=record_retry_max_seconds)
    sent = failed = 0
    while (mail := _claim(db, now())) is not None:
        try:
            transport(mail)
        except Exception as exc:  # any failure of the mail server means "try again later"
            failed += 1
            attempts = db.execute("SELECT attempts FROM outbox WHERE id = ?", [mail.id]).fetchone()[0]
            delay = min(retry_seconds * 2 ** (attempts - 1), retry_max_seconds)
            _record(db, """UPDATE outbox SET status = 'pending', claimed_at = NULL, last_error = ?,
                           next_attempt_at = ? WHERE id = ?""",
                    [type(exc).__name__, _ts(now() + timedelta(seconds=delay)), mail.id], mail_id=mail.id, wait=wait)
            # The message number only: the address and text are personal data.
            log.warning("outbox message %s not sent (%s); retry in %ss", mail.id, type(exc).__name__, delay)
            if failed >= 3:
                break  # the server is down: leave the rest for the next pass
            continue
        _record(db, "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                [_ts(now()), mail.id], mail_id=mail.id, wait=wait)
        sent += 1
    return sent, failed


def backlog(db) -> dict:
    """Unsent messages and the oldest one's creation time, for staff and monitoring."""
    row = db.execute("SELECT count(*), min(created_at) FROM outbox WHERE status != 'sent'").fetchone()
    return {"unsent": row[0], "oldest": row[1]}
