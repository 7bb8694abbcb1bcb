"""The annual complaint-handling report on the site, from content/data/laporan-pengaduan/<tahun>.json.

The portal writes those files (`flask --app portal laporan export`, then the Kepala Dinas's
approval in the portal); this module reads files alone, never the portal's database. For each
report in this build it writes

- laporan/pengaduan-<tahun>.md: "Laporan Tahunan Penanganan Pengaduan <tahun>", every chart an SVG
  (portal.publish.charts) followed by its data table, and a comparison with the previous year
  when that year's file exists (and, in a public build, is approved);
- laporan/pengaduan-<tahun>.<chart>.svg;
- laporan/pengaduan-<tahun>.pdf: the same report, print-ready A4, rendered by WeasyPrint and
  cached in content/.cache/laporan-pengaduan/ under a hash of its HTML (identical input gives an
  identical file, and an unchanged report is not rendered again);

and laporan/index.md, which lists the reports. A report whose status is not "disetujui" is left
out of a public build altogether and shown with a DRAF banner in a preview.
"""

from __future__ import annotations

import base64
import datetime
import html
import json
import re
from pathlib import Path

import markdown

from ..domain import formatting
from ..domain.reports import REPORT_APPROVED, REPORT_DRAFT
from . import charts, pdfcache
from .errors import DataError
from .materials import OFFICE

DATA_DIR = "data/laporan-pengaduan"
PAGE_DIR = "laporan"
OUTPUTS = (f"{PAGE_DIR}/*",)
CACHE_DIR = ".cache/laporan-pengaduan"
KIND = "laporan-tahunan-penanganan-pengaduan"
LAYOUT_VERSION = "1"
STATUSES = (REPORT_DRAFT, REPORT_APPROVED)

# Chart labels (the SVG cuts labels at 22 characters; the tables keep the full names).
SHORT_REASONS = {"bukan_wewenang": "Bukan wewenang", "duplikat": "Duplikat", "bukan_pengaduan": "Bukan pengaduan",
                 "kasar": "Kata kasar/ancaman"}
# {batas}: the clock's standard as the report recorded it from the SOP data ("60 hari kalender").
SHORT_CLOCKS = {"penerimaan": "Pencatatan (SOP)", "tanggapan": "Tanggapan (UU 25)", "penyelesaian": "Keputusan ({batas})",
                "lapor_tindak_lanjut": "SP4N-LAPOR!"}
SHORT_STEPS = {1: "Penerimaan", 2: "Telaah", 3: "Nota dinas", 4: "Disposisi", 5: "Konsep", 6: "Persetujuan",
               7: "Pengiriman"}
SHORT_ELEMENTS = {3: "Waktu", 7: "Perilaku", 8: "Penanganan"}
SHORT_OUTCOMES = {
    "tanggapan_terkirim": "Tanggapan terkirim", "dalam_proses": "Masih diproses", "tidak_layak": "Tidak layak",
    "dicabut": "Dianggap dicabut", "ditelaah": "Masih ditelaah",
}


# --------------------------------------------------------------------------- reading

def _fail(path, where: str, message: str):
    raise DataError(path, where, message)


def read_report(path: Path) -> dict:
    """One exported report, checked enough to build a page from it; DataError names the field."""
    display = path
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        _fail(display, f"baris {exc.lineno}", f"bukan JSON yang sah ({exc.msg}); ekspor ulang dari portal")
    if not isinstance(doc, dict) or doc.get("jenis") != KIND:
        _fail(display, "'jenis'", f"berkas ini bukan laporan tahunan pengaduan (harus '{KIND}')")
    if str(doc.get("tahun")) != path.stem:
        _fail(display, "'tahun'", f"tahun {doc.get('tahun')!r} tidak sama dengan nama berkas {path.name}")
    if doc.get("status") not in STATUSES:
        _fail(display, "'status'", f"status harus salah satu dari {', '.join(STATUSES)}, bukan {doc.get('status')!r}")
    if doc["status"] == REPORT_APPROVED:
        if not isinstance(doc.get("disetujui_oleh"), str) or not doc["disetujui_oleh"].strip():
            _fail(display, "'disetujui_oleh'", "laporan berstatus disetujui harus menyebut jabatan yang menyetujui")
        try:
            doc["_tanggal_disetujui"] = datetime.date.fromisoformat(str(doc.get("tanggal_disetujui")))
        except ValueError:
            _fail(display, "'tanggal_disetujui'", "harus tanggal dengan format TTTT-BB-HH")
    try:
        doc["_per_tanggal"] = datetime.date.fromisoformat(str(doc.get("per_tanggal")))
    except ValueError:
        _fail(display, "'per_tanggal'", "harus tanggal dengan format TTTT-BB-HH")
    angka = doc.get("angka")
    needed = ("diterima", "rincian", "hasil", "tidak_layak", "lama", "ketepatan", "terlambat_akhir_tahun",
              "kepuasan", "dibuka_kembali")
    if not isinstance(angka, dict) or any(k not in angka for k in needed):
        missing = [k for k in needed if not isinstance(angka, dict) or k not in angka]
        _fail(display, "'angka'", f"bagian angka tidak lengkap (tidak ada: {', '.join(missing)}); ekspor ulang dari portal")
    return doc


