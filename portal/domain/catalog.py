"""The complaint portal's configuration data, read from content/data/.

Categories, intake channels and the SOP's time standards are data that the office edits,
not code; this module reads and checks them once at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from . import sop as sop_schema
from .calendar import Calendar, Deadline
from .errors import DataError


COMPLAINT_SOP = "penanganan-pengaduan.yml"
POPULATION_SOP = "pelaporan-data-kependudukan.yml"
POPULATION_REPORT = "laporan_kecamatan"  # the step tenggat of POPULATION_SOP


class CatalogError(Exception):
    "A configuration file under content/data/ is missing or malformed."


@dataclass(frozen=True)
class TimeStandard:
    code: str
    nama: str
    hari: int
    jenis: str  # "kerja" or "kalender"
    dasar: str

    @property
    def lama(self) -> str:
        "How the promise reads to a citizen: '14 hari kerja', '60 hari'."
        return f"{self.hari} hari kerja" if self.jenis == "kerja" else f"{self.hari} hari"

    @property
    def hitungan(self) -> str:
        "The count with its kind spelled out, where both kinds appear: '14 hari kerja', '10 hari kalender'."
        return f"{self.hari} hari {'kerja' if self.jenis == 'kerja' else 'kalender'}"

    def deadline(self, calendar: Calendar, start: date) -> Deadline:
        "The end of this standard counted from `start` (day zero) on the office's calendar."
        return calendar.add(start, self.hari, self.jenis)


@dataclass(frozen=True)
class Official:
    nama: str
    nip: str
    pangkat: str = ""


@dataclass(frozen=True)
class Office:
    """The letterhead, the signing Kepala Dinas and the letter-number patterns."""
    nama: str
    pemerintah: str
    alamat: str
    telepon: str
    email: str
    laman: str
    kota: str
    logo: str | None
    kepala_dinas: Official
    nomor_nota_dinas: str
    nomor_surat_tanggapan: str
    # Filled in by the web team's office form (site_forms.OFFICE_FIELDS) for the site's pages.
    whatsapp: str | None = None
    jam_layanan: str | None = None

    @property
    def kabupaten(self) -> str:
        "The government without its 'Pemerintah': 'Kabupaten Trenggalek'."
        rest = re.sub(r"^\s*pemerintah\s+", "", self.pemerintah, flags=re.IGNORECASE).strip()
        return rest or f"Kabupaten {self.kota}"

    @property
    def jabatan_kepala(self) -> str:
        "The Kepala Dinas's title under a signature: 'Kepala Dinas ... Kabupaten Trenggalek'."
        return f"Kepala {self.nama} {self.kabupaten}"


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, str]
    channels: dict[str, str]
    time_standards: dict[str, TimeStandard]
    sop_nomor: str
    office: Office
    reply_templates: tuple[tuple[str, str, str], ...] = ()  # (kategori or "*", judul, isi)
    # When a kecamatan's population report is due after its period ends (SOP Pelaporan Data
    # Kependudukan, step 1); None only for a Catalog built by hand.
    laporan_kependudukan: TimeStandard | None = None

    def templates_for(self, category: str) -> list[tuple[str, str]]:
        return [(title, body) for cat, title, body in self.reply_templates if cat in ("*", category)]


def load(content_dir: str | Path) -> Catalog:
    data_dir = Path(content_dir) / "data"
    pengaduan = _read(data_dir / "pengaduan.yml")
    sop_path = data_dir / "sop" / COMPLAINT_SOP
    standards, nomor = _standards(sop_path)
    if "tanggapan" not in standards:
        raise CatalogError(f"{sop_path}: tenggat 'tanggapan' is required")
    report_path = data_dir / "sop" / POPULATION_SOP
    report = _standards(report_path)[0].get(POPULATION_REPORT)
    if report is None:
        raise CatalogError(f"{report_path}: a step with tenggat '{POPULATION_REPORT}' is required")
    return Catalog(
        categories=_pairs(pengaduan, "kategori", data_dir / "pengaduan.yml"),
        channels=_pairs(pengaduan, "saluran", data_dir / "pengaduan.yml"),
        time_standards=standards,
        sop_nomor=nomor,
        office=read_office(data_dir / "dinas.yml"),
        reply_templates=_templates(data_dir / "templat-tanggapan.yml"),
        laporan_kependudukan=report,
    )


def time_standards(content_dir: str | Path) -> dict[str, TimeStandard]:
    "The complaint SOP's time standards alone (for the site's build, which needs no other setting)."
    return _standards(Path(content_dir) / "data" / "sop" / COMPLAINT_SOP)[0]


def _standards(sop_path: Path) -> tuple[dict[str, TimeStandard], str]:
    """The deadlines of one SOP file, with its number. The file is read and checked by the same
    loader as the site's SOP pages. Its top-level `tenggat` holds the legal limits; a step marked
    with `tenggat` gives its deadline through the step's own waktu ("1 hari"), so the page and the
    portal cannot disagree."""
    try:
        sop = sop_schema.load_one(sop_path)
    except DataError as exc:
        raise CatalogError(str(exc)) from None
    return ({code: TimeStandard(code, rule.nama, rule.hari, rule.jenis, rule.dasar)
             for code, rule in sop.tenggat_portal().items()}, sop.nomor)


def _templates(path: Path) -> tuple[tuple[str, str, str], ...]:
    if not path.exists():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    out = []
    for i, item in enumerate(data if isinstance(data, list) else [None], start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k].strip()
                                                 for k in ("kategori", "judul", "isi")):
            raise CatalogError(f"{path}: template {i} needs kategori, judul and isi (text)")
        out.append((item["kategori"], item["judul"].strip(), item["isi"].strip()))
    return tuple(out)


def read_office(path: Path) -> Office:
    "content/data/dinas.yml, checked: the letterhead, the Kepala Dinas and the letter-number patterns."
    data = _read(path)
    try:
        kadis = Official(**{k: str(v) for k, v in data.pop("kepala_dinas").items()})
        office = Office(kepala_dinas=kadis, **{k: (None if v is None else str(v)) for k, v in data.items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise CatalogError(f"{path}: {exc}") from None
    for name in ("nomor_nota_dinas", "nomor_surat_tanggapan"):
        if "{seq}" not in getattr(office, name):
            raise CatalogError(f"{path}: {name} must contain {{seq}}")
    # Each kind of letter has its own sequence, so patterns that format alike would hand the first
    # nota dinas and the first surat tanggapan of a year the same number.
    try:
        alike = office.nomor_nota_dinas.format(seq=1, year=2000) == office.nomor_surat_tanggapan.format(seq=1, year=2000)
    except (KeyError, IndexError, ValueError) as exc:
        raise CatalogError(f"{path}: letter number pattern: {exc}") from None
    if alike:
        raise CatalogError(f"{path}: nomor_nota_dinas and nomor_surat_tanggapan must differ, "
                           "or two letters would carry the same number")
    return office


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    return data


def _pairs(data: dict, key: str, path: Path) -> dict[str, str]:
    out = {}
    for i, item in enumerate(data.get(key) or [], start=1):
        if not isinstance(item, dict) or not item.get("kode") or not item.get("nama"):
            raise CatalogError(f"{path}: {key} entry {i} needs kode and nama")
        if item["kode"] in out:
            raise CatalogError(f"{path}: {key} entry {i}: kode '{item['kode']}' appears twice")
        out[str(item["kode"])] = str(item["nama"])
    if not out:
        raise CatalogError(f"{path}: the list '{key}' is empty")
    return out
