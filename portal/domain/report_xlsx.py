"""The annual report's figures and the staff-only complaint register as Excel workbooks."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from . import regions, tracking, workflow
from .catalog import Catalog
from .formatting import day
from .reports import is_approved

def _workbook():
    from openpyxl import Workbook
    return Workbook()


def _save(wb) -> bytes:
    out = io.BytesIO()
    # Fixed document properties, so that the same figures give the same file.
    fixed = datetime(2000, 1, 1)
    wb.properties.creator = "Portal Pengaduan Dispendukcapil Kabupaten Trenggalek"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(out)
    # openpyxl stamps the save time into docProps/core.xml and into each zip entry; replace both
    # with the fixed time, or two exports of the same figures differ when seconds tick between them.
    stable = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, \
            zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(entry, data)
    return stable.getvalue()


def _sheet(wb, title: str, headers: list[str], rows: list[list], first: bool = False):
    from openpyxl.styles import Font
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None] + [8])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)
    ws.freeze_panes = "A2"
    return ws


def _cell(row: dict):
    return row["jumlah"] if row["jumlah"] is not None else row["tampil"]


def figures_xlsx(doc: dict) -> bytes:
    """The report's figures (as published, small cells suppressed) as a workbook for the office."""
    a = doc["angka"]
    wb = _workbook()
    status = "Disetujui" if is_approved(doc) else "DRAF (belum disetujui)"
    _sheet(wb, "Ringkasan", ["Uraian", "Nilai"], [
        ["Judul", doc["judul"]], ["Keadaan per tanggal", doc["per_tanggal"]],
        ["Tahun lengkap", "ya" if doc["lengkap"] else "tidak (sementara)"], ["Status", status],
        ["Disetujui oleh", doc["disetujui_oleh"] or ""], ["Tanggal disetujui", doc["tanggal_disetujui"] or ""],
        ["Pengaduan diterima", a["diterima"]],
        ["Ditindaklanjuti", a["hasil"]["ditindaklanjuti"]],
        ["Terlambat pada akhir periode (masih terbuka)", a["terlambat_akhir_tahun"]["jumlah"]],
        ["Pengaduan dibuka kembali (peristiwa pada tahun ini)", a["dibuka_kembali"]["peristiwa"]],
        ["Responden penilaian", a["kepuasan"]["responden"]],
        ["IKM (1-4)", a["kepuasan"]["ikm"]], ["Nilai konversi (x25)", a["kepuasan"]["konversi"]],
        ["Mutu pelayanan", a["kepuasan"]["mutu"] or ""], ["Kinerja", a["kepuasan"]["kinerja"] or ""],
        ["Ambang angka kecil", doc["ambang"]],
    ], first=True)
    for key, sheet in (("bulan", "Per bulan"), ("saluran", "Per saluran"), ("kategori", "Per kategori"),
                       ("kecamatan", "Per kecamatan")):
        b = a["rincian"][key]
        _sheet(wb, sheet, [sheet.replace("Per ", "").capitalize(), "Jumlah"],
               [[r["label"], _cell(r)] for r in b["baris"]] + [["Jumlah", b["total"]]]
               + ([["Catatan: " + b["catatan"], None]] if b["catatan"] else []))
    _sheet(wb, "Hasil", ["Hasil", "Jumlah"], [[r["label"], r["jumlah"]] for r in a["hasil"]["baris"]]
           + [["Jumlah", a["hasil"]["total"]]])
    b = a["tidak_layak"]
    _sheet(wb, "Tidak layak", ["Alasan", "Jumlah"], [[r["label"], _cell(r)] for r in b["baris"]]
           + [["Jumlah", b["total"]]] + ([["Catatan: " + b["catatan"], None]] if b["catatan"] else []))
    lama = a["lama"]
    _sheet(wb, "Lama penanganan", ["Langkah", "Pengaduan", "Median (hari kerja)", "Persentil 90 (hari kerja)"],
           [[f"{s['langkah']}. {s['label']}", s["n"], s["median"], s["p90"]] for s in lama["langkah"]]
           + [[lama["keseluruhan"]["label"], lama["keseluruhan"]["n"], lama["keseluruhan"]["median"],
               lama["keseluruhan"]["p90"]]])
    _sheet(wb, "Ketepatan waktu", ["Batas waktu", "Dasar", "Batas", "Dinilai", "Tepat waktu", "Terlambat",
                                   "Belum jatuh tempo", "Ditunda", "Persen tepat waktu"],
           [[k["nama"], k["dasar"], k["batas"], k["dinilai"], k["tepat"], k["terlambat"], k["belum_jatuh_tempo"],
             k["ditunda"], k["tepat_waktu"]["persen"]] for k in a["ketepatan"]])
    _sheet(wb, "Kepuasan", ["Unsur SKM", "NRR", "NRR tertimbang"],
           [[f"U{u['unsur']} {u['nama']}", u["nrr"], u["nrr_tertimbang"]] for u in a["kepuasan"]["unsur"]]
           + [["IKM", a["kepuasan"]["ikm"], None], ["Konversi", a["kepuasan"]["konversi"], None],
              ["Responden", a["kepuasan"]["responden"], None]])
    return _save(wb)


REGISTER_HEADERS = ["Kode pelacakan", "Tanggal diterima", "Tanggal tanggapan dikirim", "Tanggal ditutup",
                    "Saluran", "Kategori", "Kecamatan", "Status", "Sifat", "Nama", "E-mail", "Telepon"]


def register_rows(db, tahun: int, *, catalog: Catalog) -> list[list]:
    """The staff-only register: one row per complaint received in the year, with personal data."""
    start, end = f"{tahun}-01-01", f"{tahun + 1}-01-01"
    closing, closed = workflow.sql_in("e.to_state", workflow.states_where(lambda s: s.closed))
    cursor = db.execute(
        "SELECT c.id, c.tracking_code, c.received_at, c.channel, c.category, c.kecamatan, c.state, c.visibility, "
        "c.name, c.email, c.phone, "
        "(SELECT min(at) FROM events e WHERE e.complaint_id = c.id AND e.kind = 'kirim'), "
        f"(SELECT max(at) FROM events e WHERE e.complaint_id = c.id AND {closing}) "
        "FROM complaints c WHERE c.received_at >= ? AND c.received_at < ? ORDER BY c.received_at, c.id",
        [*closed, start, end])
    rows = []
    for (_, code, received, channel, category, kec, state, visibility, name, email, phone, replied,
         closed) in cursor:
        region = regions.get(kec)
        rows.append([tracking.display(code), day(received).isoformat(), day(replied).isoformat() if replied else "",
                     day(closed).isoformat() if closed and not workflow.is_open(state) else "",
                     catalog.channels.get(channel, channel), catalog.categories.get(category, category),
                     region.nama if region else kec, workflow.STATES[state].label, visibility,
                     name or "", email or "", phone or ""])
    return rows


def register_xlsx(rows: list[list], tahun: int) -> bytes:
    wb = _workbook()
    ws = _sheet(wb, f"Register {tahun}", REGISTER_HEADERS, rows, first=True)
    ws.append([])
    ws.append(["RAHASIA: berisi data pribadi (UU 27/2022). Jangan diteruskan atau diunggah ke tempat umum."])
    return _save(wb)
