"""Staff accounts and their roles.

A role may be held for a period (valid_from/valid_until): that is how an acting official
(Plh/Plt) is recorded, and the role lapses by itself when the period ends.

Also here: the password policy, the server-side record of sign-in sessions, and the waits
imposed after failed sign-ins.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ..db import write_transaction
from . import audit, emails

ROLES = {
    "operator": "Operator Pengaduan",
    "kabid": "Kabid PIAK",
    "kadis": "Kepala Dinas",
    "pejabat": "Pejabat penanggap",
    "admin": "Administrator",
    "data": "Petugas data kependudukan",
    "web": "Tim Pengelola Website",
}

# OWASP ASVS 5.0 V6.2: at least 12 characters, at least 64 allowed (hashing cost bounds the
# top), no composition rules, not a common password, not the user's own name.
MIN_PASSWORD = 12
MAX_PASSWORD = 128
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "kata-sandi-umum.txt"
# Checked when the user is unknown too, so that a wrong user name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class UserError(ValueError):
    "The account cannot be created or changed as asked."


class WeakPassword(UserError):
    "A new password that the policy refuses; the message names the reason."


class WrongPassword(UserError):
    "The current password given to confirm a change is not the account's."


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def _own_words(username: str, display_name: str) -> set[str]:
    """The user name and the name, whole and word by word (words of 3 letters or more)."""
    words = {username.strip().lower(), "".join(display_name.lower().split())}
    for text in (username, display_name):
        words.update(w for w in re.split(r"[\W_]+", text.lower()) if len(w) >= 3)
    return {w for w in words if w}


def password_problem(password: str, *, username: str, display_name: str = "") -> str | None:
    """Why this password may not be used by this account, in words for its user; None when it may."""
    if len(password) < MIN_PASSWORD:
        return (f"Kata sandi minimal {MIN_PASSWORD} karakter (yang Anda isi {len(password)}). "
                "Beberapa kata yang mudah Anda ingat lebih mudah daripada satu kata yang rumit.")
    if len(password) > MAX_PASSWORD:
        return f"Kata sandi paling panjang {MAX_PASSWORD} karakter."
    if password.lower() in _common_passwords() or password.strip().lower() in _common_passwords():
        return "Kata sandi ini terlalu umum: termasuk yang paling sering dipakai orang dan mudah ditebak. Pilih yang lain."
    lowered = password.lower()
    if any(word in lowered for word in _own_words(username, display_name)):
        return "Kata sandi tidak boleh memuat nama pengguna atau nama Anda. Pilih yang lain."
    return None


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    problem = password_problem(password, username=username, display_name=display_name)
    if problem:
        raise WeakPassword(problem)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    jabatan: str | None
    active: bool
    must_change_password: bool


def create_user(db, username: str, password: str, *, display_name: str, roles: list[str],
                now: datetime, jabatan: str | None = None, must_change_password: bool = False,
                granted_by: int | None = None, email: str | None = None) -> int:
    username = username.strip()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise UserError("Nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah, atau tanda hubung.")
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise UserError(f"Peran tidak dikenal: {', '.join(unknown) or '(kosong)'}. Pilihan: {', '.join(ROLES)}.")
    display_name = display_name.strip() or username
    check_password(password, username=username, display_name=display_name)
    try:
        email = emails.normalise(email, example="nama@trenggalekkab.go.id") or None
    except emails.InvalidEmail as exc:
        raise InvalidProfile(str(exc)) from None
    try:
        with write_transaction(db):
            user_id = db["users"].insert({
                "username": username, "password_hash": generate_password_hash(password),
                "display_name": display_name, "jabatan": jabatan, "email": email,
                "active": 1, "must_change_password": int(must_change_password),
                "created_at": now.isoformat(),
            }).last_pk
            for role in roles:
                db["user_roles"].insert({"user_id": user_id, "role": role, "granted_by": granted_by,
                                         "granted_at": now.isoformat()})
    except sqlite3.IntegrityError:
        raise UserError(f"Nama pengguna \u201c{username}\u201d sudah dipakai.") from None
    return user_id


def ensure_first_admin(db, now: datetime) -> str | None:
    """On a fresh install, create `admin` with a one-time password and return that password."""
    if db.execute("SELECT count(*) FROM users").fetchone()[0]:
        return None
    password = new_password("admin", "Administrator")
    create_user(db, "admin", password, display_name="Administrator", roles=["admin"], now=now,
                must_change_password=True)
    return password


def authenticate(db, username: str, password: str) -> User | None:
    row = db.execute("SELECT id, password_hash FROM users WHERE username = ? AND active = 1",
                     [username.strip()]).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return get(db, row[0]) if check_password_hash(row[1], password) else None


def get(db, user_id: int) -> User | None:
    row = db.execute("SELECT id, username, display_name, jabatan, active, must_change_password "
                     "FROM users WHERE id = ?", [user_id]).fetchone()
    return User(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5])) if row else None


def roles_of(db, user_id: int, now: datetime) -> frozenset[str]:
    return frozenset(h["role"] for h in holdings(db, now, user_id=user_id))


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


# ---------------------------------------------------------------- administration
# Every change below writes one audit_log row whose detail starts with "akun <id>:" so that
# `history` can show an account's changes; passwords never appear in it.

ACTING_STATUS = {"berlaku": "sedang berlaku", "akan_datang": "belum mulai", "berakhir": "sudah berakhir"}


class UnknownUser(UserError):
    "No account has this id or user name."


class UnknownRole(UserError):
    "A role that is not one of ROLES."


class NoRole(UserError):
    "An account would be left without any permanent role."


class LastAdmin(UserError):
    "The change would leave no active administrator."


class SelfChange(UserError):
    "An administrator may not do this to their own account."


class InactiveAccount(UserError):
    "The account is deactivated."


class InvalidPeriod(UserError):
    "An acting period without an end, or ending before it starts."


class AlreadyHeld(UserError):
    "The account already holds the role permanently."


class UnknownGrant(UserError):
    "No acting grant with this id on this account."


class GrantEnded(UserError):
    "The acting grant has already ended."


class InvalidProfile(UserError):
    "A name or jabatan that cannot be stored."


@dataclass(frozen=True)
class Grant:
    id: int
    role: str
    valid_from: datetime | None
    valid_until: datetime
    status: str  # one of ACTING_STATUS
    granted_by: str | None


@dataclass(frozen=True)
class Account:
    user: User
    roles: tuple[str, ...]          # permanent roles, in ROLES order
    current_roles: frozenset[str]   # what the account may do right now (permanent and acting)
    grants: tuple[Grant, ...]       # acting (Plh/Plt) grants: running, pending and ended


def _ordered(roles) -> tuple[str, ...]:
    held = set(roles)
    return tuple(r for r in ROLES if r in held)


def _require(db, user_id: int) -> User:
    user = get(db, user_id)
    if user is None:
        raise UnknownUser("Akun tidak ditemukan.")
    return user


def get_by_username(db, username: str) -> User | None:
    row = db.execute("SELECT id FROM users WHERE username = ?", [username.strip()]).fetchone()
    return get(db, row[0]) if row else None


def permanent_roles(db, user_id: int) -> tuple[str, ...]:
    return _ordered(r[0] for r in db.execute(
        "SELECT role FROM user_roles WHERE user_id = ? AND valid_from IS NULL AND valid_until IS NULL", [user_id]))


def _status(valid_from: datetime | None, valid_until: datetime, now: datetime) -> str:
    moment = now.isoformat()
    if valid_until.isoformat() <= moment:
        return "berakhir"
    if valid_from is not None and valid_from.isoformat() > moment:
        return "akan_datang"
    return "berlaku"


def grants_of(db, user_id: int, now: datetime) -> tuple[Grant, ...]:
    rows = db.execute(
        """SELECT r.id, r.role, r.valid_from, r.valid_until, u.display_name FROM user_roles r
           LEFT JOIN users u ON u.id = r.granted_by
           WHERE r.user_id = ? AND (r.valid_from IS NOT NULL OR r.valid_until IS NOT NULL)
           ORDER BY r.valid_until DESC, r.id DESC""", [user_id]).fetchall()
    out = []
    for gid, role, start, end, by in rows:
        start_at = datetime.fromisoformat(start) if start else None
        # A grant without an end is not made by grant_acting; show it as running indefinitely.
        end_at = datetime.fromisoformat(end) if end else datetime.max.replace(tzinfo=now.tzinfo)
        out.append(Grant(gid, role, start_at, end_at, _status(start_at, end_at, now), by))
    return tuple(out)


def account(db, user_id: int, now: datetime) -> Account:
    user = _require(db, user_id)
    return Account(user, permanent_roles(db, user_id), roles_of(db, user_id, now), grants_of(db, user_id, now))


def list_users(db, now: datetime) -> list[Account]:
    """Every account, active ones first, each with its permanent roles, its roles right now and
    its acting grants (running, pending and ended)."""
    ids = [r[0] for r in db.execute("SELECT id FROM users ORDER BY active DESC, display_name COLLATE NOCASE, id")]
    return [account(db, uid, now) for uid in ids]


def _active_admins(db, except_user: int | None = None) -> int:
    """Active accounts that hold `admin` permanently (an acting admin lapses, so does not count)."""
    return db.execute(
        """SELECT count(DISTINCT u.id) FROM users u JOIN user_roles r ON r.user_id = u.id
           WHERE u.active = 1 AND r.role = 'admin' AND r.valid_from IS NULL AND r.valid_until IS NULL
           AND u.id != ?""", [except_user if except_user is not None else -1]).fetchone()[0]


def _is_last_admin(db, user: User) -> bool:
    return user.active and "admin" in permanent_roles(db, user.id) and _active_admins(db, user.id) == 0


def _check_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UnknownRole(f"Peran tidak dikenal: {', '.join(unknown)}. Pilihan: {', '.join(ROLES)}.")
    return roles


def _log(db, by: int | None, action: str, user: User, text: str, now: datetime) -> None:
    audit.record(db, by, action, f"akun {user.id}: {user.username}, {text}", now)


def history(db, user_id: int) -> list[dict]:
    """The audit rows about one account, newest first."""
    cursor = db.execute(
        "SELECT a.at, a.action, a.detail, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.detail LIKE ? ORDER BY a.id DESC", [f"akun {int(user_id)}: %"])
    return [dict(zip(("at", "action", "detail", "who"), row)) for row in cursor]


def new_password(username: str, display_name: str) -> str:
    "A one-time password: 16 random characters that pass the policy, shown once to the administrator."
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, username=username, display_name=display_name) is None:
            return password


def create_account(db, username: str, *, display_name: str, jabatan: str | None, roles: list[str],
                   by: int, now: datetime) -> tuple[int, str]:
    """Create an account with a one-time password the user must change at first sign-in.
    Returns the new id and the password, which is stored nowhere in clear."""
    roles = _check_roles(roles)
    if not roles:
        raise NoRole("Pilih sekurang-kurangnya satu peran.")
    display_name, jabatan = _clean_profile(display_name, jabatan)
    password = new_password(username, display_name)
    with write_transaction(db):
        user_id = create_user(db, username, password, display_name=display_name, roles=roles, now=now,
                              jabatan=jabatan, must_change_password=True, granted_by=by)
        _log(db, by, "buat_akun", get(db, user_id), f"peran {', '.join(_ordered(roles))}", now)
    return user_id, password


def _clean_profile(display_name: str, jabatan: str | None) -> tuple[str, str | None]:
    display_name = " ".join((display_name or "").split())
    jabatan = " ".join((jabatan or "").split()) or None
    if not display_name:
        raise InvalidProfile("Nama lengkap wajib diisi.")
    if len(display_name) > 120 or (jabatan and len(jabatan) > 200):
        raise InvalidProfile("Nama paling panjang 120 karakter dan jabatan 200 karakter.")
    return display_name, jabatan


def set_profile(db, user_id: int, display_name: str, jabatan: str | None, *, by: int, now: datetime) -> None:
    """Change the full name and jabatan shown on letters and in the staff pages."""
    user = _require(db, user_id)
    display_name, jabatan = _clean_profile(display_name, jabatan)
    if (display_name, jabatan) == (user.display_name, user.jabatan):
        return
    with write_transaction(db):
        db.execute("UPDATE users SET display_name = ?, jabatan = ? WHERE id = ?", [display_name, jabatan, user_id])
        _log(db, by, "ubah_profil", user,
             f"nama {user.display_name!r} \u2192 {display_name!r}, jabatan {user.jabatan or '-'!r} \u2192 "
             f"{jabatan or '-'!r}", now)


def set_email(db, user_id: int, email: str, *, by: int, now: datetime) -> None:
    """The address the daily digest goes to; empty for none."""
    user = _require(db, user_id)
    try:
        email = emails.normalise(email, example="nama@trenggalekkab.go.id")
    except emails.InvalidEmail as exc:
        raise InvalidProfile(str(exc)) from None
    with write_transaction(db):
        db.execute("UPDATE users SET email = ? WHERE id = ?", [email or None, user_id])
        _log(db, by, "ubah_email", user, "alamat e-mail diubah" if email else "alamat e-mail dihapus", now)


def email_of(db, user_id: int) -> str | None:
    row = db.execute("SELECT email FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else None


def set_roles(db, user_id: int, roles: list[str], *, by: int, now: datetime) -> None:
    """Replace the account's permanent roles; acting grants are left as they are."""
    user = _require(db, user_id)
    roles = _check_roles(roles)
    if not roles:
        raise NoRole("Pilih sekurang-kurangnya satu peran.")
    with write_transaction(db):
        before = permanent_roles(db, user_id)
        if "admin" in before and "admin" not in roles and _is_last_admin(db, user):
            raise LastAdmin("Peran Administrator tidak dapat dicabut dari administrator aktif terakhir. "
                            "Berikan peran itu kepada akun lain terlebih dahulu.")
        if set(before) == set(roles):
            return
        db.execute("DELETE FROM user_roles WHERE user_id = ? AND valid_from IS NULL AND valid_until IS NULL",
                   [user_id])
        for role in roles:
            db["user_roles"].insert({"user_id": user_id, "role": role, "granted_by": by,
                                     "granted_at": now.isoformat()})
        _log(db, by, "ubah_peran", user,
             f"peran {', '.join(before) or '-'} \u2192 {', '.join(_ordered(roles))}", now)


