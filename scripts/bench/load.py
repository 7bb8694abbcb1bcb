"""A bounded load test through nginx, and the time of a backup and a restore at 100,000 complaints.

It measures; it never judges. By default it starts everything itself on loopback, with a
temporary data directory: waitress (8 threads, as scripts/run) behind Debian's nginx configured
by deploy/nginx/render.py (plain HTTP: TLS would measure the client's Python more than the
server). Then:

1. baseline   --clients clients GET a static page of the site from nginx for --baseline-seconds
2. mix        --clients clients for --duration seconds, each looping over a weighted mix:
              50 % site page (nginx, static), 15 % complaint form (portal), 25 % tracking look-up
              (POST with CSRF token, a seeded code), 10 % submission (GET form for the token, POST
              multipart with a small PDF; expects 303)
3. check      every submission answered 303 is in the database (each carries a unique marker)
4. backup     `portal.domain.backup.create` and `restore` on a separate database of --backup-rows
              complaints (seeded in one transaction, as scripts/bench/portal.py does)

It prints, per kind of request, requests/s, p50/p95/p99 latency and errors, with the ratio of
the mix's throughput to the baseline's. Against servers you started yourself:

    .venv/bin/python scripts/bench/load.py --url http://127.0.0.1:8080 --data-dir instance

(--data-dir: the portal's data directory, for the tracking codes and the final count; start the
portal with the rate limits lifted and PORTAL_TRUSTED_PROXIES=1). Do not run it against
production: it files complaints named "Data Bench".

    .venv/bin/python scripts/bench/load.py [--clients 50] [--duration 60] [--baseline-seconds 15]
        [--backup-rows 100000] [--skip-backup] [--json PATH]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import importlib.util
import json
import io
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

_spec = importlib.util.spec_from_file_location("bench_portal", REPO_ROOT / "scripts" / "bench" / "portal.py")
bench_portal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_portal)
_spec = importlib.util.spec_from_file_location("render_nginx", REPO_ROOT / "deploy" / "nginx" / "render.py")
render_nginx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_nginx)

from portal import db as database  # noqa: E402
from portal.domain import backup  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MARK = "Uji beban"
FORM = {**bench_portal.FORM}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


# ---------------------------------------------------------------- servers

class Servers:
    """waitress + nginx on loopback with a temporary data directory."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.data_dir = tmp / "data"
        self.portal_port, self.port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PORTAL_DATA_DIR": str(self.data_dir), "PORTAL_TRUSTED_PROXIES": "1",
                    "PORTAL_RATELIMIT_SUBMIT": "1000000 per hour", "PORTAL_RATELIMIT_TRACK": "1000000 per hour",
                    "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": "9",  # mail stays in the outbox
                    "PORTAL_BASE_URL": self.url}
        self.procs: list[subprocess.Popen] = []

    def flask(self, *args):
        subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=self.env, check=True,
                       cwd=REPO_ROOT, stdout=subprocess.DEVNULL)

    def start(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("nginx is not installed (apt-get install nginx)")
        site = REPO_ROOT / "site"
        if not (site / "index.html").exists():
            site = self.tmp / "site"
            subprocess.run([sys.executable, "-m", "portal.publish", "site", "--quiet", "--out", str(site)],
                           cwd=REPO_ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        self.site = site
        self.flask("migrate")
        self.flask("error-pages", str(self.tmp / "galat"))
        log = open(self.tmp / "waitress.log", "w")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={self.portal_port}", "--threads", "8",
             "--no-clear-untrusted-proxy-headers", "--call", "portal:create_app"], env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT))
        wait_for(f"http://127.0.0.1:{self.portal_port}/pengaduan/")
        conf = self.tmp / "nginx"
        render_nginx.render(conf, site_dir=site, errors_dir=self.tmp / "galat", portal=f"127.0.0.1:{self.portal_port}",
                            tls=False, http_listen=f"127.0.0.1:{self.port}", standalone=True)
        # The benchmark's own access log would measure the disk; production keeps it on.
        text = (conf / "nginx.conf").read_text().replace(f"access_log {conf.resolve()}/access.log;", "access_log off;")
        (conf / "nginx.conf").write_text(text)
        self.procs.append(subprocess.Popen([nginx, "-p", str(conf), "-c", str(conf / "nginx.conf")],
                                           stdout=subprocess.DEVNULL, stderr=open(self.tmp / "nginx.err", "w")))
        wait_for(self.url + "/")

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


