"""Is the holiday list (the HOLIDAYS_CSV file that portal.domain.calendar reads) long enough?

National holidays come from the `holidays` package for any year, but the cuti bersama of a year
are known only once the government's joint decree (SKB) for it is published, usually in
September or October of the year before, and someone adds them to the file. A deadline that falls
in a year the file does not cover is counted as if that year had no cuti bersama: too early. The
readiness page, the health page and the staff dashboard warn (`missing_years`, `warning`), and the
administrator adds the days in the browser (`add`), which rewrites the file the calendar reads.

Plain Python, no Flask.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .calendar import HOLIDAY_KINDS, load_holiday_csv

HORIZON_DAYS = 60  # the warning looks this far ahead even when no deadline does
KIND_LABELS = {"cuti_bersama": "Cuti bersama", "libur_nasional": "Libur nasional tambahan"}
YEARS_AHEAD = 3  # a date further ahead than this is a typing mistake, not a decree
MAX_NAME = 120
SKB = ("Surat Keputusan Bersama (SKB) Menteri Agama, Menteri Ketenagakerjaan, dan Menteri Pendayagunaan "
       "Aparatur Negara dan Reformasi Birokrasi tentang Hari Libur Nasional dan Cuti Bersama")


@dataclass(frozen=True)
class Entry:
    tanggal: date
    nama: str
    jenis: str


class InvalidEntries(ValueError):
    "Rows of the form that cannot be added; `errors` maps row number (1-based) to an Indonesian message."

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("; ".join(f"baris {n}: {m}" for n, m in sorted(errors.items())))


def years_listed(csv_path: str | os.PathLike) -> set[int]:
    return {day.year for day, _, _ in load_holiday_csv(csv_path)}


def years_needed(today: date, deadlines: Iterable[date], horizon_days: int = HORIZON_DAYS) -> set[int]:
    "Every year from today to the later of today + horizon and the latest open deadline."
    last = max([today + timedelta(days=horizon_days), *deadlines])
    return set(range(today.year, last.year + 1))


def missing_years(csv_path: str | os.PathLike, today: date, deadlines: Iterable[date]) -> list[int]:
    return sorted(years_needed(today, deadlines) - years_listed(csv_path))


def warning(missing: list[int]) -> str | None:
    "The warning for staff, in Indonesian, with what to do; None when nothing is missing."
    if not missing:
        return None
    years = ", ".join(str(y) for y in missing)
    return (f"Daftar cuti bersama belum memuat tahun {years}, padahal ada batas waktu pengaduan atau "
            f"{HORIZON_DAYS} hari ke depan yang jatuh pada tahun itu. Sampai daftar dilengkapi, cuti bersama tahun {years} dihitung sebagai hari "
            f"kerja, sehingga batas waktu bisa terlalu cepat. Cara melengkapinya: ambil {SKB} Tahun {missing[0]} "
            "(biasanya terbit September sampai Oktober tahun sebelumnya dan diumumkan di setkab.go.id dan "
            "menpan.go.id), lalu Administrator membuka halaman Hari Libur dan Cuti Bersama di portal dan memasukkan "
            "setiap tanggal cuti bersama dengan keterangannya, misalnya 24 Desember, Cuti Bersama Hari Raya Natal.")


def parse(rows: Iterable[tuple[str, str, str]], *, existing: Iterable[date], today: date) -> list[Entry]:
    """The form's rows (tanggal as YYYY-MM-DD, nama, jenis), checked; blank rows are skipped.
    Raises InvalidEntries naming each bad row; nothing is added then."""
    taken = set(existing)
    errors: dict[int, str] = {}
    out: list[Entry] = []
    for number, (tanggal, nama, jenis) in enumerate(rows, start=1):
        tanggal, nama, jenis = (tanggal or "").strip(), " ".join((nama or "").split()), (jenis or "").strip()
        if not tanggal and not nama:
            continue
        try:
            day = date.fromisoformat(tanggal)
        except ValueError:
            errors[number] = "isi tanggal dengan benar, misalnya 2027-12-24."
            continue
        if not nama:
            errors[number] = "isi keterangannya, misalnya Cuti Bersama Hari Raya Natal."
        elif len(nama) > MAX_NAME:
            errors[number] = f"keterangan paling banyak {MAX_NAME} karakter."
        elif jenis not in HOLIDAY_KINDS:
            errors[number] = "pilih jenisnya: cuti bersama atau libur nasional tambahan."
        elif not (today.year - 1 <= day.year <= today.year + YEARS_AHEAD):
            errors[number] = f"tahun {day.year} tidak masuk akal; periksa lagi tanggalnya."
        elif jenis == "cuti_bersama" and day.weekday() >= 5:
            errors[number] = "tanggal itu hari Sabtu atau Minggu; cuti bersama selalu jatuh pada hari kerja."
        elif day in taken:
            errors[number] = f"tanggal {day.isoformat()} sudah ada dalam daftar."
        else:
            taken.add(day)
            out.append(Entry(day, nama, jenis))
    if errors:
        raise InvalidEntries(errors)
    if not out:
        raise InvalidEntries({1: "belum ada tanggal yang diisi."})
    return out


def add(csv_path: str | os.PathLike, entries: list[Entry]) -> None:
    """Append the entries to the holiday file, replacing it in one step (a reader never sees half a
    file); the calendar notices the change and is rebuilt."""
    path = Path(csv_path)
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for e in sorted(entries, key=lambda e: e.tanggal):
        writer.writerow([e.tanggal.isoformat(), e.nama, e.jenis])
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + buffer.getvalue(), encoding="utf-8")
    try:
        load_holiday_csv(tmp)  # the file as the calendar will read it; refuses before replacing anything
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def by_year(csv_path: str | os.PathLike) -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = {}
    for day, nama, jenis in sorted(load_holiday_csv(csv_path)):
        out.setdefault(day.year, []).append(Entry(day, nama, jenis))
    return out
