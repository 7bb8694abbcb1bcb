"""Changes to the public site, from a draft to the live page (SOP "Pengelolaan Website", and
SOP "Sosialisasi ... melalui Media Cetak" step 5 for materials).

A change is the whole new text of one file under the content repository (a page, a news post, a
material, the schedule, the office details; None: the file is removed), with the images it adds
and, for a new page, where it goes in the menu. Nothing reaches the site until the change is
published: then the publishing job (portal.publish.deploy_job) commits it with the author's name,
builds the site from that commit and switches the live site to it.

This module keeps the change record and its store, and the publishing queue. As in
portal.domain.workflow, the states and steps are one table and `check()` is the one place that
decides who may take which step from which state: portal.domain.site_change_steps. What may be
written and the checks of a text: portal.domain.site_change_text. Every name of the three stays
importable from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..db import write_transaction
from ..publish import drafts
# The workflow and the text checks live in their own modules; their names stay importable from here.
from .site_change_steps import (EDITABLE, STATES, STEPS, SYSTEM, Stale, State, Step,  # noqa: F401
                                StepNotAllowed, check, role_allows)
from .site_change_text import (CONTENT, MATERIALS, MENU, NEWS, OFFICE, PAGE_PATH, RESERVED,  # noqa: F401
                               SCHEDULE, SLUG, BadInput, _normalise, check_text, diff, dump_yaml,
                               needs_approval, page_path_problem, slugify, strip_system_keys, with_approval)


class Conflict(Exception):
    """Someone else saved first: this text was kept as its own draft (`change_id`)."""

    def __init__(self, message: str, change_id: int):
        super().__init__(message)
        self.change_id = change_id


# ------------------------------------------------------------------ the store

def _ts(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


@dataclass
class Change:
    id: int
    kind: str
    path: str
    title: str
    text: str | None
    base_blob: str | None
    state: str
    version: int
    author_id: int
    reviewer_id: int | None
    approver_id: int | None
    approved_at: str | None
    approved_hash: str | None
    note: str | None
    error: str | None
    menu: str | None
    restored_from: str | None
    published_commit: str | None
    created_at: str
    updated_at: str

    @property
    def state_label(self) -> str:
        return STATES[self.state].label

    @property
    def needs_approval(self) -> bool:
        return needs_approval(self.path, self.text)

    @property
    def checks_base(self) -> bool:
        """A menu change is an operation replayed on the menu as published: it has no base."""
        return self.kind != "menu"

    @property
    def menu_op(self) -> dict | None:
        return json.loads(self.menu) if self.menu else None


_COLUMNS = ("id", "kind", "path", "title", "text", "base_blob", "state", "version", "author_id", "reviewer_id",
            "approver_id", "approved_at", "approved_hash", "note", "error", "menu", "restored_from",
            "published_commit", "created_at", "updated_at")


def get(db, change_id: int) -> Change | None:
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM site_changes WHERE id = ?", [change_id]).fetchone()
    return Change(*row) if row else None


def list_changes(db, *, open_only: bool = False, path: str | None = None, limit: int = 200) -> list[Change]:
    where, params = [], []
    if open_only:
        where.append(f"state IN ({', '.join('?' * len([s for s in STATES.values() if s.open]))})")
        params += [s.code for s in STATES.values() if s.open]
    if path:
        where.append("path = ?")
        params.append(path)
    sql = (f"SELECT {', '.join(_COLUMNS)} FROM site_changes"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY updated_at DESC, id DESC LIMIT ?")
    return [Change(*row) for row in db.execute(sql, params + [limit])]


def open_for(db, path: str, exclude: int | None = None) -> Change | None:
    for change in list_changes(db, open_only=True, path=path):
        if change.id != exclude:
            return change
    return None


def files_of(db, change_id: int) -> list[dict]:
    return [dict(zip(("path", "alt", "size"), row)) for row in db.execute(
        "SELECT path, alt, length(data) FROM site_change_files WHERE change_id = ? ORDER BY path", [change_id])]


def file_data(db, change_id: int) -> dict[str, bytes]:
    return {row[0]: row[1] for row in db.execute(
        "SELECT path, data FROM site_change_files WHERE change_id = ?", [change_id])}


def events(db, change_id: int) -> list[dict]:
    cursor = db.execute(
        "SELECT e.at, e.step, e.from_state, e.to_state, e.note, u.display_name, u.username "
        "FROM site_change_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.change_id = ? ORDER BY e.id",
        [change_id])
    return [dict(zip(("at", "step", "from_state", "to_state", "note", "who", "username"), row)) for row in cursor]


def contributors(db, change_id: int) -> set[int]:
    return {row[0] for row in db.execute(
        "SELECT DISTINCT actor_id FROM site_change_events WHERE change_id = ? AND step IN ('buat', 'simpan') "
        "AND actor_id IS NOT NULL", [change_id])}


def _event(db, change_id: int, actor_id: int | None, step: str, before: str | None, after: str | None,
           note: str | None, now: datetime) -> None:
    db["site_change_events"].insert({"change_id": change_id, "at": _ts(now), "actor_id": actor_id, "step": step,
                                     "from_state": before, "to_state": after, "note": note})


def create(db, *, kind: str, path: str, title: str, text: str | None, base_blob: str | None, actor_id: int,
           now: datetime, menu: dict | None = None, restored_from: str | None = None,
           files: dict[str, tuple[bytes, str]] | None = None, note: str | None = None) -> int:
    """A new draft. Another open change of the same file makes this one a Conflict: it is kept
    as its own draft all the same, so no text is lost."""
    if text is not None:
        text = strip_system_keys(text)
    with write_transaction(db):
        other = open_for(db, path) if kind != "menu" else None
        change_id = db["site_changes"].insert({
            "kind": kind, "path": path, "title": title.strip() or path, "text": text, "base_blob": base_blob,
            "state": "draf", "version": 1, "author_id": actor_id, "menu": json.dumps(menu) if menu else None,
            "restored_from": restored_from, "created_at": _ts(now), "updated_at": _ts(now)}).last_pk
        for file_path, (data, alt) in (files or {}).items():
            db["site_change_files"].insert({"change_id": change_id, "path": file_path, "data": data, "alt": alt})
        _event(db, change_id, actor_id, "buat", None, "draf",
               note or (f"dipulihkan dari versi {restored_from[:10]}" if restored_from else None), now)
        if other is not None:
            _event(db, change_id, actor_id, "bentrok", "draf", "draf",
                   f"disimpan terpisah: perubahan #{other.id} atas berkas yang sama sedang dikerjakan", now)
    if other is not None:
        raise Conflict(_conflict_message(db, other), change_id)
    return change_id


def _conflict_message(db, other: Change) -> str:
    who = db.execute("SELECT display_name FROM users WHERE id = ?", [other.author_id]).fetchone()
    return (f"Berkas ini sedang diubah dalam perubahan #{other.id} ({who[0] if who else 'anggota tim lain'}), "
            "yang disimpan lebih dulu. Teks Anda TIDAK hilang: teks itu disimpan sebagai draf tersendiri "
            "(di bawah ini). Bandingkan kedua teks, lalu satukan isinya dalam salah satu perubahan dan "
            "batalkan yang lain.")


def save(db, change_id: int, *, text: str | None, title: str, version: int, actor_id: int, roles,
         now: datetime, files: dict[str, tuple[bytes, str]] | None = None) -> int:
    """Save a new text of a draft. If someone saved it since `version` was read, the text is kept
    as its own draft and Conflict says so. Returns the change id."""
    if text is not None:
        text = strip_system_keys(text)
    conflict = None
    with write_transaction(db):
        change = get(db, change_id)
        if change is None:
            raise StepNotAllowed("Perubahan tidak ditemukan.")
        check("simpan", change.state, roles)
        if change.version != version:
            conflict = change
        else:
            db.execute("UPDATE site_changes SET text = ?, title = ?, version = version + 1, state = 'draf', "
                       "updated_at = ?, error = NULL WHERE id = ?",
                       [text, title.strip() or change.title, _ts(now), change_id])
            for file_path, (data, alt) in (files or {}).items():
                db.execute("INSERT OR REPLACE INTO site_change_files (change_id, path, data, alt) VALUES (?, ?, ?, ?)",
                           [change_id, file_path, data, alt])
            _event(db, change_id, actor_id, "simpan", change.state, "draf", None, now)
    if conflict is None:
        return change_id
    # Outside the first transaction: the refused text becomes its own draft (same base).
    new_id = db["site_changes"].insert({
        "kind": conflict.kind, "path": conflict.path, "title": title.strip() or conflict.title, "text": text,
        "base_blob": conflict.base_blob, "state": "draf", "version": 1, "author_id": actor_id,
        "menu": conflict.menu, "created_at": _ts(now), "updated_at": _ts(now)}).last_pk
    with write_transaction(db):
        for file_path, (data, alt) in (files or {}).items():
            db["site_change_files"].insert({"change_id": new_id, "path": file_path, "data": data, "alt": alt})
        _event(db, new_id, actor_id, "buat", None, "draf",
               f"teks yang ditolak karena perubahan #{conflict.id} sudah disimpan orang lain lebih dulu", now)
    raise Conflict(
        f"Perubahan #{conflict.id} sudah disimpan oleh anggota tim lain setelah Anda membukanya, sehingga "
        f"simpanan Anda ditolak agar tidak menimpa teks mereka. Teks Anda TIDAK hilang: teks itu disimpan "
        f"sebagai draf tersendiri #{new_id}. Bandingkan kedua teks, lalu satukan isinya.", new_id)


def take_step(db, change_id: int, step_code: str, *, actor_id: int | None, roles, now: datetime,
              note: str | None = None, approver_name: str | None = None, current_blob=None) -> Change:
    """Take a workflow step. `setujui` writes the approval keys into the text (the account, the
    date, the hash of the exact text approved). `terbitkan` queues the publishing job and needs
    `current_blob(path)`: the file as it is on the site now, to refuse a change whose base is stale."""
    note = (note or "").strip() or None
    with write_transaction(db):
        change = get(db, change_id)
        if change is None:
            raise StepNotAllowed("Perubahan tidak ditemukan.")
        step = check(step_code, change.state, roles, actor_id=actor_id, contributors=contributors(db, change_id),
                     needs_approval=change.needs_approval)
        if step.needs_note and not note:
            raise BadInput("Tulis catatan: apa yang perlu diperbaiki.")
        updates = {"state": step.to_state, "updated_at": _ts(now), "version": change.version + 1}
        if step_code == "tinjau":
            updates["reviewer_id"] = actor_id
        if step_code == "setujui":
            local = now.date()
            text, digest = with_approval(change.text or "", approver_name or str(actor_id), local)
            updates |= {"text": text, "approver_id": actor_id, "approved_at": _ts(now), "approved_hash": digest}
        if step_code == "kembalikan":
            updates["note"] = note
        if step_code == "terbitkan":
            if change.checks_base and current_blob is not None and current_blob(change.path) != change.base_blob:
                raise Stale("Berkas ini sudah diubah dan diterbitkan orang lain sejak perubahan ini dimulai. "
                            "Buka versi yang sekarang terbit, satukan perubahan Anda ke dalamnya, lalu ajukan "
                            "lagi. Teks perubahan ini tetap tersimpan.")
            db["site_jobs"].insert({"change_id": change_id, "status": "pending", "attempts": 0,
                                    "created_at": _ts(now), "next_attempt_at": _ts(now)})
            updates["error"] = None
        db["site_changes"].update(change_id, updates)
        _event(db, change_id, actor_id, step_code, change.state, step.to_state, note, now)
    return get(db, change_id)


# ------------------------------------------------------------------ the publishing queue

STALE_CLAIM = timedelta(minutes=30)


@dataclass(frozen=True)
class Job:
    id: int
    change_id: int
    attempts: int


def claim_job(db, now: datetime) -> Job | None:
    """The oldest due job; one left 'running' by a runner that died is taken over."""
    with write_transaction(db):
        row = db.execute(
            """SELECT id, change_id, attempts FROM site_jobs
               WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'running' AND claimed_at <= ?)
               ORDER BY id LIMIT 1""", [_ts(now), _ts(now - STALE_CLAIM)]).fetchone()
        if row is None:
            return None
        db.execute("UPDATE site_jobs SET status = 'running', claimed_at = ?, attempts = attempts + 1 WHERE id = ?",
                    [_ts(now), row[0]])
    return Job(row[0], row[1], row[2] + 1)


def finish_job(db, job: Job, *, ok: bool, now: datetime, commit: str | None = None, release: str | None = None,
               error: str | None = None) -> None:
    with write_transaction(db):
        db.execute("UPDATE site_jobs SET status = ?, finished_at = ?, error = ?, release = ?, commit_sha = ? "
                   "WHERE id = ?", ["done" if ok else "failed", _ts(now), error, release, commit, job.id])
        change = get(db, job.change_id)
        if change is None or change.state != "antre":
            return
        step = "berhasil" if ok else "gagal"
        updates = {"state": STEPS[step].to_state, "updated_at": _ts(now), "error": error}
        if ok:
            updates["published_commit"] = commit
        db["site_changes"].update(change.id, updates)
        _event(db, change.id, None, step, "antre", STEPS[step].to_state,
               (error or "")[:2000] or None, now)


def retry_job_later(db, job: Job, now: datetime, error: str) -> None:
    """A failure of the machine rather than of the change (disk full, git locked): try again."""
    delay = min(60 * 2 ** (job.attempts - 1), 3600)
    with write_transaction(db):
        db.execute("UPDATE site_jobs SET status = 'pending', claimed_at = NULL, error = ?, next_attempt_at = ? "
                   "WHERE id = ?", [error, _ts(now + timedelta(seconds=delay)), job.id])


def jobs(db, limit: int = 20) -> list[dict]:
    cursor = db.execute("SELECT id, change_id, status, attempts, created_at, finished_at, error, release "
                        "FROM site_jobs ORDER BY id DESC LIMIT ?", [limit])
    return [dict(zip(("id", "change_id", "status", "attempts", "created_at", "finished_at", "error", "release"), r))
            for r in cursor]


def commit_message(db, change: Change) -> str:
    """The publication's commit message: what and who, with the reviewer, the approver and the
    approval ledger trailer that the publishing pipeline verifies (drafts.approved_hashes)."""
    def name(user_id):
        row = db.execute("SELECT display_name, username FROM users WHERE id = ?", [user_id]).fetchone()
        return f"{row[0]} ({row[1]})" if row else "-"

    verb = "Menu" if change.kind == "menu" else "Hapus" if change.text is None else ("Pulihkan" if change.restored_from else "Terbitkan")
    lines = [f"{verb} {change.path}: {change.title}", "",
             f"Perubahan situs #{change.id} ({change.kind}).", "",
             f"Perubahan-situs: {change.id}", f"Ditulis-oleh: {name(change.author_id)}"]
    if change.reviewer_id:
        lines.append(f"Ditinjau-oleh: {name(change.reviewer_id)}")
    if change.approver_id:
        lines.append(f"Disetujui-oleh: {name(change.approver_id)}")
        lines.append(f"{drafts.LEDGER_TRAILER}: {change.approved_hash}")
    if change.restored_from:
        lines.append(f"Dipulihkan-dari: {change.restored_from}")
    return "\n".join(lines) + "\n"
