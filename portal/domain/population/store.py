"""Kecamatan reports in the database: import (all or nothing), replacement, history, figures.

Tables (migration m003_population): population_reports holds one row per imported report
(who, when, file name, sha256, rows per topic); a corrected report for the same kecamatan and
period replaces the current one, which stays with replaced_by/replaced_at set. A partial
unique index keeps one current report per (periode, kecamatan). population_figures holds the
figures in long form: (report_id, topic, kode_desa, kategori or '', field, value).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ...db import write_transaction
from . import checks, reading


class ReportRejected(Exception):
    """The report has problems; nothing was imported."""

    def __init__(self, problems: list[reading.Problem]):
        super().__init__(f"{len(problems)} masalah; tidak ada data yang diimpor.")
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    report_id: int
    kecamatan: str
    periode: str
    row_counts: dict[str, int]
    figures: int
    replaced: int | None  # the id of the report this one replaced


def check_upload(files: list[tuple[str, bytes]], *, kecamatan: str | None = None,
                 periode: str | None = None) -> tuple[list[tuple[reading.Submission, checks.Checked]],
                                                      list[reading.Problem]]:
    """Read and check an upload: each .xlsx is one report; all .csv files together are one report
    (their kecamatan and period are `kecamatan` and `periode`). Returns each submission with its
    checked figures, and every problem of every file."""
    problems: list[reading.Problem] = []
    subs: list[reading.Submission] = []
    csv_files = []
    for name, data in files:
        kind = reading.sniff_kind(data)
        if kind == "xlsx" and name.lower().endswith((".xlsx", ".xlsm")):
            subs.append(reading.read_xlsx(data, name))
        elif kind == "csv" and name.lower().endswith(".csv"):
            csv_files.append((name, data))
        else:
            problems.append(reading.Problem(name, None, "", "Berkas bukan Excel .xlsx atau CSV teks yang sah; "
                                                            "isi berkas tidak sesuai dengan namanya."))
    if csv_files:
        subs.append(reading.read_csv_files(csv_files, kecamatan=kecamatan, periode=periode))
    results = []
    seen: dict[tuple, str] = {}
    for sub in subs:
        result = checks.check(sub, kecamatan=kecamatan, periode=periode)
        results.append((sub, result))
        problems.extend(result.problems)
        key = (sub.kecamatan, sub.periode)
        if key in seen:
            problems.append(reading.Problem(sub.filename, None, "", f"Kecamatan {sub.kecamatan} periode {sub.periode} "
                                                                    f"juga ada di {seen[key]}; kirim satu saja."))
        seen[key] = sub.filename
    return results, problems


def import_files(db, files: list[tuple[str, bytes]], *, by: str, user_id: int | None, now: datetime,
                 kecamatan: str | None = None, periode: str | None = None) -> list[Imported]:
    """Check every file, then import all of them in one transaction, or nothing (ReportRejected)."""
    subs, problems = check_upload(files, kecamatan=kecamatan, periode=periode)
    if problems:
        raise ReportRejected(problems)
    if not subs:
        raise ReportRejected([reading.Problem("", None, "", "Tidak ada berkas yang dikirim.")])
    with write_transaction(db):
        return [_store(db, sub, checked, by=by, user_id=user_id, now=now) for sub, checked in subs]


def _store(db, sub: reading.Submission, checked: checks.Checked, *, by: str, user_id: int | None,
           now: datetime) -> Imported:
    old = db.execute("SELECT id FROM population_reports WHERE periode = ? AND kecamatan = ? AND replaced_by IS NULL",
                     [sub.periode, sub.kecamatan]).fetchone()
    at = now.isoformat()
    if old:
        # Point the old report at itself for a moment: the unique index allows one current report.
        db.execute("UPDATE population_reports SET replaced_by = id, replaced_at = ? WHERE id = ?", [at, old[0]])
    cursor = db.execute(
        "INSERT INTO population_reports (kecamatan, periode, imported_at, imported_by, user_id, filename, sha256, "
        "row_counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [sub.kecamatan, sub.periode, at, by, user_id, sub.filename[:300], sub.sha256,
         json.dumps(checked.row_counts)])
    report_id = cursor.lastrowid
    if old:
        db.execute("UPDATE population_reports SET replaced_by = ? WHERE id = ?", [report_id, old[0]])
    db.conn.executemany(
        "INSERT INTO population_figures (report_id, topic, kode_desa, kategori, field, value) VALUES (?, ?, ?, ?, ?, ?)",
        [(report_id, *key, value) for key, value in checked.figures.items()])
    return Imported(report_id, sub.kecamatan, sub.periode, checked.row_counts, len(checked.figures),
                    old[0] if old else None)


_REPORT_COLUMNS = ("id", "kecamatan", "periode", "imported_at", "imported_by", "user_id", "filename", "sha256",
                   "row_counts", "replaced_by", "replaced_at")


def _report(row) -> dict:
    report = dict(zip(_REPORT_COLUMNS, row))
    report["row_counts"] = json.loads(report["row_counts"])
    report["imported_at"] = datetime.fromisoformat(report["imported_at"])
    if report["replaced_at"]:
        report["replaced_at"] = datetime.fromisoformat(report["replaced_at"])
    return report


def current_reports(db, periode: str) -> dict[str, dict]:
    """{kecamatan: report} for the reports in force for the period."""
    cursor = db.execute(f"SELECT {', '.join(_REPORT_COLUMNS)} FROM population_reports "
                        "WHERE periode = ? AND replaced_by IS NULL", [periode])
    return {r["kecamatan"]: r for r in map(_report, cursor)}


def history(db, periode: str | None = None, limit: int = 200) -> list[dict]:
    """Every import, newest first, replaced ones included."""
    where, args = ("WHERE periode = ?", [periode]) if periode else ("", [])
    cursor = db.execute(f"SELECT {', '.join(_REPORT_COLUMNS)} FROM population_reports {where} "
                        f"ORDER BY id DESC LIMIT ?", [*args, limit])
    return [_report(r) for r in cursor]


def periods(db) -> list[str]:
    """The periods that have at least one report, newest first."""
    return [r[0] for r in db.execute("SELECT DISTINCT periode FROM population_reports ORDER BY periode DESC")]


def figures(db, periode: str, topic: str | None = None):
    """(kecamatan, topic, kode_desa, kategori, field, value) from the current reports of a period."""
    sql = ("SELECT r.kecamatan, f.topic, f.kode_desa, f.kategori, f.field, f.value FROM population_figures f "
           "JOIN population_reports r ON r.id = f.report_id WHERE r.periode = ? AND r.replaced_by IS NULL")
    args = [periode]
    if topic:
        sql += " AND f.topic = ?"
        args.append(topic)
    return db.execute(sql, args).fetchall()
