"""Face-to-face outreach (SOP tatap muka): schedule page, iCalendar feed, reports, bad data."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from portal.publish import DataError, sessions

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"

# Entry numbers and lines matter to the error tests below.
JADWAL = """\
# contoh
- tanggal: 2026-03-18
  mulai: "09:00"
  selesai: "11:30"
  tempat: Balai Desa Besuki
  kecamatan: "35.03.01"
  desa: "35.03.01.2001"
  audiens: Perangkat desa
  topik: Topik lalu pertama
  panitia: [Kasi contoh, JFU contoh]
  laporan:
    peserta: 52
    ringkasan: Ringkasan kegiatan pertama.
    foto:
      - berkas: assets/sosialisasi/besuki.svg
        keterangan: Peserta di balai desa
- tanggal: 2027-01-20
  mulai: 08:00
  selesai: "10:00"
  tempat: Balai Desa Cakul
  kecamatan: "35.03.04"
  desa: "35.03.04.2001"
  audiens: Pelajar
  topik: Topik datang kedua
  panitia:
    - Kasi contoh
- tanggal: 2026-11-11
  mulai: "13:00"
  selesai: "15:00"
  tempat: Pendopo Kecamatan Dongko
  kecamatan: "35.03.04"
  audiens: Kepala desa
  topik: Topik lalu kedua
  panitia: [Kabid contoh]
- tanggal: 2026-12-09
  mulai: "09:00"
  selesai: "11:30"
  tempat: Balai Desa Puru
  kecamatan: "35.03.14"
  desa: "35.03.14.2001"
  audiens: Warga
  topik: Topik datang pertama
  panitia: [Kabid contoh]
