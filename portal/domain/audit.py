"""The audit trail of staff actions that are not steps: who looked at personal data, who
downloaded what. Steps themselves are in the events table. Both tables refuse UPDATE and
DELETE (triggers in portal/migrations/)."""

from __future__ import annotations

from datetime import date, datetime

from ..db import write_transaction


def record(db, actor_id: int | None, action: str, detail: str, now: datetime) -> None:
    with write_transaction(db):
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": action, "detail": detail})


def for_complaint(db, complaint_id: int) -> list[dict]:
    cursor = db.execute(
        "SELECT a.at, a.action, a.detail, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.detail = ? OR a.detail LIKE ? ORDER BY a.id", [f"pengaduan {complaint_id}", f"pengaduan {complaint_id} %"])
    return [dict(zip(("at", "action", "detail", "who"), row)) for row in cursor]


def grouped_for_complaint(db, complaint_id: int) -> list[dict]:
    """The complaint's access log as a person reads it: one entry per person per day, each
    action with how many times, oldest day first. Opening a case ten times in a morning is
    one line, not ten; the CSV export (for_complaint) keeps every row."""
    cursor = db.execute(
        "SELECT substr(a.at, 1, 10) AS day, a.actor_id, u.display_name, u.jabatan, a.action, count(*), "
        "min(a.at), max(a.at), min(a.id) FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.detail = ? OR a.detail LIKE ? GROUP BY day, a.actor_id, a.action ORDER BY day, min(a.id)",
        [f"pengaduan {complaint_id}", f"pengaduan {complaint_id} %"])
    out: dict[tuple, dict] = {}
    for day, actor_id, name, jabatan, action, count, first, last, _ in cursor:
        entry = out.setdefault((day, actor_id), {
            "day": date.fromisoformat(day), "actor_id": actor_id, "who": name, "jabatan": jabatan,
            "first": datetime.fromisoformat(first), "last": datetime.fromisoformat(last), "actions": []})
        entry["actions"].append((action, count))
        entry["last"] = max(entry["last"], datetime.fromisoformat(last))
    return list(out.values())
