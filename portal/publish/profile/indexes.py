"""The list of editions (profil-kependudukan/index.md) and the latest period's recap (data-kependudukan/)."""

from __future__ import annotations

import csv
import io

from ...domain import regions
from ...domain.population import schema
from ...domain.formatting import angka
from ...domain.formatting import tanggal
from ..profile_data import Library, share
from .edition import DATA_PAGE_DIR, STATUS_LABEL, Edition
from .pages import _pct, _table, contoh_note

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
