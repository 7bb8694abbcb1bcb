"""Reading a kecamatan report: the Excel template or CSV files, into plain rows of raw cells.

Reading only finds what makes a file unreadable or shaped wrongly (a missing sheet, a changed
header); the figures themselves are judged in checks.py. Every problem names the sheet (or
file), the row and the column, so that the kecamatan can find and fix it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from . import schema
from .layout import (DATA_ROW, FIELD_ROW, INFO_CELLS, INSTRUCTIONS_SHEET, SHEET_KECAMATAN, SHEET_PERIODE,
                     column_letter, sheet_fields)

MAX_ROWS = 20_000  # per sheet or file; a kecamatan has at most a few hundred


@dataclass(frozen=True)
class Problem:
    sheet: str  # sheet name (xlsx) or file name (csv); "" for the whole upload
    row: int | str | None  # spreadsheet row number, a range "5-20", or None for the whole sheet
    column: str  # e.g. "C (laki_laki)" in a workbook, "laki_laki" in a CSV; "" for a whole row
    message: str  # Indonesian

    def __str__(self) -> str:
        where = [self.sheet or "berkas"]
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Row:
    line: int
    kode_desa: object
    kategori: object  # None for topics without categories
    values: dict[str, object]  # field -> raw cell value


@dataclass
class Table:
    topic: schema.Topic
    sheet: str
    labels: dict[str, str]  # field (and "kode_desa", the category column) -> how messages name its column
    rows: list[Row] = field(default_factory=list)


@dataclass
class Submission:
    """What was read from one upload: one workbook, or the CSV files of one kecamatan report."""

    kind: str  # "xlsx" or "csv"
    filename: str
    sha256: str
    kecamatan: str | None
    periode: str | None
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def sheet_name(self, topic_code: str) -> str:
        return topic_code if self.kind == "xlsx" else f"{topic_code}.csv"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def sniff_kind(data: bytes) -> str | None:
    """"xlsx" for a real Office Open XML workbook, "csv" for text, None for anything else."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "xlsx" if "xl/workbook.xml" in z.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in data[:4096]:
        return None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return "csv"


# ------------------------------------------------------------------------------- workbook

def read_xlsx(data: bytes, filename: str) -> Submission:
    import openpyxl  # imported here: reading CSV or the recap should not pay for it

    digest = hashlib.sha256(data).hexdigest()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return Submission("xlsx", filename, digest, None, None, problems=[Problem(
            filename, None, "", "Berkas tidak dapat dibaca sebagai file Excel (.xlsx). Gunakan templat dari portal "
                                "dan simpan sebagai Excel Workbook (.xlsx).")])
    try:
        return _read_workbook(wb, filename, digest)
    finally:
        wb.close()


def _read_workbook(wb, filename: str, digest: str) -> Submission:
    sub = Submission("xlsx", filename, digest, None, None)
    if INSTRUCTIONS_SHEET not in wb.sheetnames:
        sub.problems.append(Problem(INSTRUCTIONS_SHEET, None, "", f"Lembar \"{INSTRUCTIONS_SHEET}\" tidak ada; "
                                    "berkas ini bukan templat laporan kependudukan dari portal."))
    else:
        info = {r: row for r, row in enumerate(wb[INSTRUCTIONS_SHEET].iter_rows(max_row=10, max_col=2,
                                                                                   values_only=True), 1)}
        sub.kecamatan = _text(info.get(INFO_CELLS["kecamatan"], (None, None))[1]) or None
        sub.periode = _text(info.get(INFO_CELLS["periode"], (None, None))[1]) or None
    for topic in schema.TOPICS:
        if topic.code not in wb.sheetnames:
            sub.problems.append(Problem(topic.code, None, "", f"Lembar \"{topic.code}\" ({topic.title}) tidak ada."))
            continue
        table = _read_sheet(wb[topic.code], topic, sub)
        if table is not None:
            sub.tables[topic.code] = table
    return sub


