"""The public list of complaints and replies.

A complaint enters it only when the citizen chose *publik* and an operator approved the
published version: the text and reply with personal data removed (found by redaction.py,
then checked and edited by the operator beside the original). *Rahasia* and *anonim*
complaints never appear. The export writes aggregates-free, identity-free JSON under
content/data/pengaduan/ for the site; the site never reads the database. An operator can
withdraw a published item: it leaves the export, and the site at its next build.

The text stored and exported is redaction.normalise()d, the same text the check ran on: what
the site shows is what was checked.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..db import write_transaction
from . import audit, policy, record, redaction, regions, tracking, workflow
from .catalog import Catalog
from .complaints import get as get_complaint
from .handling import Actor, HandlingError, allocate_number


class NotPublishable(ValueError):
    "This complaint may not be published (or withdrawn) by this person."


def _reply(db, complaint_id: int) -> tuple[str, str] | None:
    """The reply as sent, and the day it was sent."""
    sent = record.sent_reply(db, complaint_id)
    return (sent["body"], sent["at"]) if sent else None


def original_reply(db, complaint_id: int) -> str:
    """The reply as the citizen got it, beside the version to publish."""
    sent = record.sent_reply(db, complaint_id)
    return (sent["body"] or "") if sent else ""


def publishable(db, complaint: dict) -> bool:
    return policy.in_state("publikasi_setujui", complaint) and _reply(db, complaint["id"]) is not None


def _known(complaint: dict) -> list[str]:
    return [complaint[k] for k in ("name", "email", "phone", "nik") if complaint.get(k)]


def suggestion(db, complaint: dict) -> tuple[str, str]:
    """The redacted text and reply, as the starting point for the operator."""
    reply = _reply(db, complaint["id"])
    known = _known(complaint)
    return redaction.redact(complaint["body"], known=known), redaction.redact(reply[0] if reply else "", known=known)


def approve(db, complaint_id: int, actor: Actor, now: datetime, *, body: str, reply: str) -> str:
    """Publish the operator's checked version; returns its public number."""
    try:
        policy.check("publikasi_setujui", actor.roles)
    except policy.Refused as exc:
        raise NotPublishable(str(exc)) from None
    body, reply = redaction.normalise(body).strip(), redaction.normalise(reply).strip()
    if not body or not reply:
        raise HandlingError("Isi pengaduan dan tanggapan yang akan dipublikasikan tidak boleh kosong.")
    with write_transaction(db):
        complaint = get_complaint(db, complaint_id)
        if complaint is None or not publishable(db, complaint):
            raise NotPublishable("Hanya pengaduan bersifat publik yang sudah ditanggapi yang dapat dipublikasikan.")
        left = [f for text in (body, reply) for f in redaction.leftovers(text, known=_known(complaint))]
        if left:
            raise HandlingError("Teks yang akan dipublikasikan masih memuat data pribadi: "
                                + ", ".join(sorted({redaction.LABELS[f.kind] for f in left})) + ".")
        existing = db.execute("SELECT public_number FROM publications WHERE complaint_id = ?", [complaint_id]).fetchone()
        number = existing[0] if existing else allocate_number(db, "publikasi", "{year}-{seq:04d}", complaint_id,
                                                             now.date())
        db["publications"].upsert({"complaint_id": complaint_id, "public_number": number, "body": body, "reply": reply,
                                   "approved_by": actor.id, "approved_at": now.isoformat(), "withdrawn_at": None},
                                  pk="complaint_id")
        audit.record(db, actor.id, "setujui_publikasi", f"pengaduan {complaint_id} nomor publik {number}", now)
    return number


def withdraw(db, complaint_id: int, actor: Actor, now: datetime) -> str:
    """Take a published item off the public list; returns its public number. It can be checked
    and approved again later (under the same number)."""
    try:
        policy.check("publikasi_tarik", actor.roles)
    except policy.Refused as exc:
        raise NotPublishable(str(exc)) from None
    with write_transaction(db):
        row = db.execute("SELECT public_number FROM publications WHERE complaint_id = ? AND withdrawn_at IS NULL",
                         [complaint_id]).fetchone()
        if row is None:
            raise NotPublishable("Pengaduan ini tidak sedang dipublikasikan; tidak ada yang ditarik.")
        db.execute("UPDATE publications SET withdrawn_at = ? WHERE complaint_id = ?", [now.isoformat(), complaint_id])
        audit.record(db, actor.id, "tarik_publikasi", f"pengaduan {complaint_id} nomor publik {row[0]}", now)
    return row[0]


def waiting(db, limit: int = 200) -> list[dict]:
    """Public, answered complaints not on the list: never checked yet, or withdrawn."""
    publishable, states = workflow.sql_in("c.state", workflow.states_where(lambda s: s.publishable))
    rows = db.execute(
        f"""SELECT c.ref, c.tracking_code, c.received_at, p.withdrawn_at FROM complaints c
           LEFT JOIN publications p ON p.complaint_id = c.id
           WHERE c.visibility = 'publik' AND {publishable} AND c.erased_at IS NULL
             AND (p.complaint_id IS NULL OR p.withdrawn_at IS NOT NULL)
           ORDER BY c.received_at LIMIT ?""", [*states, limit]).fetchall()
    return [{"ref": ref, "code": tracking.display(code), "received_at": received, "withdrawn_at": withdrawn}
            for ref, code, received, withdrawn in rows]


def _rows(db, catalog: Catalog) -> list[dict]:
    rows = db.execute(
        """SELECT p.public_number, p.body, p.reply, c.category, c.kecamatan, c.received_at, c.ref,
                  c.name, c.email, c.phone, c.nik,
                  (SELECT at FROM events e WHERE e.complaint_id = c.id AND e.kind = 'kirim' ORDER BY e.id DESC LIMIT 1)
           FROM publications p JOIN complaints c ON c.id = p.complaint_id
           WHERE p.withdrawn_at IS NULL AND c.visibility = 'publik' ORDER BY p.public_number DESC""").fetchall()
    out = []
    for number, body, reply, category, kecamatan, received, ref, name, email, phone, nik, replied in rows:
        kec = regions.get(kecamatan)
        known = _known({"name": name, "email": email, "phone": phone, "nik": nik})
        # Checked again on the way out: an item approved before the check saw through invisible
        # characters must not carry disguised personal data to the site.
        out.append({"nomor": number, "kategori": catalog.categories.get(category, category),
                    "kecamatan": kec.nama if kec else "", "diterima": received[:10],
                    "ditanggapi": replied[:10] if replied else None,
                    "isi": redaction.scrub(body, known=known), "tanggapan": redaction.scrub(reply, known=known),
                    "ref": ref})
    return out


def items(db, catalog: Catalog) -> list[dict]:
    """The published items, newest first, with nothing that identifies anyone."""
    return [{k: v for k, v in item.items() if k != "ref"} for item in _rows(db, catalog)]


def staff_items(db, catalog: Catalog) -> list[dict]:
    """The published items for the operator's page, each with the complaint's internal ref."""
    return _rows(db, catalog)


def export(db, catalog: Catalog, out_dir: str | Path) -> int:
    """Write content/data/pengaduan/daftar.json for the site; returns the number of items."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = items(db, catalog)
    text = json.dumps({"keterangan": "Pengaduan bersifat publik yang disetujui untuk dipublikasikan; data pribadi "
                                     "telah dihapus.", "pengaduan": data}, ensure_ascii=False, indent=1) + "\n"
    target = out_dir / "daftar.json"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return len(data)
