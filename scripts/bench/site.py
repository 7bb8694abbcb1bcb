"""Benchmark of the site engines on the same content: MkDocs + Material and Zensical.

It measures; it never judges. In one run, on the repository's content (or --root):

0. baseline  the pipeline's shared part: stage content/ into a build folder, run the generators
             (PDFs from the cache), leave out what is not public, write the configuration
1. mkdocs    `mkdocs build --strict` of that staged folder (a clean build each time)
2. zensical  `zensical build --strict` of the same staged folder (cache removed each time)

each --repeat times (default 5), interleaved, and prints the median of each, the ratio of each
engine to the baseline and Zensical / MkDocs. Then, from one build of each engine, the gzip
weight (level 6) of the home page and of an SOP page: the HTML alone, and the first visit as the
publishing check counts it (HTML + scripts, stylesheets, images and icons it loads). With
--browser it also opens the search dialog of each build in Chromium, searches for a word that
is on no page and records the interface texts shown (placeholder and result message), to show
which engine speaks Indonesian there.

    .venv/bin/python scripts/bench/site.py [--repeat 5] [--browser] [--json PATH] [--root DIR]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Keep this script's directory off sys.path: its sibling portal.py would shadow the application package.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != Path(_HERE)]
sys.path.insert(0, str(ROOT))

from portal.publish import check, site  # noqa: E402

SOP_PAGE = "/sop/penanganan-pengaduan/"
NO_SUCH_WORD = "qwzxjvk"


def timed_engine(engine: str, staged: site.Staged) -> float:
    for leftover in (staged.folder / site.STAGED_SITE, staged.folder / ".cache"):
        shutil.rmtree(leftover, ignore_errors=True)
    start = time.perf_counter()
    errors = site.run_engine(engine, staged)
    seconds = time.perf_counter() - start
    if errors:
        raise SystemExit("\n".join(errors))
    return seconds


def weights(site_dir: Path, page: str) -> dict[str, int]:
    report = check.check(site_dir)
    html = site_dir / page.lstrip("/") / "index.html"
    return {"html_gzip": len(gzip.compress(html.read_bytes(), compresslevel=6, mtime=0)),
            "first_visit_gzip": report.weights[page]}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# English interface words that an Indonesian search dialog must not show (Zensical's search
# component is English-only; Material translates its own).
ENGLISH = re.compile(r"\b(Search|Close search|Filters|Search results|No results|\d+ results?)\b")


def search_texts(site_dir: Path) -> dict:
    """What the search dialog shows: placeholders, labels and messages, for a word on no page and
    for a common word, and which of them are English."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shown: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(locale="id-ID", viewport={"width": 360, "height": 740})
            for query in (NO_SUCH_WORD, "akta"):
                page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="networkidle")
                page.locator("label.md-header__button[for='__search']").click()
                page.keyboard.type(query, delay=20)
                page.wait_for_timeout(2500)
                visible = "input:visible, [aria-label]:visible"
                shown += page.locator(visible).evaluate_all(
                    "es => es.flatMap(e => [e.getAttribute('placeholder'), e.getAttribute('aria-label')]).filter(Boolean)")
                shown += page.get_by_text(re.compile(r"results?|hasil|dokumen|Tidak ada|Mempersiapkan", re.I)) \
                    .filter(visible=True).all_inner_texts()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    texts = sorted({" ".join(t.split())[:60] for t in shown if len(t) < 80})
    return {"texts": texts, "english": [t for t in texts if ENGLISH.search(t)]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--browser", action="store_true", help="also record the search interface texts")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--smoke", action="store_true", help="one round only, to show the script works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.repeat = 1

    times: dict[str, list[float]] = {"baseline": [], **{e: [] for e in site.ENGINES}}
    out: dict = {"repeat": args.repeat, "pages": {}, "weights": {}, "search_ui": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i in range(args.repeat):
            folder = tmp / f"stage-{i}"
            start = time.perf_counter()
            staged = site.stage(folder, root=args.root)
            times["baseline"].append(time.perf_counter() - start)
            order = site.ENGINES if i % 2 == 0 else tuple(reversed(site.ENGINES))  # no engine always first
            for engine in order:
                times[engine].append(timed_engine(engine, staged))
                if i == 0:
                    kept = tmp / f"site-{engine}"
                    shutil.copytree(staged.folder / site.STAGED_SITE, kept)
                    site.vendor_local(kept, staged.config.get("site_url"))
            shutil.rmtree(folder)
        for engine in site.ENGINES:
            built = tmp / f"site-{engine}"
            out["pages"][engine] = len(check.built_pages(built))
            out["weights"][engine] = {"home /": weights(built, "/"), f"SOP {SOP_PAGE}": weights(built, SOP_PAGE)}
            if args.browser:
                out["search_ui"][engine] = search_texts(built)

    medians = {k: statistics.median(v) for k, v in times.items()}
    out["seconds"] = {k: {"median": medians[k], "all": v} for k, v in times.items()}
    out["ratio_to_baseline"] = {e: medians[e] / medians["baseline"] for e in site.ENGINES}
    out["ratio_zensical_to_mkdocs"] = medians["zensical"] / medians["mkdocs"]

    print(f"Site engines on the same content, median of {args.repeat} (same run):")
    print(f"  baseline (stage + generate + gate)  {medians['baseline']:7.2f} s")
    for engine in site.ENGINES:
        print(f"  {engine:<9} build only              {medians[engine]:7.2f} s   "
              f"{out['ratio_to_baseline'][engine]:5.2f} x baseline   ({out['pages'][engine]} pages)")
    print(f"  zensical / mkdocs                   {out['ratio_zensical_to_mkdocs']:7.2f}")
    print("Page weight, gzip level 6 (HTML alone / first visit with what the page loads):")
    for engine in site.ENGINES:
        for page, w in out["weights"][engine].items():
            print(f"  {engine:<9} {page:<32} {w['html_gzip']:>7,} B / {w['first_visit_gzip']:>8,} B")
    for engine, ui in out["search_ui"].items():
        print(f"Search interface, {engine}: {len(ui['english'])} of {len(ui['texts'])} texts in English: "
              f"{ui['english']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
