"""Staff accounts, their roles, and who holds a role now.

A role may be held for a period (valid_from/valid_until): that is how an acting official
(Plh/Plt) is recorded, and the role lapses by itself when the period ends; `holdings` is the one
place that reads those periods.

Elsewhere: the password policy (passwords.py), signing in, sessions and the waits after failed
sign-ins (signin.py), and the administrator's changes to accounts (accounts.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from werkzeug.security import generate_password_hash

from ..db import write_transaction
from . import emails
from .passwords import new_password, password_problem

ROLES = {
    "operator": "Operator Pengaduan",
    "kabid": "Kabid PIAK",
    "kadis": "Kepala Dinas",
    "pejabat": "Pejabat penanggap",
    "admin": "Administrator",
    "data": "Petugas data kependudukan",
    "web": "Tim Pengelola Website",
}


class UserError(ValueError):
    "The account cannot be created or changed as asked."


class WeakPassword(UserError):
    "A new password that the policy refuses; the message names the reason."


class UnknownUser(UserError):
    "No account has this id or user name."


class InvalidProfile(UserError):
    "A name or jabatan that cannot be stored."


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


def get(db, user_id: int) -> User | None:
    row = db.execute("SELECT id, username, display_name, jabatan, active, must_change_password "
                     "FROM users WHERE id = ?", [user_id]).fetchone()
    return User(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5])) if row else None


def roles_of(db, user_id: int, now: datetime) -> frozenset[str]:
    return frozenset(h["role"] for h in holdings(db, now, user_id=user_id))


def _require(db, user_id: int) -> User:
    user = get(db, user_id)
    if user is None:
        raise UnknownUser("Akun tidak ditemukan.")
    return user


def get_by_username(db, username: str) -> User | None:
    row = db.execute("SELECT id FROM users WHERE username = ?", [username.strip()]).fetchone()
    return get(db, row[0]) if row else None


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


def holder_ids(db, role: str, now: datetime) -> list[int]:
    """The ids of the active accounts holding `role` at `now`."""
    return [h["user_id"] for h in holdings(db, now, role=role, active_only=True)]


def holders(db, role: str, now: datetime) -> list[dict]:
    """The active accounts holding `role` at `now` (id, display_name, jabatan), by name: whom
    a form may offer, and whom a step may name, for that role."""
    ids = holder_ids(db, role, now)
    if not ids:
        return []
    return list(db.query(f"SELECT id, display_name, jabatan FROM users WHERE id IN ({','.join('?' * len(ids))}) "
                         "ORDER BY display_name COLLATE NOCASE, id", ids))


def holds(db, user_id: int, role: str, now: datetime) -> bool:
    """Whether this active account holds `role` at `now`."""
    return bool(holdings(db, now, role=role, user_id=user_id, active_only=True))