def read_reports(content_dir: Path) -> dict[int, dict]:
    folder = Path(content_dir) / DATA_DIR
    if not folder.is_dir():
        return {}
    return {int(p.stem): read_report(p) for p in sorted(folder.glob("*.json")) if re.fullmatch(r"\d{4}", p.stem)}


def approved(doc: dict) -> bool:
    return doc["status"] == REPORT_APPROVED


# --------------------------------------------------------------------------- the page

def slug(tahun: int) -> str:
    return f"pengaduan-{tahun}"


def _n(value) -> str:
    if value is None:
        return "-"
    return charts.angka(value, 0 if float(value).is_integer() else 1)


class _Page:
    """Collects the page's Markdown and its SVG files."""

    def __init__(self, tahun: int):
        self.tahun, self.parts, self.svgs = tahun, [], {}

    def add(self, text: str) -> None:
        self.parts.append(text)

    def chart(self, name: str, svg: str, alt: str, headers: list[str], rows: list[list], caption: str = "") -> None:
        filename = f"{slug(self.tahun)}.{name}.svg"
        self.svgs[filename] = svg
        self.add(charts.figure(filename, alt, headers, rows, caption))


def _breakdown(page: _Page, name: str, b: dict, column: str) -> None:
    page.add(f"## {b['judul']}\n")
    if b["hanya_total"]:
        page.add(f"Jumlah: **{charts.angka(b['total'])}** pengaduan. {b['catatan']}\n")
        return
    visible = [r for r in b["baris"] if r["jumlah"] is not None and r["jumlah"] > 0]
    rows = [[r["label"], r["jumlah"] if r["jumlah"] is not None else r["tampil"]] for r in b["baris"]]
    rows.append(["**" + b["total_label"] + "**", b["total"]])
    caption = ""
    if len(visible) < sum(1 for r in b["baris"] if r["jumlah"] != 0):
        caption = "Angka yang disembunyikan (< 3 atau \u00d7) tidak digambarkan; lihat tabel."
    labels = [SHORT_REASONS.get(r["kode"], r["label"]) if name == "alasan" else r["label"] for r in visible]
    svg = charts.bars(b["judul"], labels, [("Pengaduan", [r["jumlah"] for r in visible])])
    page.chart(name, svg, f"Diagram batang: {b['judul'].lower()}", [column, "Pengaduan"], rows, caption)
    if b["catatan"]:
        page.add(f"{b['catatan']}\n")


def _share(k: dict) -> str:
    return k["teks"]


