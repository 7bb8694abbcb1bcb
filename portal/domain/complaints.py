"""Filing a complaint, adding information to it, and what its tracking code shows.

Every change writes the complaint, its event and its e-mail in one transaction: what a
citizen was told we accepted is on disk, together with the message that tells them so.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from ..db import write_transaction
from . import (deadlines, emails, messages, nik as nik_rules, outbox, regions, rendering, storage, tracking,
               uploads, users, workflow)
from .calendar import Calendar, Deadline
from .catalog import Catalog
from .formatting import angka

VISIBILITIES = {
    "publik": "Publik: isi pengaduan dan tanggapan boleh ditampilkan di situs setelah data pribadi dihapus",
    "rahasia": "Rahasia: isi pengaduan hanya dilihat petugas",
    "anonim": "Anonim: identitas saya tidak dicatat dan tidak diketahui petugas",
}

PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$|^(\+62|62|0)[1-9][0-9]{6,10}$")


class InvalidComplaint(ValueError):
    "The complaint has fields that are missing or wrong; `errors` maps field to message."

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class DuplicateLaporId(ValueError):
    "A complaint with this SP4N-LAPOR! tracking ID is already registered."


class NotWaitingForInformation(ValueError):
    "The complaint is not waiting for information from the citizen."


@dataclass
class NewComplaint:
    channel: str
    category: str
    kecamatan: str
    desa: str
    visibility: str
    body: str
    name: str = ""
    email: str = ""
    phone: str = ""
    nik: str = ""
    lapor_id: str = ""
    consent: bool = False
    received_at: datetime | None = None  # for other channels: when the office received it
    entered_by: int | None = None


@dataclass(frozen=True)
class Limits:
    max_text_chars: int = 5000
    max_files: int = 3
    max_file_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Filed:
    id: int
    tracking_code: str
    received_at: datetime
    due: Deadline


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s\-().]", "", text or "")


def validate(new: NewComplaint, catalog: Catalog, limits: Limits, today: date) -> NewComplaint:
    """Return the complaint with normalised fields, or raise InvalidComplaint naming each problem."""
    errors: dict[str, str] = {}
    anonymous = new.visibility == "anonim"
    clean = NewComplaint(**{**new.__dict__})
    for name in ("name", "email", "phone", "nik", "lapor_id", "body"):
        setattr(clean, name, (getattr(new, name) or "").strip())
    if anonymous:
        # An anonymous complaint keeps no identity at all, even if some was typed.
        clean.name = clean.email = clean.phone = clean.nik = ""
    clean.phone = normalise_phone(clean.phone)

    if new.visibility not in VISIBILITIES:
        errors["visibility"] = "Pilih sifat pengaduan: publik, rahasia, atau anonim."
    if not anonymous and not clean.name:
        errors["name"] = "Nama wajib diisi, kecuali untuk pengaduan anonim."
    elif len(clean.name) > 100:
        errors["name"] = "Nama terlalu panjang (paling banyak 100 karakter)."
    try:
        clean.email = emails.normalise(clean.email)
    except emails.InvalidEmail as exc:
        errors["email"] = str(exc)
    if clean.phone and not PHONE.match(clean.phone):
        errors["phone"] = "Nomor telepon tidak valid. Contoh: 081234567890"
    if new.channel == "web" and not anonymous and not (clean.email or clean.phone) \
            and "email" not in errors and "phone" not in errors:
        errors["email"] = "Isi alamat e-mail atau nomor telepon agar kami dapat menghubungi Anda."
    if clean.nik:
        try:
            clean.nik = nik_rules.validate(clean.nik, today=today).number
        except nik_rules.InvalidNik as exc:
            errors["nik"] = str(exc)
    if new.channel not in catalog.channels:
        errors["channel"] = "Pilih saluran pengaduan dari daftar."
    if new.channel == "sp4n-lapor" and not clean.lapor_id:
        errors["lapor_id"] = "Nomor tracking SP4N-LAPOR! wajib diisi untuk pengaduan dari LAPOR!."
    if new.category not in catalog.categories:
        errors["category"] = "Pilih kategori pengaduan dari daftar."
    kecamatan = regions.get(new.kecamatan or "")
    if kecamatan is None or kecamatan.jenis != "kecamatan":
        errors["kecamatan"] = "Pilih kecamatan dari daftar."
    elif not regions.desa_in_kecamatan(new.desa or "", new.kecamatan):
        errors["desa"] = f"Pilih desa/kelurahan yang berada di Kecamatan {kecamatan.nama}."
    if not clean.body:
        errors["body"] = "Isi pengaduan wajib diisi."
    elif len(clean.body) < 10:
        errors["body"] = "Isi pengaduan terlalu singkat; jelaskan apa yang terjadi."
    elif len(clean.body) > limits.max_text_chars:
        errors["body"] = (f"Isi pengaduan terlalu panjang ({angka(len(clean.body))} karakter); "
                          f"paling banyak {angka(limits.max_text_chars)} karakter.")
    if new.channel == "web" and not new.consent:
        errors["consent"] = "Anda perlu menyetujui pemrosesan data pribadi agar pengaduan dapat kami tangani."
    if errors:
        raise InvalidComplaint(errors)
    return clean


def file_complaint(db, new: NewComplaint, files: list[uploads.CleanFile], *, catalog: Catalog,
                   calendar: Calendar, upload_dir: str, now: datetime, base_url: str,
                   limits: Limits = Limits()) -> Filed:
    """Register a complaint with its attachments, its first event and its acknowledgment."""
    new = validate(new, catalog, limits, now.date())
    if len(files) > limits.max_files:
        raise InvalidComplaint({"files": f"Paling banyak {limits.max_files} lampiran."})
    received_at = new.received_at or now
    due = deadlines.answer_deadline(calendar, catalog, received_at.date())
    with _all_or_nothing(upload_dir, files) as stored, write_transaction(db):
        if new.lapor_id and db.execute(
                "SELECT 1 FROM complaints WHERE lapor_id = ?", [new.lapor_id]).fetchone():
            raise DuplicateLaporId(
                f"Pengaduan dengan nomor LAPOR! {new.lapor_id} sudah tercatat; jangan dicatat dua kali.")
        complaint_id, code = _insert(db, new, received_at, now)
        event_id = _event(db, complaint_id, now, workflow.REGISTERED, None, workflow.INITIAL,
                          actor_id=new.entered_by,
                          actor_role="operator" if new.entered_by else workflow.CITIZEN,
                          note=catalog.channels[new.channel])
        _attach(db, complaint_id, event_id, files, stored, now, upload_dir)
        if new.email:
            subject, body = messages.acknowledgment(
                tracking.display(code), received_at, due, base_url, catalog.categories[new.category])
            outbox.enqueue(db, recipient=new.email, subject=subject, body=body, now=now,
                           complaint_id=complaint_id, domain=messages.mail_domain(base_url))
    return Filed(complaint_id, tracking.display(code), received_at, due)


@contextlib.contextmanager
def _all_or_nothing(upload_dir: str, files: list[uploads.CleanFile]):
    """Attachments written with the rows that name them, or not at all.

    Wraps the write transaction: files are written and synced before it (so the write lock is
    not held during file I/O), moved into place last inside it, and removed when anything fails,
    the commit included. A disk, lock or read-only fault is raised as storage.StorageFault."""
    stored: list[str] = []
    try:
        stored = uploads.store(upload_dir, files)
        yield stored
    except BaseException as exc:
        uploads.discard(upload_dir, stored)
        kind = storage.fault_kind(exc)
        if kind is not None and not isinstance(exc, storage.StorageFault):
            raise storage.StorageFault(kind) from exc
        raise


def _insert(db, new: NewComplaint, received_at: datetime, now: datetime) -> tuple[int, str]:
    row = {
        "channel": new.channel, "lapor_id": new.lapor_id or None,
        "received_at": received_at.isoformat(), "state": workflow.INITIAL,
        "category": new.category, "kecamatan": new.kecamatan, "desa": new.desa,
        "visibility": new.visibility, "name": new.name or None, "email": new.email or None,
        "phone": new.phone or None, "nik": new.nik or None, "body": new.body,
        "consent_at": now.isoformat() if new.consent else None, "entered_by": new.entered_by,
    }
    for _ in range(5):  # a collision among 2^55 codes is all but impossible; retry anyway
        code = tracking.normalise(tracking.new_code())
        try:
            with db.atomic():
                return db["complaints"].insert(
                    {**row, "tracking_code": code, "ref": secrets.token_urlsafe(9)}).last_pk, code
        except sqlite3.IntegrityError as exc:
            if "tracking_code" not in str(exc):
                raise
    raise RuntimeError("could not draw an unused tracking code")


def _event(db, complaint_id, now, kind, from_state, to_state, *, actor_id=None, actor_role=None,
           note=None, body=None) -> int:
    return db["events"].insert({
        "complaint_id": complaint_id, "at": now.isoformat(), "kind": kind,
        "from_state": from_state, "to_state": to_state, "actor_id": actor_id,
        "actor_role": actor_role, "note": note, "body": body,
    }).last_pk


def _attach(db, complaint_id, event_id, files, stored, now, upload_dir) -> None:
    """The attachments' rows, then the files moved in beside them: the last step before commit."""
    for f, stored_name in zip(files, stored):
        db["attachments"].insert({
            "complaint_id": complaint_id, "event_id": event_id, "stored_name": stored_name,
            "original_name": f.original_name, "mime": f.mime, "size": len(f.data),
            "sha256": f.sha256, "created_at": now.isoformat(),
        })
    uploads.publish(upload_dir, stored)


