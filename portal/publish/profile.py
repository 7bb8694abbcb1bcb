"""The Profil Perkembangan Kependudukan (Permendagri 65/2010) and the Data Kependudukan recap.

Inputs (content/):

- data/kependudukan/<periode>/   the population figures, as portal/domain/population/schema.py
                                 describes (read by profile_data.py);
- data/profil/<tahun>.yml        one edition of the profile (format below);
- data/profil/luas-wilayah.yml   the area of the kabupaten, with its source (for density).

An edition file reads

    tahun: 2024
    periode: 2024-S2                 # the one cut-off period for every level
    status: disahkan                 # rancangan-awal | rancangan-final | disahkan (SOP steps 3-9)
    disahkan_oleh: Bupati Trenggalek # both required once disahkan
    tanggal_disahkan: 2025-03-17
    lintas_sektor:                   # optional: indicators from other agencies, typed in
      - judul: Angka partisipasi sekolah
        sumber: Dinas Pendidikan Kabupaten Trenggalek
        contoh: true                 # optional: the figures are simulated
        kolom: [Jenjang, APK (%), APM (%)]
        baris:
          - [SD/MI, 104.2, 98.1]
        catatan: optional text

Only a `disahkan` edition is public. In a preview build (preview=True) drafts are generated too,
with `status: draft` in their front matter (portal.publish.drafts puts its DRAF banner on them)
and "DRAF" in their titles and PDF.

Outputs (relative to content/), per edition shown:

    profil-kependudukan/<tahun>/index.md           overview: key figures, pyramid, growth
    profil-kependudukan/<tahun>/<bab>.md           one page per chapter (CHAPTERS)
    profil-kependudukan/<tahun>/kecamatan/<k>.md   one page per kecamatan, listing its own desa
    profil-kependudukan/<tahun>/*.svg              the charts, each followed on its page by its table
    profil-kependudukan/<tahun>/profil-kependudukan-trenggalek-<tahun>.pdf   print-ready A4
plus profil-kependudukan/index.md (the editions) and data-kependudukan/index.md (the latest
period's recap, with its CSV). Every page of a period whose meta.yml says `contoh: true` carries
a "Data contoh" admonition.

The PDF is rendered with WeasyPrint from the same Markdown, charts embedded, and cached in
content/.cache/profil/ under a hash of its HTML (as portal.publish.materials does).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import markdown

from ..domain import regions
from ..domain.formatting import angka, persen, tanggal
from ..domain.population import schema
from . import charts, pdfcache
from .errors import DataError
from .materials import OFFICE, LineDict, load_yaml, md_text, parse_date
from .profile_data import Library, Period, dependency_ratio, growth_rate, per_mille, sex_ratio, share

PROFILE_DIR = "profil-kependudukan"
DATA_PAGE_DIR = "data-kependudukan"
EDITIONS_DIR = "data/profil"
AREA_FILE = "data/profil/luas-wilayah.yml"
CACHE_DIR = ".cache/profil"
STATUSES = ("rancangan-awal", "rancangan-final", "disahkan")
STATUS_LABEL = {"rancangan-awal": "Rancangan awal", "rancangan-final": "Rancangan final", "disahkan": "Disahkan"}
LAYOUT_VERSION = "1"
TITLE = "Profil Perkembangan Kependudukan Kabupaten Trenggalek"
DASH = "\u2014"
CHAPTERS = (  # (slug, title) in the order of the profile
    ("kuantitas", "Jumlah dan persebaran penduduk"),
    ("umur", "Struktur umur"),
    ("keluarga", "Keluarga"),
    ("kelahiran-kematian", "Kelahiran dan kematian"),
    ("mobilitas", "Mobilitas penduduk"),
    ("sosial", "Karakteristik sosial"),
    ("dokumen", "Kepemilikan dokumen kependudukan"),
    ("lintas-sektor", "Indikator lintas sektor"),
)


# --------------------------------------------------------------------------- edition files

@dataclass(frozen=True)
class AgencyTable:
    judul: str
    sumber: str
    kolom: list[str]
    baris: list[list]
    catatan: str = ""
    contoh: bool = False


@dataclass(frozen=True)
class Edition:
    path: str
    tahun: int
    periode: str
    status: str
    disahkan_oleh: str | None
    tanggal_disahkan: date | None
    lintas_sektor: tuple[AgencyTable, ...] = ()
    line_of_periode: int = 1

    @property
    def public(self) -> bool:
        return self.status == "disahkan"

    @property
    def title(self) -> str:
        return f"{TITLE} Tahun {self.tahun}" + ("" if self.public else " (DRAF)")

    @property
    def pdf_name(self) -> str:
        return f"profil-kependudukan-trenggalek-{self.tahun}.pdf"


def _display(path: Path, content_dir: Path) -> str:
    try:
        return str(path.relative_to(Path(content_dir).parent))
    except ValueError:
        return str(path)


def read_edition(path: Path, content_dir: Path) -> Edition:
    shown = _display(path, content_dir)
    data = load_yaml(path.read_text(encoding="utf-8"), shown)
    if not isinstance(data, LineDict):
        raise DataError(shown, "baris 1", "berkas edisi harus berisi pasangan 'kunci: nilai' (tahun, periode, status)")

    def where(key, node=data):
        return f"baris {node.line_of(key)}"

    for key in ("tahun", "periode", "status"):
        if data.get(key) in (None, ""):
            raise DataError(shown, where(key), f"'{key}' wajib diisi")
    tahun = data["tahun"]
    if not isinstance(tahun, int) or str(tahun) != path.stem:
        raise DataError(shown, where("tahun"), f"'tahun' harus sama dengan nama berkas ({path.stem}), bukan {tahun!r}")
    periode = str(data["periode"])
    if not schema.PERIOD.match(periode):
        raise DataError(shown, where("periode"), f"periode {periode!r} tidak dikenal; tulis misalnya {tahun}-S2")
    if int(periode[:4]) != tahun:
        raise DataError(shown, where("periode"), f"periode potong {periode} bukan periode tahun {tahun}")
    status = data["status"]
    if status not in STATUSES:
        raise DataError(shown, where("status"), f"status {status!r} tidak dikenal; pilih salah satu: {', '.join(STATUSES)}")
    oleh = data.get("disahkan_oleh")
    tgl = data.get("tanggal_disahkan")
    if status == "disahkan":
        if not isinstance(oleh, str) or not oleh.strip():
            raise DataError(shown, where("disahkan_oleh"), "edisi berstatus disahkan wajib mencantumkan 'disahkan_oleh'")
        if tgl in (None, ""):
            raise DataError(shown, where("tanggal_disahkan"),
                            "edisi berstatus disahkan wajib mencantumkan 'tanggal_disahkan' (TTTT-BB-HH)")
    tgl = parse_date(tgl, shown, where("tanggal_disahkan"), "tanggal_disahkan") if tgl not in (None, "") else None
    if tgl and tgl < schema.period_end(periode):
        raise DataError(shown, where("tanggal_disahkan"),
                        f"tanggal pengesahan {tgl.isoformat()} sebelum tanggal potong data "
                        f"{schema.period_end(periode).isoformat()}")
    tables = []
    items = data.get("lintas_sektor") or []
    if not isinstance(items, list):
        raise DataError(shown, where("lintas_sektor"), "'lintas_sektor' harus berupa daftar tabel")
    for item in items:
        if not isinstance(item, LineDict):
            raise DataError(shown, where("lintas_sektor"), "setiap tabel lintas sektor berisi judul, sumber, kolom, baris")
        for key in ("judul", "sumber", "kolom", "baris"):
            if item.get(key) in (None, "", []):
                raise DataError(shown, where(key, item), f"tabel lintas sektor: '{key}' wajib diisi")
        kolom = item["kolom"]
        if not isinstance(kolom, list):
            raise DataError(shown, where("kolom", item), "'kolom' harus berupa daftar judul kolom")
        rows = item["baris"]
        if not isinstance(rows, list):
            raise DataError(shown, where("baris", item), "'baris' harus berupa daftar")
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, list) or len(row) != len(kolom):
                raise DataError(shown, where("baris", item),
                                f"baris ke-{i} tabel {item['judul']!r} harus berisi {len(kolom)} nilai, sesuai 'kolom'")
        if "contoh" in item and not isinstance(item["contoh"], bool):
            raise DataError(shown, where("contoh", item), "'contoh' harus bernilai true atau false")
        tables.append(AgencyTable(str(item["judul"]), str(item["sumber"]), [str(k) for k in kolom], rows,
                                  str(item.get("catatan") or ""), bool(item.get("contoh", False))))
    return Edition(shown, tahun, periode, status, oleh.strip() if isinstance(oleh, str) else None, tgl, tuple(tables),
                   data.line_of("periode"))


def read_editions(content_dir: Path) -> list[Edition]:
    folder = Path(content_dir) / EDITIONS_DIR
    if not folder.is_dir():
        return []
    return sorted((read_edition(p, content_dir) for p in folder.glob("*.yml") if re.fullmatch(r"\d{4}", p.stem)),
                  key=lambda e: e.tahun)


@dataclass(frozen=True)
class Area:
    luas_km2: float
    sumber: str
    catatan: str = ""


def read_area(content_dir: Path) -> Area | None:
    path = Path(content_dir) / AREA_FILE
    if not path.is_file():
        return None
    shown = _display(path, content_dir)
    data = load_yaml(path.read_text(encoding="utf-8"), shown)
    kab = data.get("kabupaten") if isinstance(data, dict) else None
    if not isinstance(kab, LineDict):
        raise DataError(shown, "baris 1", "tulis 'kabupaten:' dengan 'luas_km2' dan 'sumber'")
    luas = kab.get("luas_km2")
    if isinstance(luas, bool) or not isinstance(luas, (int, float)) or luas <= 0:
        raise DataError(shown, f"baris {kab.line_of('luas_km2')}", "'luas_km2' harus angka lebih dari 0 (titik desimal)")
    if not isinstance(kab.get("sumber"), str) or not kab["sumber"].strip():
        raise DataError(shown, f"baris {kab.line_of('sumber')}", "'sumber' luas wilayah wajib diisi")
    return Area(float(luas), kab["sumber"].strip(), str(kab.get("catatan") or "").strip())


# --------------------------------------------------------------------------- page building

@dataclass
class Page:
    """One generated page: its path (relative to content/), title and body, and its charts."""

    path: str
    title: str
    body: str
    svgs: dict[str, str] = field(default_factory=dict)  # file name (beside the page) -> SVG


def _num(value, decimals: int = 0) -> str:
    return DASH if value is None else angka(value, decimals)


def _pct(value, decimals: int = 2) -> str:
    return DASH if value is None else persen(value, decimals)


def _signed(value: int) -> str:
    return ("+" if value > 0 else "") + angka(value)


_HEADER_CELL = re.compile(r"^\| ([^|]*?) \|", re.MULTILINE)


def focusable(markdown_table: str) -> str:
    """Let a keyboard reach a table that is wider than a phone: Material puts every table in a
    scrolling box without a tab stop (axe: scrollable-region-focusable), so the first header cell
    gets one; with it focused, the arrow keys scroll the box."""
    return _HEADER_CELL.sub(lambda m: f'| <span tabindex="0">{m.group(1)}</span> |', markdown_table, count=1)


def _table(headers: list[str], rows: list[list], text_columns: int = 1) -> str:
    table = charts.table(headers, rows, align_right_from=text_columns)
    # A table wider than the phone gets its "geser ke samping" cue from the site's stylesheet and script.
    return focusable(table) if len(headers) > 2 else table


class Figures:
    """Collects the charts of a page: each call returns the Markdown of the chart and its table."""

    def __init__(self, page: Page):
        self.page = page

    def __call__(self, name: str, svg: str, alt: str, headers: list[str], rows: list[list], caption: str = "", *,
                 text_columns: int = 1) -> str:
        self.page.svgs[f"{name}.svg"] = svg
        return focusable(charts.figure(f"{name}.svg", alt, headers, rows, caption, align_right_from=text_columns))


def kecamatan_slug(kec: regions.Region) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kec.nama.lower()).strip("-")


def contoh_note(period: Period) -> str:
    if not period.contoh:
        return ""
    return ('!!! warning "Data contoh"\n\n'
            f"    Halaman ini memuat **data contoh (simulasi)** untuk {period.label}, bukan data resmi. "
            f"Sumber: {md_text(period.sumber)}.\n\n")


class Profile:
    """The pages of one edition, from its cut-off period and the periods before it."""

    def __init__(self, edition: Edition, lib: Library, area: Area | None):
        if edition.periode not in lib:
            raise DataError(edition.path, f"baris {edition.line_of_periode}",
                            f"data periode {edition.periode} belum ada di content/data/kependudukan/{edition.periode}/")
        self.e, self.lib, self.area = edition, lib, area
        self.p = lib.get(edition.periode)
        before = lib.year_before(edition.periode)
        self.year_before = lib.get(before) if before else None
        prev = lib.previous(edition.periode)
        self.prev = lib.get(prev) if prev else None
        window, self.window_expected = lib.year_window(edition.periode)
        self.window = [lib.get(w) for w in window]
        self.kecamatan = regions.kecamatan_list()
        self.dir = f"{PROFILE_DIR}/{edition.tahun}"

    # -------------------------------------------------------------- common bits
    def front(self, title: str) -> str:
        lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
        if not self.e.public:
            lines.append("status: draft")
        return "\n".join(lines) + "\n---\n\n"

    def header(self) -> str:
        e = self.e
        out = contoh_note(self.p)
        if e.public:
            out += (f"Keadaan per **{tanggal(self.p.tanggal_potong)}** ({self.p.label}). Disahkan oleh "
                    f"{md_text(e.disahkan_oleh)} pada {tanggal(e.tanggal_disahkan)}.\n\n")
        else:
            out += (f"**DRAF ({STATUS_LABEL[e.status].lower()}), belum disahkan.** Keadaan per "
                    f"{tanggal(self.p.tanggal_potong)} ({self.p.label}).\n\n")
        return out

    def chapter_links(self, prefix: str = "") -> str:
        links = [f"[Ringkasan]({prefix}index.md)"] + [f"[{t}]({prefix}{s}.md)" for s, t in CHAPTERS]
        kec = " · ".join(f"[{k.nama}]({prefix}kecamatan/{kecamatan_slug(k)}.md)" for k in self.kecamatan)
        # Left out of the search index: repeated on every page, the chapter names would outweigh the
        # pages that are about those words (e.g. "kelahiran" in the Akta Kelahiran service page).
        return ("\n---\n\n**Isi profil:** " + " · ".join(links) + "\n{ data-search-exclude }\n\n**Per kecamatan:** "
                + kec + "\n{ data-search-exclude }\n")

    def kec_link(self, k: regions.Region, prefix: str = "") -> str:
        return f"[{k.nama}]({prefix}kecamatan/{kecamatan_slug(k)}.md)"

    def events(self, fld: str, area: str = "") -> int:
        return sum(p.value(schema_topic(fld), fld, area=area) for p in self.window)

    def annualise(self) -> float:
        return self.window_expected / len(self.window) if self.window else 0.0

    def mid_population(self, area: str = "") -> float:
        now = self.p.population(area)
        return (now + self.year_before.population(area)) / 2 if self.year_before else now

    def window_note(self) -> str:
        labels = ", ".join(p.label for p in self.window)
        note = f"Peristiwa dijumlahkan untuk 12 bulan sampai {tanggal(self.p.tanggal_potong)} ({labels})"
        if len(self.window) < self.window_expected:
            note += (f"; hanya {len(self.window)} dari {self.window_expected} periode tersedia, angka per tahun "
                     "disetahunkan")
        mid = ("rata-rata penduduk awal dan akhir tahun" if self.year_before
               else "penduduk akhir periode (data setahun sebelumnya tidak tersedia)")
        return note + f". Angka kasar dihitung per 1.000 penduduk pertengahan tahun ({mid}).\n\n"

    # -------------------------------------------------------------- pages
    def pages(self) -> list[Page]:
        out = [self.overview()]
        for slug, title in CHAPTERS:
            page = Page(f"{self.dir}/{slug}.md", title, "")
            page.body = getattr(self, "ch_" + slug.replace("-", "_"))(Figures(page))
            out.append(page)
        out += [self.kecamatan_page(k) for k in self.kecamatan]
        return out

    def key_figures(self) -> list[list]:
        p = self.p
        total, male, female = p.population(), p.population(sex="laki_laki"), p.population(sex="perempuan")
        ages = [m + f for m, f in zip(p.ages(sex="laki_laki"), p.ages(sex="perempuan"))]
        dep, *_ = dependency_ratio(ages)
        kk = p.value("keluarga", "jumlah_kk")
        rows = [
            ["Jumlah penduduk", f"{angka(total)} jiwa"],
            ["Laki-laki", f"{angka(male)} jiwa ({_pct(share(male, total))})"],
            ["Perempuan", f"{angka(female)} jiwa ({_pct(share(female, total))})"],
            ["Rasio jenis kelamin", f"{_num(sex_ratio(male, female), 2)} laki-laki per 100 perempuan"],
        ]
        if self.area:
            rows += [["Luas wilayah", f"{angka(self.area.luas_km2, 2)} km²"],
                     ["Kepadatan penduduk", f"{angka(total / self.area.luas_km2, 2)} jiwa per km²"]]
        if self.prev:
            change = total - self.prev.population()
            rows.append([f"Perubahan dibanding {self.prev.label}",
                         f"{_signed(change)} jiwa ({_pct(share(change, self.prev.population()))})"])
        if self.year_before:
            r = growth_rate(total, self.year_before.population(), 1)
            rows.append([f"Laju pertumbuhan per tahun (dibanding {self.year_before.label})", f"{_pct(r)} per tahun"])
        rows += [
            ["Angka beban tanggungan", f"{_num(dep, 2)} per 100 penduduk usia 15-64"],
            ["Jumlah kartu keluarga (KK)", angka(kk)],
            ["Rata-rata anggota per KK", _num(p.value("keluarga", "anggota_keluarga") / kk if kk else None, 2)],
        ]
        if self.window:
            mid = self.mid_population()
            births = (self.events("lahir_laki_laki") + self.events("lahir_perempuan")) * self.annualise()
            deaths = (self.events("mati_laki_laki") + self.events("mati_perempuan")) * self.annualise()
            rows += [["Angka kelahiran kasar", f"{_num(per_mille(births, mid), 2)} per 1.000 penduduk"],
                     ["Angka kematian kasar", f"{_num(per_mille(deaths, mid), 2)} per 1.000 penduduk"]]
        rows += [
            ["Perekaman KTP-el", f"{_pct(share(p.value('ktp_el', 'sudah_rekam'), p.value('ktp_el', 'wajib_ktp')))} "
                                 "dari wajib KTP"],
            ["Akta kelahiran anak 0-17 tahun",
             f"{_pct(share(p.value('akta_kelahiran', 'memiliki_akta'), p.value('akta_kelahiran', 'anak_0_17')))}"],
        ]
        return rows

    def overview(self) -> Page:
        e, p = self.e, self.p
        page = Page(f"{self.dir}/index.md", e.title, "")
        fig = Figures(page)
        out = [self.header()]
        out.append(f"[Unduh versi cetak (PDF, A4)]({e.pdf_name}){{ .md-button }}\n\n")
        out.append("## Angka utama\n\n")
        out.append(_table(["Indikator", "Nilai"], self.key_figures(), 2))
        if self.area:
            out.append(f"\nLuas wilayah: {md_text(self.area.sumber)}.\n")
        out.append("\n## Piramida penduduk\n\n")
        out.append(self.pyramid(fig))
        trend = [self.lib.get(name) for name in self.lib.up_to(e.periode)]
        if len(trend) > 1:
            out.append("\n## Perkembangan jumlah penduduk\n\n")
            mixed = not p.contoh and any(t.contoh for t in trend)  # real data now, simulated before

            def name(t):
                return t.label + (" (data contoh)" if mixed and t.contoh else "")

            labels = [name(t) for t in trend]
            counts = [t.population() for t in trend]
            first, last = counts[0], counts[-1]
            # Bars from zero make a change of a few tenths of a percent invisible: say it in words.
            moved = "naik" if last > first else ("turun" if last < first else "tetap")
            caption = (f"Dari {name(trend[0])} ke {name(trend[-1])} jumlah penduduk {moved}"
                       + (f" {angka(abs(last - first))} jiwa ({persen(abs(last - first) * 100 / first, 2)})"
                          if last != first and first else "")
                       + ". Batang grafik dimulai dari nol, sehingga selisih kecil hampir tidak terlihat; "
                       "perubahan dari periode sebelumnya tertulis di samping setiap batang.")
            out.append(fig("perkembangan", charts.bars("Jumlah penduduk per periode", labels,
                                                       [("Jumlah penduduk", counts)], show_change=True),
                           "Grafik batang jumlah penduduk Kabupaten Trenggalek per periode",
                           ["Periode", "Keadaan per", "Laki-laki", "Perempuan", "Jumlah"],
                           [[name(t), tanggal(t.tanggal_potong), t.population(sex="laki_laki"),
                             t.population(sex="perempuan"), t.population()] for t in trend], caption,
                           text_columns=2))
            if mixed:
                out.append('!!! warning "Data contoh"\n\n    Periode bertanda *(data contoh)* pada grafik dan '
                           "tabel ini adalah data simulasi, bukan data resmi.\n\n")
        out.append("\n## Cara menghitung\n\n"
                   "- Rasio jenis kelamin = laki-laki ÷ perempuan × 100.\n"
                   "- Kepadatan penduduk = jumlah penduduk ÷ luas wilayah (km²).\n"
                   "- Laju pertumbuhan r = (Pt ÷ P0)^(1/t) − 1, t dalam tahun.\n"
                   "- Angka beban tanggungan = (penduduk 0-14 + 65 tahun ke atas) ÷ penduduk 15-64 × 100.\n"
                   "- Angka kelahiran/kematian kasar = kelahiran/kematian setahun ÷ penduduk pertengahan tahun × 1.000.\n"
                   f"- Sumber data kuantitas: {md_text(p.sumber)}; satu tanggal potong untuk semua tingkat wilayah "
                   f"({tanggal(p.tanggal_potong)}).\n")
        out.append(self.chapter_links())
        page.body = "".join(out)
        return page

    def pyramid(self, fig: Figures) -> str:
        p = self.p
        male, female = p.ages(sex="laki_laki"), p.ages(sex="perempuan")
        return fig("piramida", charts.pyramid(f"Piramida penduduk {p.label}", list(schema.AGE_GROUPS), male, female),
                   f"Piramida penduduk Kabupaten Trenggalek {p.label}",
                   ["Kelompok umur", "Laki-laki", "Perempuan", "Jumlah"],
                   [[g, m, f, m + f] for g, m, f in zip(schema.AGE_GROUPS, male, female)]
                   + [["Jumlah", sum(male), sum(female), sum(male) + sum(female)]])

    # -------------------------------------------------------------- chapters
    def ch_kuantitas(self, fig: Figures) -> str:
        p = self.p
        total = p.population()
        rows = []
        for k in self.kecamatan:
            m, f = p.population(k.kode, "laki_laki"), p.population(k.kode, "perempuan")
            rows.append([self.kec_link(k), m, f, m + f, _pct(share(m + f, total)), _num(sex_ratio(m, f), 2)])
        rows.append(["**Kabupaten**", p.population(sex="laki_laki"), p.population(sex="perempuan"), total, "100,00 %",
                     _num(sex_ratio(p.population(sex="laki_laki"), p.population(sex="perempuan")), 2)])
        out = [self.header(), "## Per kecamatan\n\n"]
        out.append(fig("kuantitas-kecamatan",
                       charts.bars(f"Jumlah penduduk per kecamatan, {p.label}", [k.nama for k in self.kecamatan],
                                   [("Jumlah penduduk", [p.population(k.kode) for k in self.kecamatan])]),
                       "Grafik batang jumlah penduduk per kecamatan",
                       ["Kecamatan", "Laki-laki", "Perempuan", "Jumlah", "Persentase", "Rasio jenis kelamin"], rows))
        out.append("## Per desa dan kelurahan\n\n"
                   "Daftar lengkap per kecamatan ada di halaman masing-masing kecamatan (tautan di bawah).\n\n")
        drows = []
        for k in self.kecamatan:
            for d in regions.desa_list(k.kode):
                m, f = p.population(d.kode, "laki_laki"), p.population(d.kode, "perempuan")
                drows.append([k.nama, d.nama + (" (kel.)" if d.jenis == "kelurahan" else ""), d.kode, m, f, m + f])
        out.append(_table(["Kecamatan", "Desa/kelurahan", "Kode", "Laki-laki", "Perempuan", "Jumlah"], drows, 3))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_umur(self, fig: Figures) -> str:
        p = self.p
        out = [self.header(), "## Piramida penduduk\n\n", self.pyramid(fig), "## Angka beban tanggungan\n\n"]
        rows, ratios = [], []
        for k in self.kecamatan + [None]:
            code = k.kode if k else ""
            ages = [m + f for m, f in zip(p.ages(code, "laki_laki"), p.ages(code, "perempuan"))]
            dep, young, working, old = dependency_ratio(ages)
            rows.append([self.kec_link(k) if k else "**Kabupaten**", young, working, old, _num(dep, 2)])
            if k:
                ratios.append(dep or 0)
        out.append(fig("umur-beban-tanggungan",
                       charts.bars("Angka beban tanggungan per kecamatan", [k.nama for k in self.kecamatan],
                                   [("Angka beban tanggungan", ratios)], decimals=2),
                       "Grafik batang angka beban tanggungan per kecamatan",
                       ["Kecamatan", "0-14 tahun", "15-64 tahun", "65+ tahun", "Angka beban tanggungan"], rows,
                       "Angka beban tanggungan: penduduk usia 0-14 dan 65+ per 100 penduduk usia 15-64."))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_keluarga(self, fig: Figures) -> str:
        p = self.p
        rows, sizes = [], []
        for k in self.kecamatan + [None]:
            code = k.kode if k else ""
            kk, members = p.value("keluarga", "jumlah_kk", area=code), p.value("keluarga", "anggota_keluarga", area=code)
            size = members / kk if kk else None
            rows.append([self.kec_link(k) if k else "**Kabupaten**", kk, members, _num(size, 2)])
            if k:
                sizes.append(size or 0)
        out = [self.header(),
               f"Jumlah kartu keluarga (KK) dan anggotanya per kecamatan, {p.label}. Rata-rata anggota per KK = "
               "jumlah anggota keluarga ÷ jumlah KK.\n\n"]
        out.append(fig("keluarga-rata-rata",
                       charts.bars("Rata-rata anggota keluarga per KK", [k.nama for k in self.kecamatan],
                                   [("Rata-rata anggota per KK", sizes)], decimals=2),
                       "Grafik batang rata-rata anggota keluarga per KK per kecamatan",
                       ["Kecamatan", "Jumlah KK", "Anggota keluarga", "Rata-rata per KK"], rows))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_kelahiran_kematian(self, fig: Figures) -> str:
        out = [self.header()]
        if not self.window:
            return "".join(out) + "Data kelahiran dan kematian belum tersedia.\n" + self.chapter_links()
        out.append(self.window_note())
        a = self.annualise()
        total = [["Kelahiran", self.events("lahir_laki_laki"), self.events("lahir_perempuan"),
                  self.events("lahir_laki_laki") + self.events("lahir_perempuan")],
                 ["Kematian", self.events("mati_laki_laki"), self.events("mati_perempuan"),
                  self.events("mati_laki_laki") + self.events("mati_perempuan")]]
        out.append("## Kabupaten\n\n" + _table(["Peristiwa", "Laki-laki", "Perempuan", "Jumlah"], total) + "\n")
        rows, cbr, cdr = [], [], []
        for k in self.kecamatan + [None]:
            code = k.kode if k else ""
            births = self.events("lahir_laki_laki", code) + self.events("lahir_perempuan", code)
            deaths = self.events("mati_laki_laki", code) + self.events("mati_perempuan", code)
            mid = self.mid_population(code)
            b, d = per_mille(births * a, mid), per_mille(deaths * a, mid)
            rows.append([self.kec_link(k) if k else "**Kabupaten**", births, deaths, round(mid), _num(b, 2), _num(d, 2)])
            if k:
                cbr.append(b or 0)
                cdr.append(d or 0)
        out.append("## Per kecamatan\n\n")
        out.append(fig("kelahiran-kematian-kecamatan",
                       charts.bars("Angka kelahiran dan kematian kasar per 1.000 penduduk",
                                   [k.nama for k in self.kecamatan],
                                   [("Kelahiran kasar", cbr), ("Kematian kasar", cdr)], decimals=1),
                       "Grafik batang angka kelahiran kasar dan angka kematian kasar per kecamatan",
                       ["Kecamatan", "Kelahiran", "Kematian", "Penduduk pertengahan tahun", "Kelahiran kasar (‰)",
                        "Kematian kasar (‰)"], rows))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_mobilitas(self, fig: Figures) -> str:
        out = [self.header()]
        if not self.window:
            return "".join(out) + "Data penduduk datang dan pindah belum tersedia.\n" + self.chapter_links()
        out.append(self.window_note())
        rows, came, left = [], [], []
        for k in self.kecamatan + [None]:
            code = k.kode if k else ""
            datang = self.events("datang_laki_laki", code) + self.events("datang_perempuan", code)
            pindah = self.events("pindah_laki_laki", code) + self.events("pindah_perempuan", code)
            rows.append([self.kec_link(k) if k else "**Kabupaten**", datang, pindah, _signed(datang - pindah),
                         _num(per_mille((datang - pindah) * self.annualise(), self.mid_population(code)), 2)])
            if k:
                came.append(datang)
                left.append(pindah)
        out.append("## Datang dan pindah per kecamatan\n\n")
        out.append(fig("mobilitas-kecamatan",
                       charts.bars("Penduduk datang dan pindah per kecamatan", [k.nama for k in self.kecamatan],
                                   [("Datang", came), ("Pindah", left)]),
                       "Grafik batang penduduk datang dan pindah per kecamatan",
                       ["Kecamatan", "Datang", "Pindah", "Migrasi neto", "Migrasi neto (‰)"], rows,
                       "Migrasi neto = datang − pindah; per 1.000 penduduk pertengahan tahun."))
        if self.year_before and len(self.window) == self.window_expected:
            births = self.events("lahir_laki_laki") + self.events("lahir_perempuan")
            deaths = self.events("mati_laki_laki") + self.events("mati_perempuan")
            datang = self.events("datang_laki_laki") + self.events("datang_perempuan")
            pindah = self.events("pindah_laki_laki") + self.events("pindah_perempuan")
            change = self.p.population() - self.year_before.population()
            rows = [["Kelahiran", births], ["Kematian", -deaths], ["Pertumbuhan alami", births - deaths],
                    ["Datang", datang], ["Pindah", -pindah], ["Migrasi neto", datang - pindah],
                    [f"Perubahan tercatat ({self.year_before.label} ke {self.p.label})", change],
                    ["Selisih (perubahan tercatat − komponen)", change - (births - deaths + datang - pindah)]]
            out.append("## Komponen pertumbuhan penduduk\n\n"
                       + _table(["Komponen", "Jiwa"], [[r[0], _signed(r[1])] for r in rows])
                       + "\nSelisih timbul dari perubahan data di luar keempat peristiwa (misalnya pembersihan "
                         "data ganda).\n")
        out.append(self.chapter_links())
        return "".join(out)

    def ch_sosial(self, fig: Figures) -> str:
        p = self.p
        out = [self.header()]
        total = p.population()
        for topic, heading, name in (("agama", "Agama", "sosial-agama"),
                                     ("pendidikan", "Pendidikan dalam KK", "sosial-pendidikan"),
                                     ("pekerjaan", "Pekerjaan", "sosial-pekerjaan"),
                                     ("status_kawin", "Status perkawinan", "sosial-status-kawin")):
            cats = p.category(topic)
            out.append(f"## {heading}\n\n")
            out.append(fig(name, charts.bars(f"Penduduk menurut {heading.lower()}, {p.label}", [c for c, _, _ in cats],
                                             [("Jumlah", [m + f for _, m, f in cats])]),
                           f"Grafik batang penduduk menurut {heading.lower()}",
                           [heading, "Laki-laki", "Perempuan", "Jumlah", "Persentase"],
                           [[c, m, f, m + f, _pct(share(m + f, total))] for c, m, f in cats]
                           + [["Jumlah", sum(m for _, m, _ in cats), sum(f for *_, f in cats),
                               sum(m + f for _, m, f in cats), "100,00 %"]]))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_dokumen(self, fig: Figures) -> str:
        p = self.p
        v = p.value
        out = [self.header(), "## Kabupaten\n\n"]
        rows = [
            ["Wajib KTP-el", angka(v("ktp_el", "wajib_ktp"))],
            ["Sudah rekam KTP-el", f"{angka(v('ktp_el', 'sudah_rekam'))} "
                                   f"({_pct(share(v('ktp_el', 'sudah_rekam'), v('ktp_el', 'wajib_ktp')))} dari wajib KTP)"],
            ["Sudah cetak KTP-el", f"{angka(v('ktp_el', 'sudah_cetak'))} "
                                   f"({_pct(share(v('ktp_el', 'sudah_cetak'), v('ktp_el', 'wajib_ktp')))} dari wajib KTP)"],
            ["Anak 0-17 tahun", angka(v("akta_kelahiran", "anak_0_17"))],
            ["Anak 0-17 tahun yang memiliki akta kelahiran",
             f"{angka(v('akta_kelahiran', 'memiliki_akta'))} "
             f"({_pct(share(v('akta_kelahiran', 'memiliki_akta'), v('akta_kelahiran', 'anak_0_17')))})"],
            ["Kartu keluarga (KK)", angka(v("keluarga", "jumlah_kk"))],
        ]
        out.append(_table(["Dokumen", "Jumlah"], rows, 2))
        out.append("\n## Per kecamatan\n\n")
        rows, ktp, akta = [], [], []
        for k in self.kecamatan + [None]:
            code = k.kode if k else ""
            wajib, rekam = v("ktp_el", "wajib_ktp", area=code), v("ktp_el", "sudah_rekam", area=code)
            anak, punya = v("akta_kelahiran", "anak_0_17", area=code), v("akta_kelahiran", "memiliki_akta", area=code)
            rows.append([self.kec_link(k) if k else "**Kabupaten**", wajib, rekam, _pct(share(rekam, wajib)), anak,
                         _pct(share(punya, anak))])
            if k:
                ktp.append(share(rekam, wajib) or 0)
                akta.append(share(punya, anak) or 0)
        out.append(fig("dokumen-kecamatan",
                       charts.bars("Cakupan perekaman KTP-el dan akta kelahiran anak 0-17 (%)",
                                   [k.nama for k in self.kecamatan],
                                   [("Perekaman KTP-el", ktp), ("Akta kelahiran 0-17", akta)], decimals=1, unit=" %"),
                       "Grafik batang cakupan perekaman KTP-el dan akta kelahiran anak per kecamatan",
                       ["Kecamatan", "Wajib KTP-el", "Sudah rekam", "Cakupan rekam", "Anak 0-17", "Cakupan akta"],
                       rows, "Cakupan rekam = sudah rekam ÷ wajib KTP-el; cakupan akta = anak 0-17 yang memiliki "
                             "akta kelahiran ÷ anak 0-17."))
        out.append(self.chapter_links())
        return "".join(out)

    def ch_lintas_sektor(self, fig: Figures) -> str:
        out = [self.header()]
        if not self.p.contoh and any(t.contoh for t in self.e.lintas_sektor):
            out.append('!!! warning "Data contoh"\n\n    Sebagian tabel di halaman ini memuat **data contoh '
                       '(simulasi)**, bukan data resmi; tabel itu diberi tanda.\n\n')
        out.append("Indikator kualitas penduduk (kesehatan, pendidikan, ekonomi, sosial) dari perangkat daerah lain, "
                   "sebagaimana diterima Tim Penyusun. Angka menjadi tanggung jawab sumbernya.\n\n")
        if not self.e.lintas_sektor:
            out.append("Belum ada indikator lintas sektor untuk edisi ini.\n")
        for t in self.e.lintas_sektor:
            out.append(f"## {md_text(t.judul)}\n\n")
            if t.contoh:
                out.append("*Data contoh (simulasi).*\n\n")
            out.append(f"Sumber: {md_text(t.sumber)}.\n\n")
            out.append(_table([md_text(k) for k in t.kolom],
                              [[md_text(c) if isinstance(c, str) else c for c in row] for row in t.baris]))
            if t.catatan:
                out.append(f"\n{md_text(t.catatan)}\n")
            out.append("\n")
        out.append(self.chapter_links())
        return "".join(out)

    # -------------------------------------------------------------- kecamatan
    def kecamatan_page(self, k: regions.Region) -> Page:
        p = self.p
        slug = kecamatan_slug(k)
        page = Page(f"{self.dir}/kecamatan/{slug}.md", f"Kecamatan {k.nama}", "")
        fig = Figures(page)
        villages = regions.desa_list(k.kode)
        n_desa = sum(d.jenis == "desa" for d in villages)
        n_kel = len(villages) - n_desa
        m, f = p.population(k.kode, "laki_laki"), p.population(k.kode, "perempuan")
        parts = [f"{n_desa} desa"] + ([f"{n_kel} kelurahan"] if n_kel else [])
        out = [self.header()]
        out.append(f"Kode wilayah (Kemendagri) **{k.kode}**; terdiri atas {' dan '.join(parts)}.\n\n")
        kk = p.value("keluarga", "jumlah_kk", area=k.kode)
        summary = [["Jumlah penduduk", f"{angka(m + f)} jiwa ({_pct(share(m + f, p.population()))} dari kabupaten)"],
                   ["Laki-laki / perempuan", f"{angka(m)} / {angka(f)}"],
                   ["Rasio jenis kelamin", _num(sex_ratio(m, f), 2)],
                   ["Jumlah KK", angka(kk)],
                   ["Rata-rata anggota per KK", _num((m + f) / kk if kk else None, 2)]]
        if self.prev:
            change = (m + f) - self.prev.population(k.kode)
            summary.append([f"Perubahan dibanding {self.prev.label}", f"{_signed(change)} jiwa"])
        out.append(_table(["Indikator", "Nilai"], summary, 2))
        out.append("\n## Desa dan kelurahan\n\n")
        rows = []
        for d in villages:
            dm, df = p.population(d.kode, "laki_laki"), p.population(d.kode, "perempuan")
            rows.append([d.nama, d.kode, d.jenis.capitalize(), dm, df, dm + df,
                         p.value("keluarga", "jumlah_kk", area=d.kode)])
        rows.append(["**Jumlah**", "", "", m, f, m + f, kk])
        out.append(fig(slug, charts.bars(f"Jumlah penduduk per desa/kelurahan, Kecamatan {k.nama}",
                                         [d.nama for d in villages],
                                         [("Jumlah penduduk", [p.population(d.kode) for d in villages])]),
                       f"Grafik batang jumlah penduduk per desa dan kelurahan di Kecamatan {k.nama}",
                       ["Desa/kelurahan", "Kode", "Jenis", "Laki-laki", "Perempuan", "Jumlah", "KK"], rows,
                       text_columns=3))
        out.append(self.chapter_links("../"))
        page.body = "".join(out)
        return page

    # -------------------------------------------------------------- output
    def markdown_files(self) -> dict[str, str]:
        files = {}
        for page in self.pages():
            files[page.path] = self.front(page.title) + f"# {page.title}\n\n" + page.body
            folder = page.path.rsplit("/", 1)[0]
            for name, svg in page.svgs.items():
                files[f"{folder}/{name}"] = svg
        return files


def schema_topic(fld: str) -> str:
    return "kelahiran_kematian" if fld.startswith(("lahir_", "mati_")) else "mutasi"


# --------------------------------------------------------------------------- PDF

PDF_CSS = """
@page { size: A4; margin: 20mm 16mm 22mm 16mm;
  @top-center { content: "%(title)s"; font-size: 7.5pt; color: #555; }
  @bottom-left { content: "%(footer)s"; font-size: 7.5pt; color: #333; width: 80%%; }
  @bottom-right { content: "Hal. " counter(page) " / " counter(pages); font-size: 7.5pt; color: #555; } }
@page :first { @top-center { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #000; }
.sampul { text-align: center; padding-top: 50mm; }
.sampul .dinas { font-size: 10pt; font-weight: bold; text-transform: uppercase; color: #1a4f8b; }
.sampul h1 { font-size: 22pt; margin: 10mm 0 6mm 0; }
.sampul p { font-size: 11pt; }
.draf { border: 1.5pt solid #b00020; color: #b00020; padding: 2mm 3mm; font-weight: bold; margin: 5mm 0; }
section.bab { break-before: page; }
h1 { font-size: 16pt; color: #1a4f8b; margin: 0 0 4mm 0; }
h2 { font-size: 12pt; color: #1a4f8b; margin: 5mm 0 2mm 0; break-after: avoid; }
img { width: 60%%; max-height: 200mm; object-fit: contain; break-inside: avoid; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 4mm 0; font-size: 8pt; }
th, td { border: .5pt solid #777; padding: .8mm 1.5mm; text-align: left; }
th { background: #e8eef6; }
td:not(:first-child) { text-align: right; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.admonition { border: 1pt solid #b3541e; padding: 1mm 3mm; margin: 3mm 0; }
.admonition-title { font-weight: bold; margin: 1mm 0; }
ol.isi li { margin-bottom: 1mm; }
"""

_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:)[^)]*\)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]+\.svg)\)(\{[^}]*\})?")


def _css(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def pdf_html(profile: Profile) -> str:
    e = profile.e
    pages = profile.pages()
    sections = []
    for page in pages:
        body = page.body.split("\n---\n\n**Isi profil:**", 1)[0]  # the site's chapter links stay on the site
        body = re.sub(r"^\[Unduh versi cetak.*$", "", body, flags=re.MULTILINE)

        def image(m, svgs=page.svgs):
            data = base64.b64encode(svgs[m.group(2)].encode()).decode()
            return f"![{m.group(1)}](data:image/svg+xml;base64,{data})"

        body = _IMAGE.sub(image, body)
        body = _LINK.sub(r"\1", body)
        content = markdown.markdown(body, extensions=["extra", "admonition", "sane_lists"], output_format="html")
        sections.append(f'<section class="bab"><h1>{html.escape(page.title)}</h1>\n{content}\n</section>')
    footer = (f"Disahkan oleh {e.disahkan_oleh} pada {tanggal(e.tanggal_disahkan)}" if e.public
              else f"DRAF ({STATUS_LABEL[e.status].lower()}) \u2014 belum disahkan, tidak untuk digandakan")
    css = PDF_CSS % {"title": _css(e.title), "footer": _css(footer)}
    draft = "" if e.public else f'<p class="draf">DRAF \u2014 {html.escape(STATUS_LABEL[e.status])}, belum disahkan.</p>'
    contoh = ('<p class="draf">Memuat data contoh (simulasi), bukan data resmi.</p>' if profile.p.contoh else "")
    toc = "".join(f"<li>{html.escape(p.title)}</li>" for p in pages[1:])
    e_ = html.escape
    return f"""<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>{e_(e.title)}</title>
<meta name="author" content="{e_(OFFICE)}">
<style>{css}</style></head>
<body>
<div class="sampul">
<p class="dinas">{e_(OFFICE)}</p>
<h1>{e_(e.title)}</h1>
<p>Keadaan per {e_(tanggal(profile.p.tanggal_potong))} ({e_(profile.p.label)})</p>
<p>{e_(footer)}</p>
{draft}{contoh}
</div>
<section class="bab"><h1>Daftar isi</h1><ol class="isi"><li>Ringkasan</li>{toc}</ol></section>
{"".join(sections)}
</body>
</html>
"""


def render_pdf(document_html: str) -> bytes:
    import weasyprint  # late: loading Pango costs time when there is nothing to print

    return weasyprint.HTML(string=document_html).write_pdf()


def _pdf(content_dir: Path, profile: Profile) -> bytes:
    import weasyprint

    document = pdf_html(profile)
    h = hashlib.sha256()
    for part in (LAYOUT_VERSION, weasyprint.__version__, markdown.__version__, document):
        h.update(part.encode())
        h.update(b"\0")
    return pdfcache.cached(Path(content_dir) / CACHE_DIR, str(profile.e.tahun), h.hexdigest()[:20],
                           lambda: render_pdf(document))


# --------------------------------------------------------------------------- index pages

def index_md(editions: list[Edition], lib: Library) -> str:
    out = ["---", "title: Profil Perkembangan Kependudukan", "---", "",
           "<!-- Dibuat otomatis dari content/data/profil/*.yml oleh portal.publish.profile; "
           "jangan disunting di sini. -->", "", "# Profil Perkembangan Kependudukan", "",
           "Profil Perkembangan Kependudukan Kabupaten Trenggalek disusun setiap tahun menurut Permendagri "
           "Nomor 65 Tahun 2010: kuantitas penduduk dari data SIAK, kualitas penduduk dari perangkat daerah lain, "
           "dan mobilitas penduduk, dengan satu tanggal potong data untuk semua tingkat wilayah. Profil ditetapkan "
           "melalui rancangan awal, rancangan final, dan pengesahan (SOP Penyusunan Profil Perkembangan "
           "Kependudukan).", ""]
    if not editions:
        out += ["Belum ada profil yang disahkan.", ""]
        return "\n".join(out)
    latest = editions[-1]
    if any(lib.get(e.periode).contoh for e in editions if e.periode in lib):
        out += ['!!! warning "Data contoh"', "",
                "    Profil di situs ini masih memuat **data contoh (simulasi)**, bukan data resmi; setiap halaman "
                "yang memuatnya diberi tanda.", ""]
    out += [f"**Edisi terbaru:** [{latest.title}]({latest.tahun}/index.md)", "", "## Semua edisi", ""]
    rows = []
    for e in reversed(editions):
        status = (f"Disahkan {tanggal(e.tanggal_disahkan)}" if e.public
                  else f"**DRAF**, {STATUS_LABEL[e.status].lower()} (hanya di pratinjau)")
        rows.append([f"[Tahun {e.tahun}]({e.tahun}/index.md)", tanggal(schema.period_end(e.periode)), status,
                     f"[PDF]({e.tahun}/{e.pdf_name})"])
    out.append(_table(["Edisi", "Keadaan per", "Status", "Versi cetak"], rows, 4))
    out += ["", "Data rekapitulasi per semester ada di halaman [Data Kependudukan](../data-kependudukan/index.md).", ""]
    return "\n".join(out)


def recap_pages(lib: Library) -> dict[str, str]:
    """data-kependudukan/index.md: the latest period's recap, kabupaten and per kecamatan, and its CSV."""
    head = ["---", "title: Data Kependudukan", "---", "",
            "<!-- Dibuat otomatis dari content/data/kependudukan/ oleh portal.publish.profile; "
            "jangan disunting di sini. -->", "", "# Data Kependudukan", ""]
    if not lib.names:
        return {f"{DATA_PAGE_DIR}/index.md": "\n".join(head + ["Belum ada data kependudukan yang diterbitkan.", ""])}
    p = lib.get(lib.names[-1])
    v = p.value
    csv_name = f"rekap-{p.periode}.csv"
    out = head + [
        f"Rekapitulasi data kependudukan Kabupaten Trenggalek **{p.label}**, keadaan per "
        f"{tanggal(p.tanggal_potong)}, menurut SOP Pelaporan Data Kependudukan (laporan kecamatan, "
        "rekapitulasi, konsolidasi dengan SIAK).", "", contoh_note(p),
        "## Kabupaten", "",
        _table(["Data", "Laki-laki", "Perempuan", "Jumlah"], [
            ["Penduduk", v("penduduk", "laki_laki"), v("penduduk", "perempuan"), v("penduduk", "jumlah")],
            ["Kelahiran dalam periode", v("kelahiran_kematian", "lahir_laki_laki"),
             v("kelahiran_kematian", "lahir_perempuan"),
             v("kelahiran_kematian", "lahir_laki_laki") + v("kelahiran_kematian", "lahir_perempuan")],
            ["Kematian dalam periode", v("kelahiran_kematian", "mati_laki_laki"), v("kelahiran_kematian", "mati_perempuan"),
             v("kelahiran_kematian", "mati_laki_laki") + v("kelahiran_kematian", "mati_perempuan")],
            ["Datang dalam periode", v("mutasi", "datang_laki_laki"), v("mutasi", "datang_perempuan"),
             v("mutasi", "datang_laki_laki") + v("mutasi", "datang_perempuan")],
            ["Pindah dalam periode", v("mutasi", "pindah_laki_laki"), v("mutasi", "pindah_perempuan"),
             v("mutasi", "pindah_laki_laki") + v("mutasi", "pindah_perempuan")],
        ]), "",
        _table(["Data", "Jumlah"], [
            ["Kartu keluarga (KK)", v("keluarga", "jumlah_kk")],
            ["Wajib KTP-el", v("ktp_el", "wajib_ktp")],
            ["Sudah rekam KTP-el", f"{angka(v('ktp_el', 'sudah_rekam'))} "
                                   f"({_pct(share(v('ktp_el', 'sudah_rekam'), v('ktp_el', 'wajib_ktp')))})"],
            ["Anak 0-17 memiliki akta kelahiran", f"{angka(v('akta_kelahiran', 'memiliki_akta'))} dari "
                                                  f"{angka(v('akta_kelahiran', 'anak_0_17'))}"],
        ]), "",
        "## Per kecamatan", "", "### Penduduk dan keluarga", "",
    ]
    kec = regions.kecamatan_list()
    rows, events, csv_rows = [], [], []
    for k in kec:
        m, f = v("penduduk", "laki_laki", area=k.kode), v("penduduk", "perempuan", area=k.kode)
        kk = v("keluarga", "jumlah_kk", area=k.kode)
        rows.append([k.nama, m, f, m + f, kk])
        lahir = v("kelahiran_kematian", "lahir_laki_laki", area=k.kode) + v("kelahiran_kematian", "lahir_perempuan", area=k.kode)
        mati = v("kelahiran_kematian", "mati_laki_laki", area=k.kode) + v("kelahiran_kematian", "mati_perempuan", area=k.kode)
        datang = v("mutasi", "datang_laki_laki", area=k.kode) + v("mutasi", "datang_perempuan", area=k.kode)
        pindah = v("mutasi", "pindah_laki_laki", area=k.kode) + v("mutasi", "pindah_perempuan", area=k.kode)
        events.append([k.nama, lahir, mati, datang, pindah])
        csv_rows.append([k.kode, k.nama, m, f, m + f, kk, lahir, mati, datang, pindah])
    rows.append(["**Kabupaten**", *(sum(r[i] for r in rows) for i in range(1, 5))])
    events.append(["**Kabupaten**", *(sum(r[i] for r in events) for i in range(1, 5))])
    out += [_table(["Kecamatan", "Laki-laki", "Perempuan", "Jumlah", "KK"], rows), "",
            "### Peristiwa dalam periode", "",
            _table(["Kecamatan", "Lahir", "Mati", "Datang", "Pindah"], events), "",
            f"[Unduh rekap per kecamatan (CSV)]({csv_name}) · Analisis tahunan: "
            "[Profil Perkembangan Kependudukan](../profil-kependudukan/index.md)", ""]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["kode_kecamatan", "kecamatan", "laki_laki", "perempuan", "jumlah", "jumlah_kk", "lahir", "mati",
                     "datang", "pindah"])
    writer.writerows(csv_rows)
    return {f"{DATA_PAGE_DIR}/index.md": "\n".join(out), f"{DATA_PAGE_DIR}/{csv_name}": buf.getvalue()}


# --------------------------------------------------------------------------- entry point

def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    editions = read_editions(content_dir)  # every edition file is checked, public or not
    shown = [e for e in editions if e.public or preview]
    lib = Library(content_dir)
    area = read_area(content_dir)
    outputs: dict[str, str | bytes] = {}
    for edition in shown:
        profile = Profile(edition, lib, area)
        outputs.update(profile.markdown_files())
        outputs[f"{profile.dir}/{edition.pdf_name}"] = _pdf(content_dir, profile)
    outputs[f"{PROFILE_DIR}/index.md"] = index_md(shown, lib)
    outputs.update(recap_pages(lib))
    years = {str(e.tahun) for e in editions}
    for old in (content_dir / CACHE_DIR).glob("*.pdf"):
        if old.name.split(".", 1)[0] not in years:  # the edition file was deleted
            old.unlink(missing_ok=True)
    return outputs