def _comparison(page: _Page, doc: dict, prev: dict) -> None:
    a, b = prev["angka"], doc["angka"]
    t0, t1 = str(prev["tahun"]), str(doc["tahun"])

    def clock(d, code):
        return next((k["tepat_waktu"]["teks"] for k in d["ketepatan"] if k["kode"] == code), "-")

    receipt = next((k for k in b["ketepatan"] if k["kode"] == "penerimaan"), None)

    rows = [
        ["Pengaduan diterima", a["diterima"], b["diterima"]],
        ["Ditindaklanjuti", a["hasil"]["ditindaklanjuti"], b["hasil"]["ditindaklanjuti"]],
        ["Lama penanganan, median (hari kerja)", _n(a["lama"]["keseluruhan"]["median"]),
         _n(b["lama"]["keseluruhan"]["median"])],
        ["Tanggapan tepat waktu (UU 25/2009)", clock(a, "tanggapan"), clock(b, "tanggapan")],
        [f"Pencatatan dalam {receipt['batas'] if receipt else 'batas waktu'} (SOP)", clock(a, "penerimaan"),
         clock(b, "penerimaan")],
        ["Terbuka dan terlambat pada akhir tahun", a["terlambat_akhir_tahun"]["jumlah"],
         b["terlambat_akhir_tahun"]["jumlah"]],
        ["Dibuka kembali", a["dibuka_kembali"]["peristiwa"], b["dibuka_kembali"]["peristiwa"]],
        ["IKM pengaduan (konversi 25\u2013100)", _n(a["kepuasan"]["konversi"]) if a["kepuasan"]["konversi"] else "-",
         _n(b["kepuasan"]["konversi"]) if b["kepuasan"]["konversi"] else "-"],
    ]
    page.add(f"## Dibandingkan dengan tahun {t0}\n")
    outcomes = [r["kode"] for r in b["hasil"]["baris"]]
    prev_counts = {r["kode"]: r["jumlah"] for r in a["hasil"]["baris"]}
    svg = charts.bars(f"Hasil penanganan {t0} dan {t1}", [SHORT_OUTCOMES.get(c, c) for c in outcomes],
                      [(t0, [prev_counts.get(c, 0) for c in outcomes]),
                       (t1, [r["jumlah"] for r in b["hasil"]["baris"]])])
    page.chart("perbandingan", svg, f"Diagram batang: hasil penanganan pengaduan {t0} dan {t1}",
               ["Hasil", t0, t1], [[SHORT_OUTCOMES.get(c, c), prev_counts.get(c, 0), r["jumlah"]]
                                   for c, r in zip(outcomes, b["hasil"]["baris"])])
    page.add(charts.table(["Uraian", t0, t1], rows))


