"""One edition of the profile as pages: the overview, the chapters and a page per kecamatan."""

from __future__ import annotations

import json

from ...domain import regions
from ...domain.formatting import angka, persen, tanggal
from ...domain.population import schema
from .. import charts
from ..errors import DataError
from ..materials import md_text
from ..profile_data import Library, dependency_ratio, growth_rate, per_mille, sex_ratio, share
from .chapters import Chapters
from .edition import CHAPTERS, PROFILE_DIR, STATUS_LABEL, Area, Edition
from .pages import Figures, Page, _num, _pct, _signed, _table, contoh_note, kecamatan_slug, schema_topic


class Profile(Chapters):
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
