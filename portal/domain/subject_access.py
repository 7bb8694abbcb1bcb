"""A data subject's request (UU 27/2022 Pasal 32): everything held about one complainant,
found by tracking code, e-mail address or phone number, as one JSON document."""

from __future__ import annotations

import json
from datetime import datetime

from . import audit, emails, tracking
from .complaints import events_of, normalise_phone


def find(db, *, code: str = "", email: str = "", phone: str = "") -> list[int]:
    """Raises emails.InvalidEmail for an e-mail address that is not one valid address."""
    ids: set[int] = set()
    email = emails.normalise(email)
    if code.strip():
        ids |= {r[0] for r in db.execute("SELECT id FROM complaints WHERE tracking_code = ?", [tracking.normalise(code)])}
    if email:
        ids |= {r[0] for r in db.execute("SELECT id FROM complaints WHERE lower(email) = lower(?)", [email])}
    if phone.strip():
        ids |= {r[0] for r in db.execute("SELECT id FROM complaints WHERE phone = ?", [normalise_phone(phone)])}
    return sorted(ids)


def _rows(db, sql, params):
    return list(db.query(sql, params))


def export(db, complaint_ids: list[int], *, actor_id: int, now: datetime) -> str:
    """The JSON document; the export itself is recorded (how many complaints, by whom)."""
    out = []
    for cid in complaint_ids:
        complaint = _rows(db, "SELECT * FROM complaints WHERE id = ?", [cid])[0]
        complaint["tracking_code"] = tracking.display(complaint["tracking_code"])
        for internal in ("id", "ref", "feedback_token", "entered_by", "duplicate_of"):
            complaint.pop(internal, None)
        out.append({
            "pengaduan": complaint,
            "riwayat": [{k: e[k] for k in ("at", "kind", "from_state", "to_state", "note", "body")}
                        for e in events_of(db, cid)],
            "lampiran": _rows(db, "SELECT original_name, mime, size, created_at FROM attachments WHERE complaint_id = ?", [cid]),
            "penilaian": _rows(db, "SELECT at, penanganan, waktu, perilaku, selesai, komentar FROM ratings "
                                   "WHERE complaint_id = ?", [cid]),
            "email_terkirim": _rows(db, "SELECT created_at, recipient, subject, body, status FROM outbox "
                                        "WHERE complaint_id = ?", [cid]),
            "publikasi": _rows(db, "SELECT public_number, body, reply, approved_at FROM publications "
                                   "WHERE complaint_id = ?", [cid]),
        })
    audit.record(db, actor_id, "ekspor_data_pribadi", f"{len(complaint_ids)} pengaduan diekspor atas permintaan "
                                                      "subjek data", now)
    return json.dumps({"dibuat": now.isoformat(), "keterangan": "Seluruh data yang disimpan Dispendukcapil Kabupaten "
                       "Trenggalek tentang pengadu ini, sesuai UU 27/2022 Pasal 32.", "data": out},
                      ensure_ascii=False, indent=1)
