"""Staff accounts and their roles.

A role may be held for a period (valid_from/valid_until): that is how an acting official
(Plh/Plt) is recorded, and the role lapses by itself when the period ends.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from werkzeug.security import check_password_hash, generate_password_hash

from ..db import write_transaction

ROLES = {
    "operator": "Operator Pengaduan",
    "kabid": "Kabid PIAK",
    "kadis": "Kepala Dinas",
    "pejabat": "Pejabat penanggap",
    "admin": "Administrator",
}

MIN_PASSWORD = 10
# Checked when the user is unknown too, so that a wrong user name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class UserError(ValueError):
    "The account cannot be created or changed as asked."


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    jabatan: str | None
    active: bool
    must_change_password: bool
    session_version: int


def create_user(db, username: str, password: str, *, display_name: str, roles: list[str],
                now: datetime, jabatan: str | None = None, must_change_password: bool = False,
                granted_by: int | None = None) -> int:
    username = username.strip()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise UserError("Nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah, atau tanda hubung.")
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise UserError(f"Peran tidak dikenal: {', '.join(unknown) or '(kosong)'}. Pilihan: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    try:
        with write_transaction(db):
            user_id = db["users"].insert({
                "username": username, "password_hash": generate_password_hash(password),
                "display_name": display_name.strip() or username, "jabatan": jabatan,
                "active": 1, "must_change_password": int(must_change_password),
                "session_version": 1, "created_at": now.isoformat(),
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
    password = secrets.token_urlsafe(12)
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
    row = db.execute("SELECT id, username, display_name, jabatan, active, must_change_password, "
                     "session_version FROM users WHERE id = ?", [user_id]).fetchone()
    return User(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]), row[6]) if row else None


def roles_of(db, user_id: int, now: datetime) -> frozenset[str]:
    moment = now.isoformat()
    return frozenset(r[0] for r in db.execute(
        """SELECT role FROM user_roles WHERE user_id = ?
           AND (valid_from IS NULL OR valid_from <= ?) AND (valid_until IS NULL OR valid_until > ?)""",
        [user_id, moment, moment]))


def change_password(db, user_id: int, new_password: str) -> None:
    if len(new_password) < MIN_PASSWORD:
        raise UserError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    with write_transaction(db):
        # A new session version signs out every other session of this account.
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 0, "
                   "session_version = session_version + 1 WHERE id = ?",
                   [generate_password_hash(new_password), user_id])
