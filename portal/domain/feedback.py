"""The citizen's rating of the reply, worded as the Survei Kepuasan Masyarakat elements of
PermenPANRB 14/2017 (8 Penanganan Pengaduan, Saran dan Masukan; 3 Waktu Penyelesaian;
7 Perilaku Pelaksana) on its 1-4 scale, so that the ratings feed the yearly IKM.

A citizen who says the problem is not solved moves the complaint to `ditinjau_ulang`, where
the operator decides whether to reopen it."""

from __future__ import annotations

from datetime import datetime

from ..db import write_transaction
from . import record, workflow
from .handling import Actor, HandlingError, transition

QUESTIONS = {
    "penanganan": "Bagaimana penanganan pengaduan Anda oleh Dispendukcapil?",
    "waktu": "Bagaimana kecepatan waktu penyelesaian pengaduan Anda?",
    "perilaku": "Bagaimana sikap dan perilaku petugas yang menangani pengaduan Anda?",
}
# The answer labels of the SKM's 1-4 scale.
SCALE = {1: "Tidak baik", 2: "Kurang baik", 3: "Baik", 4: "Sangat baik"}


class AlreadyRated(ValueError):
    "This complaint's reply has been rated already."


def can_rate(db, complaint: dict) -> bool:
    return workflow.STATES[complaint["state"]].rateable and record.rating(db, complaint["id"]) is None \
        and record.sent_reply(db, complaint["id"]) is not None


def rate(db, complaint_id: int, *, scores: dict[str, int], solved: bool, comment: str, now: datetime) -> None:
    if set(scores) != set(QUESTIONS) or not all(isinstance(v, int) and v in SCALE for v in scores.values()):
        raise HandlingError("Jawab ketiga pertanyaan dengan memilih salah satu nilai.")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise HandlingError("Komentar paling banyak 2.000 karakter.")
    with write_transaction(db):
        state = db.execute("SELECT state FROM complaints WHERE id = ?", [complaint_id]).fetchone()[0]
        if db.execute("SELECT 1 FROM ratings WHERE complaint_id = ?", [complaint_id]).fetchone():
            raise AlreadyRated("Anda sudah memberikan penilaian untuk tanggapan ini. Terima kasih.")
        if not workflow.STATES[state].rateable:
            raise HandlingError("Penilaian dapat diberikan setelah tanggapan dikirim.")
        db["ratings"].insert({"complaint_id": complaint_id, "at": now.isoformat(), **scores,
                              "selesai": int(solved), "komentar": comment or None})
        if not solved:
            transition(db, complaint_id, "tidak_selesai", Actor(None, frozenset({workflow.CITIZEN})), now,
                       body=comment or None)
