"""Recapitulation of a period's kecamatan reports, and which kecamatan are late.

Kecamatan and kabupaten figures are sums over the desa codes of the current reports. A report
is due when the SOP's standard has run from the period's last day (SOP Pelaporan Data
Kependudukan, step 1: its waktu and `tenggat` in content/data/sop/, read as
catalog.laporan_kependudukan; template.deadline counts it). A kecamatan without a report is
late from the day after that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .. import regions
from ..calendar import Calendar
from ..catalog import TimeStandard
from . import store
from .template import deadline

Cell = tuple[str, str]  # (kategori or "", field)


@dataclass
class Recap:
    periode: str
    kecamatan: dict[str, dict[str, dict[Cell, int]]]  # kecamatan -> topic -> (kategori, field) -> sum
    kabupaten: dict[str, dict[Cell, int]]  # topic -> (kategori, field) -> sum
    reported: list[str]  # kecamatan codes with a current report

    def value(self, topic: str, field: str, kategori: str = "", kecamatan: str | None = None) -> int:
        table = self.kecamatan.get(kecamatan, {}) if kecamatan else self.kabupaten
        return table.get(topic, {}).get((kategori, field), 0)


def recap(db, periode: str) -> Recap:
    by_kec: dict[str, dict[str, dict[Cell, int]]] = {}
    total: dict[str, dict[Cell, int]] = {}
    for kec, topic, _desa, kategori, field, value in store.figures(db, periode):
        cell = (kategori, field)
        t = by_kec.setdefault(kec, {}).setdefault(topic, {})
        t[cell] = t.get(cell, 0) + value
        k = total.setdefault(topic, {})
        k[cell] = k.get(cell, 0) + value
    return Recap(periode, by_kec, total, sorted(store.current_reports(db, periode)))


@dataclass(frozen=True)
class Status:
    kode: str
    nama: str
    report: dict | None  # the current report, if any
    due: date
    late_since: date | None  # the first late day, for a missing or late report
    days_late: int  # so far (missing) or when it came (late report); 0 when on time or not yet due

    @property
    def label(self) -> str:
        if self.report is None:
            return f"Belum lapor, terlambat {self.days_late} hari" if self.days_late else "Belum lapor (belum jatuh tempo)"
        return f"Sudah lapor, terlambat {self.days_late} hari" if self.days_late else "Sudah lapor tepat waktu"


def status(db, periode: str, today: date, rule: TimeStandard, calendar: Calendar) -> list[Status]:
    """Every kecamatan with its report (or none) and how late it is; missing ones first."""
    due = deadline(periode, rule, calendar).due
    first_late = due + timedelta(days=1)
    reports = store.current_reports(db, periode)
    result = []
    for kec in regions.kecamatan_list():
        report = reports.get(kec.kode)
        if report is None:
            late = max(0, (today - due).days)
        else:
            # The first report counts for lateness, not a later correction.
            first = db.execute("SELECT MIN(imported_at) FROM population_reports WHERE periode = ? AND kecamatan = ?",
                               [periode, kec.kode]).fetchone()[0]
            late = max(0, (date.fromisoformat(first[:10]) - due).days)
        result.append(Status(kec.kode, kec.nama, report, due, first_late if late else None, late))
    return sorted(result, key=lambda s: (s.report is not None, s.nama))


def missing(db, periode: str) -> list[regions.Region]:
    """The kecamatan without a current report for the period."""
    reported = store.current_reports(db, periode)
    return [k for k in regions.kecamatan_list() if k.kode not in reported]
