"""The checks on a kecamatan report: every cell, every problem, each named by sheet, row, column.

Nothing stops at the first problem: the kecamatan gets the whole list at once and sends one
corrected file. A report with any problem is not imported at all.

Rules: the kecamatan and period are valid (and the ones expected, when the caller names them);
every topic is present; every desa code is a desa of THAT kecamatan, listed once (per category
for category topics), and every desa of the kecamatan is present; categories come from the
schema lists; every figure is a whole number >= 0; laki_laki + perempuan = jumlah; every
topic broken down by category and sex (umur, agama, pendidikan, pekerjaan, status_kawin: each
a partition of the same residents in SIAK) sums to the desa's population per sex; and a few
plain bounds (sudah_cetak <= sudah_rekam, memiliki_akta <= anak_0_17, jumlah_kk <= anggota_keluarga).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import regions
from ..formatting import angka
from . import schema
from .layout import INFO_CELLS, INSTRUCTIONS_SHEET
from .reading import Problem, Submission, Table

# (topic, smaller field, larger field, message)
BOUNDS = (
    ("ktp_el", "sudah_cetak", "sudah_rekam", "KTP-el sudah cetak tidak boleh lebih dari sudah rekam"),
    ("akta_kelahiran", "memiliki_akta", "anak_0_17", "Anak yang memiliki akta tidak boleh lebih dari jumlah anak 0-17"),
    ("keluarga", "jumlah_kk", "anggota_keluarga", "Jumlah KK tidak boleh lebih dari jumlah anggota keluarga"),
)
PARTITION_TOPICS = tuple(t.code for t in schema.TOPICS if t.categories and t.columns == ("laki_laki", "perempuan"))

Key = tuple[str, str, str, str]  # (topic, kode_desa, kategori or "", field)


@dataclass
class Checked:
    problems: list[Problem]
    figures: dict[Key, int]
    row_counts: dict[str, int]


def parse_count(raw) -> tuple[int | None, str | None]:
    """A cell as a non-negative whole number, or the reason it is not one."""
    if isinstance(raw, bool):
        return None, "harus bilangan bulat, bukan nilai benar/salah"
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, "kosong; isi 0 bila tidak ada"
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            return None, f"harus bilangan bulat, tertulis {raw}"
        value = int(raw)
    else:
        text = str(raw).strip()
        if re.fullmatch(r"-?\d+", text):
            value = int(text)
        elif re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):
            return None, f"tulis angka tanpa titik atau koma pemisah ribuan, tertulis \"{text}\""
        else:
            return None, f"harus bilangan bulat, tertulis \"{text[:40]}\""
    if value < 0:
        return None, f"tidak boleh negatif, tertulis {value}"
    return value, None


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def check(sub: Submission, *, kecamatan: str | None = None, periode: str | None = None) -> Checked:
    """Check everything; `kecamatan` and `periode`, when given, are what the caller expects."""
    problems = list(sub.problems)
    info_sheet = INSTRUCTIONS_SHEET if sub.kind == "xlsx" else ""

    def info(row_key: str) -> tuple[str, int | None, str]:
        return (info_sheet, INFO_CELLS[row_key], "B") if sub.kind == "xlsx" else ("", None, "")

    kec = regions.get(sub.kecamatan or "")
    if kec is None or kec.jenis != "kecamatan":
        problems.append(Problem(*info("kecamatan"), f"Kode kecamatan {sub.kecamatan or '(kosong)'} tidak dikenal; "
                                "tulis kode Kemendagri, misalnya 35.03.11."))
        kec = None
    elif kecamatan and sub.kecamatan != kecamatan:
        want = regions.get(kecamatan)
        problems.append(Problem(*info("kecamatan"), f"Berkas ini laporan Kecamatan {kec.nama} ({kec.kode}), bukan "
                                f"Kecamatan {want.nama if want else kecamatan} ({kecamatan}) yang dipilih."))
    if not schema.PERIOD.match(sub.periode or ""):
        problems.append(Problem(*info("periode"), f"Periode {sub.periode or '(kosong)'} tidak dikenal; tulis "
                                "misalnya 2024-S2 (semester) atau 2025-06 (bulan)."))
    elif periode and sub.periode != periode:
        problems.append(Problem(*info("periode"), f"Berkas ini untuk periode {sub.periode}, bukan {periode} "
                                "yang dipilih."))

    figures: dict[Key, int] = {}
    rows_of: dict[tuple[str, str], list[int]] = {}  # (topic, kode_desa) -> lines, for the cross-topic checks
    counts: dict[str, int] = {}
    for topic in schema.TOPICS:
        table = sub.tables.get(topic.code)
        if table is None:
            if not any(p.sheet == sub.sheet_name(topic.code) for p in problems):
                problems.append(Problem(sub.sheet_name(topic.code), None, "",
                                        f"Topik {topic.code} ({topic.title}) tidak ada dalam kiriman."))
            continue
        counts[topic.code] = len(table.rows)
        _check_table(table, kec, problems, figures, rows_of)
    if kec is not None:
        _check_sums(sub, kec, problems, figures, rows_of)
    return Checked(problems, figures if not problems else {}, counts)


def _check_table(table: Table, kec: regions.Region | None, problems: list[Problem], figures: dict[Key, int],
                 rows_of: dict) -> None:
    topic, sheet, labels = table.topic, table.sheet, table.labels
    canonical = {_normal(c): c for c in topic.categories}
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        code = "" if row.kode_desa is None else str(row.kode_desa).strip()
        ok_code = False
        if not code:
            problems.append(Problem(sheet, row.line, labels["kode_desa"], "Kode desa kosong."))
        elif kec is not None and not regions.desa_in_kecamatan(code, kec.kode):
            other = regions.get(code)
            if other is not None and other.jenis in ("desa", "kelurahan"):
                home = regions.get(code.rsplit(".", 1)[0])
                problems.append(Problem(sheet, row.line, labels["kode_desa"],
                                        f"{other.jenis.capitalize()} {other.nama} ({code}) ada di Kecamatan "
                                        f"{home.nama if home else '?'}, bukan Kecamatan {kec.nama}."))
            else:
                problems.append(Problem(sheet, row.line, labels["kode_desa"],
                                        f"Kode desa {code} tidak dikenal di Kecamatan {kec.nama}."))
        else:
            ok_code = kec is not None
        kategori = ""
        if topic.categories:
            raw = "" if row.kategori is None else str(row.kategori)
            kategori = canonical.get(_normal(raw), "")
            if not kategori:
                problems.append(Problem(sheet, row.line, labels[topic.category_column],
                                        f"{topic.category_column.replace('_', ' ').capitalize()} \"{raw.strip()}\" "
                                        f"tidak dikenal; pilihan: {', '.join(topic.categories)}."))
        if ok_code and (kategori or not topic.categories):
            key = (code, kategori)
            if key in seen:
                what = f"desa {code}" + (f" kategori \"{kategori}\"" if kategori else "")
                problems.append(Problem(sheet, row.line, labels["kode_desa"],
                                        f"Data {what} tertulis dua kali (juga di baris {seen[key]})."))
                continue
            seen[key] = row.line
            rows_of.setdefault((topic.code, code), []).append(row.line)
        values = {}
        for field, raw in row.values.items():
            value, error = parse_count(raw)
            if error:
                problems.append(Problem(sheet, row.line, labels[field], f"Nilai {error}."))
            else:
                values[field] = value
        if topic.code == "penduduk" and len(values) == 3 and values["laki_laki"] + values["perempuan"] != values["jumlah"]:
            problems.append(Problem(sheet, row.line, labels["jumlah"],
                                    f"Laki-laki + perempuan = {angka(values['laki_laki'] + values['perempuan'])}, "
                                    f"tetapi jumlah tertulis {angka(values['jumlah'])}."))
        for bound_topic, small, large, message in BOUNDS:
            if topic.code == bound_topic and small in values and large in values and values[small] > values[large]:
                problems.append(Problem(sheet, row.line, labels[small], f"{message} ({angka(values[small])} > "
                                                                        f"{angka(values[large])})."))
        if ok_code and (kategori or not topic.categories):
            for field, value in values.items():
                figures[(topic.code, code, kategori, field)] = value
    if kec is None:
        return
    for desa in regions.desa_list(kec.kode):
        if topic.categories:
            present = [c for c in topic.categories if (desa.kode, c) in seen]
            if not present:
                problems.append(Problem(sheet, None, labels["kode_desa"],
                                        f"{desa.jenis.capitalize()} {desa.nama} ({desa.kode}) tidak ada di lembar ini."))
            else:
                for c in topic.categories:
                    if (desa.kode, c) not in seen:
                        problems.append(Problem(sheet, None, labels[topic.category_column],
                                                f"{desa.nama} ({desa.kode}): baris \"{c}\" tidak ada."))
        elif (desa.kode, "") not in seen:
            problems.append(Problem(sheet, None, labels["kode_desa"],
                                    f"{desa.jenis.capitalize()} {desa.nama} ({desa.kode}) tidak ada di lembar ini."))


def _lines(lines: list[int]) -> int | str:
    return lines[0] if min(lines) == max(lines) else f"{min(lines)}-{max(lines)}"


def _check_sums(sub: Submission, kec: regions.Region, problems: list[Problem], figures: dict[Key, int],
                rows_of: dict) -> None:
    if "penduduk" not in sub.tables:
        return
    for code in sub.tables:
        topic = schema.TOPIC[code]
        if code not in PARTITION_TOPICS:
            continue
        table = sub.tables[code]
        for desa in regions.desa_list(kec.kode):
            for field, sex in (("laki_laki", "laki-laki"), ("perempuan", "perempuan")):
                total = figures.get(("penduduk", desa.kode, "", field))
                parts = [figures.get((code, desa.kode, c, field)) for c in topic.categories]
                if total is None or any(p is None for p in parts) or sum(parts) == total:
                    continue
                penduduk_line = rows_of[("penduduk", desa.kode)][0]
                problems.append(Problem(table.sheet, _lines(rows_of[(code, desa.kode)]), table.labels[field],
                                        f"{desa.nama} ({desa.kode}): jumlah {sex} menurut "
                                        f"{topic.category_column.replace('_', ' ')} = {angka(sum(parts))}, tetapi "
                                        f"penduduk {sex} di lembar {sub.sheet_name('penduduk')} (baris "
                                        f"{penduduk_line}) = {angka(total)}."))