def find_by_code(db, typed_code: str) -> dict | None:
    """The complaint with this tracking code, or None; `typed_code` may be loosely typed."""
    return one(db, "SELECT * FROM complaints WHERE tracking_code = ?", [tracking.normalise(typed_code)])


def get(db, complaint_id: int) -> dict | None:
    return one(db, "SELECT * FROM complaints WHERE id = ?", [complaint_id])


def events_of(db, complaint_id: int) -> list[dict]:
    """A complaint's events in order, as dicts."""
    return list(db.query("SELECT * FROM events WHERE complaint_id = ? ORDER BY at, id", [complaint_id]))


def events_of_many(db, ids_sql: str, params: list) -> dict[int, list[dict]]:
    """The events of many complaints in one query, each complaint's in order, by complaint id.
    `ids_sql` goes inside `complaint_id IN (...)`: a subquery, or one `?` per id."""
    out: dict[int, list[dict]] = {}
    for event in db.query(f"SELECT * FROM events WHERE complaint_id IN ({ids_sql}) ORDER BY complaint_id, at, id",
                          params):
        out.setdefault(event["complaint_id"], []).append(event)
    return out


def one(db, sql: str, params: list) -> dict | None:
    """The first row of a query as a dict, or None."""
    return next(db.query(sql, params), None)


