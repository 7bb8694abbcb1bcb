"""Dates, times and numbers written the Indonesian way, for every page, letter, e-mail and file.

One place on babel's "id" locale, so that a date or a number reads the same wherever it appears.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

# "Januari" ... "Desember", for a month named on its own or a date that does not exist.
BULAN = tuple(get_month_names("wide", locale="id")[m] for m in range(1, 13))


def day(value: str | date | datetime) -> date:
    """The calendar day of an ISO date or timestamp (as stored), a date or a datetime."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])  # an ISO date, or the date part of an ISO datetime
    return value.date() if isinstance(value, datetime) else value


def tanggal(value: str | date | datetime) -> str:
    """Indonesian date without weekday: "2 November 2026"."""
    return format_date(day(value), "d MMMM y", locale="id")


def tanggal_panjang(value: str | date | datetime) -> str:
    """Indonesian long date, e.g. "Rabu, 25 November 2026"."""
    # Not format="full": babel's Indonesian full pattern zero-pads the day ("Jumat, 01 Januari").
    return format_date(day(value), "EEEE, d MMMM y", locale="id")


def jam(value: str | time | datetime) -> str:
    """A time of day as Indonesian writes it: "09.15"."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)  # as stored: "2026-11-02T09:15:00+07:00"
    return value.strftime("%H.%M")


def waktu(value: str | datetime, tz: tzinfo | None = None) -> str:
    """A moment as the office writes it: "Rabu, 25 November 2026 pukul 09.15 WIB". Given the
    office's zone `tz`, a moment stored with its offset (UTC, say) is first put in it and named
    ("WIB"); without `tz` it reads as stored, unnamed."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)  # as stored: "2026-11-02T09:15:00+07:00"
    if tz is None or value.tzinfo is None:
        return f"{tanggal_panjang(value)} pukul {jam(value)}"
    value = value.astimezone(tz)
    return f"{tanggal_panjang(value)} pukul {jam(value)} {value.tzname()}"


def angka(value: float, decimals: int = 0) -> str:
    """A number written the Indonesian way: 753.810; 1,23."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="id")


def persen(value: float, decimals: int = 1) -> str:
    """A percentage: "12,5 %"."""
    return f"{angka(value, decimals)} %"
