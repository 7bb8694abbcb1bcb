"""The live site follows the portal's own exports without anyone running a command.

Approving or withdrawing a public complaint, approving the annual report or the Maklumat,
exporting SKM results and publishing a population period write files into content/data/ beside
the commits (content_store.Repo.portal_exports), and the citizens must see the change: a
withdrawn complaint must leave the site. Every build of the live site records a fingerprint of
the exports it was built with; the publishing job rebuilds when the exports no longer match the
last record. A failed rebuild is recorded with its fingerprint, so it is not retried until the
exports change again (or the web team publishes a change), and its error is shown to the team.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..db import write_transaction

BASELINE, WITH_CHANGE, REBUILT, FAILED = "awal", "perubahan", "data", "gagal"
STATUS_LABELS = {BASELINE: "situs awal", WITH_CHANGE: "dibangun bersama perubahan", REBUILT: "diperbarui",
                 FAILED: "gagal"}


def _ts(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def record(db, fingerprint: str, status: str, now: datetime, *, error: str | None = None,
           release: str | None = None) -> None:
    with write_transaction(db):
        db.execute("INSERT INTO site_data_builds (fingerprint, status, at, error, release) VALUES (?, ?, ?, ?, ?)",
                   [fingerprint, status, _ts(now), error, release])


def due(db, fingerprint: str, now: datetime) -> bool:
    """Whether the live site was built from other exports than these. The first time, the live
    site is the one built from the working tree, exports included: it is recorded, not rebuilt."""
    row = db.execute("SELECT fingerprint FROM site_data_builds ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        record(db, fingerprint, BASELINE, now)
        return False
    return row[0] != fingerprint


def recent(db, limit: int = 5) -> list[dict]:
    """The latest rebuilds for new data and their failures, newest first (the Situs page)."""
    cursor = db.execute("SELECT status, at, error, release FROM site_data_builds WHERE status IN (?, ?) "
                        "ORDER BY id DESC LIMIT ?", [REBUILT, FAILED, limit])
    return [{"status": s, "label": STATUS_LABELS[s], "at": datetime.fromisoformat(at), "error": error,
             "release": release} for s, at, error, release in cursor]
