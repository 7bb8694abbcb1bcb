"""The outbox: queued with the change, retried with backoff, delivered exactly once."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from portal.db import connect, prepare, write_transaction
from portal.domain import outbox


@pytest.fixture
def path(tmp_path):
    p = str(tmp_path / "portal.db")
    prepare(p).close()
    return p


class Clock:
    def __init__(self):
        self.t = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.t


def queue(db, n=1, at=None):
    with write_transaction(db):
        for i in range(n):
            outbox.enqueue(db, recipient=f"warga{i}@contoh.id", subject=f"Pesan {i}", body="Isi",
                           now=at or datetime.now(timezone.utc))


def test_failed_send_is_retried_with_growing_delay(path):
    db, clock, delivered = connect(path), Clock(), []
    queue(db, at=clock())

    def down(mail):
        raise ConnectionRefusedError

    assert outbox.send_due(db, down, now=clock, retry_seconds=60) == (0, 1)
    assert outbox.send_due(db, delivered.append, now=clock, retry_seconds=60) == (0, 0)  # not due yet
    clock.t += timedelta(seconds=61)
    assert outbox.send_due(db, down, now=clock, retry_seconds=60) == (0, 1)
    clock.t += timedelta(seconds=61)
    assert outbox.send_due(db, delivered.append, now=clock, retry_seconds=60) == (0, 0)  # 120 s the 2nd time
    clock.t += timedelta(seconds=60)
    assert outbox.send_due(db, delivered.append, now=clock, retry_seconds=60) == (1, 0)
    assert outbox.send_due(db, delivered.append, now=clock, retry_seconds=60) == (0, 0)
    assert len(delivered) == 1
    assert db.execute("SELECT status, attempts, last_error FROM outbox").fetchone() == ("sent", 3, None)


def test_a_message_queued_in_a_rolled_back_change_is_never_sent(path):
    db = connect(path)
    with pytest.raises(RuntimeError):
        with write_transaction(db):
            outbox.enqueue(db, recipient="a@contoh.id", subject="s", body="b", now=datetime.now(timezone.utc))
            raise RuntimeError("the change failed")
    assert db["outbox"].count == 0


def test_two_senders_at_once_deliver_each_message_once(path):
    queue(connect(path), n=20)
    delivered, lock = [], threading.Lock()

    def slow_transport(mail):
        time.sleep(0.01)
        with lock:
            delivered.append(mail.message_id)

    def run():
        outbox.send_due(connect(path), slow_transport, now=lambda: datetime.now(timezone.utc))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(delivered) == 20
    assert len(set(delivered)) == 20


def test_a_sender_that_died_mid_send_is_taken_over(path):
    db, clock = connect(path), Clock()
    queue(db, at=clock())
    db.execute("UPDATE outbox SET status = 'sending', claimed_at = ?", [clock().isoformat()])
    db.conn.commit()
    delivered = []
    assert outbox.send_due(db, delivered.append, now=clock) == (0, 0)
    clock.t += outbox.STALE_CLAIM + timedelta(seconds=1)
    assert outbox.send_due(db, delivered.append, now=clock) == (1, 0)


def test_backlog_reports_unsent_messages(path):
    db = connect(path)
    queue(db, n=2)
    assert outbox.backlog(db)["unsent"] == 2


def test_migrations_are_idempotent(path):
    db = prepare(path)
    assert {"complaints", "events", "outbox", "users", "attachments"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_message_queued_within_the_senders_second_is_due(path):
    """The jobs read the office clock in whole seconds; a message queued a fraction of a second
    into that same second must still count as due (it once waited for the next pass)."""
    db = connect(path)
    queue(db, at=datetime(2026, 11, 25, 9, 0, 0, 700000, tzinfo=timezone.utc))
    sent = []
    assert outbox.send_due(db, sent.append, now=lambda: datetime(2026, 11, 25, 9, 0, 0, tzinfo=timezone.utc)) == (1, 0)
    assert len(sent) == 1
