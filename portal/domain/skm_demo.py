"""Demo SKM results ("data contoh"): simulated survey responses, numbers served and a follow-up
plan, so that a fresh demo portal (scripts/run) shows what the SKM pages look like.

    flask --app portal skm contoh         # writes them when the SKM tables are empty, else nothing
    flask --app portal skm hapus-contoh   # removes them (rows flagged contoh = 1 and their exports)

Every row written here carries contoh = 1 (migration m010_rskm): skm_results.compute reports
`contoh`, the staff page and the site label the figures "data contoh", the exported file says
"contoh": true, and the readiness check lists it (portal.domain.readiness), so a production build
refuses to publish them as real.

What is simulated (deterministic: every draw comes from a generator seeded with SEED, so two
databases seeded on different days hold identical answers):

- two complete semesters, PERIODS; every service of content/data/standar-pelayanan/ that
  SERVED names, with a number served and a number of responses per period;
- in the first period one service has fewer responses than the Krejcie-Morgan minimum (the
  warning shows) and one has fewer than the small-number threshold (the site suppresses it);
- answers scatter around a mean per element; element 3 (Waktu Penyelesaian) is weak in the first
  period, so a follow-up plan for it is written (not approved: approval is the Kepala Dinas's act),
  and better in the second;
- the respondents' optional facts, sometimes left empty, and a few suggestions.

Plain Python, no Flask.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from ..db import write_transaction
from . import audit, disclosure, skm, skm_results

SEED = "trenggalek-skm-contoh-1"
PERIODS = ("2025-S2", "2026-S1")
TABLES = ("skm_responses", "skm_populasi", "skm_tindak_lanjut")

# Per period and service: (people served, responses). 2025-S2: pindah-datang below its minimum
# sample (700 served need 248), akta-perceraian below the small-number threshold.
SERVED = {
    "2025-S2": {"ktp-el": (2400, 342), "kk": (1500, 310), "akta-kelahiran": (900, 275), "kia": (600, 240),
                "pindah-datang": (700, 96), "akta-kematian": (350, 190), "akta-perkawinan": (120, 95),
                "akta-perceraian": (12, 2)},
    "2026-S1": {"ktp-el": (2600, 348), "kk": (1450, 312), "akta-kelahiran": (950, 280), "kia": (640, 245),
                "pindah-datang": (720, 255), "akta-kematian": (380, 195), "akta-perkawinan": (110, 90),
                "akta-perceraian": (15, 14)},
}
# Mean answer (1-4) per element, element 1 first; the service's own offset is added.
MEANS = {
    "2025-S2": (3.30, 3.20, 2.70, 3.85, 3.35, 3.30, 3.45, 3.25, 3.15),
    "2026-S1": (3.35, 3.25, 3.25, 3.85, 3.40, 3.35, 3.50, 3.25, 3.20),
}
OFFSET = {"ktp-el": -0.05, "kk": 0.0, "akta-kelahiran": 0.08, "kia": 0.10, "pindah-datang": -0.10,
          "akta-kematian": 0.05, "akta-perkawinan": 0.0, "akta-perceraian": -0.05}
SPREAD = 0.55
# The follow-up plan for the weak element of the first period (every service: layanan '').
PLAN = {"periode": "2025-S2", "layanan": "", "unsur": 3,
        "rencana": "Menambah satu petugas verifikasi berkas pada jam sibuk (08.00-11.00) dan menempelkan "
                   "perkiraan waktu selesai setiap layanan di loket.",
        "penanggung_jawab": "Sekretaris Dinas", "target": "Semester I 2026"}
SARAN = ("Antrean pagi terlalu panjang, mohon ditambah petugas.", "Petugas ramah dan membantu.",
         "Ruang tunggu panas, mohon ditambah kipas angin.", "Mohon informasi syarat ditempel lebih jelas.",
         "Pelayanan cepat, terima kasih.", "Tempat parkir sempit.")
PENDIDIKAN_WEIGHTS = {"sd": 18, "smp": 22, "sma": 38, "diploma": 7, "sarjana": 13, "pascasarjana": 2}
PEKERJAAN_WEIGHTS = {"pns": 6, "tni": 1, "polri": 1, "swasta": 30, "wirausaha": 27, "lainnya": 35}


def is_empty(db) -> bool:
    return all(db[t].count == 0 for t in TABLES)


def count(db) -> int:
    "Rows of simulated SKM data in the database (0 when none): the readiness page lists them."
    return sum(db.execute(f"SELECT count(*) FROM {t} WHERE contoh = 1").fetchone()[0] for t in TABLES)


def _score(rng: random.Random, mean: float) -> int:
    return min(4, max(1, round(rng.gauss(mean, SPREAD))))


def _weekday(rng: random.Random, p: skm.Periode) -> date:
    while True:
        day = p.start + timedelta(days=rng.randrange((p.end - p.start).days + 1))
        if day.weekday() < 5:
            return day


def _pick(rng: random.Random, weights: dict[str, int], empty: float) -> str | None:
    if rng.random() < empty:
        return None
    return rng.choices(list(weights), list(weights.values()))[0]


def responses(services: dict[str, str], lokets: list[skm.Loket]) -> list[dict]:
    "The simulated responses, as skm_responses rows (same input, same rows)."
    rng = random.Random(SEED)
    out = []
    for kode in PERIODS:
        p = skm.periode(kode)
        for slug, (_, n) in SERVED[kode].items():
            if slug not in services:
                continue
            loket = next((item.kode for item in lokets if slug in item.layanan), "1")
            for _ in range(n):
                row = {"tanggal": _weekday(rng, p).isoformat(), "layanan": slug, "loket": loket, "contoh": 1}
                for u, mean in enumerate(MEANS[kode], 1):
                    row[f"u{u}"] = _score(rng, mean + OFFSET.get(slug, 0.0))
                row["umur"] = None if rng.random() < 0.1 else rng.randint(17, 75)
                row["jenis_kelamin"] = None if rng.random() < 0.05 else rng.choice("LP")
                row["pendidikan"] = _pick(rng, PENDIDIKAN_WEIGHTS, 0.1)
                row["pekerjaan"] = _pick(rng, PEKERJAAN_WEIGHTS, 0.1)
                row["saran"] = rng.choice(SARAN) if rng.random() < 0.04 else None
                out.append(row)
    return sorted(out, key=lambda r: r["tanggal"])


def seed(db, content_dir: str | Path, *, services: dict[str, str], today: date, now: datetime,
         min_count: int = disclosure.DEFAULT_MIN_COUNT) -> dict | None:
    """Write the demo data and export its periods for the site, only when every SKM table is empty
    (so a second run writes nothing). Returns what was written, or None."""
    if not is_empty(db):
        return None
    lokets = skm.load_loket(content_dir, services)
    rows = responses(services, lokets)
    at = now.isoformat()
    with write_transaction(db):
        db["skm_responses"].insert_all(rows)
        db["skm_populasi"].insert_all(
            {"periode": kode, "layanan": slug, "jumlah": served, "entered_by": None, "entered_at": at, "contoh": 1}
            for kode in PERIODS for slug, (served, _) in SERVED[kode].items() if slug in services)
        db["skm_tindak_lanjut"].insert({**PLAN, "created_by": None, "created_at": at, "contoh": 1})
        audit.record(db, None, "data_contoh_skm",
                     f"data contoh SKM: {len(rows)} jawaban simulasi ({', '.join(PERIODS)})", now)
    for kode in PERIODS:
        skm_results.export(db, kode, content_dir, services=services, today=today, min_count=min_count)
    return {"responden": len(rows), "periode": list(PERIODS)}


def remove(db, content_dir: str | Path, *, actor_id: int | None, now: datetime) -> dict:
    """Delete every simulated row and every exported results file marked "contoh": true. Real
    responses, numbers and plans (contoh = 0) stay."""
    removed = {}
    with write_transaction(db):
        for table in TABLES:
            removed[table] = db.execute(f"DELETE FROM {table} WHERE contoh = 1").rowcount
        if any(removed.values()):
            audit.record(db, actor_id, "hapus_contoh_skm",
                         f"data contoh SKM dihapus: {removed['skm_responses']} jawaban", now)
    files = []
    folder = skm_results.export_dir(content_dir)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            marked = json.loads(path.read_text(encoding="utf-8")).get("contoh") is True
        except (ValueError, AttributeError):
            continue  # not ours to judge: the site build names a broken file
        if marked:
            path.unlink()
            files.append(path.name)
    if files:
        audit.record(db, actor_id, "hapus_contoh_skm", f"berkas hasil SKM contoh dihapus: {', '.join(files)}", now)
    return {**removed, "berkas": files}
