"""Signing in: checking a password, the user's own password change, the server-side record of
sign-in sessions, and the waits imposed after failed sign-ins."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from ..db import write_transaction
from .users import User, UserError, _require, check_password, get

# Checked when the user is unknown too, so that a wrong user name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class WrongPassword(UserError):
    "The current password given to confirm a change is not the account's."


def authenticate(db, username: str, password: str) -> User | None:
    row = db.execute("SELECT id, password_hash FROM users WHERE username = ? AND active = 1",
                     [username.strip()]).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return get(db, row[0]) if check_password_hash(row[1], password) else None


def change_password(db, user_id: int, current: str, new: str, *, keep_session: str | None = None) -> None:
    """The user's own change: the current password confirms it is them, the new one must pass
    the policy, and every other session of the account ends (the one in `keep_session` goes on)."""
    user = _require(db, user_id)
    row = db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
    if not check_password_hash(row[0], current or ""):
        raise WrongPassword("Kata sandi saat ini salah. Isi kata sandi yang Anda pakai untuk masuk tadi.")
    check_password(new, username=user.username, display_name=user.display_name)
    with write_transaction(db):
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?",
                   [generate_password_hash(new), user_id])
        end_sessions(db, user_id, keep=keep_session)


# ---------------------------------------------------------------- sessions
# A sign-in is a row here; the cookie carries a random token whose hash is the key. Ending a
# session deletes its row, so a copy of the cookie made before stops working at once.

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db, user_id: int, now: datetime, *, hours: float) -> str:
    """Record a new sign-in and return its token (kept only in the user's cookie). The account's
    sessions older than `hours` are cleared away at the same time."""
    token = secrets.token_urlsafe(32)
    with write_transaction(db):
        for token_hash, signed_in in db.execute("SELECT token_hash, signed_in_at FROM staff_sessions "
                                                "WHERE user_id = ?", [user_id]).fetchall():
            if now - datetime.fromisoformat(signed_in) > timedelta(hours=hours):
                db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", [token_hash])
        db["staff_sessions"].insert({"token_hash": _token_hash(token), "user_id": user_id,
                                     "signed_in_at": now.isoformat()})
    return token


def session_user(db, user_id: int, token: str, now: datetime, *, hours: float) -> User | None:
    """The account of a running session; None when the session was ended, is older than
    `hours` (however busy it was) or belongs to a deactivated account."""
    row = db.execute("SELECT user_id, signed_in_at FROM staff_sessions WHERE token_hash = ?",
                     [_token_hash(token)]).fetchone()
    if row is None or row[0] != user_id:
        return None
    if now - datetime.fromisoformat(row[1]) > timedelta(hours=hours):
        end_session(db, token)
        return None
    user = get(db, user_id)
    return user if user is not None and user.active else None


def end_session(db, token: str) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM staff_sessions WHERE token_hash = ?", [_token_hash(token)])


def end_sessions(db, user_id: int, *, keep: str | None = None) -> None:
    """End every session of the account, except the one whose token is `keep`."""
    with write_transaction(db):
        db.execute("DELETE FROM staff_sessions WHERE user_id = ? AND token_hash != ?",
                   [user_id, _token_hash(keep) if keep else ""])


# ---------------------------------------------------------------- failed sign-ins
# Guessing is slowed per (user name, client address) pair: the first FREE_FAILURES wrong
# passwords cost nothing, then each one makes that pair wait twice as long as the last, up to
# a cap. Another address, the owner's, is never held up, so nobody can lock an account out.

FREE_FAILURES = 5
FAILURE_MEMORY = timedelta(days=1)  # a pair's count starts again after a day without failures


def _pair(username: str, client: str | None) -> list[str]:
    return [(username or "").strip().lower(), client or "-"]


def login_wait(db, username: str, client: str | None, now: datetime) -> int:
    """Seconds this client must still wait before a password for this user name is tried."""
    row = db.execute("SELECT wait_until FROM login_failures WHERE username = ? AND client = ?",
                     _pair(username, client)).fetchone()
    if row is None:
        return 0
    return max(0, math.ceil((datetime.fromisoformat(row[0]) - now).total_seconds()))


def login_failed(db, username: str, client: str | None, now: datetime, *, first_delay: float,
                 max_delay: float) -> int:
    """Count a wrong password for this pair and return the wait it now imposes, in seconds."""
    pair = _pair(username, client)
    with write_transaction(db):
        row = db.execute("SELECT failures, last_failed_at FROM login_failures WHERE username = ? AND client = ?",
                         pair).fetchone()
        fresh = row is None or now - datetime.fromisoformat(row[1]) > FAILURE_MEMORY
        failures = 1 if fresh else row[0] + 1
        excess = failures - FREE_FAILURES
        wait = 0 if excess < 0 else math.ceil(min(first_delay * 2 ** min(excess, 40), max_delay))
        db.execute("INSERT OR REPLACE INTO login_failures (username, client, failures, last_failed_at, wait_until) "
                   "VALUES (?, ?, ?, ?, ?)", pair + [failures, now.isoformat(),
                                                    (now + timedelta(seconds=wait)).isoformat()])
        # Pairs idle for a day are forgotten, so that guessed user names do not pile up.
        db.execute("DELETE FROM login_failures WHERE last_failed_at < ?", [(now - FAILURE_MEMORY).isoformat()])
    return wait


def login_succeeded(db, username: str, client: str | None) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM login_failures WHERE username = ? AND client = ?", _pair(username, client))
