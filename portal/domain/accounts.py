"""The administrator's changes to staff accounts: creating them, their name, jabatan and e-mail,
their roles, deactivation, password resets, and acting (Plh/Plt) grants of a role for a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from werkzeug.security import generate_password_hash

from ..db import write_transaction
from . import audit, emails, formatting
from .passwords import new_password
from .signin import end_sessions
from .users import ROLES, InvalidProfile, User, UserError, _require, create_user, get, roles_of

# Every change below writes one audit_log row whose detail starts with "akun <id>:" so that
# `history` can show an account's changes; passwords never appear in it.

ACTING_STATUS = {"berlaku": "sedang berlaku", "akan_datang": "belum mulai", "berakhir": "sudah berakhir"}


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


def _named(roles) -> str:
    """Roles as the administrator reads them ("Kepala Dinas, Administrator"), not their codes."""
    return ", ".join(ROLES.get(r, r) for r in roles) or "-"


def _log(db, by: int | None, action: str, user: User, text: str, now: datetime) -> None:
    audit.record(db, by, action, f"akun {user.id}: {user.username}, {text}", now)


def history(db, user_id: int) -> list[dict]:
    """The audit rows about one account, newest first."""
    cursor = db.execute(
        "SELECT a.at, a.action, a.detail, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.detail LIKE ? ORDER BY a.id DESC", [f"akun {int(user_id)}: %"])
    return [dict(zip(("at", "action", "detail", "who"), row)) for row in cursor]


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
        _log(db, by, "buat_akun", get(db, user_id), f"peran {_named(_ordered(roles))}", now)
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
             f"peran {_named(before)} \u2192 {_named(_ordered(roles))}", now)


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
             f"peran sementara {ROLES[role]} (hak {grant_id}) {formatting.waktu(start, now.tzinfo)} s.d. "
             f"{formatting.waktu(end, now.tzinfo)}"
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
            what = f"diakhiri {formatting.waktu(moment, now.tzinfo)} (semula s.d. {formatting.waktu(end, now.tzinfo)})"
        _log(db, by, "cabut_peran_sementara", user, f"peran sementara {ROLES.get(role, role)} (hak {grant_id}) {what}",
             now)


def _refuse_ended_period(end: datetime, now: datetime) -> None:
    """A grant whose period is already over would never take effect: refuse it."""
    if end <= _aligned(now, now):
        raise InvalidPeriod("Masa berlaku itu sudah berakhir. Isi akhir masa berlaku sesudah saat ini.")
