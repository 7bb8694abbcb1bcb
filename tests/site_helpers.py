"""Helpers for the tests that build the site: a copy of the site's sources, and the one command
that builds it (python -m portal.publish site), run as the web team and deployment run it."""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parent.parent
# The PDF cache of the checkout: WeasyPrint output by content hash, valid for any copy.
CACHE = ROOT / ".cache" / "publish"
ENV = {k: v for k, v in os.environ.items() if k != "SITE_PREVIEW"}


def copy_sources(target: Path, ignore=None) -> Path:
    """The site's sources (mkdocs.yml, content/, overrides/) in a folder of their own."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("content", "overrides"):
        shutil.copytree(ROOT / name, target / name, symlinks=True,
                        ignore=ignore or shutil.ignore_patterns("__pycache__", ".cache"))
    return target


def build(project: Path, site: Path, *, engine: str = "mkdocs", preview: bool = False,
          extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m portal.publish site` on a copy (the preview through scripts/preview --build)."""
    if preview:
        command = [str(ROOT / "scripts" / "preview"), "--build", str(site)]
    else:
        command = [sys.executable, "-m", "portal.publish", "site", "--out", str(site)]
    command += ["--engine", engine, "--root", str(project), "--cache-dir", str(CACHE)]
    return subprocess.run(command, cwd=ROOT, env={**ENV, **(extra_env or {})}, capture_output=True,
                          text=True, timeout=600)


def site_texts(site: Path) -> Iterator[tuple[str, str]]:
    """Every file of a built site as a reader or a crawler gets its text: (path in the site, text),
    .gz files unpacked, PDFs as their extracted text, anything else decoded as UTF-8."""
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".pdf":
            text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
        else:
            text = data.decode("utf-8", errors="ignore")
        yield str(path.relative_to(site)), text


def bench_one_round(script: str, tmp_path: Path, *, timeout: int) -> tuple[subprocess.CompletedProcess, dict]:
    """scripts/bench/<script> run once (--repeat 1): the finished process and the figures of its --json."""
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / script), "--repeat", "1",
                             "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result, json.loads(out.read_text())


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A built site served as static files on loopback, as nginx serves it; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def search_site(page, query: str, attempts: int = 30):
    """Type `query` into the site's search box and return the results' locator once the first
    result shows. Material ignores what is typed before its search worker has loaded the index
    (it keeps saying "Ketik untuk mulai pencarian"), which on a busy machine takes seconds, so the
    query is typed again each second until results come, as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    box, results = page.locator("input.md-search__input"), page.locator(".md-search-result__item")
    box.click()
    for _attempt in range(attempts):
        box.fill("")
        box.press_sequentially(query)
        try:
            results.first.wait_for(timeout=1000)
            break
        except PlaywrightTimeoutError:
            pass
    return results
