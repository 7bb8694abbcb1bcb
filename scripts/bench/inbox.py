"""A bounded benchmark of the staff complaint lists (portal.domain.inbox.search) on a large database.

It measures; it never judges. Nothing here asserts on timing: it seeds a throw-away SQLite
database made by portal.db.prepare with --rows complaints (1,000,000 by default), then runs each
query --repeat times and prints its median and p95 and the ratio of its median to a trivial
query on the same database in the same run (the baseline, `SELECT count(*) FROM complaints`).

From the repository root:

    .venv/bin/python scripts/bench/inbox.py [--db PATH] [--rows 1000000] [--repeat 20] [--keep]
        [--explain] [--suggested] [--json PATH]

Queries (each through inbox.search, as the staff list view calls it, on a connection opened
with portal.db.connect, as each request does):

0. baseline       SELECT count(*) FROM complaints
1. inbox          Filters(mine=True), roles {"operator"}: first page of what waits for an operator
2. all            Filters(mine=False): first page of every complaint, newest first
3. filtered       Filters(mine=False, category, kecamatan, state="selesai"): first page
4. all, page 500  Filters(mine=False, page=500): OFFSET 12,475
5. full text      Filters(mine=False, q="akta kelahiran hilang")

--explain prints each query's EXPLAIN QUERY PLAN. --suggested runs the queries a second time
with the indexes in SUGGESTED_INDEXES created in the benchmark database (and dropped again
afterwards): the migrations are never changed here.

The database is a file in the temporary directory unless --db says otherwise. Without --keep,
a database this run created is deleted at the end; with --keep it stays, and the next run with
the same --db (or the same --rows, for the default path) reuses the seed instead of inserting a
million rows again. A database that existed before the run is never deleted. Seeded rows are
named "Data Bench" (or anonymous) and carry no e-mail address. The script refuses a database
that has user accounts: never point it at a production database.

Only the standard library is used, plus the portal itself (schema, tracking codes, catalog,
regions) from the project's venv.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import multiprocessing
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Keep this script's own directory off sys.path (its sibling portal.py would shadow the
# application package), as scripts/bench/portal.py does.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(_HERE)]
sys.path.insert(0, str(REPO_ROOT))

from portal import db as database  # noqa: E402
from portal.domain import catalog as catalog_module, inbox, regions, tracking, workflow  # noqa: E402

BENCH_NAME = "Data Bench"
BATCH = 50_000
YEARS = 3
TZ = timezone(timedelta(hours=7))  # Asia/Jakarta has no daylight saving time: a fixed offset is exact

# Copied from portal/migrations/complaints.py (m002_handling). It is dropped while seeding and recreated
# with exactly this text afterwards; the script checks first that the database's copy matches.
SEARCH_TRIGGER_SQL = """CREATE TRIGGER complaints_search AFTER INSERT ON complaints
        BEGIN INSERT INTO search (rowid, text) VALUES (new.id, new.body); END"""

# Indexes the "with suggested index" pass creates in the benchmark database (never in the
# migrations), one per query that the plain schema leaves slow; see scripts/bench/README.md.
# Inbox (1): the planner walks complaints_received oldest first and looks every row up in the
# table to test its state; with the state in the index the walk stays in the index. (An index
# on (state, received_at) is not chosen: without SQLITE_ENABLE_STAT4 the planner only knows
# that a state holds a tenth of the rows on average, not that the waiting states are rare.)
SUGGESTED_INDEXES = {
    "bench_suggested_received_id_state":
        "CREATE INDEX bench_suggested_received_id_state ON complaints(received_at, id, state)",
    "bench_suggested_category_kecamatan_state_received":
        "CREATE INDEX bench_suggested_category_kecamatan_state_received "
        "ON complaints(category, kecamatan, state, received_at, id)",
}

# ---------------------------------------------------------------- vocabulary
#
# About 300 Indonesian words of the domain. Each complaint's body mixes a few words of its
# category's topic, one to three words naming the trouble, and common words drawn with
# Zipf-like weights, so that full-text terms have a realistic spread of frequencies: "akta" is
# in most birth/death certificate complaints and some others, "hilang" in a small share of all.

TOPIC = {
    "ktp-el": "ktp el elektronik rekam perekaman cetak blanko biometrik sidik jari foto tanda tangan "
              "nik identitas kartu penduduk",
    "kk": "kk kartu keluarga anggota kepala nik tambah pisah nama alamat status perubahan cetak",
    "akta-kelahiran": "akta kelahiran lahir bayi anak bidan rumah sakit surat keterangan nama orang tua ayah ibu",
    "akta-kematian": "akta kematian meninggal almarhum almarhumah jenazah ahli waris surat keterangan desa",
    "pindah-datang": "pindah datang skpwni surat domisili alamat asal tujuan kabupaten provinsi luar daerah",
    "kia": "kia kartu identitas anak sekolah foto orang tua cetak",
    "layanan-online": "online aplikasi daring website situs akun login kode otp unggah server gangguan "
                      "error formulir antrean nomor",
    "perilaku-petugas": "petugas sikap ramah kasar judes loket pelayanan pungutan biaya calo bentak "
                        "menunggu antrean",
    "lainnya": "informasi pertanyaan saran layanan kantor dinas jam buka telepon",
}
TROUBLE = ("hilang rusak salah ketik belum jadi lama tertunda ditolak dikembalikan terlambat "
           "gagal sobek luntur pudar berbeda keliru ganda kosong batal").split()
COMMON = ("saya sudah belum yang dan di ke dari untuk dengan tidak ada itu ini tetapi karena "
          "mohon tolong bantu bantuan segera sejak lalu bulan minggu hari kemarin sampai sekarang "
          "masih juga atau namun sehingga agar bisa dapat harus perlu sangat kurang lebih banyak "
          "baru lama kali dua tiga empat pagi siang sore datang kantor dinas kecamatan desa "
          "kelurahan rt rw pak bu bapak ibu kami keluarga suami istri anak mertua nenek kakek "
          "adik kakak warga masyarakat pelayanan petugas loket antrean nomor jam buka tutup libur "
          "jadwal tanggal syarat persyaratan berkas dokumen fotokopi asli salinan legalisir "
          "formulir pengantar surat keterangan permohonan pengajuan proses diproses selesai jadi "
          "ambil mengambil diambil kirim dikirim whatsapp telepon email sms pesan balasan jawaban "
          "informasi kejelasan kepastian janji dijanjikan katanya disuruh kembali lagi bolak "
          "balik jauh ongkos biaya gratis bayar kerja izin cuti sekolah daftar pendaftaran bpjs "
          "bank nikah kuliah beasiswa pensiun tanah sertifikat warisan mudik rantau luar kota "
          "trenggalek panggul munjungan pule dongko tugu karangan kampak watulimo bendungan "
          "gandusari durenan pogalan suruh hingga kapan bagaimana kenapa mengapa apakah siapa "
          "terima kasih harap mohon maaf kecewa bingung susah sulit mudah cepat lambat penting "
          "mendesak darurat sakit hamil lansia disabilitas").split()

# ---------------------------------------------------------------- seeding


def _weights_by_age():
    """State weights by age: (days before the end of the seeded span, cumulative weights)."""
    # The states come from the workflow table. The weights below name the states the data were
    # shaped on; a state they do not name (one added to the workflow later) gets a small share
    # while young and none when old, so a new state never stops the benchmark.
    def cum(weights, other):
        return _cumulative([(code, weights.get(code, other)) for code in workflow.STATES])
    recent = {"diterima": 30, "menunggu_informasi": 8, "layak": 10, "nota_dinas": 10, "disposisi": 12,
              "konsep": 8, "disetujui": 5, "selesai": 12, "tidak_layak": 4, "dicabut": 1}
    month = {"diterima": 2, "menunggu_informasi": 3, "layak": 2, "nota_dinas": 3, "disposisi": 6,
             "konsep": 4, "disetujui": 2, "selesai": 66, "tidak_layak": 9, "dicabut": 3}
    # Older than 60 days: closed, but for a few left waiting on an official (never on the operator).
    old = {"diterima": 0, "menunggu_informasi": 0, "layak": 0, "nota_dinas": 0.05, "disposisi": 0.1,
           "konsep": 0.05, "disetujui": 0, "selesai": 88.8, "tidak_layak": 8, "dicabut": 3}
    return [(14, cum(recent, 1)), (60, cum(month, 1)), (math.inf, cum(old, 0))]


def itertools_accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _cumulative(pairs):
    items = [p[0] for p in pairs]
    return items, list(itertools_accumulate(p[1] for p in pairs))


def seed_settings(end: float, rng_seed: int, fast_codes: bool = True) -> dict:
    """What every batch needs, in plain data (it crosses into the generator processes)."""
    catalog = catalog_module.load(REPO_ROOT / "content")
    rng = random.Random(rng_seed)
    kecamatan = [k.kode for k in regions.kecamatan_list()]
    desa = {k: [d.kode for d in regions.desa_list(k)] for k in kecamatan}
    # Kecamatan differ in population: fixed random weights between 1 and 3.
    kec_weights = [(k, 1 + 2 * rng.random()) for k in kecamatan]
    cat_share = {"ktp-el": 30, "kk": 15, "akta-kelahiran": 14, "akta-kematian": 5, "pindah-datang": 10,
                 "kia": 4, "layanan-online": 10, "perilaku-petugas": 7, "lainnya": 5}
    channel_share = {"web": 55, "whatsapp": 15, "datang-langsung": 10, "telepon": 7, "sp4n-lapor": 5,
                     "media-sosial": 4, "surat": 2, "email": 2}
    categories = [(c, cat_share.get(c, 3)) for c in catalog.categories]
    channels = [(c, channel_share.get(c, 1)) for c in catalog.channels]
    common = [(w, 1 / (rank + 1) ** 0.9) for rank, w in enumerate(COMMON)]
    return {
        "end": end, "start": end - YEARS * 365.25 * 86400, "rng_seed": rng_seed, "fast_codes": fast_codes,
        "kecamatan": _cumulative(kec_weights), "desa": desa,
        "categories": _cumulative(categories), "channels": _cumulative(channels),
        "channel_notes": dict(catalog.channels),
        "common": _cumulative(common), "topic": {c: TOPIC.get(c, TOPIC["lainnya"]).split() for c in catalog.categories},
        "states": _weights_by_age(),
    }


def vocabulary_size() -> int:
    return len(set(COMMON) | set(TROUBLE) | {w for t in TOPIC.values() for w in t.split()})


def _pick(rng, table):
    items, cum = table
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def new_codes(count: int) -> list[str]:
    """`count` tracking codes as tracking.new_code() draws them, normalised, from one secrets call.

    The same 11 random characters of tracking.ALPHABET (55 bits from `secrets`: a byte's low five
    bits are uniform over the 32 characters) and the same check character (tracking.check_character).
    new_code() makes one getrandom system call per character; here that alone costs about 135 µs a
    code, over two minutes for a million, so --slow-codes is left for whoever wants it literally.
    """
    alphabet, n = tracking.ALPHABET, tracking.RANDOM_LENGTH
    raw = secrets.token_bytes(count * n)
    out = []
    for k in range(count):
        body = "".join(alphabet[b & 31] for b in raw[k * n:(k + 1) * n])
        out.append(body + tracking.check_character(body))
    return out


def generate_batch(job) -> tuple[list, list]:
    """Complaint and event rows for ids first_id .. first_id+count-1, received in time slice `part`."""
    s, batch_no, first_id, count, slice_start, slice_end = job
    rng = random.Random(s["rng_seed"] * 1_000_003 + batch_no)
    times = sorted(rng.uniform(slice_start, slice_end) for _ in range(count))
    common_items, common_cum = s["common"]
    codes = new_codes(count) if s["fast_codes"] else [tracking.normalise(tracking.new_code()) for _ in times]
    complaints, events = [], []
    for i, entered in enumerate(times):
        cid = first_id + i
        category = _pick(rng, s["categories"])
        channel = _pick(rng, s["channels"])
        kec = _pick(rng, s["kecamatan"])
        # Complaints taken by phone, letter, ... are entered after they arrive: received_at is earlier.
        received = entered if channel == "web" else entered - rng.uniform(0, 3 * 86400)
        age_days = (s["end"] - received) / 86400
        for limit, table in s["states"]:
            if age_days < limit:
                state = _pick(rng, table)
                break
        visibility = rng.choices(("rahasia", "publik", "anonim"), (70, 20, 10))[0]
        anonymous = visibility == "anonim"
        topic = s["topic"][category]
        words = rng.choices(common_items, cum_weights=common_cum, k=rng.randint(8, 16))
        words += rng.choices(topic, k=rng.randint(2, 5))
        words += rng.choices(TROUBLE, k=rng.randint(1, 3))
        words += rng.choices(common_items, cum_weights=common_cum, k=rng.randint(6, 14))
        body = " ".join(words).capitalize() + "."
        received_iso = datetime.fromtimestamp(received, TZ).replace(microsecond=0).isoformat()
        entered_iso = datetime.fromtimestamp(entered, TZ).replace(microsecond=0).isoformat()
        complaints.append((
            cid, codes[i], channel,
            f"LAPOR-{cid:09d}" if channel == "sp4n-lapor" else None,
            received_iso, state, category, kec, rng.choice(s["desa"][kec]), visibility,
            None if anonymous else BENCH_NAME, None,
            None if anonymous or rng.random() < 0.3 else f"08{rng.randrange(10**9, 10**10)}",
            None if anonymous or rng.random() < 0.5 else f"{kec.replace('.', '')}{rng.randrange(10**9, 10**10)}",
            body, entered_iso if channel == "web" and not anonymous else None, None,
            secrets.token_urlsafe(9),
        ))
        events.append((cid, entered_iso, "diterima", None, workflow.INITIAL, None,
                       workflow.CITIZEN if channel == "web" else "operator", s["channel_notes"][channel], None))
    return complaints, events


COMPLAINT_INSERT = (
    "INSERT INTO complaints (id, tracking_code, channel, lapor_id, received_at, state, category, kecamatan, "
    "desa, visibility, name, email, phone, nik, body, consent_at, entered_by, ref) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
EVENT_INSERT = (
    "INSERT INTO events (complaint_id, at, kind, from_state, to_state, actor_id, actor_role, note, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


class Stop(Exception):
    "Something the benchmark cannot measure around; the message says what."


def _normalised(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _trigger_sql(db) -> str | None:
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'complaints_search'").fetchone()
    return row[0] if row else None


def seed(path: Path, rows: int, *, fts: str, workers: int, rng_seed: int, fast_codes: bool = True,
         progress=print) -> dict:
    """Make sure the database has at least `rows` complaints; return what was done and how long it took."""
    started = time.perf_counter()
    db = database.prepare(str(path))
    if db.execute("SELECT count(*) FROM users").fetchone()[0]:
        db.close()
        raise Stop(f"{path} has user accounts: it looks like a real portal database. "
                   "The benchmark only seeds its own throw-away database; pass another --db.")
    if _trigger_sql(db) is None:
        # A run interrupted while the trigger was dropped: restore it and index what is missing.
        progress("  the FTS trigger is missing (an interrupted seeding?): restoring it")
        _restore_search(db, 0)
    elif _normalised(_trigger_sql(db)) != _normalised(SEARCH_TRIGGER_SQL):
        raise Stop("the complaints_search trigger differs from the copy in this script; "
                   "update SEARCH_TRIGGER_SQL from portal/migrations/complaints.py")
    existing = db.execute("SELECT count(*) FROM complaints").fetchone()[0]
    missing = max(0, rows - existing)
    result = {"existing": existing, "inserted": missing, "fts": fts, "workers": workers,
              "insert_seconds": 0.0, "fts_seconds": 0.0, "analyze_seconds": 0.0}
    if missing:
        # Only this connection's pages: a bigger cache keeps the random UNIQUE-index inserts in memory.
        db.execute("PRAGMA cache_size = -262144")
        before = db.execute("SELECT coalesce(max(id), 0) FROM complaints").fetchone()[0]
        settings = seed_settings(time.time(), rng_seed, fast_codes)
        span = settings["end"] - settings["start"]
        jobs = []
        for n, first in enumerate(range(0, missing, BATCH)):
            count = min(BATCH, missing - first)
            jobs.append((settings, n, before + 1 + first, count,
                         settings["start"] + span * first / missing,
                         settings["start"] + span * (first + count) / missing))
        t0 = time.perf_counter()
        if fts == "rebuild":
            db.execute("DROP TRIGGER complaints_search")
        try:
            if workers > 0:
                ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                  else "spawn")
                with ctx.Pool(workers) as pool:
                    _insert_batches(db, pool.imap(generate_batch, jobs), jobs, missing, progress, t0)
            else:
                _insert_batches(db, map(generate_batch, jobs), jobs, missing, progress, t0)
        finally:
            result["insert_seconds"] = time.perf_counter() - t0
            if fts == "rebuild":
                t1 = time.perf_counter()
                _restore_search(db, before)
                result["fts_seconds"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        db.execute("ANALYZE")
        db.conn.commit()
        result["analyze_seconds"] = time.perf_counter() - t2
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        db.execute("ANALYZE")
        db.conn.commit()
    result["total"] = db.execute("SELECT count(*) FROM complaints").fetchone()[0]
    result["seconds"] = time.perf_counter() - started
    db.close()
    return result


def _insert_batches(db, batches, jobs, total, progress, t0) -> None:
    done = 0
    for job, (complaints, events) in zip(jobs, batches):
        for attempt in range(5):
            try:
                with database.write_transaction(db):
                    db.conn.executemany(COMPLAINT_INSERT, complaints)
                    db.conn.executemany(EVENT_INSERT, events)
                break
            except Exception as exc:  # a tracking code or ref drawn twice (2^55 codes): draw again
                if "tracking_code" not in str(exc) and "ref" not in str(exc) or attempt == 4:
                    raise
                complaints = [c[:1] + (tracking.normalise(tracking.new_code()),) + c[2:-1] +
                              (secrets.token_urlsafe(9),) for c in complaints]
        done += len(complaints)
        elapsed = time.perf_counter() - t0
        progress(f"  {done:>10,} / {total:,} complaints  {elapsed:6.1f} s  ({done / elapsed:,.0f} rows/s)")


def _restore_search(db, after_id: int) -> None:
    """Index complaints with id > after_id in the FTS table, then recreate the trigger as migrations define it."""
    with database.write_transaction(db):
        # The rebuild the migration itself does (INSERT INTO search (rowid, text) SELECT id, body FROM
        # complaints), limited to the rows this run inserted so that earlier rows are not indexed twice.
        db.execute("INSERT INTO search (rowid, text) SELECT id, body FROM complaints WHERE id > ? "
                   "AND id NOT IN (SELECT rowid FROM search WHERE rowid > ?)", [after_id, after_id])
        if _trigger_sql(db) is None:
            db.execute(SEARCH_TRIGGER_SQL)


# ---------------------------------------------------------------- measuring

class Recorder:
    """Stands in for the database in inbox.search to learn the SQL it runs (for --explain)."""

    def __init__(self, db):
        self.db, self.calls = db, []

    def execute(self, sql, params=()):
        self.calls.append((sql, list(params)))
        return self.db.execute(sql, params)


def queries(category: str, kecamatan: str, q: str) -> list[tuple[str, str, object]]:
    """(name, description, call) where call(db) runs the query and returns the rows it fetched."""
    operator = {"roles": frozenset({"operator"}), "user_id": 1}

    def page(filters, who=None):
        who = who or {"roles": frozenset({"operator", "kabid", "kadis", "pejabat"}), "user_id": 1}
        return lambda db: len(inbox.search(db, filters, **who).rows)

    return [
        ("baseline", "SELECT count(*) FROM complaints",
         lambda db: db.execute("SELECT count(*) FROM complaints").fetchone()[0] and 1),
        ("1 inbox", "Filters(mine=True), roles {operator}", page(inbox.Filters(mine=True), operator)),
        ("2 all", "Filters(mine=False)", page(inbox.Filters(mine=False))),
        ("3 filtered", f"Filters(mine=False, category={category!r}, kecamatan={kecamatan!r}, state='selesai')",
         page(inbox.Filters(mine=False, category=category, kecamatan=kecamatan, state="selesai"))),
        ("4 all p.500", "Filters(mine=False, page=500)", page(inbox.Filters(mine=False, page=500))),
        ("5 full text", f"Filters(mine=False, q={q!r})", page(inbox.Filters(mine=False, q=q))),
    ]


def explain(db, call) -> list[tuple[str, list, list[str]]]:
    recorder = Recorder(db)
    call(recorder)
    out = []
    for sql, params in recorder.calls:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
        out.append((sql, params, plan))
    return out


def measure(db, specs, repeat: int) -> list[dict]:
    results = []
    for name, description, call in specs:
        t = time.perf_counter()
        rows = call(db)  # the first call, untimed in the statistics (it warms the page cache)
        first = time.perf_counter() - t
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            call(db)
            times.append(time.perf_counter() - t)
        ordered = sorted(times)
        results.append({"query": name, "what": description, "rows": rows, "first_ms": first * 1000,
                        "median_ms": statistics.median(ordered) * 1000, "p95_ms": _percentile(ordered, 95) * 1000,
                        "max_ms": ordered[-1] * 1000})
    base = results[0]["median_ms"]
    for r in results:
        r["vs_baseline"] = r["median_ms"] / base if base else math.nan
    return results


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile, as in scripts/bench/portal.py."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ---------------------------------------------------------------- report

def table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def report(results: list[dict], compare: list[dict] | None = None) -> str:
    headers = ["query", "rows", "median ms", "p95 ms", "x base", "first ms"]
    if compare:
        headers.append("vs schema")
    rows = []
    for i, r in enumerate(results):
        row = [r["query"], str(r["rows"]), f"{r['median_ms']:,.2f}", f"{r['p95_ms']:,.2f}",
               f"{r['vs_baseline']:,.1f}x", f"{r['first_ms']:,.2f}"]
        if compare:
            before = compare[i]["median_ms"]
            row.append(f"{r['median_ms'] / before:.3f}x" if before else "-")
        rows.append(row)
    return table(headers, rows)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _print_plans(db, specs) -> dict:
    plans = {}
    for name, _, call in specs:
        found = explain(db, call)
        plans[name] = [{"sql": sql, "params": params, "plan": plan} for sql, params, plan in found]
        for sql, params, plan in found:
            print(f"\n[{name}] {sql}\n  params {params}")
            for step in plan:
                print(f"  - {step}")
    return plans


# ---------------------------------------------------------------- main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See scripts/bench/README.md.")
    parser.add_argument("--db", type=Path, help="the benchmark database (default: "
                        "<tmp>/portal-bench-inbox/portal-<rows>.db)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="complaints to seed (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the database for the next run")
    parser.add_argument("--explain", action="store_true", help="print each query's EXPLAIN QUERY PLAN")
    parser.add_argument("--suggested", action="store_true",
                        help="also measure with SUGGESTED_INDEXES created (then dropped again)")
    parser.add_argument("--fts", choices=("rebuild", "trigger"), default="rebuild",
                        help="index the text by one rebuild after the inserts (default) or by the "
                             "trigger on each insert")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="processes generating rows while the main one inserts (0: generate "
                             "in the main process; default: CPUs - 1)")
    parser.add_argument("--slow-codes", action="store_true",
                        help="draw each tracking code with tracking.new_code() itself (one system call "
                             "per character: minutes for a million)")
    parser.add_argument("--category", default="akta-kelahiran", help="category of query 3")
    parser.add_argument("--kecamatan", default="35.03.11", help="kecamatan of query 3 (default Trenggalek)")
    parser.add_argument("--q", default="akta kelahiran hilang", help="text of query 5")
    parser.add_argument("--random-seed", type=int, default=1, help="seed of the data's distributions")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only shows the script works: 200 rows, 2 runs per query")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.repeat, args.workers = 200, 2, 0
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")
    path = args.db or Path(tempfile.gettempdir()) / "portal-bench-inbox" / f"portal-{args.rows}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()

    try:
        print(f"Database {path} ({'new' if created else 'reused'}); {args.rows:,} complaints wanted, "
              f"batches of {BATCH:,}, {vocabulary_size()} distinct words in the vocabulary, "
              f"{os.cpu_count()} CPUs, SQLite {__import__('sqlite3').sqlite_version}.")
        seeded = seed(path, args.rows, fts=args.fts, workers=args.workers, rng_seed=args.random_seed,
                      fast_codes=not args.slow_codes)
        size = _size(path)
        if seeded["inserted"]:
            print(f"Seeding: inserted {seeded['inserted']:,} complaints (+1 event each) in "
                  f"{seeded['insert_seconds']:.1f} s ({args.workers} generator process(es)), FTS "
                  f"{'rebuild ' + format(seeded['fts_seconds'], '.1f') + ' s' if args.fts == 'rebuild' else 'by trigger'}"
                  f", ANALYZE {seeded['analyze_seconds']:.1f} s; total {seeded['seconds']:.1f} s. "
                  f"{seeded['total']:,} complaints, database {size / 2**20:,.0f} MiB.")
        else:
            print(f"Seeding: none needed, {seeded['existing']:,} complaints already there; "
                  f"database {size / 2**20:,.0f} MiB.")

        db = database.connect(str(path))  # as portal.web.get_db opens it for each request
        stale = [n for n in SUGGESTED_INDEXES if db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [n]).fetchone()]
        for name in stale:  # left by an interrupted --suggested pass: the schema pass must not see them
            db.execute(f"DROP INDEX {name}")
        db.conn.commit()
        specs = queries(args.category, args.kecamatan, args.q)
        passes = []
        plans = _print_plans(db, specs) if args.explain else None
        print(f"\nSchema as migrated: {args.repeat} timed runs per query after one untimed first run")
        results = measure(db, specs, args.repeat)
        print(report(results))
        passes.append({"pass": "schema", "indexes": [], "results": results, "plans": plans})

        if args.suggested:
            print("\nWith suggested index (benchmark database only, dropped afterwards):")
            t = time.perf_counter()
            try:
                for name, sql in SUGGESTED_INDEXES.items():
                    print(f"  {sql}")
                    db.execute(sql)
                    db.execute(f"ANALYZE {name}")
                db.conn.commit()
                built = time.perf_counter() - t
                print(f"  built and analysed in {built:.1f} s; database {_size(path) / 2**20:,.0f} MiB")
                plans = _print_plans(db, specs) if args.explain else None
                print()
                suggested = measure(db, specs, args.repeat)
                print(report(suggested, compare=results))
                print("  (vs schema: this pass's median over the schema pass's median, same query)")
                passes.append({"pass": "with suggested index", "indexes": list(SUGGESTED_INDEXES.values()),
                               "build_seconds": built, "size_bytes": _size(path),
                               "results": suggested, "plans": plans})
            finally:
                for name in SUGGESTED_INDEXES:
                    db.execute(f"DROP INDEX IF EXISTS {name}")
                db.conn.commit()
        db.close()
    except Stop as exc:
        print(f"Benchmark stopped: {exc}", file=sys.stderr)
        return 2
    finally:
        if created and not args.keep:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
                p.unlink(missing_ok=True)
            print(f"\nDeleted {path} (use --keep to reuse the seed next time).")

    if args.json:
        payload = {
            "db": str(path), "rows": args.rows, "repeat": args.repeat, "cpus": os.cpu_count(),
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "filters": {"category": args.category, "kecamatan": args.kecamatan, "q": args.q},
            "seeding": seeded | {"size_bytes": size}, "passes": passes,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"Numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
