"""Working days and deadlines for complaints.

Deadlines are always computed from the receipt date, never stored, so a corrected holiday
list corrects every open deadline at once. The receipt day is day zero; a deadline of N
days ends at the end of day N. Saturdays and Sundays are never working days.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from os import PathLike

import holidays as holidays_lib

from .formatting import tanggal, tanggal_panjang

HOLIDAY_CSV = "hari-libur.csv"
HOLIDAY_KINDS = ("libur_nasional", "cuti_bersama")
# The holidays package computes any year; these bounds just keep the table small and finite.
FIRST_YEAR = 2020
YEARS_AHEAD = 2

_ONE_DAY = timedelta(days=1)
_WEEKEND = {5: "Sabtu", 6: "Minggu"}


class HolidayFileError(ValueError):
    """A row of the holiday CSV cannot be used; the message names the line."""


@dataclass(frozen=True)
class Deadline:
    due: date
    explanation: list[str]  # Indonesian sentences, shown to the citizen as they are


def load_holiday_csv(path: str | PathLike[str] | None = None) -> list[tuple[date, str, str]]:
    """Rows (tanggal, nama, jenis) of a holiday CSV; the bundled file when path is None."""
    if path is None:
        opened = files("portal").joinpath("data").joinpath(HOLIDAY_CSV).open(
            encoding="utf-8", newline=""
        )
    else:
        opened = open(path, encoding="utf-8", newline="")
    with opened as f:
        rows = []
        # Line 1 is the header, so data starts on line 2: matches what an editor shows.
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                day = date.fromisoformat((row.get("tanggal") or "").strip())
            except ValueError:
                raise HolidayFileError(
                    f"{HOLIDAY_CSV} baris {line}: tanggal harus ditulis TTTT-BB-HH, "
                    f"misalnya 2026-12-24."
                ) from None
            nama = (row.get("nama") or "").strip()
            jenis = (row.get("jenis") or "").strip()
            if not nama:
                raise HolidayFileError(f"{HOLIDAY_CSV} baris {line}: nama hari libur kosong.")
            if jenis not in HOLIDAY_KINDS:
                raise HolidayFileError(
                    f"{HOLIDAY_CSV} baris {line}: jenis “{jenis}” tidak dikenal; "
                    "gunakan libur_nasional atau cuti_bersama."
                )
            rows.append((day, nama, jenis))
    return rows


class Calendar:
    """Working-day arithmetic over a fixed mapping of non-working dates to their names."""

    def __init__(self, holidays: Mapping[date, str]):
        # A plain dict copy: lookups stay read-only, hence safe across server threads.
        self._holidays = dict(holidays)

    @classmethod
    def default(
        cls,
        extra_csv: str | PathLike[str] | None = None,
        cuti_bersama_libur: bool = True,
        years: Iterable[int] | None = None,
    ) -> Calendar:
        """National public holidays (holidays package) plus the holiday CSV.

        extra_csv replaces the bundled portal/data/hari-libur.csv when given. A CSV row wins
        over the package for the same date, so an estimated holiday name can be corrected.
        Whether cuti bersama closes the office is policy, hence cuti_bersama_libur.
        """
        if years is None:
            years = range(FIRST_YEAR, date.today().year + YEARS_AHEAD + 1)
        national = holidays_lib.country_holidays(
            "ID", years=list(years), language="id", categories=("public",)
        )
        table: dict[date, str] = dict(national.items())
        for day, nama, jenis in load_holiday_csv(extra_csv):
            if jenis == "libur_nasional" or cuti_bersama_libur:
                table[day] = nama
        return cls(table)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() not in _WEEKEND and d not in self._holidays

    def holiday_name(self, d: date) -> str | None:
        """Name of the holiday on d, or None (also None for a plain Saturday or Sunday)."""
        return self._holidays.get(d)

    def next_working_day(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The end of the n-th working day after the receipt day (n=0: the receipt day)."""
        if n < 0:
            raise ValueError("n must not be negative")
        due, counted, skipped = start, 0, []
        while counted < n:
            due += _ONE_DAY
            if self.is_working_day(due):
                counted += 1
            else:
                skipped.append(due)
        middle = f"Dihitung {n} hari kerja"
        middle += f"; dilewati: {self._summary(skipped)}." if skipped else "."
        return self._deadline(start, due, middle)

    def add_calendar_days(self, start: date, n: int) -> Deadline:
        """n calendar days after receipt, moved to the next working day if that is closed.

        The move follows Alaveteli (WhatDoTheyKnow): nobody must answer on a day the office
        is shut, so the deadline never ends on a weekend or holiday.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        landed = start + timedelta(days=n)
        due = self.next_working_day(landed)
        middle = [f"Dihitung {n} hari kalender, jatuh pada {tanggal_panjang(landed)}."]
        if due != landed:
            skipped = [landed + timedelta(days=i) for i in range((due - landed).days)]
            middle.append(
                "Hari itu bukan hari kerja, jadi batas waktu digeser ke hari kerja berikutnya; "
                f"dilewati: {self._summary(skipped)}."
            )
        return self._deadline(start, due, *middle)

    def add(self, start: date, n: int, jenis: str) -> Deadline:
        """n days of the SOP data's `jenis` after start: "kerja" counts working days, any other
        ("kalender") calendar days."""
        return self.add_working_days(start, n) if jenis == "kerja" else self.add_calendar_days(start, n)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after a up to and including b; negative when b is before a.

        The counterpart of add_working_days: between(s, add_working_days(s, n).due) == n.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def _summary(self, skipped: list[date]) -> str:
        # A holiday on a weekend would be skipped anyway, so it counts as Saturday/Sunday.
        weekend = sum(d.weekday() in _WEEKEND for d in skipped)
        named = [d for d in skipped if d.weekday() not in _WEEKEND]
        parts = []
        if weekend:
            parts.append(f"{weekend} hari Sabtu/Minggu")
        if named:
            listed = "; ".join(f"{self._holidays[d]}, {tanggal(d)}" for d in named)
            parts.append(f"{len(named)} hari libur ({listed})")
        return ", ".join(parts)

    @staticmethod
    def _deadline(start: date, due: date, *middle: str) -> Deadline:
        return Deadline(
            due=due,
            explanation=[
                f"Diterima {tanggal_panjang(start)} (hari ke-0).",
                *middle,
                f"Batas waktu: {tanggal_panjang(due)}.",
            ],
        )
