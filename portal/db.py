"""The SQLite database: one file in DATA_DIR, WAL, foreign keys, migrations.

Plain Python, no Flask: the domain, the CLI and the tests open it the same way."""

from __future__ import annotations

import contextlib
import sqlite3

import sqlite_utils

from .migrations import migrations

# How long a write waits for another writer's lock before giving up. Writers hold the lock for
# milliseconds; past this bound the citizen is told at once that the complaint was not received
# (503), rather than left waiting.
BUSY_TIMEOUT_SECONDS = 5


def connect(path: str) -> sqlite_utils.Database:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


def prepare(path: str) -> sqlite_utils.Database:
    """Open the database, switch it to WAL and bring its schema up to date."""
    db = connect(path)
    db.enable_wal()
    migrations.apply(db)
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database):
    """A transaction that takes the write lock at once.

    A deferred transaction that reads first and writes later fails with SQLITE_BUSY when
    another writer got in between; taking the lock up front makes writers queue instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        try:
            db.conn.commit()
        except BaseException:
            # A commit refused (disk full, I/O error) may leave the transaction open.
            if db.conn.in_transaction:
                db.conn.rollback()
            raise
