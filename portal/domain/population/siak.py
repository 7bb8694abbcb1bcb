"""Consolidation with SIAK: SIAK's aggregate export per desa against the kecamatan reports.

Accepted file: CSV (UTF-8, "," or ";"), one row per desa of Kabupaten Trenggalek, header
`kode_desa` (required), `nama_desa` (optional, ignored) and one or more of the figure columns
of the topics without a category list (penduduk, kelahiran_kematian, mutasi, keluarga, ktp_el,
akta_kelahiran); those column names are unique across these topics, so a bare name says which
topic it belongs to. Every desa must be present once; every figure a whole number >= 0.

The difference report lists, per desa of every kecamatan that reported, each indicator whose
kecamatan figure and SIAK figure differ by more than the tolerance (default 0).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from ...db import write_transaction
from .. import regions
from . import schema, store
from ..formatting import angka
from .checks import parse_count
from .layout import label
from .reading import Problem

FIELDS: dict[str, str] = {}  # field -> topic code
for _topic in schema.TOPICS:
    if not _topic.categories:
        for _field in _topic.columns:
            assert _field not in FIELDS, f"SIAK column {_field} is ambiguous"
            FIELDS[_field] = _topic.code


class SiakRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} masalah; berkas SIAK tidak diimpor.")
        self.problems = problems


def all_desa() -> list[regions.Region]:
    return [d for k in regions.kecamatan_list() for d in regions.desa_list(k.kode)]


def read(data: bytes, name: str) -> tuple[dict[tuple[str, str, str], int], list[Problem]]:
    """{(topic, kode_desa, field): value} and every problem of the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, [Problem(name, None, "", "Berkas bukan teks CSV UTF-8.")]
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [h.strip().lower() for h in next(reader, [])]
    problems = []
    unknown = [h for h in header if h not in FIELDS and h not in ("kode_desa", "nama_desa")]
    fields = [h for h in header if h in FIELDS]
    if "kode_desa" not in header or unknown or not fields or len(set(header)) != len(header):
        problems.append(Problem(name, 1, "", "Baris judul salah: harus ada kode_desa dan sedikitnya satu kolom dari "
                                f"{', '.join(FIELDS)}" + (f"; tidak dikenal: {', '.join(unknown)}" if unknown else "")
                                + ("; ada kolom ganda" if len(set(header)) != len(header) else "") + "."))
        return {}, problems
    index = {h: i for i, h in enumerate(header)}
    figures: dict[tuple[str, str, str], int] = {}
    seen: dict[str, int] = {}
    for cells in reader:
        if all(c.strip() == "" for c in cells):
            continue
        line = reader.line_num
        cells = cells + [""] * (len(header) - len(cells))
        code = cells[index["kode_desa"]].strip()
        region = regions.get(code)
        if region is None or region.jenis not in ("desa", "kelurahan"):
            problems.append(Problem(name, line, "kode_desa", f"Kode desa {code or '(kosong)'} tidak dikenal di "
                                                             "Kabupaten Trenggalek."))
            code = ""
        elif code in seen:
            problems.append(Problem(name, line, "kode_desa", f"Desa {code} tertulis dua kali (juga di baris {seen[code]})."))
            code = ""
        else:
            seen[code] = line
        values = {}
        for field in fields:
            value, error = parse_count(cells[index[field]])
            if error:
                problems.append(Problem(name, line, field, f"Nilai {error}."))
            else:
                values[field] = value
        if {"laki_laki", "perempuan", "jumlah"} <= values.keys() and \
                values["laki_laki"] + values["perempuan"] != values["jumlah"]:
            problems.append(Problem(name, line, "jumlah", f"Laki-laki + perempuan = "
                                    f"{angka(values['laki_laki'] + values['perempuan'])}, tetapi jumlah {angka(values['jumlah'])}."))
        if code:
            for field, value in values.items():
                figures[(FIELDS[field], code, field)] = value
    for desa in all_desa():
        if desa.kode not in seen:
            problems.append(Problem(name, None, "kode_desa", f"{desa.nama} ({desa.kode}) tidak ada."))
    return (figures if not problems else {}), problems