def _read_sheet(ws, topic: schema.Topic, sub: Submission) -> Table | None:
    fields = sheet_fields(topic)
    labels = {f: f"{column_letter(i)} ({f})" for i, f in enumerate(fields)}
    table = Table(topic, topic.code, labels)
    for line, cells in enumerate(ws.iter_rows(values_only=True), 1):
        cells = tuple(cells) + (None,) * max(0, len(fields) - len(cells))
        if line == SHEET_KECAMATAN[0]:
            for (r, col, what, expected) in ((*SHEET_KECAMATAN, "kode kecamatan", sub.kecamatan),
                                             (*SHEET_PERIODE, "periode", sub.periode)):
                found = _text(cells[col])
                if expected and found != expected:
                    sub.problems.append(Problem(topic.code, r, column_letter(col),
                                                f"Lembar ini untuk {what} {found or '(kosong)'}, sedangkan lembar "
                                                f"{INSTRUCTIONS_SHEET} menyebut {expected}. Jangan menyalin lembar "
                                                "dari berkas kecamatan atau periode lain."))
        elif line == FIELD_ROW:
            found = [_text(c).lower() for c in cells[:len(fields)]]
            if found != list(fields):
                for i, (want, got) in enumerate(zip(fields, found)):
                    if want != got:
                        sub.problems.append(Problem(topic.code, FIELD_ROW, column_letter(i),
                                                    f"Judul kolom harus \"{want}\", tertulis \"{got}\". Jangan "
                                                    "menyisipkan, menghapus, atau memindah kolom pada templat."))
                return None
        elif line >= DATA_ROW:
            if all(_text(c) == "" for c in cells[:len(fields)]):
                continue
            if len(table.rows) >= MAX_ROWS:
                sub.problems.append(Problem(topic.code, line, "", f"Lebih dari {MAX_ROWS} baris; berkas ditolak."))
                return None
            values = dict(zip(fields, cells))
            table.rows.append(Row(line, values.pop("kode_desa"), values.pop(topic.category_column, None)
                                  if topic.categories else None,
                                  {f: values[f] for f in topic.columns}))
    return table


# ------------------------------------------------------------------------------------ CSV

def read_csv_files(files: list[tuple[str, bytes]], *, kecamatan: str | None, periode: str | None) -> Submission:
    """One kecamatan report as CSV files, one topic each, named `<topic>.csv`."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(hashlib.sha256(data).digest())
    names = ", ".join(PurePath(n).name for n, _ in files)
    sub = Submission("csv", names, digest.hexdigest(), kecamatan or None, periode or None)
    for name, data in files:
        base = PurePath(name).name
        code = base.lower().removesuffix(".csv")
        topic = schema.TOPIC.get(code)
        if topic is None or not base.lower().endswith(".csv"):
            sub.problems.append(Problem(base, None, "", "Nama berkas CSV harus nama topik, misalnya penduduk.csv; "
                                        f"pilihan: {', '.join(t.code + '.csv' for t in schema.TOPICS)}."))
            continue
        if code in sub.tables:
            sub.problems.append(Problem(base, None, "", f"Berkas {code}.csv dikirim lebih dari sekali."))
            continue
        table = _read_csv(data, base, topic, sub.problems)
        if table is not None:
            sub.tables[code] = table
    return sub


def _read_csv(data: bytes, name: str, topic: schema.Topic, problems: list[Problem]) -> Table | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(name, None, "", "Berkas bukan teks UTF-8. Simpan dari Excel sebagai "
                                               "\"CSV UTF-8 (Comma delimited)\"."))
        return None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in Indonesian saves with ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    aliases = {"kategori": topic.category_column} if topic.categories else {}
    header = [aliases.get(h, h) for h in header]
    wanted = schema.csv_header(topic)
    missing = [f for f in wanted if f not in header]
    unknown = [h for h in header if h not in wanted and h != "nama_desa"]
    twice = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or twice:
        parts = []
        if missing:
            parts.append(f"kolom yang tidak ada: {', '.join(missing)}")
        if unknown:
            parts.append(f"kolom yang tidak dikenal: {', '.join(unknown)}")
        if twice:
            parts.append(f"kolom ganda: {', '.join(twice)}")
        problems.append(Problem(name, 1, "", "Baris judul salah (" + "; ".join(parts) + "). Baris judul harus: "
                                + ",".join(wanted) + "."))
        return None
    index = {h: i for i, h in enumerate(header)}
    table = Table(topic, name, {f: f for f in wanted})
    for cells in reader:
        if all(c.strip() == "" for c in cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            problems.append(Problem(name, reader.line_num, "", f"Lebih dari {MAX_ROWS} baris; berkas ditolak."))
            return None
        cells = cells + [""] * (len(header) - len(cells))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem(name, reader.line_num, "", f"Baris berisi {len(cells)} nilai, sedangkan judul "
                                                             f"hanya {len(header)} kolom."))
        table.rows.append(Row(reader.line_num, cells[index["kode_desa"]],
                              cells[index[topic.category_column]] if topic.categories else None,
                              {f: cells[index[f]] for f in topic.columns}))
    return table
