"""Benchmark of the web team's publishing: the time from "Terbitkan" to the live page.

On a content repository of its own (a copy of this project's content/, mkdocs.yml, overrides/),
with a database of its own, for --repeat rounds (default 5), interleaved:

1. news      a news item written, reviewed and published: from the step "terbitkan" (the job
             queued) until the page is served from the switched SITE_DIR;
2. material  a sosialisasi material, reviewed, approved by the Kepala Dinas and published, until
             the page and its print PDF are served;
0. baseline  one plain build of the same content by the pipeline (portal.publish.site.build),

and prints the median of each, and each as a ratio to the baseline (the job adds the commit,
the export of the commit and the switch to a build). The job is run in this process right
after queueing (the background runner adds at most PORTAL_SITE_JOB_INTERVAL).

    .venv/bin/python scripts/bench/editor.py [--repeat 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
# Keep this script's directory off sys.path: its sibling portal.py would shadow the application package.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(_HERE)]
sys.path.insert(0, str(ROOT))

from portal.db import prepare  # noqa: E402
from portal.domain import content_store, site_changes as sc, users  # noqa: E402
from portal.publish import deploy_job, site as pipeline  # noqa: E402

TZ = ZoneInfo("Asia/Jakarta")
WEB, KADIS = frozenset({"web"}), frozenset({"kadis"})


def now() -> datetime:
    return datetime.now(TZ).replace(microsecond=0)


def publish(db, tmp: Path, repo, ids, kind: str, n: int) -> float:
    if kind == "berita":
        path = f"content/berita/posts/uji-kecepatan-{n}.md"
        text = f"---\ndate: 2026-12-01\nstatus: terbit\n---\n\n# Uji kecepatan {n}\n\nIsi berita uji {n}.\n"
        live = [f"berita/uji-kecepatan-{n}/index.html"]
    else:
        path = f"content/sosialisasi/materi/uji-kecepatan-{n}.md"
        text = (f"---\ntitle: Materi uji kecepatan {n}\naudiens: Warga\ntopik: KIA\nstatus: terbit\n---\n\n"
                f"# Materi uji kecepatan {n}\n\nIsi materi uji {n}.\n")
        live = [f"sosialisasi/materi/uji-kecepatan-{n}/index.html", f"sosialisasi/materi/uji-kecepatan-{n}.pdf"]
    change = sc.create(db, kind=kind, path=path, title=f"Uji {n}", text=text, base_blob=None,
                       actor_id=ids["web1"], now=now())
    sc.take_step(db, change, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
    sc.take_step(db, change, "tinjau", actor_id=ids["web2"], roles=WEB, now=now())
    if kind == "materi":
        sc.take_step(db, change, "setujui", actor_id=ids["kadis"], roles=KADIS, now=now(), approver_name="Kadis (kadis)")
    started = time.perf_counter()
    sc.take_step(db, change, "terbitkan", actor_id=ids["web2"], roles=WEB, now=now(), current_blob=repo.blob_id)
    summary = deploy_job.run_one(db, repo_path=repo.path, site_dir=tmp / "site", releases=tmp / "site-releases",
                                 cache_dir=tmp / "cache", now=now)
    site = tmp / "site"
    if not all((site / p).is_file() for p in live):
        raise SystemExit(f"{kind} {n} not live: {summary}")
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as folder:
        tmp = Path(folder)
        repo = content_store.init_repo(tmp / "repo", ROOT)
        db = prepare(str(tmp / "portal.db"))
        ids = {name: users.create_user(db, name, "Sebelas-Gajah-Biru-73", display_name=f"Akun {n}",
                                       roles=[role], now=now())
               for n, (name, role) in enumerate((("web1", "web"), ("web2", "web"), ("kadis", "kadis")))}
        times: dict[str, list[float]] = {"baseline": [], "berita": [], "materi": []}
        for n in range(args.repeat):
            started = time.perf_counter()
            result = pipeline.build("mkdocs", tmp / f"baseline-{n}", root=repo.path, cache_dir=tmp / "cache")
            if not result.ok:
                raise SystemExit(result.errors)
            times["baseline"].append(time.perf_counter() - started)
            for kind in ("berita", "materi"):
                times[kind].append(publish(db, tmp, repo, ids, kind, n))
        db.close()
    medians = {k: statistics.median(v) for k, v in times.items()}
    data = {"repeat": args.repeat, "seconds": times, "median_seconds": medians,
            "ratio_to_baseline": {k: medians[k] / medians["baseline"] for k in ("berita", "materi")}}
    print(f"Publish to live page, median of {args.repeat}:")
    print(f"  baseline build  {medians['baseline']:6.1f} s")
    for kind, label in (("berita", "news item"), ("materi", "material + PDF")):
        print(f"  {label:15} {medians[kind]:6.1f} s  ({data['ratio_to_baseline'][kind]:.2f} x baseline)")
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