def add_information(db, complaint: dict, text: str, files: list[uploads.CleanFile], *,
                    upload_dir: str, now: datetime, limits: Limits = Limits()) -> None:
    """The citizen answers the office's request for more information; the clocks resume."""
    text = (text or "").strip()
    if not text and not files:
        raise InvalidComplaint({"body": "Tuliskan informasi tambahan atau lampirkan berkas."})
    if len(text) > limits.max_text_chars:
        raise InvalidComplaint({"body": f"Informasi tambahan paling banyak {limits.max_text_chars} karakter."})
    if len(files) > limits.max_files:
        raise InvalidComplaint({"files": f"Paling banyak {limits.max_files} lampiran."})
    with _all_or_nothing(upload_dir, files) as stored, write_transaction(db):
        state = db.execute("SELECT state FROM complaints WHERE id = ?", [complaint["id"]]).fetchone()[0]
        try:
            step = workflow.check("tambah_informasi", state, {workflow.CITIZEN})
        except workflow.StepNotAllowed:
            raise NotWaitingForInformation(
                "Pengaduan ini sedang tidak menunggu informasi tambahan dari Anda.") from None
        event_id = _event(db, complaint["id"], now, step.code, state, step.to_state,
                          actor_role=workflow.CITIZEN, body=text or None)
        db.execute("UPDATE complaints SET state = ? WHERE id = ?", [step.to_state, complaint["id"]])
        _attach(db, complaint["id"], event_id, files, stored, now, upload_dir)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    detail: str | None = None


