"""The chapters of the profile (CHAPTERS), one method each, mixed into Profile."""

from __future__ import annotations

from ...domain import regions
from .. import charts
from ...domain.formatting import angka
from ..materials import md_text
from ..profile_data import dependency_ratio, per_mille, sex_ratio, share
from .pages import Figures, _num, _pct, _signed, _table


class Chapters:
    """One `ch_<slug>` per chapter; Profile supplies the period (self.p), edition (self.e) and helpers."""

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