def import_file(db, periode: str, data: bytes, name: str, *, by: str, user_id: int | None, now: datetime) -> int:
    """Import SIAK's export for a period, replacing an earlier one; returns the import id."""
    if not schema.PERIOD.match(periode or ""):
        raise SiakRejected([Problem("", None, "", f"Periode {periode or '(kosong)'} tidak dikenal; tulis misalnya 2024-S2.")])
    figures, problems = read(data, name)
    if problems:
        raise SiakRejected(problems)
    at = now.isoformat()
    with write_transaction(db):
        old = db.execute("SELECT id FROM population_siak_imports WHERE periode = ? AND replaced_by IS NULL",
                         [periode]).fetchone()
        if old:
            db.execute("UPDATE population_siak_imports SET replaced_by = id, replaced_at = ? WHERE id = ?", [at, old[0]])
        new_id = db.execute(
            "INSERT INTO population_siak_imports (periode, imported_at, imported_by, user_id, filename, sha256, rows) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [periode, at, by, user_id, name[:300], hashlib.sha256(data).hexdigest(),
             len({k[1] for k in figures})]).lastrowid
        if old:
            db.execute("UPDATE population_siak_imports SET replaced_by = ? WHERE id = ?", [new_id, old[0]])
        db.conn.executemany("INSERT INTO population_siak_figures (import_id, topic, kode_desa, field, value) "
                            "VALUES (?, ?, ?, ?, ?)", [(new_id, *k, v) for k, v in figures.items()])
    return new_id


def current_import(db, periode: str) -> dict | None:
    row = db.execute("SELECT id, imported_at, imported_by, filename, sha256, rows FROM population_siak_imports "
                     "WHERE periode = ? AND replaced_by IS NULL", [periode]).fetchone()
    return dict(zip(("id", "imported_at", "imported_by", "filename", "sha256", "rows"), row)) if row else None


@dataclass(frozen=True)
class Difference:
    kode_desa: str
    nama_desa: str
    kecamatan: str  # name
    topic: str
    field: str
    kecamatan_value: int
    siak_value: int

    @property
    def indicator(self) -> str:
        return f"{schema.TOPIC[self.topic].title}: {label(self.field)}"

    @property
    def difference(self) -> int:
        return self.kecamatan_value - self.siak_value


@dataclass
class Consolidation:
    periode: str
    tolerance: int
    siak: dict | None  # the SIAK import compared against, None if there is none
    compared: int  # figures compared
    differences: list[Difference]


def consolidate(db, periode: str, tolerance: int = 0) -> Consolidation:
    siak_import = current_import(db, periode)
    if siak_import is None:
        return Consolidation(periode, tolerance, None, 0, [])
    siak_values = {(t, d, f): v for t, d, f, v in db.execute(
        "SELECT topic, kode_desa, field, value FROM population_siak_figures WHERE import_id = ?", [siak_import["id"]])}
    compared, diffs = 0, []
    for kec, topic, desa, kategori, field, value in store.figures(db, periode):
        siak_value = siak_values.get((topic, desa, field))
        if kategori or siak_value is None:
            continue
        compared += 1
        if abs(value - siak_value) > tolerance:
            region, kec_region = regions.get(desa), regions.get(kec)
            diffs.append(Difference(desa, region.nama if region else desa, kec_region.nama if kec_region else kec,
                                    topic, field, value, siak_value))
    order = {t.code: i for i, t in enumerate(schema.TOPICS)}
    diffs.sort(key=lambda d: (d.kode_desa, order[d.topic], schema.TOPIC[d.topic].columns.index(d.field)))
    return Consolidation(periode, tolerance, siak_import, compared, diffs)


def differences_xlsx(result: Consolidation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "selisih"
    ws["A1"] = f"Selisih laporan kecamatan dan SIAK, periode {result.periode} (toleransi {result.tolerance})"
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Kode desa", "Desa/kelurahan", "Kecamatan", "Indikator", "Angka kecamatan", "Angka SIAK", "Selisih"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for d in result.differences:
        ws.append([d.kode_desa, d.nama_desa, d.kecamatan, d.indicator, d.kecamatan_value, d.siak_value, d.difference])
    for col, width in zip("ABCDEFG", (16, 22, 16, 60, 16, 14, 10)):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