def deactivate(db, user_id: int, *, by: int, now: datetime) -> None:
    """Stop the account from signing in and end every session it has, at once."""
    user = _require(db, user_id)
    if user_id == by:
        raise SelfChange("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    with write_transaction(db):
        if _is_last_admin(db, user):
            raise LastAdmin("Administrator aktif terakhir tidak dapat dinonaktifkan.")
        if not user.active:
            return
        db.execute("UPDATE users SET active = 0 WHERE id = ?", [user_id])
        end_sessions(db, user_id)
        _log(db, by, "nonaktifkan", user, "akun dinonaktifkan; semua sesi diakhiri", now)


def reactivate(db, user_id: int, *, by: int, now: datetime) -> None:
    user = _require(db, user_id)
    if user.active:
        return
    with write_transaction(db):
        db.execute("UPDATE users SET active = 1 WHERE id = ?", [user_id])
        _log(db, by, "aktifkan", user, "akun diaktifkan kembali", now)


def reset_password(db, user_id: int, *, by: int, now: datetime) -> str:
    """Give the account a new one-time password (returned, to be shown once), end its sessions,
    and make the user choose a new password at the next sign-in."""
    user = _require(db, user_id)
    if user_id == by:
        raise SelfChange("Ganti kata sandi Anda sendiri melalui halaman Ganti kata sandi.")
    password = new_password(user.username, user.display_name)
    with write_transaction(db):
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?",
                   [generate_password_hash(password), user_id])
        end_sessions(db, user_id)
        _log(db, by, "reset_kata_sandi", user, "kata sandi sekali pakai dibuat; semua sesi diakhiri", now)
    return password


