"""Helpers of the editor tests: a content repository of their own (never the project's), staff
accounts of the web team and the Kepala Dinas."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.domain import content_store, users

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Jakarta")
PASSWORD = "Sebelas-Gajah-Biru-73"


def now() -> datetime:
    return datetime.now(TZ).replace(microsecond=0)


def content_repo(folder: Path) -> content_store.Repo:
    """A git repository with a copy of this project's site sources, its approvals carried over."""
    return content_store.init_repo(folder, ROOT)


def team(db) -> dict[str, int]:
    """Two web team members, the Kepala Dinas, and an operator (who has no right here)."""
    accounts = {"web1": ("Wulan Tim Web", ["web"]), "web2": ("Bagus Tim Web", ["web"]),
                "kadis": ("Bapak Kadis Uji", ["kadis"]), "operator": ("Operator Uji", ["operator"])}
    ids = {}
    for username, (name, roles) in accounts.items():
        ids[username] = users.create_user(db, username, PASSWORD, display_name=name, roles=roles, now=now())
    return ids
