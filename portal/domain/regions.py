"""Administrative regions: Trenggalek's kecamatan and desa, and Indonesia's codes for NIK checks.

The CSV files are read once, on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

TRENGGALEK_CSV = "wilayah-3503-trenggalek.csv"
NATIONAL_CSV = "wilayah-kecamatan-indonesia.csv"

_VILLAGE_KINDS = ("desa", "kelurahan")


@dataclass(frozen=True)
class Region:
    kode: str
    nama: str
    jenis: str


def _rows(filename: str) -> list[dict[str, str]]:
    # importlib.resources keeps this working when the package is installed as a wheel.
    path = files("portal").joinpath("data").joinpath(filename)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _by_name(regions: list[Region]) -> list[Region]:
    # Code as tie-breaker: ten desa names repeat across kecamatan, and order must be stable.
    return sorted(regions, key=lambda r: (r.nama.casefold(), r.kode))


@cache
def _trenggalek() -> dict[str, Region]:
    return {
        row["kode"]: Region(row["kode"], row["nama"], row["jenis"])
        for row in _rows(TRENGGALEK_CSV)
    }


@cache
def _national() -> dict[str, str]:
    # Every edition is kept: a NIK carries the code of where it was first issued, for life.
    return {row["kode"]: row["nama"] for row in _rows(NATIONAL_CSV)}


@cache
def _villages_by_kecamatan() -> dict[str, tuple[Region, ...]]:
    groups: dict[str, list[Region]] = {}
    for region in _trenggalek().values():
        if region.jenis in _VILLAGE_KINDS:
            # Group by the code's parent, never by name: names repeat across kecamatan.
            parent = region.kode.rsplit(".", 1)[0]
            groups.setdefault(parent, []).append(region)
    return {kode: tuple(_by_name(regions)) for kode, regions in groups.items()}


def kecamatan_list() -> list[Region]:
    """Trenggalek's 14 kecamatan, sorted by name."""
    return _by_name([r for r in _trenggalek().values() if r.jenis == "kecamatan"])


def desa_list(kecamatan_kode: str) -> list[Region]:
    """The desa and kelurahan of one kecamatan, sorted by name; [] for an unknown code."""
    return list(_villages_by_kecamatan().get(kecamatan_kode, ()))


def get(kode: str) -> Region | None:
    """Any Trenggalek region (kabupaten, kecamatan, desa or kelurahan) by its Kemendagri code."""
    return _trenggalek().get(kode)


def desa_in_kecamatan(desa_kode: str, kecamatan_kode: str) -> bool:
    """True if the desa/kelurahan exists and lies in that kecamatan (guards tampered form posts)."""
    region = get(desa_kode)
    return (
        region is not None
        and region.jenis in _VILLAGE_KINDS
        and region.kode.rsplit(".", 1)[0] == kecamatan_kode
    )


def as_json_tree() -> dict[str, list[list[str]]]:
    """{kecamatan_kode: [[desa_kode, nama], ...]} for the dependent dropdown in the browser."""
    return {
        kec.kode: [[v.kode, v.nama] for v in desa_list(kec.kode)] for kec in kecamatan_list()
    }


def national_name(kode: str) -> str | None:
    """Name of a provinsi ("35"), kabupaten/kota ("35.03") or kecamatan ("35.03.11").

    Codes from every decree edition since 2016 count, including ones since abolished.
    """
    return _national().get(kode)


_SIX_DIGITS = re.compile(r"\d{6}")


def nik_prefix_status(six_digits: str) -> str:
    """Check the region part of a NIK: "ok", or the first level that is unknown.

    Returns "provinsi", "kabupaten" or "kecamatan" so the caller can name the failing code.
    """
    if not _SIX_DIGITS.fullmatch(six_digits):
        raise ValueError(f"expected six digits, got {six_digits!r}")
    provinsi = six_digits[:2]
    kabupaten = f"{provinsi}.{six_digits[2:4]}"
    kecamatan = f"{kabupaten}.{six_digits[4:6]}"
    for level, kode in (("provinsi", provinsi), ("kabupaten", kabupaten), ("kecamatan", kecamatan)):
        if national_name(kode) is None:
            return level
    return "ok"