def _aligned(moment: datetime, now: datetime) -> datetime:
    """Store period bounds in the same form as `now`, so that roles_of can compare the text."""
    if moment.tzinfo is None and now.tzinfo is not None:
        moment = moment.replace(tzinfo=now.tzinfo)
    elif moment.tzinfo is not None and now.tzinfo is not None:
        moment = moment.astimezone(now.tzinfo)
    elif moment.tzinfo is not None and now.tzinfo is None:
        moment = moment.replace(tzinfo=None)
    return moment.replace(microsecond=0)


def grant_acting(db, user_id: int, role: str, valid_from: datetime | None, valid_until: datetime | None, *,
                 by: int, now: datetime, note: str = "") -> int:
    """Give a role for a period to an acting official (Plh/Plt). It lapses by itself at
    valid_until: roles are read on every request. Returns the grant's id."""
    user = _require(db, user_id)
    if role not in ROLES:
        raise UnknownRole(f"Peran tidak dikenal: {role or '(kosong)'}. Pilihan: {', '.join(ROLES)}.")
    if valid_until is None:
        raise InvalidPeriod("Isi akhir masa berlaku; peran Plh/Plt selalu untuk jangka waktu tertentu.")
    start = _aligned(valid_from or now, now)
    end = _aligned(valid_until, now)
    if end <= start:
        raise InvalidPeriod("Akhir masa berlaku harus sesudah awalnya.")
    _refuse_ended_period(end, now)
    if not user.active:
        raise InactiveAccount("Akun ini nonaktif; aktifkan kembali sebelum memberi peran sementara.")
    if role in permanent_roles(db, user_id):
        raise AlreadyHeld(f"Akun ini sudah memegang peran {ROLES[role]} secara tetap.")
    note = " ".join((note or "").split())[:500]
    with write_transaction(db):
        grant_id = db["user_roles"].insert({"user_id": user_id, "role": role, "valid_from": start.isoformat(),
                                            "valid_until": end.isoformat(), "granted_by": by,
                                            "granted_at": now.isoformat()}).last_pk
        _log(db, by, "beri_peran_sementara", user,
             f"peran sementara {role} (hak {grant_id}) {start.isoformat()} s.d. {end.isoformat()}"
             + (f"; dasar: {note}" if note else ""), now)
    return grant_id


