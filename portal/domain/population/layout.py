"""Where things are in the Excel template: shared by the writer (template.py) and the reader.

Sheet "petunjuk": instructions, and in column B the kecamatan code (row 3), its name (row 4),
the period (row 5) and the deadline (row 6). The importer reads rows 3 and 5.
Each topic sheet (named by the topic code): row 1 title, row 2 kecamatan code in B2 and period
in D2 (checked against "petunjuk", so a sheet copied from another file is caught), row 3 the
column labels in Indonesian, row 4 the field names (checked), data from row 5.
"""

from __future__ import annotations

from . import schema

INSTRUCTIONS_SHEET = "petunjuk"
INFO_CELLS = {"kecamatan": 3, "nama": 4, "periode": 5, "batas": 6}  # row numbers; the value is in column B
SHEET_KECAMATAN = (2, 1)  # (row, zero-based column): B2
SHEET_PERIODE = (2, 3)  # D2
LABEL_ROW = 3
FIELD_ROW = 4
DATA_ROW = 5

LABELS = {
    "kode_desa": "Kode desa", "nama_desa": "Nama desa/kelurahan", "kategori": "Kategori",
    "kelompok_umur": "Kelompok umur", "laki_laki": "Laki-laki", "perempuan": "Perempuan", "jumlah": "Jumlah",
    "lahir_laki_laki": "Lahir laki-laki", "lahir_perempuan": "Lahir perempuan",
    "mati_laki_laki": "Mati laki-laki", "mati_perempuan": "Mati perempuan",
    "datang_laki_laki": "Datang laki-laki", "datang_perempuan": "Datang perempuan",
    "pindah_laki_laki": "Pindah laki-laki", "pindah_perempuan": "Pindah perempuan",
    "jumlah_kk": "Jumlah KK", "anggota_keluarga": "Jumlah anggota keluarga",
    "wajib_ktp": "Wajib KTP-el", "sudah_rekam": "Sudah rekam", "sudah_cetak": "Sudah cetak",
    "anak_0_17": "Anak 0-17 tahun", "memiliki_akta": "Memiliki akta kelahiran",
}


def label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())


def sheet_fields(topic: schema.Topic) -> tuple[str, ...]:
    """The columns of a topic sheet, A onwards."""
    return ("kode_desa", "nama_desa", *((topic.category_column,) if topic.categories else ()), *topic.columns)


def column_letter(index: int) -> str:
    """Zero-based column index to its letter: 0 -> A."""
    letters, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters
