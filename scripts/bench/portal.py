"""A bounded load benchmark of the complaint portal against a server started by `scripts/run`.

It measures; it never judges. Nothing here asserts on timing: it prints, for each scenario,
requests per second, p50/p95 latency, errors and the ratio to a trivial route of the same
app on the same server (the baseline), plus the weight of the form page.

Start the server with the rate limits lifted, or the submission and tracking scenarios are
refused with 429 after a few requests (the script notices and stops, saying so):

    PORTAL_RATELIMIT_SUBMIT="100000 per hour" PORTAL_RATELIMIT_TRACK="100000 per hour" scripts/run

then, from the repository root:

    .venv/bin/python scripts/bench/portal.py [--url http://127.0.0.1:8000] [--requests 300]
        [--concurrency 4] [--data-dir instance] [--seed 10000] [--max-seconds 120] [--json PATH]

`--data-dir` must be the server's data directory (PORTAL_DATA_DIR; `instance/` by default, as
for scripts/run; a relative path is taken from the repository root, as the portal does): before measuring, the script makes sure at least `--seed` complaints exist in
`<data-dir>/portal.db`, inserting the missing ones directly in one transaction. Seeded rows and
the complaints the submission scenario files are named "Data Bench"; submissions use an
address at the reserved .invalid domain, so their acknowledgments can never be delivered.
Do not run it against a production database.

Scenarios (each with --concurrency threads, one keep-alive http.client connection per thread,
stopping after --requests requests or --max-seconds, whichever comes first):

1. baseline     GET /pengaduan/static/portal.css (a static file served by Flask)
2. form page    GET /pengaduan/
3. submission   GET /pengaduan/ for the session cookie and CSRF token (not timed), then
                POST /pengaduan/ multipart with a small JPEG (timed); expects 303.
                Its req/s is completed submissions (GET + POST) per second of wall time.
4. tracking     POST /pengaduan/lacak with a random seeded tracking code (303), then GET the
                result page it redirects to (post/redirect/get), timed together; expects 200.

Only the standard library is used, plus the portal itself (for seeding) and Pillow (from the
project's venv) to draw the JPEG.
"""

from __future__ import annotations

import argparse
import gzip
import html.parser
import http.client
import http.cookies
import io
import json
import math
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
import zlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
# This file is called portal.py: keep its own directory off sys.path so that `import portal`
# finds the application package, not this script.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(_HERE)]
sys.path.insert(0, str(REPO_ROOT))

from PIL import Image  # noqa: E402  (in the project's venv: the portal needs it)

from portal import db as database  # noqa: E402
from portal.domain import catalog as catalog_module, tracking, workflow  # noqa: E402

BENCH_NAME = "Data Bench"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# tests/conftest.py VALID, marked as bench data and with an undeliverable address.
FORM = {
    "visibility": "rahasia", "name": BENCH_NAME, "email": "bench@example.com", "phone": "081234567890",
    "nik": "3503114508900001", "category": "ktp-el", "kecamatan": "35.03.11", "desa": "35.03.11.2001",
    "body": "KTP-el saya belum jadi sejak tiga bulan lalu padahal sudah rekam.", "consent": "y",
}


class RateLimited(Exception):
    "The server answered 429: it was not started with the rate limits lifted."


class Stop(Exception):
    "Something the benchmark cannot measure around; the message says what."


# ---------------------------------------------------------------- seeding

def seed(data_dir: Path, wanted: int) -> dict:
    """Make sure at least `wanted` complaints exist; return what was done and the seeded codes."""
    path = data_dir / "portal.db"
    if not path.exists():
        raise Stop(f"no database at {path}. Start the server first (scripts/run) with "
                   f"PORTAL_DATA_DIR={data_dir}, or pass the server's data directory as --data-dir.")
    db = database.connect(str(path))
    started = time.perf_counter()
    existing = db.execute("SELECT count(*) FROM complaints").fetchone()[0]
    missing = max(0, wanted - existing)
    if missing:
        _insert_bench_rows(db, missing)
    seconds = time.perf_counter() - started
    codes = [tracking.display(r[0]) for r in db.execute(
        "SELECT tracking_code FROM complaints WHERE name = ?", [BENCH_NAME])]
    total = db.execute("SELECT count(*) FROM complaints").fetchone()[0]
    db.close()
    return {"existing": existing, "inserted": missing, "total": total, "seconds": seconds, "codes": codes}