def revoke_grant(db, user_id: int, grant_id: int, *, by: int, now: datetime) -> None:
    """End an acting grant now. A running grant keeps its record with its end moved to now;
    one that has not started is removed. Either way the audit log keeps the full story."""
    user = _require(db, user_id)
    row = db.execute("SELECT role, valid_from, valid_until FROM user_roles WHERE id = ? AND user_id = ? "
                     "AND valid_until IS NOT NULL", [grant_id, user_id]).fetchone()
    if row is None:
        raise UnknownGrant("Peran sementara itu tidak ditemukan pada akun ini.")
    role, start, end = row
    moment = _aligned(now, now).isoformat()
    if end <= moment:
        raise GrantEnded("Peran sementara itu sudah berakhir.")
    with write_transaction(db):
        if start is not None and start > moment:
            db.execute("DELETE FROM user_roles WHERE id = ?", [grant_id])
            what = "dibatalkan sebelum mulai"
        else:
            db.execute("UPDATE user_roles SET valid_until = ? WHERE id = ?", [moment, grant_id])
            what = f"diakhiri {moment} (semula s.d. {end})"
        _log(db, by, "cabut_peran_sementara", user, f"peran sementara {role} (hak {grant_id}) {what}", now)


# ---------------------------------------------------------------- who holds a role now
# The one place that reads the validity periods of user_roles: an acting official (Plh/Plt)
# holds the role from valid_from until valid_until, not before and not after. Every question
# "which roles does this account have now" and "who is a pejabat now" goes through holdings().