@dataclass
class PublicView:
    """What a tracking code shows: the citizen's own words and the office's public steps."""
    tracking_code: str
    phase: str
    is_open: bool
    waiting_for_citizen: bool
    received_at: datetime
    category: str
    region: str
    body: str
    name: str | None
    nik_masked: str | None
    timeline: list[TimelineEntry]
    due: Deadline | None
    attachments: int
    reply: str | None = None
    rating_token: str | None = None  # set when the citizen may rate the reply
    reply_html: str | None = None  # the reply as staff and the letter show it (rendering.render_reply)
    holder: str | None = None  # who has the complaint now, as a role ("Kepala Dinas"); None when closed


def public_view(db, complaint: dict, *, catalog: Catalog, calendar: Calendar) -> PublicView:
    events = events_of(db, complaint["id"])
    timeline: list[TimelineEntry] = []
    for e in events:
        entry = _public_entry(e)
        # Steps that read the same to a citizen (a draft saved twice, a second disposisi) show once.
        repeated = timeline and (timeline[-1].text, timeline[-1].detail) == (entry.text, entry.detail) if entry else False
        if entry is not None and not repeated:
            timeline.append(entry)
    state = workflow.STATES[complaint["state"]]
    holder = " atau ".join("Anda" if r == workflow.CITIZEN else users.ROLES[r]
                           for r in workflow.holders(complaint["state"])) or None
    received_at = datetime.fromisoformat(complaint["received_at"])
    clock = deadlines.answer_clock(complaint, events, catalog=catalog, calendar=calendar)
    due = clock.deadline if state.kind == "open" else None
    desa, kecamatan = regions.get(complaint["desa"]), regions.get(complaint["kecamatan"])
    reply = next((e["body"] for e in reversed(events) if e["kind"] == "kirim"), None)
    attachments = db.execute("SELECT count(*) FROM attachments WHERE complaint_id = ?",
                             [complaint["id"]]).fetchone()[0]
    return PublicView(
        tracking_code=tracking.display(complaint["tracking_code"]),
        phase=state.public, is_open=state.kind != "closed",
        waiting_for_citizen=state.kind == "paused",
        received_at=received_at,
        category=catalog.categories.get(complaint["category"], complaint["category"]),
        region=f"{desa.nama if desa else complaint['desa']}, Kecamatan {kecamatan.nama if kecamatan else ''}",
        body=complaint["body"], name=complaint["name"],
        nik_masked=nik_rules.mask(complaint["nik"]) if complaint["nik"] else None,
        timeline=timeline, due=due, attachments=attachments, reply=reply, holder=holder,
        reply_html=rendering.render_reply(reply) if reply else None,
    )


def _public_entry(event: dict) -> TimelineEntry | None:
    at = datetime.fromisoformat(event["at"])
    text = workflow.PUBLIC_HISTORY.get(event["kind"])
    if text is None:
        return None
    if event["kind"] == workflow.REGISTERED:
        return TimelineEntry(at, text, f"Melalui {event['note']}." if event["note"] else None)
    if event["kind"] == "minta_informasi":
        return TimelineEntry(at, text, event["note"])
    # The reason a complaint was closed is written for the citizen; other notes are internal.
    closes = event["to_state"] and workflow.STATES[event["to_state"]].closed and event["kind"] != "kirim"
    return TimelineEntry(at, text, event["note"] if closes else None)