def _insert_bench_rows(db, count: int) -> None:
    """Insert `count` complaints, each with its 'diterima' event, in one write transaction.

    The same columns portal.domain.complaints.file_complaint writes (see portal/migrations/complaints.py),
    with real tracking codes; no e-mail address, so nothing is queued in the outbox.
    """
    now = datetime.now(ZoneInfo(os.environ.get("PORTAL_TIMEZONE", "Asia/Jakarta"))).replace(microsecond=0).isoformat()
    channel_note = catalog_module.load(REPO_ROOT / "content").channels["web"]  # as file_complaint notes it
    for _attempt in range(5):
        codes = set()
        while len(codes) < count:
            codes.add(tracking.normalise(tracking.new_code()))
        rows = [(code, "web", None, now, workflow.INITIAL, FORM["category"], FORM["kecamatan"], FORM["desa"],
                 "rahasia", BENCH_NAME, None, FORM["phone"], None,
                 f"Data uji beban (benchmark) nomor {i + 1}: KTP-el belum jadi.", now, None)
                for i, code in enumerate(codes)]
        try:
            with database.write_transaction(db):
                before = db.execute("SELECT coalesce(max(id), 0) FROM complaints").fetchone()[0]
                db.conn.executemany(
                    "INSERT INTO complaints (tracking_code, channel, lapor_id, received_at, state, category, "
                    "kecamatan, desa, visibility, name, email, phone, nik, body, consent_at, entered_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                db.execute(
                    "INSERT INTO events (complaint_id, at, kind, from_state, to_state, actor_id, actor_role, "
                    "note, body) SELECT id, ?, 'diterima', NULL, ?, NULL, ?, ?, NULL "
                    "FROM complaints WHERE id > ?", [now, workflow.INITIAL, workflow.CITIZEN, channel_note, before])
            return
        except Exception as exc:  # a tracking-code collision with an existing row: draw again
            if "tracking_code" not in str(exc):
                raise
    raise Stop("could not draw unused tracking codes")


# ---------------------------------------------------------------- HTTP

class Client:
    """One keep-alive connection with its own cookie jar (one per thread)."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, self.prefix + path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def csrf_token(self, path: str) -> str:
        status, _, data = self.request("GET", path)
        match = CSRF.search(data.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise Stop(f"GET {path} gave {status} without a CSRF token")
        return match.group(1)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def small_jpeg() -> bytes:
    """A 64x48 photo as in tests/conftest.py photo_bytes (without the EXIF)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----portalbench" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8") + b"\r\n")
    for name, filename, mime, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: {mime}\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- scenarios
#
# A scenario is a class with `prepare(client)` (per thread, untimed, e.g. a CSRF token) and
# `step(client) -> (status, seconds)`: one unit of work and the latency that counts.

class Get:
    def __init__(self, path: str):
        self.path = path

    def prepare(self, client):
        client.request("GET", self.path)  # opens the connection

    def step(self, client):
        started = time.perf_counter()
        status, _, _ = client.request("GET", self.path)
        return status, time.perf_counter() - started


class Submit:
    expected = 303

    def __init__(self, photo: bytes):
        self.photo = photo

    def prepare(self, client):
        client.request("GET", "/pengaduan/")

    def step(self, client):
        token = client.csrf_token("/pengaduan/")
        body, content_type = multipart({**FORM, "csrf_token": token},
                                       [("files", "foto.jpg", "image/jpeg", self.photo)])
        started = time.perf_counter()
        status, _, _ = client.request("POST", "/pengaduan/", body, {"Content-Type": content_type})
        return status, time.perf_counter() - started


