"""Peak memory of the portal process while clients upload the largest images it accepts.

It measures; it never judges. It starts waitress itself (8 threads, as scripts/run) on loopback
with a temporary data directory, warms it up with one small submission, takes the process's
resident memory at rest as the baseline, then runs each scenario: --clients clients start at the
same moment, each fetching the form for its CSRF token and posting one submission. During a
scenario the process's peak RSS is taken from the kernel (VmHWM, reset through
/proc/PID/clear_refs before each scenario; where that is not allowed, from VmRSS sampled every
5 ms).

Scenarios (the limits are portal.domain.uploads'):

  small photo      one 64 × 48 JPEG per submission: the cost of a submission itself
  largest PNGs     PNGs of MAX_IMAGE_PIXELS, as many as MAX_REQUEST_PIXELS allows (the last one
                   smaller), mostly white (as small on the wire as the 7000 px PNG of the report)
  largest JPEGs    three JPEGs of (almost) MAX_JPEG_PIXELS, each turned by its EXIF orientation
                   (so one transposed copy is made): decoded at half size, the third at a
                   quarter (the per-submission budget)
  7000 px PNG      the 7000 × 7000 mostly-white PNG (186 kB) that used to be decoded; refused now

The table gives, per scenario, the answers, the peak RSS, the peak over the baseline (MB and
ratio) and the median time of a submission. Each scenario runs with one client (the bound per
submission) and with --clients clients (the bound for the process).

    .venv/bin/python scripts/bench/uploads.py [--clients 8] [--threads 8] [--json PATH]
    .venv/bin/python scripts/bench/uploads.py --only JPEG  # only the scenarios named so
    .venv/bin/python scripts/bench/uploads.py --smoke     # a hundredth of the pixels, 2 clients: checks it runs

Do not run it against production: it starts its own server and files complaints named
"Data Bench" in a temporary directory that it deletes.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import io
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import zlib
from pathlib import Path
from statistics import median

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from PIL import Image  # noqa: E402

from portal.domain import uploads  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM = {
    "visibility": "rahasia", "name": "Data Bench", "email": "", "phone": "081234567890", "nik": "",
    "category": "ktp-el", "kecamatan": "35.03.11", "desa": "35.03.11.2001", "consent": "y",
}
MB = 1024 * 1024


# ---------------------------------------------------------------- images

def blank_png(width: int, height: int) -> bytes:
    """A white RGB PNG with a few dark rows, built row by row (never held as pixels here)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    squeeze = zlib.compressobj(9)
    white, dark = b"\x00" + b"\xff" * (3 * width), b"\x00" + b"\x10" * (3 * width)
    body = [squeeze.compress(dark if y % 500 == 0 else white) for y in range(height)]
    body.append(squeeze.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", b"".join(body)) + chunk(b"IEND", b""))


def rotated_jpeg(width: int, height: int) -> bytes:
    """An RGB JPEG whose EXIF says "turn 90°", as phones write it."""
    image = Image.new("RGB", (width, height), (235, 230, 220))
    for y in range(0, height, max(1, height // 20)):
        image.paste((40, 60, 90), (0, y, width, min(height, y + 8)))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def small_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


SMALL_PHOTO = small_photo()


def side(pixels: int, aspect: float = 4 / 3) -> tuple[int, int]:
    """The largest width × height of this aspect within `pixels`."""
    height = int((pixels / aspect) ** 0.5)
    width = int(height * aspect)
    while width * height > pixels:
        width -= 1
    return width, height


def scenarios(smoke: bool) -> list[tuple[str, list[tuple[str, bytes]]]]:
    scale = 1 / 100 if smoke else 1  # smoke: a hundredth of the pixels
    image_px = int(uploads.MAX_IMAGE_PIXELS * scale)
    request_px = int(uploads.MAX_REQUEST_PIXELS * scale)
    pngs, left = [], request_px
    while left > 0 and len(pngs) < 3:
        width, height = side(min(image_px, left), 1)
        pngs.append((f"scan{len(pngs) + 1}.png", blank_png(width, height)))
        left -= width * height
    # Twice the sides of the largest decoded image: decoded at exactly half size.
    jpeg = rotated_jpeg(*(2 * n for n in side(image_px)))
    refused_side = int(7000 * scale ** 0.5)
    return [
        ("small photo", [("foto.jpg", SMALL_PHOTO)]),
        ("largest PNGs", pngs),
        ("largest JPEGs", [(f"foto{i}.jpg", jpeg) for i in (1, 2, 3)]),
        ("7000 px PNG", [("denah.png", blank_png(refused_side, refused_side))]),
    ]


# ---------------------------------------------------------------- server and its memory

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, threads: int):
        self.tmp, self.threads = tmp, threads
        self.port = free_port()
        self.env = {**os.environ, "PORTAL_DATA_DIR": str(tmp / "data"), "PORTAL_SITE_DIR": str(tmp / "site"),
                    "PORTAL_RATELIMIT_SUBMIT": "1000000 per hour", "PORTAL_MAIL_SERVER": "127.0.0.1",
                    "PORTAL_MAIL_PORT": "9", "PORTAL_BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.proc = None

    def start(self):
        subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "migrate"], env=self.env, cwd=REPO_ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={self.port}",
             f"--threads={self.threads}", "--call", "portal:create_app"],
            env=self.env, cwd=REPO_ROOT, stdout=open(self.tmp / "waitress.log", "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/pengaduan/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the portal did not start within 30 s; see " + str(self.tmp / "waitress.log"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def status(self, field: str) -> int:
        """A VmRSS / VmHWM figure of the server process, in bytes."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(field)


class PeakMemory:
    """The server's peak RSS while the block runs."""

    def __init__(self, server: Server):
        self.server, self.peak, self.how = server, 0, ""

    def __enter__(self):
        try:
            Path(f"/proc/{self.server.proc.pid}/clear_refs").write_text("5")  # resets VmHWM
            self.how = "VmHWM"
        except OSError:
            self.how = "VmRSS every 5 ms"
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        return self

    def _sample(self):
        while not self.done.is_set():
            self.peak = max(self.peak, self.server.status("VmRSS"))
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.done.set()
        self.sampler.join()
        if self.how == "VmHWM":
            self.peak = max(self.peak, self.server.status("VmHWM"))


# ---------------------------------------------------------------- clients

def submit(port: int, files: list[tuple[str, bytes]]) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", "/pengaduan/")
        response = conn.getresponse()
        html = response.read().decode()
        cookies = {k: m.value for h in response.headers.get_all("Set-Cookie") or []
                   for k, m in http.cookies.SimpleCookie(h).items()}
        fields = {**FORM, "body": f"Data Bench unggahan {uuid.uuid4().hex}: KTP-el belum jadi.",
                  "csrf_token": CSRF.search(html).group(1)}
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n" for name, data in files]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        started = time.monotonic()
        conn.request("POST", "/pengaduan/", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def run(server: Server, files, clients: int, rounds: int) -> dict:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def client(start):
        start.wait()
        outcome = submit(server.port, files)
        with lock:
            results.append(outcome)

    with PeakMemory(server) as memory:
        for _ in range(rounds):
            start = threading.Barrier(clients)
            threads = [threading.Thread(target=client, args=(start,)) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(300)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"clients": clients, "rounds": rounds, "statuses": statuses, "peak_rss": memory.peak,
            "measured_by": memory.how, "median_seconds": median(s for _, s in results) if results else None,
            "after_rss": server.status("VmRSS")}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=8, help="clients uploading at the same moment")
    p.add_argument("--threads", type=int, default=8, help="waitress threads (scripts/run uses 8)")
    p.add_argument("--rounds", type=int, default=3, help="bursts of --clients submissions per scenario")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run only the scenarios whose name contains NAME (repeatable)")
    p.add_argument("--smoke", action="store_true", help="a hundredth of the pixels and 2 clients: checks it runs")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    clients = 2 if args.smoke else args.clients

    print("Preparing the images ...", flush=True)
    cases = [c for c in scenarios(args.smoke) if not args.only or any(o in c[0] for o in args.only)]
    rows, idles = [], []
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as tmp:
        # A fresh server for each scenario and each number of clients: memory that one scenario
        # leaves with the allocator must not count for the next.
        for number, (name, files) in enumerate(cases):
            for n in [clients] if args.smoke else sorted({1, clients}):
                server = Server(Path(tmp) / f"{number}-{n}", args.threads)
                server.start()
                try:
                    # Warm-up: every module a submission needs is loaded before the baseline.
                    for _ in range(2):
                        submit(server.port, [("foto.jpg", SMALL_PHOTO)])
                    time.sleep(0.3)
                    idle = server.status("VmRSS")
                    idles.append(idle)
                    result = {"scenario": name, "idle_rss": idle, "files": [(f, len(d)) for f, d in files]}
                    # Several bursts: the allocator's high-water mark settles after the first.
                    result.update(run(server, files, n, args.rounds))
                    rows.append(result)
                finally:
                    server.stop()
    idle = median(idles)

    print(f"\nPortal process, waitress with {args.threads} threads, a fresh one per row; baseline: its RSS at "
          f"rest after warm-up (median {idle / MB:.0f} MB). Peak RSS by {rows[0]['measured_by']} over "
          f"{args.rounds} bursts of simultaneous submissions.\n")
    header = f"{'scenario':<15} {'clients':>7} {'answers':<12} {'base MB':>7} {'peak MB':>7} {'peak-base':>9} " \
             f"{'peak/base':>9} {'median s':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        answers = " ".join(f"{n}×{s}" for s, n in sorted(r["statuses"].items()))
        print(f"{r['scenario']:<15} {r['clients']:>7} {answers:<12} {r['idle_rss'] / MB:>7.0f} "
              f"{r['peak_rss'] / MB:>7.0f} {(r['peak_rss'] - r['idle_rss']) / MB:>9.0f} "
              f"{r['peak_rss'] / r['idle_rss']:>9.2f} {r['median_seconds']:>8.2f}")
    sizes = {r["scenario"]: r["files"] for r in rows}
    for name, files in sizes.items():
        print(f"  {name}: " + ", ".join(f"{f} {size / 1024:.0f} kB" for f, size in files))
    if args.json:
        args.json.write_text(json.dumps({"threads": args.threads, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