def page_markdown(doc: dict, prev: dict | None) -> tuple[str, dict[str, str]]:
    tahun, a = doc["tahun"], doc["angka"]
    page = _Page(tahun)
    title = f"Laporan Tahunan Penanganan Pengaduan {tahun}"
    front = ["---", f"title: {title}", f"description: Angka penanganan pengaduan Dispendukcapil Kabupaten "
             f"Trenggalek tahun {tahun}"]
    if approved(doc):
        front += ["perlu_persetujuan: true", f"disetujui_oleh: {json.dumps(doc['disetujui_oleh'], ensure_ascii=False)}",
                  f"tanggal_disetujui: {doc['tanggal_disetujui']}"]
    else:
        front += ["status: draft"]
    front += ["---", "<!-- Dibuat otomatis dari content/data/laporan-pengaduan/"
              f"{tahun}.json oleh portal.publish.complaint_report; jangan disunting di sini. -->", ""]
    page.add("\n".join(front))
    page.add(f"# {title}\n")
    status = (f"Disetujui oleh {doc['disetujui_oleh']} pada {formatting.tanggal(doc['_tanggal_disetujui'])}."
              if approved(doc) else "**DRAF: belum disetujui Kepala Dinas.**")
    period = ("Keadaan per " + formatting.tanggal(doc["_per_tanggal"])
              + ("" if doc["lengkap"] else " (tahun berjalan, angka sementara)") + ".")
    page.add(f"Laporan penanganan pengaduan penyelenggaraan administrasi kependudukan Dinas Kependudukan dan "
             f"Pencatatan Sipil Kabupaten Trenggalek, menurut SOP Penanganan Pengaduan. {period} {status}\n")
    page.add(f"[Unduh versi cetak (PDF, A4)]({slug(tahun)}.pdf)\n")

    tanggapan = next((k for k in a["ketepatan"] if k["kode"] == "tanggapan"), None)
    kep = a["kepuasan"]
    summary = [f"- **{charts.angka(a['diterima'])}** pengaduan diterima; **{charts.angka(a['hasil']['ditindaklanjuti'])}** "
               "ditindaklanjuti."]
    if tanggapan:
        summary.append(f"- Tanggapan dalam batas waktu {tanggapan['batas']} ({tanggapan['dasar']}): "
                       f"**{tanggapan['tepat_waktu']['teks']}** dari pengaduan yang sudah dapat dinilai.")
    if a["lama"]["keseluruhan"]["n"]:
        summary.append(f"- Lama dari diterima sampai tanggapan dikirim: median **{_n(a['lama']['keseluruhan']['median'])}** "
                       f"hari kerja.")
    if kep["responden"]:
        summary.append(f"- Indeks kepuasan pengadu: **{_n(kep['konversi'])}** (mutu {kep['mutu']}, "
                       f"{kep['kinerja']}) dari {charts.angka(kep['responden'])} responden.")
    page.add("## Ringkasan\n\n" + "\n".join(summary) + "\n")

    if prev is not None:
        _comparison(page, doc, prev)

    for name, column in (("bulan", "Bulan"), ("saluran", "Saluran"), ("kategori", "Kategori"),
                         ("kecamatan", "Kecamatan")):
        _breakdown(page, name, a["rincian"][name], column)

    page.add("## Hasil penanganan\n")
    rows = [[r["label"], r["jumlah"]] for r in a["hasil"]["baris"]] + [["**Jumlah**", a["hasil"]["total"]]]
    svg = charts.bars("Hasil penanganan pengaduan", [SHORT_OUTCOMES.get(r["kode"], r["label"]) for r in a["hasil"]["baris"]],
                      [("Pengaduan", [r["jumlah"] for r in a["hasil"]["baris"]])])
    page.chart("hasil", svg, "Diagram batang: hasil penanganan pengaduan", ["Hasil", "Pengaduan"], rows,
               f"Keadaan per {formatting.tanggal(doc['_per_tanggal'])}.")
    _breakdown(page, "alasan", a["tidak_layak"], "Alasan")

    lama = a["lama"]
    page.add("## Lama penanganan\n")
    page.add("Hari kerja (Sabtu, Minggu dan hari libur tidak dihitung) yang digunakan Dinas pada setiap langkah SOP, "
             "tanpa waktu menunggu informasi dari pengadu. Median: separuh pengaduan selesai dalam waktu itu atau "
             "kurang; persentil 90: sembilan dari sepuluh pengaduan.\n")
    steps = [s for s in lama["langkah"] if s["n"]]
    svg = charts.bars("Median hari kerja per langkah SOP", [f"{s['langkah']} {SHORT_STEPS.get(s['langkah'], s['label'])}" for s in steps],
                      [("Median", [s["median"] for s in steps]), ("Persentil 90", [s["p90"] for s in steps])],
                      decimals=1)
    rows = [[f"{s['langkah']}. {s['label']}", s["n"], _n(s["median"]), _n(s["p90"])] for s in lama["langkah"]]
    o = lama["keseluruhan"]
    rows.append([f"**{o['label']}**", o["n"], _n(o["median"]), _n(o["p90"])])
    page.chart("lama", svg, "Diagram batang: median dan persentil 90 hari kerja per langkah SOP",
               ["Langkah", "Pengaduan", "Median (hari kerja)", "Persentil 90 (hari kerja)"], rows)

    page.add("## Ketepatan waktu\n")
    page.add("Bagian pengaduan yang diselesaikan dalam standar waktu SOP dan dalam batas waktu peraturan. Dinilai: "
             "pengaduan yang langkahnya sudah selesai atau batas waktunya sudah lewat; yang belum jatuh tempo atau "
             "sedang menunggu informasi dari pengadu belum dinilai.\n")
    rated = [k for k in a["ketepatan"] if k["dinilai"]]
    labels = [SHORT_CLOCKS.get(k["kode"], k["nama"]).replace("{batas}", k["batas"]) for k in rated]
    svg = charts.bars("Persentase tepat waktu", labels,
                      [("Tepat waktu", [k["tepat_waktu"]["persen"] for k in rated])], decimals=1, unit=" %")
    rows = [[f"{k['nama']} ({k['batas']})", k["dasar"], k["dinilai"], k["tepat"], k["terlambat"],
             k["belum_jatuh_tempo"] + k["ditunda"], k["tepat_waktu"]["teks"]] for k in a["ketepatan"]]
    page.chart("ketepatan", svg, "Diagram batang: persentase pengaduan yang ditangani tepat waktu",
               ["Batas waktu", "Dasar", "Dinilai", "Tepat waktu", "Terlambat", "Belum dinilai", "Persentase"], rows)
    late = a["terlambat_akhir_tahun"]
    page.add(f"Pada {formatting.tanggal(doc['_per_tanggal'])}, **{charts.angka(late['jumlah'])}** pengaduan masih terbuka "
             f"dan sudah melewati batas waktunya"
             + (f" (termasuk {charts.angka(late['dari_tahun_sebelumnya'])} pengaduan dari tahun sebelumnya)"
                if late["dari_tahun_sebelumnya"] else "") + ".\n")

    page.add("## Kepuasan pengadu\n")
    if kep["responden"]:
        page.add("Setelah menerima tanggapan, pengadu dapat menilai tiga unsur Survei Kepuasan Masyarakat "
                 "(PermenPANRB 14/2017) pada skala 1\u20134. Nilai rata-rata (NRR) setiap unsur, indeks (IKM, rata-rata "
                 "NRR) dan nilai konversinya (IKM \u00d7 25):\n")
        svg = charts.bars("Nilai rata-rata per unsur (skala 1-4)", [f"U{u['unsur']} {SHORT_ELEMENTS.get(u['unsur'], u['nama'])}" for u in kep["unsur"]],
                          [("NRR", [u["nrr"] for u in kep["unsur"]])], decimals=2)
        rows = [[f"U{u['unsur']} {u['nama']}", charts.angka(u["nrr"], 2)] for u in kep["unsur"]]
        rows += [["**IKM (1\u20134)**", charts.angka(kep["ikm"], 2)], ["**Nilai konversi**", charts.angka(kep["konversi"], 2)],
                 ["**Mutu pelayanan**", f"{kep['mutu']} ({kep['kinerja']})"],
                 ["**Responden**", charts.angka(kep["responden"])],
                 ["**Menyatakan masalah selesai**", kep["selesai"]["teks"]]]
        page.chart("kepuasan", svg, "Diagram batang: nilai rata-rata kepuasan per unsur SKM", ["Unsur", "Nilai"], rows)
        page.add("Indeks ini dihitung dari tiga unsur yang ditanyakan kepada pengadu (3 Waktu Penyelesaian, "
                 "7 Perilaku Pelaksana, 8 Penanganan Pengaduan), bukan dari survei lengkap sembilan unsur."
                 + (" Jumlah respondennya kecil; tafsirkan dengan hati-hati." if kep["responden"] < 30 else "") + "\n")
    else:
        page.add("Belum ada penilaian dari pengadu pada tahun ini.\n")

    reopened = a["dibuka_kembali"]
    page.add("## Pengaduan dibuka kembali\n")
    page.add(f"Pengadu dapat menyatakan masalahnya belum selesai setelah menerima tanggapan. Pada tahun {tahun} "
             f"operator membuka kembali **{charts.angka(reopened['peristiwa'])}** kali "
             f"({charts.angka(reopened['pengaduan'])} pengaduan).\n")

    page.add("## Catatan\n")
    page.add(f"- Angka dihitung dari catatan setiap langkah penanganan di portal pengaduan, keadaan per "
             f"{formatting.tanggal(doc['_per_tanggal'])}; laporan ini tidak memuat nama, kontak, NIK, kode pelacakan, "
             f"atau isi pengaduan.\n"
             f"- Pada rincian per bulan, saluran, kategori, kecamatan dan alasan, jumlah 1 sampai {doc['ambang'] - 1} "
             f"ditulis \u201c< {doc['ambang']}\u201d; tanda \u00d7 menyembunyikan angka lain agar angka kecil tidak dapat "
             "dihitung dari jumlahnya.\n"
             "- Persentase dari kurang dari 30 pengaduan disertai jumlahnya, misalnya \u201c50 % (2 dari 4)\u201d.\n")
    return "\n".join(page.parts), page.svgs