class Track:
    def __init__(self, codes: list[str]):
        self.codes = codes
        self.tokens = {}

    def prepare(self, client):
        # The token is bound to the session, which this thread's cookie keeps: fetch it once.
        self.tokens[id(client)] = client.csrf_token("/pengaduan/lacak")

    def step(self, client):
        body = urllib.parse.urlencode({"csrf_token": self.tokens[id(client)],
                                       "code": random.choice(self.codes)}).encode()
        started = time.perf_counter()
        status, _, _ = client.request("POST", "/pengaduan/lacak", body,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        if status == 303:  # post/redirect/get: the result page reads the code from the session
            status, _, _ = client.request("GET", "/pengaduan/lacak/hasil")
        return status, time.perf_counter() - started


def run_scenario(name: str, scenario, *, base: str, requests: int, concurrency: int,
                 max_seconds: float, expected: int = 200) -> dict:
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors: list[str] = []
    limited = threading.Event()
    ready = threading.Barrier(concurrency + 1)
    deadline = [math.inf]  # set once every thread is ready

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= requests or limited.is_set() or time.perf_counter() >= deadline[0]:
                return False
            issued += 1
            return True

    def worker():
        client = Client(base)
        try:
            try:
                scenario.prepare(client)
            except Exception as exc:
                with lock:
                    errors.append(f"prepare: {exc}")
            ready.wait()
            while take():
                try:
                    status, seconds = scenario.step(client)
                except Exception as exc:
                    client.close()
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                if status == 429:
                    limited.set()
                with lock:
                    if status == expected:
                        latencies.append(seconds)
                    else:
                        errors.append(f"HTTP {status}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, name=f"{name}-{i}", daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    deadline[0] = started + max_seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if limited.is_set():
        raise RateLimited(name)
    ordered = sorted(latencies)
    return {
        "scenario": name, "requests": len(latencies) + len(errors), "ok": len(latencies),
        "errors": len(errors), "error_kinds": dict(_count(errors)), "seconds": wall,
        "timed_out": wall >= max_seconds and issued < requests,
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": _percentile(ordered, 50) * 1000, "p95_ms": _percentile(ordered, 95) * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else math.nan,
    }


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _count(items):
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- page weight

class _Assets(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.urls.append(("css", a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"]))


def page_weight(base: str, path: str = "/pengaduan/") -> dict:
    """Bytes of the page and its CSS and JS, as transferred with gzip and uncompressed."""
    client = Client(base)
    rows = []
    try:
        def fetch(kind, url_path):
            status, headers, data = client.request("GET", url_path, headers={"Accept-Encoding": "gzip"})
            encoding = headers.get("content-encoding", "identity")
            raw = gzip.decompress(data) if encoding == "gzip" else (
                zlib.decompress(data) if encoding == "deflate" else data)
            rows.append({"kind": kind, "path": url_path, "status": status, "encoding": encoding,
                         "transferred": len(data), "uncompressed": len(raw)})
            return raw

        page = fetch("html", path)
        parser = _Assets()
        parser.feed(page.decode("utf-8", "replace"))
        base_path = urllib.parse.urlsplit(base).path.rstrip("/")
        for kind, ref in parser.urls:
            absolute = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, ref))
            if absolute.netloc and absolute.netloc != urllib.parse.urlsplit(base).netloc:
                rows.append({"kind": kind, "path": ref, "status": None, "encoding": "external",
                             "transferred": 0, "uncompressed": 0})
                continue
            url_path = absolute.path[len(base_path):] + (f"?{absolute.query}" if absolute.query else "")
            fetch(kind, url_path)
    finally:
        client.close()
    return {"files": rows, "transferred": sum(r["transferred"] for r in rows),
            "uncompressed": sum(r["uncompressed"] for r in rows)}


# ---------------------------------------------------------------- report

def table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def _ratio(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}x"


def report(results: list[dict]) -> str:
    base = results[0]
    rows = []
    for r in results:
        r["p50_vs_baseline"] = r["p50_ms"] / base["p50_ms"] if base["p50_ms"] else math.nan
        r["rps_vs_baseline"] = r["rps"] / base["rps"] if base["rps"] else math.nan
        rows.append([r["scenario"], str(r["requests"]), str(r["errors"]), _fmt(r["rps"]),
                     _fmt(r["p50_ms"], 2), _fmt(r["p95_ms"], 2),
                     _ratio(r["p50_vs_baseline"]), _ratio(r["rps_vs_baseline"])])
    out = table(["scenario", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p50/base", "req/s/base"], rows)
    notes = [f"  {r['scenario']}: stopped by --max-seconds after {r['seconds']:.0f} s"
             for r in results if r["timed_out"]]
    notes += [f"  {r['scenario']} errors: {r['error_kinds']}" for r in results if r["errors"]]
    return out + ("\n" + "\n".join(notes) if notes else "")


def weight_report(weight: dict) -> str:
    rows = [[f["kind"], f["path"], f["encoding"], f"{f['transferred']:,}", f"{f['uncompressed']:,}"]
            for f in weight["files"]]
    rows.append(["total", "", "", f"{weight['transferred']:,}", f"{weight['uncompressed']:,}"])
    return table(["file", "path", "encoding", "transferred B", "uncompressed B"], rows, left=3)


# ---------------------------------------------------------------- main

RATE_LIMIT_HELP = (
    "The server answered 429 Too Many Requests in the {scenario} scenario: its rate limits are on.\n"
    "Restart it for the benchmark with the limits lifted:\n"
    '    PORTAL_RATELIMIT_SUBMIT="100000 per hour" PORTAL_RATELIMIT_TRACK="100000 per hour" scripts/run\n'
    "(Flask-Limiter keeps its counters in memory: a restart also resets them.)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Start the server with the rate limits lifted:\n  PORTAL_RATELIMIT_SUBMIT=\"100000 per hour\" "
               "PORTAL_RATELIMIT_TRACK=\"100000 per hour\" scripts/run\nSee scripts/bench/README.md.")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="server started by scripts/run")
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario (default 300)")
    parser.add_argument("--concurrency", type=int, default=4, help="threads, one connection each (default 4)")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "instance",
                        help="the server's PORTAL_DATA_DIR; relative to the repository, as for the "
                             "server (default: instance)")
    parser.add_argument("--seed", type=int, default=10000, help="complaints to have in the database (default 10000)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time bound per scenario (default 120)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only shows the script works: 200 complaints, 10 requests per scenario")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seed, args.requests, args.concurrency = 200, 10, 2
    base = args.url.rstrip("/")
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    # Like the portal's config.finalise: a relative data directory is under the repository.
    data_dir = args.data_dir if args.data_dir.is_absolute() else REPO_ROOT / args.data_dir

    try:
        probe = Client(base)
        try:
            status, _, _ = probe.request("GET", "/pengaduan/")
        except OSError as exc:
            raise Stop(f"cannot reach the server at {base} ({exc}). Start it first:\n"
                       '    PORTAL_RATELIMIT_SUBMIT="100000 per hour" PORTAL_RATELIMIT_TRACK="100000 per hour" '
                       "scripts/run") from None
        finally:
            probe.close()
        if status != 200:
            raise Stop(f"GET {base}/pengaduan/ gave {status}, expected 200")

        seeded = seed(data_dir, args.seed)
        print(f"Seeding {data_dir / 'portal.db'}: {seeded['existing']:,} complaints existed, "
              f"inserted {seeded['inserted']:,} in {seeded['seconds']:.2f} s; now {seeded['total']:,} "
              f"({len(seeded['codes']):,} named {BENCH_NAME!r}).")
        if not seeded["codes"]:
            raise Stop(f"No {BENCH_NAME!r} complaints to look up; use --seed larger than the existing count.")

        # The server must read the database we seeded, or the look-ups would all be 404s.
        check = Client(base)
        try:
            token = check.csrf_token("/pengaduan/lacak")
            status, _, _ = check.request(
                "POST", "/pengaduan/lacak",
                urllib.parse.urlencode({"csrf_token": token, "code": seeded["codes"][0]}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})
            if status == 303:
                status, _, _ = check.request("GET", "/pengaduan/lacak/hasil")
        finally:
            check.close()
        if status == 429:
            raise RateLimited("tracking (pre-flight)")
        if status != 200:
            raise Stop(f"Looking up seeded code {seeded['codes'][0]} gave {status}: is the server "
                       f"using PORTAL_DATA_DIR={data_dir}? Pass the server's data directory as --data-dir.")

        weight = page_weight(base)
        print(f"\nWeight of the form page (Accept-Encoding: gzip; body bytes, headers excluded):\n"
              f"{weight_report(weight)}")

        settings = dict(base=base, requests=args.requests, concurrency=args.concurrency,
                        max_seconds=args.max_seconds)
        scenarios = [
            ("baseline", Get("/pengaduan/static/portal.css"), 200),
            ("form page", Get("/pengaduan/"), 200),
            ("submission", Submit(small_jpeg()), 303),
            ("tracking", Track(seeded["codes"]), 200),
        ]
        print(f"\n{args.requests} requests per scenario, {args.concurrency} threads, "
              f"at most {args.max_seconds:.0f} s each, against {base}")
        results = []
        for name, scenario, expected in scenarios:
            print(f"  running {name}...", flush=True)
            results.append(run_scenario(name, scenario, expected=expected, **settings))
    except RateLimited as exc:
        print(RATE_LIMIT_HELP.format(scenario=exc.args[0]), file=sys.stderr)
        return 2
    except Stop as exc:
        print(f"Benchmark stopped: {exc}", file=sys.stderr)
        return 2

    print()
    print(report(results))
    print("\nsubmission: latency is the POST only; req/s counts whole submissions (GET for the token + POST).")
    if args.json:
        payload = {
            "url": base, "requests": args.requests, "concurrency": args.concurrency,
            "max_seconds": args.max_seconds, "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "seeding": {k: v for k, v in seeded.items() if k != "codes"} | {"bench_codes": len(seeded["codes"])},
            "page_weight": weight,
            "scenarios": [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                          for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"Numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
