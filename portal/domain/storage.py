"""Faults of the disk or the database that mean nothing could be written.

The disk is full, the database stayed locked by another writer for longer than the busy timeout
(portal.db.BUSY_TIMEOUT_SECONDS), or the database or the upload directory is read-only. They
are not the citizen's doing and pass by themselves or by an administrator's hand, so the web
pages answer them with 503 and an Indonesian page, never with a stack trace.
"""

from __future__ import annotations

import errno
import sqlite3

# SQLite's primary result codes (the extended code's low byte).
SQLITE_FAULTS = {
    5: "locked",      # SQLITE_BUSY: another connection kept the write lock past the busy timeout
    6: "locked",      # SQLITE_LOCKED
    8: "read-only",   # SQLITE_READONLY
    10: "i/o",        # SQLITE_IOERR
    13: "full",       # SQLITE_FULL
    14: "cannot open",  # SQLITE_CANTOPEN
}
OS_FAULTS = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only", errno.EACCES: "read-only",
             errno.EPERM: "read-only", errno.EIO: "i/o"}


class StorageFault(Exception):
    "Nothing was written: the disk or database refused it (`kind` says how)."

    def __init__(self, kind: str):
        super().__init__(f"storage fault: {kind}")
        self.kind = kind


def fault_kind(exc: BaseException) -> str | None:
    """How the disk or database refused a write, or None when `exc` is some other error."""
    if isinstance(exc, StorageFault):
        return exc.kind
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return SQLITE_FAULTS.get(code & 0xFF) if code is not None else None
    if isinstance(exc, OSError):
        return OS_FAULTS.get(exc.errno)
    return None