def holdings(db, now: datetime, *, role: str | None = None, user_id: int | None = None,
             active_only: bool = False) -> list[dict]:
    """(user_id, role) of every role held at `now`, permanent or acting, optionally narrowed to
    one role, one account, or active accounts."""
    moment = now.isoformat()
    where, params = ["(r.valid_from IS NULL OR r.valid_from <= ?) AND (r.valid_until IS NULL OR r.valid_until > ?)"], \
        [moment, moment]
    if role is not None:
        where.append("r.role = ?")
        params.append(role)
    if user_id is not None:
        where.append("r.user_id = ?")
        params.append(user_id)
    if active_only:
        where.append("u.active = 1")
    return list(db.query(f"SELECT DISTINCT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id "
                         f"WHERE {' AND '.join(where)}", params))


def holders(db, role: str, now: datetime) -> list[dict]:
    """The active accounts holding `role` at `now` (id, display_name, jabatan), by name: whom
    a form may offer, and whom a step may name, for that role."""
    ids = [h["user_id"] for h in holdings(db, now, role=role, active_only=True)]
    if not ids:
        return []
    return list(db.query(f"SELECT id, display_name, jabatan FROM users WHERE id IN ({','.join('?' * len(ids))}) "
                         "ORDER BY display_name COLLATE NOCASE, id", ids))


def holds(db, user_id: int, role: str, now: datetime) -> bool:
    """Whether this active account holds `role` at `now`."""
    return bool(holdings(db, now, role=role, user_id=user_id, active_only=True))


def _refuse_ended_period(end: datetime, now: datetime) -> None:
    """A grant whose period is already over would never take effect: refuse it."""
    if end <= _aligned(now, now):
        raise InvalidPeriod("Masa berlaku itu sudah berakhir. Isi akhir masa berlaku sesudah saat ini.")
