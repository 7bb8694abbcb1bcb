"""Schema migrations. Each function moves the schema one step forward; never edit a
released one, add a new one instead (a database made by the first release must upgrade).

They are registered in the order the modules below are imported and, in each, written: the
complaint file and its handling first, then what the office publishes from it, then the
accounts and the web team's site. A new migration goes at the end of the last module.
"""

from sqlite_utils import Migrations

migrations = Migrations("portal")


def _append_only(db, table: str, message: str) -> None:
    """Triggers that refuse every UPDATE and DELETE on `table`. The migrations released before
    this helper (m001-m004) write the same triggers out in full and stay as they were."""
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        )


# Registered on import, in this order.
from . import complaints, publishing, site  # noqa: E402,F401
