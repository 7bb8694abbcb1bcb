"""Retention under UU 27/2022 Pasal 42-44: personal data of closed complaints is erased after
a configurable number of years. What stays: the complaint's row with its category, kecamatan,
dates, channel and every event (so reports can be recomputed), the official letters (konsep
tanggapan, kept as archives), and the published redacted version. What goes: name, contacts,
NIK, the citizen's own words (replaced by the approved public version when there is one), the
texts in the event log (their added information, copies of the reply), their comments,
attachments, and the copies of e-mail sent to them. The log says how many, never what."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from ..db import write_transaction
from . import audit, workflow

ERASED = "[dihapus sesuai jadwal retensi]"


def due(db, now: datetime, years: int) -> list[int]:
    """Closed complaints whose last event is older than `years`, not yet erased."""
    closed = list(workflow.states_where(lambda s: s.closed))
    cutoff = (now - timedelta(days=365 * years + years // 4)).isoformat()
    return [r[0] for r in db.execute(
        f"""SELECT c.id FROM complaints c WHERE c.erased_at IS NULL AND c.state IN ({','.join('?' * len(closed))})
            AND (SELECT max(at) FROM events e WHERE e.complaint_id = c.id) < ?""", [*closed, cutoff])]


def erase(db, complaint_id: int, now: datetime, upload_dir: str | Path) -> None:
    with write_transaction(db):
        published = db.execute("SELECT body FROM publications WHERE complaint_id = ? AND withdrawn_at IS NULL",
                               [complaint_id]).fetchone()
        body = published[0] if published else ERASED
        db.execute("""UPDATE complaints SET name = NULL, email = NULL, phone = NULL, nik = NULL, body = ?,
                      erased_at = ?, feedback_token = NULL WHERE id = ?""", [body, now.isoformat(), complaint_id])
        db.execute("UPDATE search SET text = ? WHERE rowid = ?", [body, complaint_id])
        # Texts in the event log (the citizen's added information, copies of the reply addressed to
        # them); the triggers allow clearing `body` and nothing else. The letters stay in `konsep`.
        db.execute("UPDATE events SET body = NULL WHERE complaint_id = ? AND body IS NOT NULL", [complaint_id])
        db.execute("UPDATE ratings SET komentar = NULL WHERE complaint_id = ?", [complaint_id])
        # Copies of what was sent are erased; a message still undelivered after all these years never will be.
        db.execute("UPDATE outbox SET recipient = ?, body = ? WHERE complaint_id = ? AND status = 'sent'",
                   [ERASED, ERASED, complaint_id])
        db.execute("DELETE FROM outbox WHERE complaint_id = ? AND status != 'sent'", [complaint_id])
        files = [r[0] for r in db.execute("SELECT stored_name FROM attachments WHERE complaint_id = ?", [complaint_id])]
        db.execute("UPDATE attachments SET original_name = ? WHERE complaint_id = ?", [ERASED, complaint_id])
    for stored_name in files:
        (Path(upload_dir) / stored_name).unlink(missing_ok=True)


def apply(db, now: datetime, *, years: int, upload_dir: str | Path) -> int:
    ids = due(db, now, years)
    for complaint_id in ids:
        erase(db, complaint_id, now, upload_dir)
    if ids:
        audit.record(db, None, "retensi", f"{len(ids)} pengaduan: data pribadi dihapus (batas {years} tahun)", now)
    return len(ids)
