"""The SQLite database: one file in DATA_DIR, WAL, foreign keys, migrations.

Plain Python, no Flask: the domain, the CLI and the tests open it the same way."""

from __future__ import annotations

import contextlib
import sqlite3

import sqlite_utils

from .domain import private
from .migrations import migrations

# How long a write waits for another writer's lock before giving up. Writers hold the lock for
# milliseconds; past this bound the citizen is told at once that the complaint was not received
# (503), rather than left waiting.
BUSY_TIMEOUT_SECONDS = 5


def connect(path: str) -> sqlite_utils.Database:
    if _is_file(path):
        # Made 0600 before SQLite creates it with the umask's mode (often 0644); SQLite gives the
        # -wal and -shm files the database file's mode.
        private.create_empty(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


def connect_readonly(path: str, timeout: float = 2) -> sqlite_utils.Database:
    """A connection that cannot write (``mode=ro``, ``query_only``) and so never takes the write
    lock: in WAL mode it reads while a writer works. Fails if the file does not exist."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    return sqlite_utils.Database(conn)


def prepare(path: str) -> sqlite_utils.Database:
    """Open the database, switch it to WAL and bring its schema up to date."""
    db = connect(path)
    if _is_file(path):
        for name in (str(path), f"{path}-wal", f"{path}-shm"):  # made readable by an older version
            private.tighten(name)
    db.enable_wal()
    migrations.apply(db)
    return db


def _is_file(path) -> bool:
    return str(path) != ":memory:" and not str(path).startswith("file:")


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