"""
UPCOMING = ["Topik datang pertama", "Topik datang kedua"]   # soonest first
PAST = ["Topik lalu kedua", "Topik lalu pertama"]          # most recent first


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("SITE_TODAY", TODAY)
    monkeypatch.setenv("SITE_URL", "https://contoh.test")


@pytest.fixture
def content(tmp_path):
    (tmp_path / "data/sosialisasi").mkdir(parents=True)
    (tmp_path / "assets/sosialisasi").mkdir(parents=True)
    svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    (tmp_path / "assets/sosialisasi/besuki.svg").write_text(svg)
    (tmp_path / sessions.DATA_FILE).write_text(JADWAL, encoding="utf-8")
    return tmp_path


def edit(content: Path, old: str, new: str) -> None:
    path = content / sessions.DATA_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_ics_holds_every_session_in_asia_jakarta(content):
    out = sessions.generate(content, preview=False)
    cal = Calendar.from_ical(out["sosialisasi/jadwal.ics"])
    assert str(cal["X-WR-CALNAME"]) == sessions.CALENDAR_NAME
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    events = cal.walk("VEVENT")
    # Decision: the feed holds past sessions too, so that it does not change when a day passes.
    summaries = [str(e["SUMMARY"]) for e in events]
    assert sorted(summaries) == sorted(f"Sosialisasi: {t}" for t in UPCOMING + PAST)
    upcoming = [e for e in events if e.decoded("DTSTART").date().isoformat() >= TODAY]
    assert sorted(str(e["SUMMARY"]) for e in upcoming) == sorted(
        f"Sosialisasi: {t}" for t in UPCOMING)
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
        assert start.utcoffset() == timedelta(hours=7) and end > start
        assert str(event["UID"]).endswith("@dispendukcapil.trenggalekkab.go.id")
        assert "Kabupaten Trenggalek" in str(event["LOCATION"])
    first = next(e for e in events if "Topik datang pertama" in str(e["SUMMARY"]))
    assert first.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2026-12-09 09:00"
    assert str(first["LOCATION"]) == ("Balai Desa Puru, Desa Puru, Kecamatan Suruh, "
                                      "Kabupaten Trenggalek")
    assert "Sasaran: Warga" in str(first["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_unquoted_time_is_not_read_as_base_60(content):
    cal = Calendar.from_ical(sessions.generate(content, False)["sosialisasi/jadwal.ics"])
    kedua = next(e for e in cal.walk("VEVENT") if "datang kedua" in str(e["SUMMARY"]))
    assert kedua.decoded("DTSTART").strftime("%H:%M") == "08:00"  # `mulai: 08:00` unquoted


def test_jadwal_lists_upcoming_before_past(content):
    page = sessions.generate(content, preview=False)["sosialisasi/jadwal.md"]
    order = [page.index(t) for t in UPCOMING] + [page.index("## Sudah dilaksanakan")] + \
            [page.index(t) for t in PAST]
    assert order == sorted(order)
    assert page.index("## Jadwal mendatang") < order[0]
    assert "[Langganan jadwal" in page and "](jadwal.ics)" in page
    assert "Rabu, 9 Desember 2026" in page and "09.00\u201311.30 WIB" in page
    assert "<table" not in page and "|---" not in page


def test_today_moves_sessions_from_upcoming_to_past(content, monkeypatch):
    before = sessions.generate(content, False)
    monkeypatch.setenv("SITE_TODAY", "2026-12-10")
    after = sessions.generate(content, False)
    page = after["sosialisasi/jadwal.md"]
    assert page.index("Topik datang pertama") > page.index("## Sudah dilaksanakan")
    assert "Topik datang pertama" in after["sosialisasi/laporan.md"]
    assert before["sosialisasi/jadwal.ics"] == after["sosialisasi/jadwal.ics"]


def test_laporan_lists_past_sessions_with_reports_and_photos(content):
    page = sessions.generate(content, preview=False)["sosialisasi/laporan.md"]
    assert "Topik datang" not in page
    assert page.index("Topik lalu kedua") < page.index("Topik lalu pertama")
    assert "**Jumlah peserta:** 52 orang" in page
    assert "Ringkasan kegiatan pertama." in page
    assert "![Peserta di balai desa](../assets/sosialisasi/besuki.svg)" in page
    assert "belum tersedia" in page  # the past session without a report


def test_output_is_deterministic(content):
    first = sessions.generate(content, preview=False)
    assert sessions.generate(content, preview=False) == first
    assert sessions.generate(content, preview=True) == first


def error_for(content) -> DataError:
    with pytest.raises(DataError) as caught:
        sessions.generate(content, preview=False)
    assert caught.value.path == str(content / sessions.DATA_FILE)
    assert "jadwal.yml" in str(caught.value)
    return caught.value


def test_unknown_desa_code(content):
    edit(content, '"35.03.14.2001"', '"35.03.14.2999"')
    error = error_for(content)
    assert error.position == "entri 4, baris 40"
    assert "35.03.14.2999" in error.message and "tidak dikenal" in error.message


def test_desa_outside_its_kecamatan(content):
    edit(content, 'desa: "35.03.01.2001"', 'desa: "35.03.04.2001"')
    error = error_for(content)
    assert error.position == "entri 1, baris 7"
    assert "Cakul" in error.message and "Kecamatan Panggul" in error.message


def test_wrong_type_for_peserta(content):
    edit(content, "peserta: 52", 'peserta: "banyak"')
    error = error_for(content)
    assert error.position == "entri 1, baris 12"
    assert "peserta" in error.message and "banyak" in error.message


def test_missing_tanggal(content):
    edit(content, "- tanggal: 2027-01-20\n  mulai: 08:00", "- mulai: 08:00")
    error = error_for(content)
    assert error.position == "entri 2, baris 17"
    assert "'tanggal' wajib diisi" in error.message


@pytest.mark.parametrize("old,new,position,words", [
    ("- tanggal: 2026-03-18", "- tanggal: 2026-02-30", "entri 1, baris 2", "TTTT-BB-HH"),
    ('selesai: "11:30"', 'selesai: "08:00"', "entri 1, baris 4", "lebih lambat"),
    ('mulai: "13:00"', 'mulai: "25:00"', "entri 3, baris 28", "JJ:MM"),
    ("besuki.svg", "tidak-ada.svg", "entri 1, baris 14", "tidak ditemukan"),
    ("assets/sosialisasi/besuki.svg", "../rahasia.svg", "entri 1, baris 14", "content/assets"),
    ("  topik: Topik lalu kedua\n", "  topk: Topik lalu kedua\n", "entri 3, baris 33", "topk"),
    ('kecamatan: "35.03.14"', "kecamatan: 35.03", "entri 4, baris 39", "tanda kutip"),
    ("- tanggal: 2026-12-09", "- tanggal: 2026-12-09\n  laporan: {peserta: 1, ringkasan: x}",
     "entri 4, baris 36", "belum berlangsung"),
])
def test_other_bad_entries(content, old, new, position, words):
    edit(content, old, new)
    error = error_for(content)
    assert (error.position, words in error.message) == (position, True), error


def test_yaml_syntax_error_names_the_line(content):
    edit(content, "  audiens: Pelajar\n", "  audiens: [Pelajar\n")
    assert error_for(content).position.startswith("baris ")


def test_no_data_file_gives_empty_pages(tmp_path):
    out = sessions.generate(tmp_path, preview=False)
    assert "Belum ada jadwal" in out["sosialisasi/jadwal.md"]
    assert Calendar.from_ical(out["sosialisasi/jadwal.ics"]).walk("VEVENT") == []


def test_the_sites_own_schedule(tmp_path):
    """The starter jadwal.yml (example data) is valid and has past and upcoming sessions."""
    shutil.copytree(ROOT / "content/data/sosialisasi", tmp_path / "data/sosialisasi")
    shutil.copytree(ROOT / "content/assets/sosialisasi", tmp_path / "assets/sosialisasi")
    text = (tmp_path / sessions.DATA_FILE).read_text(encoding="utf-8")
    assert "CONTOH" in text
    found = sessions.read_sessions(tmp_path, sessions.today())
    upcoming, past = sessions.split(found, sessions.today())
    assert upcoming and past and any(s.laporan and s.laporan.foto for s in past)
