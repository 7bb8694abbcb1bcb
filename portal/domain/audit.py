"""The audit trail of staff actions that are not steps: who looked at personal data, who
downloaded what. Steps themselves are in the events table. Both tables refuse UPDATE and
DELETE (triggers in portal/migrations.py)."""

from __future__ import annotations

from datetime import datetime

from ..db import write_transaction


def record(db, actor_id: int | None, action: str, detail: str, now: datetime) -> None:
    with write_transaction(db):
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": action, "detail": detail})


def for_complaint(db, complaint_id: int) -> list[dict]:
    cursor = db.execute(
        "SELECT a.at, a.action, a.detail, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.detail = ? OR a.detail LIKE ? ORDER BY a.id", [f"pengaduan {complaint_id}", f"pengaduan {complaint_id} %"])
    return [dict(zip(("at", "action", "detail", "who"), row)) for row in cursor]
