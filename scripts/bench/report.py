"""Benchmark of the annual complaint report export (portal.domain.reports.export).

It measures; it never judges. It seeds a throw-away SQLite database (made by portal.db.prepare)
with --rows complaints received in one year (100,000 by default) and their events, inserted in
bulk with executemany, then times, in the same run:

0. baseline  SELECT count(*) FROM events   (a full pass over the event log in SQLite)
1. export    reports.export(db, year, ...): every figure of the report, recomputed from the event
             log with the SOP's clocks (portal.domain.deadlines) and the working-day calendar,
             and written as JSON

and prints both (median of --repeat runs) and the ratio export / baseline.

From the repository root:

    .venv/bin/python scripts/bench/report.py [--rows 100000] [--year 2025] [--repeat 3] [--db PATH] [--json PATH]

Seeded complaints carry no name, contact or NIK. The database is deleted at the end unless
--db names one (then it is kept, and reused when it already holds the rows). The script refuses
a database that has user accounts: never point it at a production database.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Keep this script's directory off sys.path: its sibling portal.py would shadow the application package.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(_HERE)]
sys.path.insert(0, str(REPO_ROOT))

from portal import db as database  # noqa: E402
from portal.domain import catalog as catalog_module, regions, reports, tracking, workflow  # noqa: E402
from portal.domain.calendar import Calendar  # noqa: E402

BATCH = 20_000
REASONS = list(workflow.NOT_FIT_REASONS)
FULL = ["telaah_layak", "nota_dinas", "disposisi", "ajukan_konsep", "setujui", "kirim"]


def _events(rng: random.Random, cid: int, received: datetime):
    """(kind, from, to, at, data) for one complaint: mostly answered, some not fit, withdrawn or open."""
    out = [("diterima", None, "diterima", received, None)]
    at, state = received, "diterima"
    roll = rng.random()
    if roll < 0.10:
        at += timedelta(days=rng.randint(0, 3), hours=1)
        return out + [("telaah_tidak_layak", state, "tidak_layak", at, json.dumps({"alasan": rng.choice(REASONS)}))]
    if roll < 0.14:
        ask = at + timedelta(days=1, hours=1)
        return out + [("minta_informasi", state, "menunggu_informasi", ask, None),
                      ("dicabut", "menunggu_informasi", "dicabut", ask + timedelta(days=31), None)]
    steps = FULL if roll > 0.2 else FULL[:rng.randint(1, 5)]
    for kind in steps:
        at += timedelta(days=rng.choice([0, 1, 1, 2, 3, 5]), minutes=7)
        to = workflow.STEPS[kind].to_state
        out.append((kind, state, to, at, None))
        state = to
    return out


def seed(db, rows: int, year: int) -> None:
    if db["users"].count:
        sys.exit("This database has user accounts; the benchmark only runs on a throw-away database.")
    have = db["complaints"].count
    if have >= rows:
        print(f"seed: {have:,} complaints already present")
        return
    catalog = catalog_module.load(REPO_ROOT / "content")
    rng = random.Random(year)
    channels, categories = list(catalog.channels), list(catalog.categories)
    kecamatan = [(k.kode, regions.desa_list(k.kode)[0].kode) for k in regions.kecamatan_list()]
    start = time.perf_counter()
    db.execute("DROP TRIGGER IF EXISTS complaints_search")  # the seed's bodies need no full-text index
    next_id = (db.execute("SELECT max(id) FROM complaints").fetchone()[0] or 0) + 1
    conn = db.conn
    for first in range(have, rows, BATCH):
        complaints, events, ratings = [], [], []
        for _ in range(first, min(rows, first + BATCH)):
            cid = next_id
            next_id += 1
            received = datetime(year, 1, 1, 8) + timedelta(days=rng.randrange(0, 365), minutes=rng.randrange(600))
            evs = _events(rng, cid, received)
            kec, desa = rng.choice(kecamatan)
            complaints.append((cid, tracking.normalise(tracking.new_code()), rng.choice(channels),
                               received.isoformat(), evs[-1][2], rng.choice(categories), kec, desa, "anonim",
                               "Pengaduan uji beban.", secrets.token_urlsafe(9)))
            for kind, frm, to, at, data in evs:
                events.append((cid, at.isoformat(), kind, frm, to, data))
            if evs[-1][0] == "kirim" and rng.random() < 0.3:
                ratings.append((cid, (evs[-1][3] + timedelta(days=2)).isoformat(), rng.randint(2, 4),
                                rng.randint(1, 4), rng.randint(2, 4), 1))
        with conn:
            conn.executemany("INSERT INTO complaints (id, tracking_code, channel, received_at, state, category, "
                             "kecamatan, desa, visibility, body, ref) VALUES (?,?,?,?,?,?,?,?,?,?,?)", complaints)
            conn.executemany("INSERT INTO events (complaint_id, at, kind, from_state, to_state, data) "
                             "VALUES (?,?,?,?,?,?)", events)
            conn.executemany("INSERT INTO ratings (complaint_id, at, penanganan, waktu, perilaku, selesai) "
                             "VALUES (?,?,?,?,?,?)", ratings)
    db.execute("""CREATE TRIGGER complaints_search AFTER INSERT ON complaints
        BEGIN INSERT INTO search (rowid, text) VALUES (new.id, new.body); END""")
    print(f"seed: {rows - have:,} complaints, {db['events'].count:,} events in {time.perf_counter() - start:.1f} s")


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only shows the script works (200 rows)")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 200, 1
    tmp = tempfile.TemporaryDirectory()
    path = args.db or str(Path(tmp.name) / "bench-report.db")
    db = database.prepare(path)
    seed(db, args.rows, args.year)
    catalog = catalog_module.load(REPO_ROOT / "content")
    calendar = Calendar.default()
    out_dir = Path(tmp.name) / "out"
    today = date(args.year + 1, 3, 1)
    db = database.connect(path)  # a fresh connection, as the CLI uses
    base, count = timed(lambda: db.execute("SELECT count(*) FROM events").fetchone()[0], args.repeat)
    export, doc = timed(lambda: reports.export(db, args.year, out_dir, catalog=catalog, calendar=calendar,
                                               today=today), args.repeat)
    result = {"complaints": doc["angka"]["diterima"], "events": count, "baseline_s": base, "export_s": export,
              "ratio": export / base if base else None, "repeat": args.repeat,
              "json_bytes": reports.path_for(out_dir, args.year).stat().st_size}
    print(f"baseline  SELECT count(*) FROM events ({count:,} rows): {base * 1000:.1f} ms")
    print(f"export    laporan {args.year} ({doc['angka']['diterima']:,} complaints): {export * 1000:.0f} ms")
    print(f"ratio     export / baseline: {result['ratio']:.0f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    db.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
