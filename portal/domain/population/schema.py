"""The shape of the population data: the topics, their columns and their category lists.

One description, read by everything that touches the data: the Excel template a kecamatan
fills, the importer and its checks, the recapitulation, the consolidation with SIAK, the
demo-data generator and the site's profile pages.

On disk, the consolidated figures of one period live in
`content/data/kependudukan/<periode>/`, one CSV per topic (UTF-8, comma-separated, header row),
one row per desa (and, for category topics, per desa and category), keyed on the Kemendagri
desa code (35.03.KK.DDDD); kecamatan and kabupaten figures are sums over the code prefix. Plus
`meta.yml`: periode, tanggal_potong (cut-off date), sumber, contoh (true for simulated data).

A period is written `2024-S2` (semester) or `2025-06` (month). Aggregates only: no file ever
holds a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

AGE_GROUPS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
              "50-54", "55-59", "60-64", "65-69", "70-74", "75+")

# SIAK's own category lists (Permendagri/Dukcapil code lists as used in SIAK exports).
AGAMA = ("Islam", "Kristen", "Katholik", "Hindu", "Budha", "Khonghucu", "Kepercayaan terhadap Tuhan YME")
PENDIDIKAN = ("Tidak/belum sekolah", "Belum tamat SD/sederajat", "Tamat SD/sederajat", "SLTP/sederajat",
              "SLTA/sederajat", "Diploma I/II", "Akademi/Diploma III/S.Muda", "Diploma IV/Strata I",
              "Strata II", "Strata III")
STATUS_KAWIN = ("Belum kawin", "Kawin", "Cerai hidup", "Cerai mati")
# The occupations shown separately; every other SIAK occupation code is summed into "Lainnya".
PEKERJAAN = ("Belum/tidak bekerja", "Mengurus rumah tangga", "Pelajar/mahasiswa", "Pensiunan",
             "Pegawai negeri sipil", "TNI", "POLRI", "Perdagangan", "Petani/pekebun", "Peternak",
             "Nelayan/perikanan", "Karyawan swasta", "Buruh harian lepas", "Buruh tani/perkebunan",
             "Pedagang", "Perangkat desa", "Wiraswasta", "Lainnya")


@dataclass(frozen=True)
class Topic:
    code: str  # file name without .csv, and the sheet name in the Excel template
    title: str  # Indonesian, for sheets, pages and messages
    columns: tuple[str, ...]  # figure columns (non-negative integers), after kode_desa [and kategori]
    categories: tuple[str, ...] = ()  # for topics broken down by a category list
    category_column: str = "kategori"


TOPICS = (
    Topic("penduduk", "Jumlah penduduk menurut jenis kelamin", ("laki_laki", "perempuan", "jumlah")),
    Topic("umur", "Penduduk menurut kelompok umur dan jenis kelamin", ("laki_laki", "perempuan"),
          AGE_GROUPS, "kelompok_umur"),
    Topic("kelahiran_kematian", "Kelahiran dan kematian",
          ("lahir_laki_laki", "lahir_perempuan", "mati_laki_laki", "mati_perempuan")),
    Topic("mutasi", "Penduduk datang dan pindah",
          ("datang_laki_laki", "datang_perempuan", "pindah_laki_laki", "pindah_perempuan")),
    Topic("keluarga", "Kartu keluarga dan anggota keluarga", ("jumlah_kk", "anggota_keluarga")),
    Topic("ktp_el", "KTP-el: wajib KTP, sudah rekam, sudah cetak", ("wajib_ktp", "sudah_rekam", "sudah_cetak")),
    Topic("akta_kelahiran", "Kepemilikan akta kelahiran anak 0-17 tahun", ("anak_0_17", "memiliki_akta")),
    Topic("agama", "Penduduk menurut agama dan jenis kelamin", ("laki_laki", "perempuan"), AGAMA),
    Topic("pendidikan", "Penduduk menurut pendidikan dalam KK dan jenis kelamin", ("laki_laki", "perempuan"),
          PENDIDIKAN),
    Topic("pekerjaan", "Penduduk menurut pekerjaan dan jenis kelamin", ("laki_laki", "perempuan"), PEKERJAAN),
    Topic("status_kawin", "Penduduk menurut status perkawinan dan jenis kelamin", ("laki_laki", "perempuan"),
          STATUS_KAWIN),
)
TOPIC = {t.code: t for t in TOPICS}

PERIOD = re.compile(r"^(?P<year>20\d\d)-(?:S(?P<semester>[12])|(?P<month>0[1-9]|1[0-2]))$")


def period_end(period: str) -> date:
    """The cut-off date of a period: the last day of its month or semester."""
    m = PERIOD.match(period)
    if not m:
        raise ValueError(f"Periode {period!r} tidak dikenal; tulis misalnya 2024-S2 atau 2025-06.")
    year = int(m["year"])
    month = 6 if m["semester"] == "1" else 12 if m["semester"] else int(m["month"])
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


def csv_header(topic: Topic) -> tuple[str, ...]:
    """The header row of a topic's CSV: kode_desa, [the category column,] the figure columns."""
    return ("kode_desa", *((topic.category_column,) if topic.categories else ()), *topic.columns)


META_KEYS = ("periode", "tanggal_potong", "sumber", "contoh")