# ---------------------------------------------------------------- clients

class Client:
    """One visitor: a keep-alive connection, cookies, a CSRF token."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = None
        self.cookies: dict[str, str] = {}
        self.token = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                h = {"Accept-Encoding": "gzip", **(headers or {}), **({"Cookie": cookie} if cookie else {})}
                self.conn.request(method, path, body=body, headers=h)
                response = self.conn.getresponse()
                data = response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue  # a keep-alive connection the server had closed: once more on a new one
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, data
        raise AssertionError("unreachable")

    def fresh_token(self):
        status, headers, data = self.request("GET", "/pengaduan/", headers={"Accept-Encoding": "identity"})
        match = CSRF.search(data.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token ({status})")
        self.token = match.group(1)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.accepted: list[str] = []

    def add(self, kind, seconds, ok):
        with self.lock:
            self.samples.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def run_clients(url, clients, seconds, action, recorder):
    stop = time.time() + seconds
    def loop(n):
        client, rng = Client(url), random.Random(n)
        while time.time() < stop:
            try:
                action(client, rng, recorder)
            except Exception as exc:  # noqa: BLE001  counted, not fatal: the benchmark goes on
                recorder.add("exception:" + type(exc).__name__, 0.0, False)
                client.conn = None
                time.sleep(0.05)
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started



def _blank_pdf() -> bytes:
    """A real one-page PDF: the portal refuses files that are not PDF inside."""
    from pypdf import PdfWriter
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()

def timed(recorder, kind, client, method, path, expect, **kw):
    t0 = time.perf_counter()
    status, headers, data = client.request(method, path, **kw)
    recorder.add(kind, time.perf_counter() - t0, status == expect)
    return status, headers, data


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    for name, filename, mime, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def mix_action(pages, codes):
    def action(client, rng, recorder):
        roll = rng.random()
        if roll < 0.50:
            timed(recorder, "site page (nginx)", client, "GET", rng.choice(pages), 200)
        elif roll < 0.65:
            timed(recorder, "complaint form (portal)", client, "GET", "/pengaduan/", 200)
        elif roll < 0.90:
            if client.token is None:
                client.fresh_token()
            body = urllib.parse.urlencode({"code": rng.choice(codes), "csrf_token": client.token})
            # Post/redirect/get: the look-up answers 303, the result page reads the code from the session.
            t0 = time.perf_counter()
            status, _, _ = client.request("POST", "/pengaduan/lacak", body=body,
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            if status == 303:
                status, _, _ = client.request("GET", "/pengaduan/lacak/hasil")
            recorder.add("tracking look-up", time.perf_counter() - t0, status == 200)
        else:
            client.fresh_token()  # a citizen opens the form, then sends it
            marker = uuid.uuid4().hex
            pdf = PDF
            body, ctype = multipart({**FORM, "body": f"{MARK} {marker}: KTP-el belum jadi.", "csrf_token": client.token},
                                    [("files", "bukti.pdf", "application/pdf", pdf)])
            status, _, _ = timed(recorder, "submission (POST)", client, "POST", "/pengaduan/", 303, body=body,
                                 headers={"Content-Type": ctype})
            if status == 303:
                with recorder.lock:
                    recorder.accepted.append(marker)
    return action


def report(name, recorder, seconds):
    rows = []
    total = sum(len(v) for v in recorder.samples.values())
    print(f"\n{name}: {total} requests in {seconds:.1f} s = {total / seconds:.0f} req/s")
    print(f"  {'kind':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, values in sorted(recorder.samples.items()):
        row = {"kind": kind, "count": len(values), "rps": len(values) / seconds,
               "p50_ms": percentile(values, 50) * 1000, "p95_ms": percentile(values, 95) * 1000,
               "p99_ms": percentile(values, 99) * 1000, "errors": recorder.errors.get(kind, 0)}
        rows.append(row)
        print(f"  {kind:28} {row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
              f"{row['errors']:7d}")
    return {"seconds": seconds, "requests": total, "rps": total / seconds, "kinds": rows}


# ---------------------------------------------------------------- backup timing

def time_backup(tmp: Path, rows: int) -> dict:
    data_dir = tmp / "backup-data"
    (data_dir / "uploads").mkdir(parents=True)
    (data_dir / "secret_key").write_text("0" * 64)
    db = database.prepare(str(data_dir / "portal.db"))
    t0 = time.perf_counter()
    for start in range(0, rows, 50_000):
        bench_portal._insert_bench_rows(db, min(50_000, rows - start))
    seeded = time.perf_counter() - t0
    db.close()
    size = (data_dir / "portal.db").stat().st_size
    now = datetime.now(ZoneInfo("Asia/Jakarta")).replace(microsecond=0)
    t0 = time.perf_counter()
    made = backup.create(data_dir, tmp / "backups", now)
    backup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = backup.restore(made.path, tmp / "restored")
    restore_s = time.perf_counter() - t0
    assert result["complaints"] == rows, result
    out = {"complaints": rows, "db_mb": size / 1e6, "archive_mb": made.path.stat().st_size / 1e6,
           "seed_s": seeded, "backup_s": backup_s, "restore_s": restore_s}
    print(f"\nbackup/restore at {rows:,} complaints: database {out['db_mb']:.1f} MB, archive "
          f"{out['archive_mb']:.1f} MB; backup {backup_s:.2f} s, restore (checksum, integrity_check, "
          f"move into place) {restore_s:.2f} s  [seeding took {seeded:.1f} s]")
    return out


# ---------------------------------------------------------------- main

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="nginx in front of a running portal (default: start both here)")
    p.add_argument("--data-dir", type=Path, help="that portal's data directory (with --url)")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--baseline-seconds", type=float, default=15)
    p.add_argument("--seed", type=int, default=2000, help="complaints to seed for the tracking look-ups")
    p.add_argument("--backup-rows", type=int, default=100_000)
    p.add_argument("--skip-backup", action="store_true")
    p.add_argument("--json", type=Path)
    p.add_argument("--smoke", action="store_true",
                   help="a tiny run that only shows the script works: 2 clients for 1 s, 200 rows")
    args = p.parse_args(argv)
    if args.smoke:
        args.clients, args.duration, args.baseline_seconds = 2, 1.0, 0.5
        args.seed, args.backup_rows = 200, 200
    if args.url and not args.data_dir:
        p.error("--url needs --data-dir (for the tracking codes and the count)")

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    servers = None
    results = {"clients": args.clients}
    try:
        if args.url:
            url, data_dir = args.url.rstrip("/"), args.data_dir
            site_dir = REPO_ROOT / "site"
        else:
            servers = Servers(tmp)
            servers.start()
            url, data_dir, site_dir = servers.url, servers.data_dir, servers.site
        seeded = bench_portal.seed(data_dir, args.seed)
        codes = seeded["codes"]
        pages = sorted("/" if f.parent == site_dir else f"/{f.parent.relative_to(site_dir)}/"
                       for f in site_dir.rglob("index.html"))
        print(f"{url}: {len(pages)} site pages, {len(codes)} seeded tracking codes, {args.clients} clients")

        baseline = Recorder()
        secs = run_clients(url, args.clients, args.baseline_seconds,
                           lambda c, rng, r: timed(r, "static page (baseline)", c, "GET", "/", 200), baseline)
        results["baseline"] = report("baseline: nginx serving the home page", baseline, secs)

        mix = Recorder()
        secs = run_clients(url, args.clients, args.duration, mix_action(pages, codes), mix)
        results["mix"] = report("mix: pages, form, tracking, submissions", mix, secs)
        results["ratio_to_baseline"] = results["mix"]["rps"] / results["baseline"]["rps"]
        print(f"  mix throughput / baseline throughput = {results['ratio_to_baseline']:.2f}")

        conn = sqlite3.connect(f"file:{data_dir / 'portal.db'}?mode=ro", uri=True)
        stored = {m.group(1) for (body,) in conn.execute("SELECT body FROM complaints WHERE body LIKE ?", [MARK + " %"])
                  if (m := re.match(MARK + r" ([0-9a-f]{32})", body))}
        conn.close()
        missing = [m for m in mix.accepted if m not in stored]
        results["submissions"] = {"accepted": len(mix.accepted), "in_database": len(mix.accepted) - len(missing)}
        print(f"\nsubmissions answered 303: {len(mix.accepted)}; found in the database: "
              f"{len(mix.accepted) - len(missing)}" + ("" if not missing else f"  MISSING {len(missing)}"))

        if not args.skip_backup:
            results["backup"] = time_backup(tmp, args.backup_rows)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
        return 1 if missing else 0
    finally:
        if servers:
            servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