# --------------------------------------------------------------------------- PDF

CSS = """
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #000; }
h1 { font-size: 17pt; color: #1a4f8b; margin: 0 0 3mm 0; }
h2 { font-size: 12.5pt; color: #1a4f8b; margin: 6mm 0 2mm 0; break-after: avoid; }
p, li { orphans: 3; widows: 3; }
.kop { font-size: 9pt; font-weight: bold; text-transform: uppercase; color: #1a4f8b;
       border-bottom: 2pt solid #1a4f8b; padding-bottom: 2mm; margin-bottom: 4mm; }
.draf { border: 1.5pt solid #b00020; color: #b00020; padding: 2mm 3mm; font-weight: bold; }
img { width: 100%; max-height: 110mm; object-fit: contain; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm 0; font-size: 8.5pt; break-inside: auto; }
th, td { border: .6pt solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e8eef6; }
td[align="right"], th[align="right"] { text-align: right; }
a { color: #000; text-decoration: none; }
"""


def render_html(doc: dict, page_md: str, svgs: dict[str, str]) -> str:
    body = re.sub(r"^---\n.*?\n---\n", "", page_md, count=1, flags=re.DOTALL)
    body = re.sub(r"^\[Unduh versi cetak[^\n]*\n", "", body, flags=re.MULTILINE)
    content = markdown.markdown(body, extensions=["tables", "attr_list"], output_format="html")
    for name, svg in svgs.items():
        data = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        content = content.replace(f'src="{name}"', f'src="{data}"')
    content = content.replace(' loading="lazy"', "")
    footer = (f"Disetujui oleh {doc['disetujui_oleh']} pada {formatting.tanggal(doc['_tanggal_disetujui'])}"
              if approved(doc) else "DRAF \u2014 belum disetujui, tidak untuk diedarkan")
    draft = "" if approved(doc) else '<p class="draf">DRAF PRATINJAU \u2014 laporan ini belum disetujui Kepala Dinas.</p>'
    css = pdfcache.running_page(OFFICE, footer, margin="20mm 16mm 22mm 16mm", small_pt=8) + CSS
    title = f"Laporan Tahunan Penanganan Pengaduan {doc['tahun']}"
    return (f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="author" content="{html.escape(OFFICE)}"><style>{css}</style></head><body>'
            f'<p class="kop">{html.escape(OFFICE)}</p>{draft}{content}</body></html>\n')


