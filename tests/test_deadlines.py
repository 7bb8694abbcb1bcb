"""Deadlines with a fixed clock: across Idul Fitri, with a cuti bersama added after the
complaint arrived, and with a pause while waiting for the citizen."""

import shutil
from datetime import date, datetime

import pytest

from conftest import ROOT, VALID
from portal.db import prepare
from portal.domain import catalog as catalog_module, complaints, deadlines, handling, reminders, users
from portal.domain.calendar import Calendar

CATALOG = catalog_module.load(ROOT / "content")
HOLIDAYS = ROOT / "portal" / "data" / "hari-libur.csv"


@pytest.fixture
def db(tmp_path):
    return prepare(str(tmp_path / "portal.db"))


def file(db, tmp_path, received: datetime, calendar: Calendar, **extra):
    new = complaints.NewComplaint(channel="web", category="kk", kecamatan=VALID["kecamatan"], desa=VALID["desa"],
                                  visibility="rahasia", body=VALID["body"], name="Siti", email="siti@contoh.id",
                                  consent=True, **extra)
    return complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=calendar, upload_dir=str(tmp_path),
                                     now=received, base_url="http://x")


def answer(db, filed, calendar):
    complaint = complaints.get(db, filed.id)
    return deadlines.answer_clock(complaint, complaints.events_of(db, filed.id), catalog=CATALOG, calendar=calendar)


def test_received_the_day_before_idul_fitri(db, tmp_path):
    calendar = Calendar.default()
    filed = file(db, tmp_path, datetime(2026, 3, 19, 10, 0), calendar)
    # Day 0 is Thu 19 March (Nyepi); skipped: cuti bersama 20, 23, 24 March, Idul Fitri 21-22 March,
    # Good Friday 3 April and the weekends: the 14th working day is Tuesday 14 April 2026.
    assert filed.due.due == date(2026, 4, 14)
    assert "Idul Fitri" in " ".join(filed.due.explanation)
    assert answer(db, filed, calendar).deadline.due == date(2026, 4, 14)


def test_a_cuti_bersama_added_later_moves_the_deadline(db, tmp_path):
    filed = file(db, tmp_path, datetime(2026, 11, 2, 9, 0), Calendar.default())
    before = answer(db, filed, Calendar.default()).deadline.due
    assert before == date(2026, 11, 20)
    edited = tmp_path / "hari-libur.csv"
    shutil.copy(HOLIDAYS, edited)
    with open(edited, "a", encoding="utf-8") as fh:
        fh.write("2026-11-16,Cuti bersama tambahan (contoh),cuti_bersama\n")
    after = answer(db, filed, Calendar.default(extra_csv=edited)).deadline
    assert after.due == date(2026, 11, 23)
    assert "Cuti bersama tambahan (contoh)" in " ".join(after.explanation)


def test_waiting_for_the_citizen_pauses_the_reply_clock(db, tmp_path):
    calendar = Calendar.default()
    filed = file(db, tmp_path, datetime(2026, 11, 2, 9, 0), calendar)
    operator = handling.Actor(users.create_user(db, "ops", "kata-sandi-panjang", display_name="Ops",
                                                roles=["operator"], now=datetime(2026, 11, 2)),
                              frozenset({"operator"}))
    handling.request_information(db, filed.id, operator, datetime(2026, 11, 3, 9, 0), note="Kirim foto KK.",
                                 base_url="http://x")
    clock = answer(db, filed, calendar)
    assert clock.paused and clock.deadline is None
    info_clock = next(c for c in deadlines.clocks(complaints.get(db, filed.id), complaints.events_of(db, filed.id),
                                                  catalog=CATALOG, calendar=calendar) if c.code == "melengkapi_informasi")
    assert info_clock.deadline.due == date(2026, 12, 3)  # 30 calendar days after the request
    # The citizen answers on Tue 10 November: 5 working days of waiting are added.
    complaints.add_information(db, complaints.get(db, filed.id), "Foto KK terlampir.", [], upload_dir=str(tmp_path),
                               now=datetime(2026, 11, 10, 9, 0))
    assert answer(db, filed, calendar).deadline.due == date(2026, 11, 27)


def test_staff_digest_lists_what_waits_and_marks_what_is_late(db, tmp_path):
    calendar = Calendar.default()
    file(db, tmp_path, datetime(2026, 11, 2, 9, 0), calendar)
    user_id = users.create_user(db, "ops", "kata-sandi-panjang", display_name="Ops", roles=["operator"],
                                now=datetime(2026, 11, 2))
    db.execute("UPDATE users SET email = 'ops@contoh.id' WHERE id = ?", [user_id])
    db.conn.commit()
    assert reminders.send_all(db, catalog=CATALOG, calendar=calendar, now=datetime(2026, 11, 30, 7, 0),
                              base_url="http://x") == 1
    subject, body = db.execute("SELECT subject, body FROM outbox WHERE recipient = 'ops@contoh.id'").fetchone()
    assert subject == "Pengaduan menunggu tindakan Anda: 1, 1 terlambat"
    assert "TERLAMBAT" in body and "Jumat, 20 November 2026" in body
