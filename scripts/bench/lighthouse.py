"""Lighthouse on the pages a citizen opens first, as a phone would load them.

Builds the site into a temporary folder, prepares an empty portal database there and serves both
with waitress on loopback (site at /, portal at /pengaduan/, as `scripts/run` does), then runs
Lighthouse on each page with the mobile form factor and simulated throttling (Lighthouse's
default: a mid-range phone on a slow 4G connection), in Debian's Chromium. It measures; it never
judges. Prints one row per page: the four category scores (0-100) and the Largest Contentful
Paint.

    .venv/bin/python scripts/bench/lighthouse.py                       # all five pages
    .venv/bin/python scripts/bench/lighthouse.py --pages beranda lacak --json /tmp/lh.json
    .venv/bin/python scripts/bench/lighthouse.py --url http://127.0.0.1:8000   # a server already running
    .venv/bin/python scripts/bench/lighthouse.py --install             # only install Lighthouse
    .venv/bin/python scripts/bench/lighthouse.py --check-setup         # only check node, Chromium, Lighthouse

Lighthouse comes from npm, pinned (LIGHTHOUSE_VERSION: the last release that runs on Debian's
Node 20), into scripts/bench/node_modules/ (not committed); the script installs it there when it
is missing, with the `npm` on PATH. Chromium is $CHROME_PATH, else /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {  # name -> path: the pages a citizen opens first
    "beranda": "/",
    "layanan": "/layanan/akta-kelahiran/",
    "profil": "/profil-kependudukan/2024/",
    "pengaduan": "/pengaduan/",
    "lacak": "/pengaduan/lacak",
}


def chrome_path() -> str:
    return os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def install() -> None:
    """Lighthouse into scripts/bench/node_modules, unless it is there already."""
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm not found: install Debian's nodejs and npm (apt-get install nodejs npm)")
    subprocess.run([npm, "install", "--prefix", str(HERE), "--no-save", "--no-audit", "--no-fund",
                    "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)


def check_setup() -> list[str]:
    """What is missing to run Lighthouse; empty when everything is there."""
    problems = []
    if not shutil.which("node"):
        problems.append("node not found")
    if not Path(chrome_path()).exists():
        problems.append(f"Chromium not found at {chrome_path()} (set CHROME_PATH)")
    if not LIGHTHOUSE.exists():
        problems.append(f"Lighthouse not installed in {HERE / 'node_modules'} (run with --install)")
    elif shutil.which("node"):
        version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, timeout=60)
        if version.returncode != 0 or not version.stdout.strip():
            problems.append(f"lighthouse --version failed: {version.stderr.strip()[-300:]}")
    return problems


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The built site and the portal behind one waitress on loopback, in a temporary folder."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PORTAL_DATA_DIR": str(workdir / "data"),
                    "PORTAL_SITE_DIR": str(workdir / "site"), "PORTAL_BASE_URL": self.url,
                    "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": "9"}
        self.process = None

    def start(self) -> None:
        py = sys.executable
        subprocess.run([py, "-m", "portal.publish", "site", "--out", str(self.workdir / "site")],
                       cwd=ROOT, env=self.env, check=True, capture_output=True)  # the one publishing pipeline
        subprocess.run([py, "-m", "flask", "--app", "portal", "migrate"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)
        self.log = open(self.workdir / "server.log", "w")
        self.process = subprocess.Popen([py, "-m", "waitress", "--host", "127.0.0.1", f"--port={self.port}",
                                         "--threads", "8", "--call", "portal:create_app"],
                                        cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.workdir / "server.log").read_text())
            try:
                urllib.request.urlopen(self.url + "/pengaduan/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the portal did not start within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()


def run_lighthouse(url: str, workdir: Path) -> dict:
    """One Lighthouse run: the four category scores (0-100) and LCP in milliseconds."""
    report = workdir / "report.json"
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--chrome-flags={flags}", "--form-factor=mobile", "--throttling-method=simulate",
                    f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=60000"],
                   env={**os.environ, "CHROME_PATH": chrome_path()}, check=True, capture_output=True, timeout=300)
    data = json.loads(report.read_text())
    scores = {c: round(data["categories"][c]["score"] * 100) if data["categories"][c]["score"] is not None
              else None for c in CATEGORIES}
    lcp = data["audits"]["largest-contentful-paint"].get("numericValue")
    failing = {c: [a["id"] for a in data["categories"][c]["auditRefs"]
                   if a.get("weight") and (data["audits"][a["id"]].get("score") or 0) < 1
                   and data["audits"][a["id"]].get("scoreDisplayMode") in ("binary", "numeric")]
               for c in ("accessibility", "best-practices", "seo")}
    return {"url": url, **scores, "lcp_ms": round(lcp) if lcp is not None else None, "failing": failing}


def table(rows: list[dict]) -> str:
    head = f"{'page':<10} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'LCP (s)':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lcp = f"{r['lcp_ms'] / 1000:.2f}" if r["lcp_ms"] is not None else "-"
        lines.append(f"{r['page']:<10} " + " ".join(f"{'-' if r[c] is None else r[c]:>5}" for c in CATEGORIES)
                     + f" {lcp:>8}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), default=list(PAGES))
    parser.add_argument("--url", help="a running server (site at /, portal at /pengaduan/); default: start one")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument("--install", action="store_true", help="install Lighthouse if missing, then stop")
    parser.add_argument("--check-setup", action="store_true", help="only check node, Chromium and Lighthouse")
    args = parser.parse_args(argv)
    if args.install:
        install()
        return 0
    if args.check_setup:
        problems = check_setup()
        print("\n".join(problems) if problems else f"ok: node, {chrome_path()}, lighthouse {LIGHTHOUSE_VERSION}")
        return 1 if problems else 0
    install()
    problems = check_setup()
    if problems:
        sys.exit("\n".join(problems))
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        workdir = Path(tmp)
        server = None
        base = args.url
        if not base:
            server = Server(workdir)
            server.start()
            base = server.url
        try:
            rows = []
            for name in args.pages:
                started = time.monotonic()
                result = run_lighthouse(base.rstrip("/") + PAGES[name], workdir)
                rows.append({"page": name, **result, "seconds": round(time.monotonic() - started, 1)})
        finally:
            if server:
                server.stop()
    print(table(rows))
    for r in rows:
        failed = {c: ids for c, ids in r["failing"].items() if ids}
        if failed:
            print(f"{r['page']}: audits not passed: {failed}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
