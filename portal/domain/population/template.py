"""The Excel template a kecamatan fills in: one sheet per topic, its own desa already listed.

Codes, names, categories and headings are locked (each sheet is protected without a password,
so that they are not changed by accident); only the figure cells are open, and each accepts a
whole number >= 0 only. Layout: see layout.py.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from .. import regions
from ..calendar import Calendar, Deadline
from ..catalog import TimeStandard
from ..formatting import tanggal_panjang
from . import schema
from .layout import (DATA_ROW, FIELD_ROW, INFO_CELLS, INSTRUCTIONS_SHEET, LABEL_ROW, column_letter, label,
                     sheet_fields)

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FIELD = Font(size=8, color="808080")
_OPEN = PatternFill("solid", fgColor="FFF9E0")  # pale yellow: the cells to fill


def deadline(periode: str, rule: TimeStandard, calendar: Calendar) -> Deadline:
    """The last day a kecamatan report for the period is on time: the SOP's standard
    (catalog.laporan_kependudukan) counted from the period's last day on the office's calendar."""
    return rule.deadline(calendar, schema.period_end(periode))


def describe_period(periode: str) -> str:
    m = schema.PERIOD.match(periode)
    if m and m["semester"]:
        return f"Semester {'I' if m['semester'] == '1' else 'II'} {m['year']}"
    return f"bulan {periode[5:]}/{periode[:4]}" if m else periode


def build(kecamatan: str, periode: str, rule: TimeStandard, calendar: Calendar) -> bytes:
    """The template as .xlsx bytes, with the deadline of `rule` (catalog.laporan_kependudukan).
    Raises ValueError for an unknown kecamatan or period."""
    kec = regions.get(kecamatan)
    if kec is None or kec.jenis != "kecamatan":
        raise ValueError(f"Kode kecamatan {kecamatan!r} tidak dikenal; tulis misalnya 35.03.11.")
    end = schema.period_end(periode)  # raises ValueError with an Indonesian message
    desa = regions.desa_list(kecamatan)
    wb = Workbook()
    _instructions(wb.active, kec, periode, end, rule, deadline(periode, rule, calendar).due)
    for topic in schema.TOPICS:
        _topic_sheet(wb.create_sheet(topic.code), topic, kec, periode, desa)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _protect(ws) -> None:
    ws.protection.sheet = True  # no password: this guards against accidents, not against people
    ws.protection.formatColumns = False  # widening a column stays allowed
    ws.protection.autoFilter = False


def _instructions(ws, kec: regions.Region, periode: str, end: date, rule: TimeStandard, due: date) -> None:
    ws.title = INSTRUCTIONS_SHEET
    ws["A1"] = "Laporan Data Kependudukan Kecamatan"
    ws["A1"].font = _TITLE
    rows = {"kecamatan": ("Kode kecamatan", kec.kode), "nama": ("Kecamatan", kec.nama),
            "periode": ("Periode", periode), "batas": ("Batas pengiriman", tanggal_panjang(due))}
    for key, (name, value) in rows.items():
        ws.cell(INFO_CELLS[key], 1, name).font = _BOLD
        ws.cell(INFO_CELLS[key], 2, value)
    ws.cell(INFO_CELLS["periode"], 3, f"{describe_period(periode)}, keadaan per {tanggal_panjang(end)}")
    steps = [
        "Cara mengisi:",
        "1. Isi setiap lembar (satu lembar per topik). Kode dan nama desa sudah tertulis dan tidak dapat diubah.",
        "2. Isi hanya sel berwarna kuning, dengan bilangan bulat 0 atau lebih. Isi 0 bila tidak ada; jangan "
        "dikosongkan.",
        "3. Tulis angka tanpa titik atau koma pemisah ribuan, dan tanpa rumus yang merujuk ke berkas lain.",
        "4. Lembar penduduk: laki-laki + perempuan harus sama dengan jumlah.",
        "5. Lembar umur, agama, pendidikan, pekerjaan, dan status_kawin: jumlah semua baris satu desa harus sama "
        "dengan penduduk laki-laki dan perempuan desa itu di lembar penduduk.",
        "6. Jangan menambah, menghapus, mengganti nama, atau memindah lembar, baris, dan kolom.",
        "7. Simpan sebagai Excel Workbook (.xlsx), lalu unggah di portal (menu Data kependudukan) atau kirim ke "
        "Bidang PIAK Dispendukcapil.",
        "8. Bila portal menampilkan daftar masalah, perbaiki semuanya lalu kirim lagi seluruh berkas. Berkas "
        "perbaikan menggantikan kiriman sebelumnya untuk kecamatan dan periode yang sama.",
        f"Batas waktu: {rule.hitungan} setelah akhir periode, yaitu {tanggal_panjang(due)} "
        "(SOP Pelaporan Data Kependudukan).",
        "Berkas ini hanya berisi angka agregat per desa; jangan menuliskan nama atau NIK penduduk.",
    ]
    for i, text in enumerate(steps, 8):
        ws.cell(i, 1, text).font = _BOLD if i == 8 else Font()
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 40
    _protect(ws)


def _topic_sheet(ws, topic: schema.Topic, kec: regions.Region, periode: str, desa: list[regions.Region]) -> None:
    fields = sheet_fields(topic)
    ws["A1"] = f"{topic.title} - Kecamatan {kec.nama} - {describe_period(periode)}"
    ws["A1"].font = _TITLE
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "Kode kecamatan", kec.kode, "Periode", periode
    for i, field in enumerate(fields, 1):
        ws.cell(LABEL_ROW, i, label(field)).font = _BOLD
        ws.cell(LABEL_ROW, i).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(FIELD_ROW, i, field).font = _FIELD
    first_figure = len(fields) - len(topic.columns) + 1
    row = DATA_ROW
    for d in desa:
        for category in topic.categories or (None,):
            ws.cell(row, 1, d.kode)
            ws.cell(row, 2, d.nama)
            if category is not None:
                ws.cell(row, 3, category)
            for col in range(first_figure, len(fields) + 1):
                cell = ws.cell(row, col)
                cell.protection = Protection(locked=False)
                cell.fill = _OPEN
            row += 1
    last = row - 1
    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                        showErrorMessage=True, errorStyle="stop", errorTitle="Nilai tidak sah",
                        error="Isi bilangan bulat 0 atau lebih, tanpa titik atau koma.",
                        showInputMessage=True, promptTitle="Isian angka", prompt="Bilangan bulat 0 atau lebih.")
    dv.add(f"{column_letter(first_figure - 1)}{DATA_ROW}:{column_letter(len(fields) - 1)}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(DATA_ROW, first_figure)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 22
    if topic.categories:
        ws.column_dimensions["C"].width = 28
    for col in range(first_figure, len(fields) + 1):
        ws.column_dimensions[column_letter(col - 1)].width = 14
    _protect(ws)
