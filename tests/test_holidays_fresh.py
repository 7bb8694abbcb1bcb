"""The holiday list must reach every year an open deadline (or the next 60 days) reaches. With a
fixed clock in December and next year's cuti bersama missing, the readiness page, the health page
and the staff dashboard warn; once the administrator enters them in the browser, the warning goes
and the calendar counts them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import conftest
from conftest import PASSWORD, login, token
from portal import create_app
from portal.domain import complaints, deadlines, hari_libur, users
from portal.web import calendar, catalog

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NEXT = TODAY.year + 1
# Two of the SKB's cuti bersama for the next year, as the administrator types them.
SKB_ROWS = [(f"{NEXT}-02-05", "Cuti Bersama Tahun Baru Imlek"), (f"{NEXT}-12-24", "Cuti Bersama Hari Raya Natal")]
WARNING = f"Daftar cuti bersama belum memuat tahun {NEXT}"


@pytest.fixture
def holidays_csv(tmp_path) -> Path:
    "The bundled list, cut before next year: what an office has when the SKB has not been entered."
    lines = (ROOT / "portal/data/hari-libur.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if int(line[:4]) <= TODAY.year]
    path = tmp_path / "hari-libur.csv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def app(tmp_path, smtp, holidays_csv):
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "HOLIDAYS_CSV": str(holidays_csv)})
    app.extensions["portal.clock"] = lambda: TODAY
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    for name in ("admin", "operator"):
        users.create_user(db, name, PASSWORD, display_name=name, roles=[name], now=TODAY)
    with app.test_request_context():
        new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=conftest.VALID["kecamatan"],
                                      desa=conftest.VALID["desa"], visibility="rahasia", body=conftest.VALID["body"],
                                      consent=True, name="Siti Aminah", email="siti@contoh.id")
        complaints.file_complaint(db, new, [], catalog=catalog(), calendar=calendar(),
                                  upload_dir=app.config["UPLOAD_DIR"], now=TODAY, base_url="http://x")
    return app


def pages(app) -> dict[str, str]:
    "The three places that warn, as the people who read them see them."
    out = {"sehat": app.test_client().get("/pengaduan/sehat").get_data(as_text=True)}
    for name, path in (("operator", "/pengaduan/staf/dasbor"), ("admin", "/pengaduan/staf/kesiapan")):
        client = app.test_client()
        login(client, name)
        out[path] = client.get(path).get_data(as_text=True)
    return out


def form(rows) -> dict:
    data = {}
    for i, (tanggal, nama, *jenis) in enumerate(rows, start=1):
        data.update({f"tanggal_{i}": tanggal, f"nama_{i}": nama, f"jenis_{i}": jenis[0] if jenis else "cuti_bersama"})
    return data


def test_a_december_deadline_in_the_next_year_is_warned_about_until_the_skb_is_entered(app, holidays_csv):
    with app.test_request_context():
        due = [c.deadline.due for c in deadlines.clocks(
            *_only_complaint(app), catalog=catalog(), calendar=calendar()) if c.deadline]
    assert max(due).year == NEXT  # the situation of the issue: December's complaints are due next year
    for where, page in pages(app).items():
        assert WARNING in page, where
        assert "SKB" in page and "Hari Libur dan Cuti Bersama" in page, where

    client = app.test_client()
    login(client, "admin")
    response = client.post("/pengaduan/staf/hari-libur", data={"csrf_token": token(client, "/pengaduan/staf/hari-libur"),
                                                                **form(SKB_ROWS)}, follow_redirects=True)
    assert "2 tanggal ditambahkan" in response.get_data(as_text=True)
    for where, page in pages(app).items():
        assert WARNING not in page, where
    with app.test_request_context():
        assert calendar().holiday_name(date(NEXT, 2, 5)) == "Cuti Bersama Tahun Baru Imlek"
        assert not calendar().is_working_day(date(NEXT, 12, 24))


def _only_complaint(app):
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    complaint = next(iter(db.query("SELECT * FROM complaints")))
    return complaint, complaints.events_of(db, complaint["id"])


@pytest.mark.parametrize("rows, message", [
    ([(f"{NEXT}-13-01", "Cuti Bersama")], "isi tanggal dengan benar"),
    ([(f"{NEXT}-02-05", "")], "isi keterangannya"),
    ([(f"{NEXT}-02-06", "Cuti Bersama Imlek")], "hari Sabtu atau Minggu"),
    ([(f"{NEXT}-02-05", "Cuti Bersama Imlek"), (f"{NEXT}-02-05", "Cuti Bersama Imlek lagi")], "sudah ada dalam daftar"),
    ([(f"{TODAY.year}-12-24", "Cuti Bersama Natal")], "sudah ada dalam daftar"),
    ([("2207-02-05", "Cuti Bersama Imlek")], "tahun 2207 tidak masuk akal"),
    ([(f"{NEXT}-02-05", "Cuti Bersama Imlek", "libur")], "pilih jenisnya"),
    ([], "belum ada tanggal yang diisi"),
])
def test_bad_rows_are_refused_and_change_nothing(app, holidays_csv, rows, message):
    before = holidays_csv.read_bytes()
    client = app.test_client()
    login(client, "admin")
    response = client.post("/pengaduan/staf/hari-libur", data={"csrf_token": token(client, "/pengaduan/staf/hari-libur"),
                                                                **form(rows)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True) and "Belum ada tanggal yang disimpan" in response.get_data(as_text=True)
    assert holidays_csv.read_bytes() == before


def test_only_the_administrator_edits_the_list(app, holidays_csv):
    before = holidays_csv.read_bytes()
    client = app.test_client()
    login(client, "operator")
    assert client.get("/pengaduan/staf/hari-libur").status_code == 403
    assert client.post("/pengaduan/staf/hari-libur", data={"csrf_token": token(client, "/pengaduan/staf/dasbor"), **form(SKB_ROWS)}).status_code == 403
    assert holidays_csv.read_bytes() == before


def test_a_far_deadline_needs_its_year_even_when_the_next_60_days_do_not():
    autumn = date(TODAY.year, 9, 1)
    assert hari_libur.years_needed(autumn, []) == {TODAY.year}
    assert hari_libur.years_needed(autumn, [date(NEXT, 1, 4)]) == {TODAY.year, NEXT}