def render_pdf(html_text: str) -> bytes:
    return pdfcache.render(html_text)


def _pdf(content_dir: Path, tahun: int, html_text: str) -> bytes:
    return pdfcache.cached(content_dir / CACHE_DIR, str(tahun), pdfcache.key(LAYOUT_VERSION, html_text),
                           lambda: render_pdf(html_text))


# --------------------------------------------------------------------------- the index

def index_md(docs: list[dict]) -> str:
    out = ["---", "title: Laporan", "---",
           "<!-- Dibuat otomatis oleh portal.publish.complaint_report dari content/data/laporan-pengaduan/; "
           "jangan disunting di sini. -->", "", "# Laporan", "",
           "Laporan tahunan Dispendukcapil Kabupaten Trenggalek yang telah disahkan.", "",
           "## Laporan Tahunan Penanganan Pengaduan", ""]
    if not docs:
        out += ["Belum ada laporan penanganan pengaduan yang diterbitkan. Laporan tahunan tampil di sini setelah "
                "disetujui Kepala Dinas.", ""]
    for doc in sorted(docs, key=lambda d: d["tahun"], reverse=True):
        tahun = doc["tahun"]
        state = (f"disetujui oleh {doc['disetujui_oleh']} pada {formatting.tanggal(doc['_tanggal_disetujui'])}"
                 if approved(doc) else "**DRAF, belum disetujui** (hanya tampil di pratinjau)")
        out.append(f"- [Laporan Tahunan Penanganan Pengaduan {tahun}]({slug(tahun)}.md): "
                   f"{charts.angka(doc['angka']['diterima'])} pengaduan; {state}. "
                   f"[Versi cetak (PDF)]({slug(tahun)}.pdf)")
    return "\n".join(out).rstrip() + "\n"


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    reports = read_reports(content_dir)  # every file is checked, approved or not
    shown = {tahun: doc for tahun, doc in reports.items() if approved(doc) or preview}
    outputs: dict[str, str | bytes] = {}
    for tahun, doc in shown.items():
        page_md, svgs = page_markdown(doc, shown.get(tahun - 1))
        outputs[f"{PAGE_DIR}/{slug(tahun)}.md"] = page_md
        for name, svg in svgs.items():
            outputs[f"{PAGE_DIR}/{name}"] = svg
        outputs[f"{PAGE_DIR}/{slug(tahun)}.pdf"] = _pdf(content_dir, tahun, render_html(doc, page_md, svgs))
    outputs[f"{PAGE_DIR}/index.md"] = index_md(list(shown.values()))
    for old in (content_dir / CACHE_DIR).glob("*.pdf"):
        if old.name.split(".", 1)[0] not in {str(t) for t in shown}:
            old.unlink(missing_ok=True)
    return outputs
