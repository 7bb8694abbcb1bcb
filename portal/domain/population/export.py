"""Publishing a period: the current kecamatan reports as plain files for the site.

Writes content/data/kependudukan/<periode>/<topic>.csv (header schema.csv_header, one row per
desa and category, sorted by code then category order) and meta.yml (schema.META_KEYS) exactly
as schema.py describes. Aggregates only: the database holds nothing else, and the files hold
desa codes and whole numbers. The "consolidated" figures are the kecamatan reports in force,
that is after any differences found against SIAK were settled by a corrected report.

The directory is written next to the old one and swapped in at the end, so the site never
reads a half-written period.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import yaml

from .. import regions
from . import recap, schema, siak, store


class PublishRefused(Exception):
    def __init__(self, message: str, missing: list[regions.Region]):
        super().__init__(message)
        self.missing = missing


def period_dir(content_dir: str | Path, periode: str) -> Path:
    return Path(content_dir) / "data" / "kependudukan" / periode


def publish(db, periode: str, content_dir: str | Path, *, partial: bool = False) -> dict:
    """Write the period's files; returns {"path", "kecamatan", "files", "rows"}."""
    schema.period_end(periode)  # ValueError for a malformed period
    missing = recap.missing(db, periode)
    if missing and (not partial or len(missing) == len(regions.kecamatan_list())):
        names = ", ".join(f"{k.nama} ({k.kode})" for k in missing)
        raise PublishRefused(f"Periode {periode} belum dapat diterbitkan: {len(missing)} kecamatan belum melapor: "
                             f"{names}." + ("" if partial else " Gunakan --sebagian untuk menerbitkan data sebagian."),
                             missing)
    rows: dict[str, list[tuple]] = {t.code: [] for t in schema.TOPICS}
    values: dict[tuple[str, str, str], dict[str, int]] = {}
    for _kec, topic, desa, kategori, field, value in store.figures(db, periode):
        values.setdefault((topic, desa, kategori), {})[field] = value
    for (topic_code, desa, kategori), fields in values.items():
        topic = schema.TOPIC[topic_code]
        key = (desa, topic.categories.index(kategori) if topic.categories else 0)
        rows[topic_code].append((key, (desa, *((kategori,) if topic.categories else ()),
                                       *(fields[f] for f in topic.columns))))
    target = period_dir(content_dir, periode)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{periode}-", dir=target.parent))
    try:
        for topic in schema.TOPICS:
            with open(staging / f"{topic.code}.csv", "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(schema.csv_header(topic))
                writer.writerows(row for _, row in sorted(rows[topic.code]))
        reported = len(regions.kecamatan_list()) - len(missing)
        sumber = ("Laporan data kependudukan kecamatan (SOP Pelaporan Data Kependudukan), direkapitulasi oleh "
                  "Dispendukcapil Kabupaten Trenggalek")
        sumber += ", dikonsolidasi dengan data SIAK" if siak.current_import(db, periode) else ""
        if missing:
            sumber += (f"; data sebagian: {reported} dari {reported + len(missing)} kecamatan, belum termasuk "
                       + ", ".join(k.nama for k in missing))
        meta = {"periode": periode, "tanggal_potong": schema.period_end(periode), "sumber": sumber + ".",
                "contoh": False}
        (staging / "meta.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        staging.chmod(0o755)
        old = None
        if target.exists():
            old = target.with_name(f".{periode}-lama")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"path": target, "kecamatan": reported, "missing": missing,
            "rows": {t: len(r) for t, r in rows.items()}}
