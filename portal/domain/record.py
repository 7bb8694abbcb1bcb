"""One complaint's file as the office keeps it: the complaint, its events, the latest nota dinas
and its tembusan, the disposisi and who holds it now, the rounds of the konsep tanggapan, the
approved konsep, the reply sent, the citizen's rating and the attachments.

The one read model of a complaint file: the staff pages, the letters, the steps, publication
and rating read it here instead of querying the tables themselves. Plain Python, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import complaints as complaints_store
from . import users

# The review of one konsep round (konsep.review, stored). "disetujui" here is the Kepala Dinas's
# approval of a draft reply; the annual report's and the SKM plan's approvals have their own names
# (reports.REPORT_APPROVED, skm.PLAN_APPROVED) and the complaint's state its own (workflow).
KONSEP_APPROVED = "disetujui"
KONSEP_RETURNED = "dikembalikan"

PEJABAT = "pejabat"  # the role a disposisi names


def _rows(db, sql: str, params: list) -> list[dict]:
    return list(db.query(sql, params))


def _one(db, sql: str, params: list) -> dict | None:
    return next(iter(db.query(sql, params)), None)


@dataclass
class ComplaintFile:
    complaint: dict
    events: list[dict]
    nota_dinas: dict | None  # the latest
    tembusan: list[dict]  # of the latest nota dinas: id, display_name, jabatan
    disposisi: list[dict]  # every disposisi, oldest first, with the official's display_name, jabatan
    konsep: list[dict]  # every round, oldest first, with its author's name (`author`)
    rating: dict | None
    attachments: list[dict] = field(default_factory=list)

    @property
    def current_disposisi(self) -> dict | None:
        return self.disposisi[-1] if self.disposisi else None

    @property
    def assignee_id(self) -> int | None:
        "The official named in the current disposisi."
        return self.disposisi[-1]["pejabat_id"] if self.disposisi else None

    @property
    def open_draft(self) -> dict | None:
        "The round being written, not yet submitted."
        return next((k for k in reversed(self.konsep) if k["submitted_at"] is None), None)

    @property
    def approved_konsep(self) -> dict | None:
        "The latest round the Kepala Dinas approved: the reply's text and letter number."
        return next((k for k in reversed(self.konsep) if k["review"] == KONSEP_APPROVED), None)

    @property
    def sent_reply(self) -> dict | None:
        "The event of the latest reply sent (its body is the text the citizen got)."
        return next((e for e in reversed(self.events) if e["kind"] == "kirim"), None)


def load(db, complaint_id: int) -> ComplaintFile | None:
    """The whole file of one complaint, or None when there is no such complaint."""
    complaint = complaints_store.get(db, complaint_id)
    if complaint is None:
        return None
    nota = latest_nota_dinas(db, complaint_id)
    return ComplaintFile(
        complaint=complaint,
        events=complaints_store.events_of(db, complaint_id),
        nota_dinas=nota,
        tembusan=tembusan(db, nota["id"]) if nota else [],
        disposisi=_rows(db, "SELECT d.*, u.display_name, u.jabatan FROM disposisi d JOIN users u ON u.id = d.pejabat_id "
                            "WHERE d.complaint_id = ? ORDER BY d.id", [complaint_id]),
        konsep=_rows(db, "SELECT k.*, u.display_name AS author FROM konsep k JOIN users u ON u.id = k.author_id "
                         "WHERE k.complaint_id = ? ORDER BY k.round", [complaint_id]),
        rating=rating(db, complaint_id),
        attachments=_rows(db, "SELECT stored_name, original_name, mime, size FROM attachments "
                              "WHERE complaint_id = ? ORDER BY id", [complaint_id]),
    )


# ---------------------------------------------------------------- single parts, for the steps

def by_ref(db, ref: str) -> dict | None:
    "The complaint with this internal reference (the staff pages' address)."
    return _one(db, "SELECT * FROM complaints WHERE ref = ?", [ref])


def by_feedback_token(db, token: str) -> dict | None:
    "The complaint whose reply e-mail carried this rating link."
    return _one(db, "SELECT * FROM complaints WHERE feedback_token = ?", [token])


def latest_nota_dinas(db, complaint_id: int) -> dict | None:
    return _one(db, "SELECT * FROM nota_dinas WHERE complaint_id = ? ORDER BY id DESC LIMIT 1", [complaint_id])


def nota_dinas(db, nota_id: int) -> dict | None:
    return _one(db, "SELECT * FROM nota_dinas WHERE id = ?", [nota_id])


def tembusan(db, nota_id: int) -> list[dict]:
    "The officials a nota dinas copies, by their jabatan (or name)."
    return _rows(db, "SELECT u.id, u.display_name, u.jabatan FROM nota_dinas_tembusan t JOIN users u ON u.id = t.user_id "
                     "WHERE t.nota_dinas_id = ? ORDER BY coalesce(u.jabatan, u.display_name), u.id", [nota_id])


def current_disposisi(db, complaint_id: int) -> dict | None:
    return _one(db, "SELECT * FROM disposisi WHERE complaint_id = ? ORDER BY id DESC LIMIT 1", [complaint_id])


def current_assignee(db, complaint_id: int) -> int | None:
    "The official named in the complaint's current disposisi."
    row = current_disposisi(db, complaint_id)
    return row["pejabat_id"] if row else None


def assignee_holds(db, complaint_id: int, now: datetime) -> bool:
    """Whether the official of the current disposisi holds the pejabat role now (true when there
    is no disposisi: nobody to replace)."""
    assignee = current_assignee(db, complaint_id)
    return assignee is None or users.holds(db, assignee, PEJABAT, now)


def open_draft(db, complaint_id: int) -> dict | None:
    "The konsep round being written, not yet submitted."
    return _one(db, "SELECT * FROM konsep WHERE complaint_id = ? AND submitted_at IS NULL "
                    "ORDER BY round DESC LIMIT 1", [complaint_id])


def submitted_draft(db, complaint_id: int) -> dict | None:
    "The konsep round waiting for the Kepala Dinas's review."
    return _one(db, "SELECT * FROM konsep WHERE complaint_id = ? AND submitted_at IS NOT NULL "
                    "AND review IS NULL ORDER BY round DESC LIMIT 1", [complaint_id])


def last_round(db, complaint_id: int) -> int:
    return db.execute("SELECT coalesce(max(round), 0) FROM konsep WHERE complaint_id = ?",
                      [complaint_id]).fetchone()[0]


def approved_konsep(db, complaint_id: int) -> dict | None:
    "The latest konsep round the Kepala Dinas approved."
    return _one(db, "SELECT * FROM konsep WHERE complaint_id = ? AND review = ? ORDER BY round DESC LIMIT 1",
                [complaint_id, KONSEP_APPROVED])


def sent_reply(db, complaint_id: int) -> dict | None:
    "The event of the latest reply sent."
    return _one(db, "SELECT * FROM events WHERE complaint_id = ? AND kind = 'kirim' ORDER BY id DESC LIMIT 1",
                [complaint_id])


def rating(db, complaint_id: int) -> dict | None:
    return _one(db, "SELECT * FROM ratings WHERE complaint_id = ?", [complaint_id])


def attachment(db, complaint_id: int, stored_name: str) -> dict | None:
    "One attachment of the complaint (original_name, mime), or None."
    return _one(db, "SELECT stored_name, original_name, mime, size FROM attachments "
                    "WHERE complaint_id = ? AND stored_name = ?", [complaint_id, stored_name])


# (complaint_id, user_id): who a complaint names, for the personal-data rule (policy.py). Every
# disposisi names the official who drafts the reply; every nota dinas copies (tembusan) the
# officials concerned.
NAMED = ("SELECT complaint_id, pejabat_id AS user_id FROM disposisi UNION ALL "
         "SELECT n.complaint_id, t.user_id FROM nota_dinas n JOIN nota_dinas_tembusan t ON t.nota_dinas_id = n.id")


def named_on(db, complaint_id: int) -> set[int]:
    "The accounts the complaint names (NAMED)."
    return {r[0] for r in db.execute(f"SELECT user_id FROM ({NAMED}) WHERE complaint_id = ?", [complaint_id])}


def staff_names(db) -> dict[int, dict]:
    "Every account's display name and jabatan by id: who took each step of a file."
    return {u["id"]: u for u in db.query("SELECT id, display_name, jabatan FROM users")}
