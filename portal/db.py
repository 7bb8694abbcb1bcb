"""The SQLite database: one file in DATA_DIR, WAL, foreign keys, migrations.

Plain Python, no Flask: the domain, the CLI and the tests open it the same way."""

from __future__ import annotations

import contextlib
import sqlite3

import sqlite_utils

from .migrations import migrations


def connect(path: str) -> sqlite_utils.Database:
    conn = sqlite3.connect(path, timeout=15, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 15000")
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
        db.conn.commit()
