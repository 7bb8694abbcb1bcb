from datetime import date

import pytest

from portal.domain import nik
from portal.domain.nik import InvalidNik, Nik

TODAY = date(2026, 11, 25)


def test_valid_female():
    assert nik.validate("3503114508900001", today=TODAY) == Nik(
        number="3503114508900001",
        birth_date=date(1990, 8, 5),
        female=True,
        region_code="35.03.11",
    )


def test_valid_male():
    result = nik.validate("3503110508900001", today=TODAY)
    assert result.female is False
    assert result.birth_date == date(1990, 8, 5)


def test_separators_are_ignored():
    assert nik.validate(" 3503.1145-0890 0001 ", today=TODAY).number == "3503114508900001"


def test_merauke_nik_from_before_the_papua_split_is_valid():
    # 91.01.01 (Merauke) is listed only in the 2016-2022 editions; it is now 93.01.01.
    result = nik.validate("9101014508900001", today=TODAY)
    assert result.region_code == "91.01.01"


def test_today_defaults_to_the_real_date():
    assert nik.validate("3503114508900001").birth_date == date(1990, 8, 5)


@pytest.mark.parametrize(
    "number, year",
    [
        ("3503110101240001", 2024),
        ("3503110101900001", 1990),
        ("3503110101000001", 2000),
        ("3503110101260001", 2026),
    ],
)
def test_century_is_the_latest_not_in_the_future(number, year):
    assert nik.validate(number, today=TODAY).birth_date.year == year


def test_birth_date_is_never_in_the_future():
    # 1 December '26 seen on 25 November 2026 is read as 1926, not a date still to come.
    born = nik.validate("3503110112260001", today=TODAY).birth_date
    assert born == date(1926, 12, 1)
    assert nik.validate("3503110112260001", today=date(2026, 12, 1)).birth_date == date(2026, 12, 1)


def test_leap_day_falls_back_to_a_leap_century():
    assert nik.validate("3503112902000001", today=TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "NIK wajib diisi."),
        ("  - . ", "NIK wajib diisi."),
        ("35031145089O0001", "NIK hanya boleh berisi angka."),
        ("3503114508９00001", "NIK hanya boleh berisi angka."),  # full-width digit
        ("350311450890001", "NIK harus 16 digit; yang diisi 15 digit."),
        ("35031145089000011", "NIK harus 16 digit; yang diisi 17 digit."),
        ("9901014508900001", "Kode provinsi 99 pada NIK tidak terdaftar di Kemendagri."),
        ("3599014508900001", "Kode kabupaten/kota 35.99 pada NIK tidak terdaftar di Kemendagri."),
        ("3503990101900001", "Kode kecamatan 35.03.99 pada NIK tidak terdaftar di Kemendagri."),
        (
            "3503117208900001",
            "Tanggal lahir pada NIK (digit ke-7 dan ke-8: 72) tidak mungkin; "
            "untuk laki-laki 01–31, untuk perempuan 41–71.",
        ),
        (
            "3503113508900001",
            "Tanggal lahir pada NIK (digit ke-7 dan ke-8: 35) tidak mungkin; "
            "untuk laki-laki 01–31, untuk perempuan 41–71.",
        ),
        (
            "3503110008900001",
            "Tanggal lahir pada NIK (digit ke-7 dan ke-8: 00) tidak mungkin; "
            "untuk laki-laki 01–31, untuk perempuan 41–71.",
        ),
        (
            "3503110113900001",
            "Bulan lahir pada NIK (digit ke-9 dan ke-10: 13) tidak mungkin; harus 01–12.",
        ),
        ("3503113102900001", "Tanggal lahir pada NIK (31 Februari 1990) tidak ada di kalender."),
        ("3503117102900001", "Tanggal lahir pada NIK (31 Februari 1990) tidak ada di kalender."),
        ("3503112902900001", "Tanggal lahir pada NIK (29 Februari 1990) tidak ada di kalender."),
        ("3503114508900000", "Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000."),
    ],
)
def test_each_failure_has_its_own_message(text, message):
    with pytest.raises(InvalidNik) as caught:
        nik.validate(text, today=TODAY)
    assert str(caught.value) == message


def test_invalid_nik_is_a_value_error():
    assert issubclass(InvalidNik, ValueError)


def test_normalise():
    assert nik.normalise("3503 1145.0890-0001") == "3503114508900001"
    assert nik.normalise("") == ""


@pytest.mark.parametrize(
    "number, masked",
    [
        ("3503114508900001", "3503••••••••0001"),
        ("3503 1145 0890 0001", "3503••••••••0001"),
        ("350311450890001", "•••••••••••0001"),
        ("12345", "•2345"),
        ("1234", "••••"),
        ("", ""),
    ],
)
def test_mask(number, masked):
    assert nik.mask(number) == masked
