"""Reading the published population data (content/data/kependudukan/<periode>/) for the site.

The files are those schema.py describes, written by the importer (portal.domain.population
.export) or by the demo generator. A malformed file stops the build with the file, row and
column named (DataError). Kecamatan and kabupaten figures are sums over the desa code prefix.

Also the formulas of the Profil (Permendagri 65/2010 practice): sex ratio, dependency ratio,
density, growth rate, crude birth and death rates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from ..domain import regions
from ..domain.formatting import BULAN
from ..domain.population import schema
from .errors import DataError
from .materials import load_yaml, parse_date

DATA_DIR = "data/kependudukan"
SEXES = ("laki_laki", "perempuan")
ROMAN = {"1": "I", "2": "II"}


def period_label(periode: str) -> str:
    """"Semester II 2024" or "Juni 2025"."""
    m = schema.PERIOD.match(periode)
    if not m:
        return periode
    if m["semester"]:
        return f"Semester {ROMAN[m['semester']]} {m['year']}"
    return f"{BULAN[int(m['month']) - 1]} {m['year']}"


def kecamatan_of(kode_desa: str) -> str:
    return kode_desa.rsplit(".", 1)[0]


@dataclass
class Period:
    """The figures of one period: per topic, {(kode_desa, kategori or ""): {field: value}}."""

    periode: str
    tanggal_potong: date
    sumber: str
    contoh: bool
    topics: dict[str, dict[tuple[str, str], dict[str, int]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return period_label(self.periode)

    @cached_property
    def desa_codes(self) -> list[str]:
        return sorted({d for d, _ in self.topics.get("penduduk", {})})

    def value(self, topic: str, fld: str, *, area: str = "", kategori: str = "") -> int:
        """The sum of a field over the desa whose code starts with `area` ("" = kabupaten)."""
        return self._sums(topic, area).get((kategori, fld), 0)

    def _sums(self, topic: str, area: str) -> dict[tuple[str, str], int]:
        """Sums per area, computed for every area (kabupaten, kecamatan, desa) in one pass per topic."""
        cache = self.__dict__.setdefault("_cache", {})
        if topic not in cache:
            by_area: dict[str, dict[tuple[str, str], int]] = {}
            for (desa, kategori), values in self.topics.get(topic, {}).items():
                for a in ("", kecamatan_of(desa), desa):
                    sums = by_area.setdefault(a, {})
                    for f, v in values.items():
                        sums[(kategori, f)] = sums.get((kategori, f), 0) + v
            cache[topic] = by_area
        return cache[topic].get(area, {})

    # Handy totals -----------------------------------------------------------------------
    def population(self, area: str = "", sex: str | None = None) -> int:
        if sex:
            return self.value("penduduk", sex, area=area)
        return self.value("penduduk", "jumlah", area=area)

    def ages(self, area: str = "", sex: str = "laki_laki") -> list[int]:
        return [self.value("umur", sex, area=area, kategori=g) for g in schema.AGE_GROUPS]

    def category(self, topic: str, area: str = "") -> list[tuple[str, int, int]]:
        return [(c, self.value(topic, "laki_laki", area=area, kategori=c),
                 self.value(topic, "perempuan", area=area, kategori=c)) for c in schema.TOPIC[topic].categories]


def periods_available(content_dir: Path) -> list[str]:
    """The period folders that have a meta.yml, oldest first."""
    root = Path(content_dir) / DATA_DIR
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and schema.PERIOD.match(p.name) and (p / "meta.yml").is_file()]
    return sorted(found, key=schema.period_end)


def shown_path(path: Path, content_dir: Path) -> str:
    "A data file as an error names it: relative to the project (content/data/...), when it is in it."
    try:
        return str(path.relative_to(Path(content_dir).parent))
    except ValueError:
        return str(path)


def read_meta(content_dir: Path, periode: str) -> dict:
    path = Path(content_dir) / DATA_DIR / periode / "meta.yml"
    shown = shown_path(path, content_dir)
    meta = load_yaml(path.read_text(encoding="utf-8"), shown)
    if not isinstance(meta, dict):
        raise DataError(shown, "baris 1", "meta.yml harus berisi pasangan 'kunci: nilai'")
    for key in schema.META_KEYS:
        if key not in meta:
            raise DataError(shown, "", f"'{key}' wajib ada (kunci: {', '.join(schema.META_KEYS)})")
    if str(meta["periode"]) != periode:
        raise DataError(shown, f"baris {meta.line_of('periode')}",
                        f"periode {meta['periode']!r} tidak sama dengan nama folder {periode!r}")
    if not isinstance(meta["contoh"], bool):
        raise DataError(shown, f"baris {meta.line_of('contoh')}", "'contoh' harus bernilai true atau false")
    meta["tanggal_potong"] = parse_date(meta["tanggal_potong"], shown, f"baris {meta.line_of('tanggal_potong')}",
                                        "tanggal_potong")
    return meta


def read_period(content_dir: Path, periode: str) -> Period:
    """Read and check one period folder; DataError names the file, row and column."""
    content_dir = Path(content_dir)
    folder = content_dir / DATA_DIR / periode
    meta = read_meta(content_dir, periode)
    period = Period(periode, meta["tanggal_potong"], str(meta["sumber"]), meta["contoh"])
    for topic in schema.TOPICS:
        path = folder / f"{topic.code}.csv"
        shown = shown_path(path, content_dir)
        if not path.is_file():
            raise DataError(shown, "", f"berkas topik '{topic.title}' tidak ada")
        header = schema.csv_header(topic)
        table: dict[tuple[str, str], dict[str, int]] = {}
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            first = next(reader, None)
            if tuple(c.strip() for c in (first or ())) != header:
                raise DataError(shown, "baris 1", f"baris judul harus {','.join(header)}")
            for line, row in enumerate(reader, start=2):
                if not row or not any(c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise DataError(shown, f"baris {line}", f"ada {len(row)} kolom, seharusnya {len(header)}")
                kode = row[0].strip()
                region = regions.get(kode)
                if region is None or region.jenis not in ("desa", "kelurahan"):
                    raise DataError(shown, f"baris {line}, kolom kode_desa", f"kode desa {kode!r} tidak dikenal")
                kategori = ""
                if topic.categories:
                    kategori = row[1].strip()
                    if kategori not in topic.categories:
                        raise DataError(shown, f"baris {line}, kolom {topic.category_column}",
                                        f"kategori {kategori!r} tidak ada dalam daftar")
                values = {}
                for name, raw in zip(topic.columns, row[len(header) - len(topic.columns):]):
                    raw = raw.strip()
                    if not raw.isdigit():
                        raise DataError(shown, f"baris {line}, kolom {name}",
                                        f"{raw!r} bukan bilangan bulat 0 atau lebih")
                    values[name] = int(raw)
                if (kode, kategori) in table:
                    raise DataError(shown, f"baris {line}", f"{kode} {kategori} tercantum dua kali")
                table[(kode, kategori)] = values
        period.topics[topic.code] = table
    return period


class Library:
    """Lazy access to every period of a content directory (each read once)."""

    def __init__(self, content_dir: Path):
        self.content_dir = Path(content_dir)
        self.names = periods_available(self.content_dir)
        self._read: dict[str, Period] = {}

    def __contains__(self, periode: str) -> bool:
        return periode in self.names

    def get(self, periode: str) -> Period:
        if periode not in self._read:
            self._read[periode] = read_period(self.content_dir, periode)
        return self._read[periode]

    def previous(self, periode: str) -> str | None:
        """The period just before, of the same kind (semester or month)."""
        same = [p for p in self.names if _kind(p) == _kind(periode) and schema.period_end(p) < schema.period_end(periode)]
        return same[-1] if same else None

    def year_before(self, periode: str) -> str | None:
        """The same period one year earlier (2023-S2 for 2024-S2), if published."""
        candidate = f"{int(periode[:4]) - 1}{periode[4:]}"
        return candidate if candidate in self.names else None

    def year_window(self, periode: str) -> tuple[list[str], int]:
        """The periods whose events make up the 12 months ending at `periode`, and how many there should be."""
        kind = _kind(periode)
        expected = 2 if kind == "S" else 12
        end = schema.period_end(periode)
        start = date(end.year - 1, end.month, end.day) if not (end.month == 2 and end.day == 29) else date(end.year - 1, 2, 28)
        found = [p for p in self.names if _kind(p) == kind and start < schema.period_end(p) <= end]
        return found, expected

    def up_to(self, periode: str) -> list[str]:
        return [p for p in self.names if _kind(p) == _kind(periode) and schema.period_end(p) <= schema.period_end(periode)]


def _kind(periode: str) -> str:
    return "S" if "S" in periode else "M"


# --------------------------------------------------------------------------- formulas

def sex_ratio(male: int, female: int) -> float | None:
    """Laki-laki per 100 perempuan."""
    return male / female * 100 if female else None


def dependency_ratio(ages_total: list[int]) -> tuple[float | None, int, int, int]:
    """(ratio, 0-14, 15-64, 65+): (0-14 + 65+) / 15-64 x 100."""
    young, working, old = sum(ages_total[0:3]), sum(ages_total[3:13]), sum(ages_total[13:])
    return ((young + old) / working * 100 if working else None), young, working, old


def growth_rate(now: int, before: int, years: float) -> float | None:
    """r = (Pt / P0)^(1/t) - 1, in per cent a year."""
    if before <= 0 or years <= 0:
        return None
    return ((now / before) ** (1 / years) - 1) * 100


def per_mille(events: float, population: float) -> float | None:
    return events / population * 1000 if population else None


def share(part: float, whole: float) -> float | None:
    return part / whole * 100 if whole else None
