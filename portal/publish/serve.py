"""The web team's live preview: `python -m portal.publish serve [--engine E] [--port 8001]`.

It builds the preview with the one pipeline (portal.publish.site, drafts shown with the DRAF
banner) into a folder outside content/, serves that folder on 127.0.0.1, and builds again when
a file under content/, mkdocs.yml or the overrides changes. It holds no rule of its own: what
is shown is exactly what `python -m portal.publish site --preview` builds. A failed build keeps
the last good preview online and prints why.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import site

WATCHED = ("content", "mkdocs.yml", "overrides")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def snapshot(root: Path) -> dict[str, float]:
    """Modification time of every watched file."""
    seen = {}
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and ".cache" not in p.parts)
        for file in files:
            try:
                seen[str(file)] = file.stat().st_mtime
            except FileNotFoundError:
                pass
    return seen


def rebuild(engine: str, out: Path, root: Path) -> bool:
    result = site.build(engine, out, preview=True, root=root)
    stamp = time.strftime("%H:%M:%S")
    if result.ok:
        print(f"[{stamp}] Pratinjau diperbarui: {len(result.pages)} halaman.", flush=True)
    else:
        print(f"[{stamp}] Pratinjau GAGAL dibangun; yang tampil masih versi sebelumnya:", flush=True)
        for error in result.errors[:20]:
            print(f"  {error}", flush=True)
    return result.ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.publish serve")
    parser.add_argument("--engine", choices=site.ENGINES, default="mkdocs")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--root", type=Path, default=site.ROOT)
    parser.add_argument("--out", type=Path, help="preview folder (default: ROOT/.cache/pratinjau)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between checks for changes")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / ".cache" / "pratinjau").resolve()
    rebuild(args.engine, out, root)
    out.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Pratinjau: http://127.0.0.1:{args.port}/  (Ctrl+C untuk berhenti)", flush=True)
    seen = snapshot(root)
    try:
        while True:
            time.sleep(args.interval)
            now = snapshot(root)
            if now != seen:
                seen = now
                rebuild(args.engine, out, root)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
