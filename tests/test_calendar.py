from datetime import date

import pytest

from portal.domain.calendar import Calendar, Deadline, HolidayFileError
from portal.domain.formatting import tanggal_panjang as format_tanggal


@pytest.fixture(scope="module")
def cal():
    return Calendar.default()


@pytest.fixture(scope="module")
def cal_no_cuti():
    return Calendar.default(cuti_bersama_libur=False)


def test_format_tanggal_does_not_zero_pad():
    assert format_tanggal(date(2026, 11, 25)) == "Rabu, 25 November 2026"
    assert format_tanggal(date(2027, 1, 1)) == "Jumat, 1 Januari 2027"


def test_holidays_from_package_and_csv(cal):
    assert cal.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert cal.holiday_name(date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
    assert cal.holiday_name(date(2026, 12, 23)) is None
    assert cal.holiday_name(date(2026, 12, 26)) is None  # a plain Saturday


def test_is_working_day(cal, cal_no_cuti):
    assert cal.is_working_day(date(2026, 11, 25))
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 29))  # Sunday
    assert not cal.is_working_day(date(2027, 1, 1))
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal_no_cuti.is_working_day(date(2026, 12, 24))
    assert cal_no_cuti.holiday_name(date(2026, 12, 24)) is None


def test_deadline_across_christmas_and_new_year(cal):
    deadline = cal.add_working_days(date(2026, 12, 21), 10)
    # Skipped: 24 Dec cuti bersama, 25 Dec, 1 Jan, 5 Jan (Isra Mikraj) and two weekends.
    assert deadline == Deadline(
        due=date(2027, 1, 8),
        explanation=[
            "Diterima Senin, 21 Desember 2026 (hari ke-0).",
            "Dihitung 10 hari kerja; dilewati: 4 hari Sabtu/Minggu, 4 hari libur "
            "(Cuti Bersama Hari Raya Natal, 24 Desember 2026; Hari Raya Natal, 25 Desember 2026; "
            "Tahun Baru Masehi, 1 Januari 2027; Isra Mikraj Nabi Muhammad, 5 Januari 2027).",
            "Batas waktu: Jumat, 8 Januari 2027.",
        ],
    )


def test_cuti_bersama_setting_changes_the_date(cal, cal_no_cuti):
    assert cal.add_working_days(date(2026, 12, 21), 5).due == date(2026, 12, 30)
    off = cal_no_cuti.add_working_days(date(2026, 12, 21), 5)
    assert off.due == date(2026, 12, 29)
    assert "Cuti Bersama" not in " ".join(off.explanation)
    assert "Hari Raya Natal, 25 Desember 2026" in off.explanation[1]


def test_start_on_a_saturday(cal):
    deadline = cal.add_working_days(date(2026, 11, 28), 1)
    assert deadline.due == date(2026, 11, 30)
    assert deadline.explanation == [
        "Diterima Sabtu, 28 November 2026 (hari ke-0).",
        "Dihitung 1 hari kerja; dilewati: 1 hari Sabtu/Minggu.",
        "Batas waktu: Senin, 30 November 2026.",
    ]


def test_no_days_skipped(cal):
    deadline = cal.add_working_days(date(2026, 11, 23), 3)
    assert deadline.due == date(2026, 11, 26)
    assert deadline.explanation[1] == "Dihitung 3 hari kerja."


def test_zero_days_is_the_receipt_day(cal):
    assert cal.add_working_days(date(2026, 11, 25), 0).due == date(2026, 11, 25)


def test_negative_days_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 11, 25), -1)
    with pytest.raises(ValueError):
        cal.add_calendar_days(date(2026, 11, 25), -1)


def test_calendar_days_moved_off_a_sunday(cal):
    deadline = cal.add_calendar_days(date(2026, 11, 22), 14)
    assert deadline.due == date(2026, 12, 7)
    assert deadline.explanation == [
        "Diterima Minggu, 22 November 2026 (hari ke-0).",
        "Dihitung 14 hari kalender, jatuh pada Minggu, 6 Desember 2026.",
        "Hari itu bukan hari kerja, jadi batas waktu digeser ke hari kerja berikutnya; "
        "dilewati: 1 hari Sabtu/Minggu.",
        "Batas waktu: Senin, 7 Desember 2026.",
    ]


def test_calendar_days_moved_off_christmas_names_it(cal):
    deadline = cal.add_calendar_days(date(2026, 12, 11), 14)
    assert deadline.due == date(2026, 12, 28)
    assert "1 hari libur (Hari Raya Natal, 25 Desember 2026)" in deadline.explanation[2]


def test_calendar_days_on_a_working_day_stay(cal):
    deadline = cal.add_calendar_days(date(2026, 11, 25), 7)
    assert deadline.due == date(2026, 12, 2)
    assert len(deadline.explanation) == 3


def test_working_days_between_is_the_inverse(cal):
    start = date(2026, 12, 21)
    for n in range(0, 30):
        assert cal.working_days_between(start, cal.add_working_days(start, n).due) == n
    assert cal.working_days_between(date(2027, 1, 8), start) == -10
    assert cal.working_days_between(start, start) == 0


def test_custom_mapping():
    cal = Calendar({date(2026, 11, 26): "Hari Jadi Kabupaten (contoh)"})
    deadline = cal.add_working_days(date(2026, 11, 25), 1)
    assert deadline.due == date(2026, 11, 27)
    assert "Hari Jadi Kabupaten (contoh), 26 November 2026" in deadline.explanation[1]


def test_extra_csv_replaces_the_bundled_one(tmp_path):
    path = tmp_path / "libur.csv"
    path.write_text(
        "tanggal,nama,jenis\n"
        "2026-11-26,Libur Daerah (contoh),libur_nasional\n"
        "2026-11-27,Cuti Bersama (contoh),cuti_bersama\n",
        encoding="utf-8",
    )
    cal = Calendar.default(extra_csv=path, years=[2026])
    assert not cal.is_working_day(date(2026, 11, 26))
    assert not cal.is_working_day(date(2026, 11, 27))
    assert cal.is_working_day(date(2026, 12, 24))  # bundled cuti bersama no longer read
    relaxed = Calendar.default(extra_csv=path, cuti_bersama_libur=False, years=[2026])
    assert not relaxed.is_working_day(date(2026, 11, 26))
    assert relaxed.is_working_day(date(2026, 11, 27))


@pytest.mark.parametrize(
    "row, message",
    [
        ("26-11-2026,Libur,cuti_bersama", "baris 2: tanggal harus ditulis TTTT-BB-HH"),
        ("2026-11-26,,cuti_bersama", "hari-libur.csv baris 2: nama hari libur kosong."),
        ("2026-11-26,Libur,libur", "hari-libur.csv baris 2: jenis “libur” tidak dikenal"),
    ],
)
def test_bad_csv_rows_are_reported(tmp_path, row, message):
    path = tmp_path / "libur.csv"
    path.write_text(f"tanggal,nama,jenis\n{row}\n", encoding="utf-8")
    with pytest.raises(HolidayFileError, match=message):
        Calendar.default(extra_csv=path, years=[2026])
