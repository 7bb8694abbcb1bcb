"""Nomor Induk Kependudukan (NIK): normalising, validating and masking.

A NIK is 16 digits, PP KK CC DD MM YY SSSS: province, kabupaten/kota and kecamatan of first
issue, birth day (women add 40), birth month, two-digit birth year, and a serial number.
python-stdnum only checks the province; this module checks every part it can, so that a
typo is caught while the citizen is still at the form, with a message saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from portal.domain import regions
from portal.domain.formatting import BULAN


_SEPARATORS = re.compile(r"[\s.\-]+")
_MASK = "\u2022"


class InvalidNik(ValueError):
    """The NIK cannot be right; the message says why, in Indonesian, for the citizen."""


@dataclass(frozen=True)
class Nik:
    number: str
    birth_date: date
    female: bool
    region_code: str  # dotted kecamatan code, e.g. "35.03.11"


def normalise(text: str) -> str:
    """Drop the spaces, dots and hyphens people type to group the digits."""
    return _SEPARATORS.sub("", text or "")


def validate(text: str, today: date | None = None) -> Nik:
    """Return the parsed NIK, or raise InvalidNik naming the first problem found."""
    number = normalise(text)
    if not number:
        raise InvalidNik("NIK wajib diisi.")
    # isdecimal() alone would accept Arabic-Indic and other Unicode digits.
    if not (number.isascii() and number.isdecimal()):
        raise InvalidNik("NIK hanya boleh berisi angka.")
    if len(number) != 16:
        raise InvalidNik(f"NIK harus 16 digit; yang diisi {len(number)} digit.")

    region_code = _check_region(number[:6])
    birth_date, female = _birth_date(number[6:12], today or date.today())
    if number[12:] == "0000":
        raise InvalidNik("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000.")
    return Nik(number=number, birth_date=birth_date, female=female, region_code=region_code)


def _check_region(six: str) -> str:
    provinsi, kabupaten = six[:2], f"{six[:2]}.{six[2:4]}"
    kecamatan = f"{kabupaten}.{six[4:6]}"
    failing = {
        "provinsi": f"Kode provinsi {provinsi}",
        "kabupaten": f"Kode kabupaten/kota {kabupaten}",
        "kecamatan": f"Kode kecamatan {kecamatan}",
    }
    status = regions.nik_prefix_status(six)
    if status != "ok":
        raise InvalidNik(f"{failing[status]} pada NIK tidak terdaftar di Kemendagri.")
    return kecamatan


def _birth_date(ddmmyy: str, today: date) -> tuple[date, bool]:
    day, month, yy = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    female = day > 40
    if female:
        day -= 40
    if not 1 <= day <= 31:
        raise InvalidNik(
            f"Tanggal lahir pada NIK (digit ke-7 dan ke-8: {ddmmyy[:2]}) tidak mungkin; "
            "untuk laki-laki 01–31, untuk perempuan 41–71."
        )
    if not 1 <= month <= 12:
        raise InvalidNik(
            f"Bulan lahir pada NIK (digit ke-9 dan ke-10: {ddmmyy[2:4]}) tidak mungkin; "
            "harus 01–12."
        )
    # The NIK has no century: take the latest one that puts the birth in the past. The
    # previous century always qualifies, so a birth date can never end up in the future.
    latest = today.year - (today.year - yy) % 100
    for year in (latest, latest - 100, latest - 200):
        try:
            born = date(year, month, day)
        except ValueError:
            continue  # 29 February: try the century before
        if born <= today:
            return born, female
    year = latest if date(latest, 1, 1) <= today else latest - 100
    raise InvalidNik(
        f"Tanggal lahir pada NIK ({day} {BULAN[month - 1]} {year}) tidak ada di kalender."
    )


def mask(number: str) -> str:
    """Hide the middle of a NIK for display: "3503••••••••0001".

    Anything that is not a 16-digit NIK keeps only its last four characters visible, and
    something four characters long or shorter is hidden entirely (it would all be exposed).
    """
    compact = normalise(number)
    if len(compact) == 16:
        return compact[:4] + _MASK * 8 + compact[-4:]
    if len(compact) <= 4:
        return _MASK * len(compact)
    return _MASK * (len(compact) - 4) + compact[-4:]
