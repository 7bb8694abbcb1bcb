"""Edition files of the profile (content/data/profil/<tahun>.yml) and the kabupaten's area, read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...domain.population import schema
from ..errors import DataError
from ..materials import LineDict, load_yaml, parse_date
from ..profile_data import shown_path

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


def read_edition(path: Path, content_dir: Path) -> Edition:
    shown = shown_path(path, content_dir)
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
    shown = shown_path(path, content_dir)
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

