"""Survei Kepuasan Masyarakat on the site: the results per period and the counters' posters.

Reads files alone (never the portal's database):

- content/data/skm/<periode>.json, written by the portal's export (aggregates only; small services
  already suppressed; follow-up plans only once the Kepala Dinas approved them), becomes
  skm/<periode>.md: the unit's IKM, converted score and band, each service, each element, the
  minimum-sample warning, the follow-up, and the complaint portal's reply ratings in a separate
  section (other respondents, other questions: never merged into the IKM); skm/index.md lists them.
- content/data/skm/loket.yml becomes skm/poster-loket-<kode>.pdf: one A4 poster per counter with a
  QR code to the survey (<site>/pengaduan/skm/?loket=<kode>).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import segno

from ..domain import formatting
from ..domain import skm as domain
from ..domain import skm_results as results
from ..domain.formatting import angka
from ..domain.standar import names
from . import pdfcache
from .errors import DataError
from .materials import OFFICE, site_url
from .sop import md

DATA_DIR = "data/skm"
OUT_DIR = "skm"
OUTPUTS = (f"{OUT_DIR}/*",)
CACHE_DIR = ".cache/skm"
LAYOUT_VERSION = "1"


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    docs = read_results(content_dir)
    lokets = domain.load_loket(content_dir, names(content_dir))
    if not docs and not lokets:
        return {}
    base = site_url(content_dir)
    out: dict[str, str | bytes] = {f"{OUT_DIR}/index.md": render_index(docs, lokets)}
    for doc in docs:
        out[f"{OUT_DIR}/{doc['periode']}.md"] = render_results(doc)
    for loket in lokets:
        url = poster_url(base, loket.kode)
        out[f"{OUT_DIR}/poster-loket-{loket.kode}.pdf"] = _poster(content_dir, loket, url)
    return out


def poster_url(base_url: str, loket: str) -> str:
    return f"{base_url.rstrip('/')}/pengaduan/skm/?loket={loket}"


# --------------------------------------------------------------------------- reading

def read_results(content_dir: Path) -> list[dict]:
    folder = Path(content_dir) / DATA_DIR
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(path, f"baris {exc.lineno}", f"bukan JSON yang sah ({exc.msg}); ekspor ulang dari portal")
        if not isinstance(doc, dict) or doc.get("jenis") != results.KIND:
            raise DataError(path, "'jenis'", f"berkas ini bukan hasil SKM (harus '{results.KIND}')")
        if doc.get("periode") != path.stem:
            raise DataError(path, "'periode'", f"periode {doc.get('periode')!r} tidak sama dengan nama berkas")
        for key in ("label", "layanan", "keseluruhan", "penilaian_pengaduan", "tindak_lanjut", "ambang"):
            if key not in doc:
                raise DataError(path, f"'{key}'", "bagian ini tidak ada; ekspor ulang dari portal")
        out.append(doc)
    return sorted(out, key=lambda d: d["mulai"], reverse=True)


# --------------------------------------------------------------------------- pages

def _front(title: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"


def _n(value) -> str:
    return "-" if value is None else angka(value, 0 if float(value).is_integer() else 2)


CONTOH = " (data contoh)"


def _ikm_text(r: dict, contoh: bool = False) -> str:
    if r.get("disembunyikan"):
        return f"tidak ditampilkan ({r['responden_tampil']} responden)"
    i = r["ikm"]
    if i["ikm"] is None:
        return "belum ada responden"
    return (f"{angka(i['ikm'], 2)} (nilai konversi {angka(i['konversi'], 2)}, mutu {i['mutu']}: {i['kinerja']})"
            + (CONTOH if contoh else ""))


def render_results(doc: dict) -> str:
    title = f"Hasil Survei Kepuasan Masyarakat {doc['label']}"
    whole = doc["keseluruhan"]
    as_of = formatting.tanggal(doc["per_tanggal"])
    out = [_front(title), f"# {md(title)}\n",
           f"Survei Kepuasan Masyarakat (SKM) Dispendukcapil Kabupaten Trenggalek menurut Peraturan Menteri PANRB "
           f"Nomor 14 Tahun 2017, untuk penerima layanan pada {md(doc['label'])}"
           + ("" if doc.get("lengkap") else f" (sementara, keadaan per {md(as_of)})") + ".\n"]
    contoh = bool(doc.get("contoh"))
    if contoh:
        out.append('!!! warning "Data contoh"\n\n    Halaman ini memuat **data contoh (simulasi)**, bukan hasil survei '
                   "penerima layanan yang sebenarnya. Angka bertanda *(data contoh)* hanya untuk peragaan.\n")
    out.append(f"**Indeks Kepuasan Masyarakat: {_ikm_text(whole, contoh)}**  \n"
               f"Jumlah responden: {whole['responden_tampil']}.\n")
    if whole.get("peringatan"):
        out.append(f'!!! warning "Jumlah responden belum cukup"\n    {md(whole["peringatan"])}\n')
    out.append("Nilai tiap jawaban 1 sampai 4. Indeks (IKM) adalah rata-rata nilai kesembilan unsur; nilai "
               "konversi = IKM × 25. Mutu A (88,31–100) Sangat Baik, B (76,61–88,30) Baik, C (65,00–76,60) "
               "Kurang Baik, D (25,00–64,99) Tidak Baik.\n")
    out.append("## Per layanan\n")
    out.append("| Layanan | Responden | IKM |\n|---|---|---|")
    for r in doc["layanan"]:
        out.append(f"| {md(r['nama'])} | {r['responden_tampil']} | {md(_ikm_text(r, contoh))} |")
    out.append("")
    warned = [r for r in doc["layanan"] if r.get("peringatan") and r.get("responden")]
    for r in warned:
        out.append(f"- {md(r['nama'])}: {md(r['peringatan'])}")
    if warned:
        out.append("")
    if any(r.get("disembunyikan") for r in doc["layanan"]):
        out.append(f"Layanan dengan kurang dari {doc['ambang']} responden tidak ditampilkan nilainya agar "
                   "responden tidak dapat dikenali; tanda × menyembunyikan angka lain agar angka itu tidak "
                   "dapat dihitung dari jumlah keseluruhan.\n")
    if whole.get("unsur"):
        out.append("## Nilai per unsur\n")
        out.append("| Unsur | Nilai rata-rata (1–4) | Konversi | Mutu |\n|---|---|---|---|")
        for u in whole["unsur"]:
            out.append(f"| {u['nomor']}. {md(u['nama'])} | {_n(u['nrr'])} | {_n(u['konversi'])}"
                       f"{CONTOH if contoh else ''} | {u['mutu']} |")
        out.append("")
    out.append("## Tindak lanjut\n")
    t = doc["tindak_lanjut"]
    if t["status"] == results.PLAN_APPROVED:
        out.append(f"Rencana tindak lanjut disetujui oleh {md(t['disetujui_oleh'])} pada "
                   f"{md(formatting.tanggal(t['tanggal_disetujui']))}.\n")
        out.append("| Layanan | Unsur | Rencana | Penanggung jawab | Target |\n|---|---|---|---|---|")
        for p in t["rencana"]:
            out.append(f"| {md(p['nama_layanan'])} | {p['unsur']}. {md(p['nama_unsur'])} | {md(p['rencana'])} | "
                       f"{md(p['penanggung_jawab'] or '-')} | {md(p['target'] or '-')} |")
        out.append("")
    else:
        out.append("Rencana tindak lanjut sedang disusun dan menunggu persetujuan Kepala Dinas.\n")
    r = doc["penilaian_pengaduan"]
    out.append("## Penilaian tanggapan pengaduan\n")
    out.append("Terpisah dari survei: pengadu menilai tanggapan atas pengaduannya pada tiga unsur. "
               "Respondennya berbeda, sehingga nilainya tidak dihitung dalam IKM di atas.\n")
    if r.get("disembunyikan"):
        out.append(f"{r['responden_tampil']} penilaian; nilainya tidak ditampilkan.\n")
    elif r.get("responden"):
        out.append("| Unsur | Nilai rata-rata (1–4) | Konversi |\n|---|---|---|")
        for u in r["unsur"]:
            out.append(f"| {u['nomor']}. {md(u['nama'])} | {_n(u['nrr'])} | {_n(u['konversi'])} |")
        out.append(f"\nJumlah penilaian: {r['responden_tampil']}.\n")
    else:
        out.append("Belum ada penilaian pada periode ini.\n")
    if doc.get("profil"):
        out.append("## Responden\n")
        for b in doc["profil"]:
            out.append(f"**{md(b['judul'])}**\n")
            out.append("| | Jumlah |\n|---|---|")
            if not b["hanya_total"]:
                out += [f"| {md(row['label'])} | {row['tampil']} |" for row in b["baris"]]
            out.append(f"| **{md(b['total_label'])}** | {angka(b['total'])} |\n")
            if b.get("catatan"):
                out.append(md(b["catatan"]) + "\n")
    return "\n".join(out)


def render_index(docs: list[dict], lokets) -> str:
    out = [_front("Survei Kepuasan Masyarakat"), "# Survei Kepuasan Masyarakat\n",
           "Kami mengukur kepuasan penerima layanan paling sedikit sekali setahun (Peraturan Menteri PANRB Nomor "
           "14 Tahun 2017) dan mengumumkan hasil serta rencana perbaikannya di sini.\n",
           "Sudah dilayani? Isi survei dengan kode dari petugas loket: [isi survei](/pengaduan/skm/).\n",
           "## Hasil\n"]
    if not docs:
        out.append("Belum ada hasil yang diumumkan.\n")
    elif any(d.get("contoh") for d in docs):
        out.append('!!! warning "Data contoh"\n\n    Hasil bertanda *(data contoh)* adalah data simulasi untuk '
                   "peragaan, bukan hasil survei yang sebenarnya.\n")
    for d in docs:
        ikm_text = _ikm_text(d["keseluruhan"], bool(d.get("contoh")))
        out.append(f"- [{md(d['label'])}]({d['periode']}.md): IKM {md(ikm_text)}")
    out.append("")
    if lokets:
        out.append("## Poster survei untuk loket\n")
        out += [f"- [{md(item.nama)} (PDF, A4)](poster-loket-{item.kode}.pdf)" for item in lokets]
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- posters

POSTER_CSS = """
@page { size: A4; margin: 18mm; }
html { font-family: "DejaVu Sans", sans-serif; color: #000; text-align: center; }
.dinas { font-size: 11pt; font-weight: bold; text-transform: uppercase; color: #1a4f8b; }
h1 { font-size: 30pt; line-height: 1.15; margin: 8mm 0 4mm 0; }
.loket { font-size: 18pt; margin: 0 0 6mm 0; }
img { width: 95mm; height: 95mm; }
.langkah { font-size: 14pt; text-align: left; margin: 6mm auto; width: 150mm; }
.alamat { font-size: 11pt; word-break: break-all; }
"""


def render_poster_html(loket: domain.Loket, url: str) -> str:
    e = html.escape
    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>Survei Kepuasan Masyarakat {e(loket.nama)}</title><style>{POSTER_CSS}</style></head><body>
<p class="dinas">{e(OFFICE)}</p>
<h1>Survei Kepuasan Masyarakat</h1>
<p class="loket">{e(loket.nama)}</p>
<img src="{qr}" alt="Kode QR menuju survei">
<ol class="langkah"><li>Pindai kode QR ini dengan kamera ponsel.</li>
<li>Ketik kode survei dari lembar yang diberikan petugas.</li>
<li>Jawab sembilan pertanyaan. Tanpa nama, sekitar 3 menit.</li></ol>
<p class="alamat">{e(url)}</p>
</body></html>"""


def _poster(content_dir: Path, loket: domain.Loket, url: str) -> bytes:
    page = render_poster_html(loket, url)
    stem = "poster-loket-" + re.sub(r"[^a-z0-9-]", "", loket.kode)
    return pdfcache.cached(content_dir / CACHE_DIR, stem, pdfcache.key(LAYOUT_VERSION, page),
                           lambda: pdfcache.render(page))
