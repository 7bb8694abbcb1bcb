"""The staff dashboard, the holiday warning and the complaint list read the events of all the
complaints they show in one query: their number of SQL statements does not grow with the
number of open complaints (they run on every visit of the dashboard and the health page)."""

from datetime import date, datetime

import pytest

from portal.db import prepare
from portal.domain import catalog as catalog_module, complaints, dashboard, inbox
from portal.domain.calendar import Calendar
from conftest import ROOT, VALID

CATALOG = catalog_module.load(ROOT / "content")
NOW = datetime(2026, 11, 2, 9, 0)
CALENDAR = Calendar.default()


def file(db, tmp_path, count):
    for _ in range(count):
        new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                      desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti",
                                      email="siti@contoh.id", consent=True)
        complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=CALENDAR, upload_dir=str(tmp_path),
                                  now=NOW, base_url="http://x")


def statements(db, work) -> tuple[int, int]:
    seen = []
    db.conn.set_trace_callback(seen.append)
    try:
        result = work()
    finally:
        db.conn.set_trace_callback(None)
    return len(seen), result


# Each read, and how many complaints it counted (all of them are past due in 2027).
READS = {
    "open_deadlines": lambda db: len(dashboard.open_deadlines(db, catalog=CATALOG, calendar=CALENDAR)),
    "overdue": lambda db: sum(dashboard.overdue(db, catalog=CATALOG, calendar=CALENDAR,
                                                today=date(2027, 1, 4))[0].values()),
    "describe": lambda db: sum(row["due"] is not None for row in inbox.describe(
        db, inbox.search(db, inbox.Filters(), roles={"operator"}, user_id=1, now=NOW).rows,
        catalog=CATALOG, calendar=CALENDAR, now=NOW)),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_statements_do_not_grow_with_open_complaints(tmp_path, read):
    db = prepare(str(tmp_path / "portal.db"))
    file(db, tmp_path, 2)
    few, first = statements(db, lambda: READS[read](db))
    file(db, tmp_path, 5)
    many, second = statements(db, lambda: READS[read](db))
    assert second > first  # the later complaints are read too
    assert many == few
