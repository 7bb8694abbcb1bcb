"""The public list of complaints and replies.

A complaint enters it only when the citizen chose *publik* and an operator approved the
published version: the text and reply with personal data removed (found by redaction.py,
then checked and edited by the operator beside the original). *Rahasia* and *anonim*
complaints never appear. The export writes aggregates-free, identity-free JSON under
content/data/pengaduan/ for the site; the site never reads the database.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..db import write_transaction
from . import audit, policy, redaction, regions
from .catalog import Catalog
from .complaints import get as get_complaint
from .handling import Actor, HandlingError, allocate_number


class NotPublishable(ValueError):
    "This complaint may not be published."


def _reply(db, complaint_id: int) -> tuple[str, str] | None:
    """The reply as sent, and the day it was sent."""
    return db.execute("SELECT body, at FROM events WHERE complaint_id = ? AND kind = 'kirim' ORDER BY id DESC LIMIT 1",
                      [complaint_id]).fetchone()


def publishable(db, complaint: dict) -> bool:
    return policy.in_state("publikasi_setujui", complaint) and _reply(db, complaint["id"]) is not None


def _known(complaint: dict) -> list[str]:
    return [complaint[k] for k in ("name", "email", "phone", "nik") if complaint[k]]


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
    body, reply = (body or "").strip(), (reply or "").strip()
    if not body or not reply:
        raise HandlingError("Isi pengaduan dan tanggapan yang akan dipublikasikan tidak boleh kosong.")
    with write_transaction(db):
        complaint = get_complaint(db, complaint_id)
        if complaint is None or not publishable(db, complaint):
            raise NotPublishable("Hanya pengaduan bersifat publik yang sudah ditanggapi yang dapat dipublikasikan.")
        # Names have no shape; anything with one (NIK, phone, e-mail, the complainant's own details) must go.
        left = [f for text in (body, reply) for f in redaction.leftovers(text, known=_known(complaint))
                if f.kind != "nama" or f.text.lower() in " ".join(_known(complaint)).lower()]
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


def withdraw(db, complaint_id: int, actor: Actor, now: datetime) -> None:
    try:
        policy.check("publikasi_tarik", actor.roles)
    except policy.Refused as exc:
        raise NotPublishable(str(exc)) from None
    with write_transaction(db):
        db.execute("UPDATE publications SET withdrawn_at = ? WHERE complaint_id = ?", [now.isoformat(), complaint_id])
        audit.record(db, actor.id, "tarik_publikasi", f"pengaduan {complaint_id}", now)


def items(db, catalog: Catalog) -> list[dict]:
    """The published items, newest first, with nothing that identifies anyone."""
    rows = db.execute(
        """SELECT p.public_number, p.body, p.reply, c.category, c.kecamatan, c.received_at, c.visibility,
                  (SELECT at FROM events e WHERE e.complaint_id = c.id AND e.kind = 'kirim' ORDER BY e.id DESC LIMIT 1)
           FROM publications p JOIN complaints c ON c.id = p.complaint_id
           WHERE p.withdrawn_at IS NULL AND c.visibility = 'publik' ORDER BY p.public_number DESC""").fetchall()
    out = []
    for number, body, reply, category, kecamatan, received, _visibility, replied in rows:
        kec = regions.get(kecamatan)
        out.append({"nomor": number, "kategori": catalog.categories.get(category, category),
                    "kecamatan": kec.nama if kec else "", "diterima": received[:10],
                    "ditanggapi": replied[:10] if replied else None, "isi": body, "tanggapan": reply})
    return out


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
