"""Benchmark of the population data path into the site: import, then the Profil pages.

It measures; it never judges. In one run, on a copy of the site in a temporary folder:

1. demo data for N periods (default 10: 2021-S1 ... 2025-S2) from portal.domain.population.demo,
   split into the 14 kecamatan reports of each period (11 CSV files each);
2. import: if the importer's API exists (portal.domain.population.store.import_files and
   export.publish), every kecamatan report goes through it into a fresh SQLite database (checks
   included), and each period is published into content/data/kependudukan/; otherwise the time
   to write the CSV files is measured instead;
3. builds, each `python -m portal.publish site` (MkDocs + Material) of the copy:
   - baseline: the same site without population data and without profile editions;
   - profile, cold: with the data and one ratified edition per year (PDFs rendered);
   - profile, warm: the same again (PDFs from the cache, nothing else changed);
   plus `portal.publish.profile.generate()` alone, warm.

    .venv/bin/python scripts/bench/profile.py [--periods 10] [--keep] [--json PATH]

Prints the times and the ratio of each build to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal.domain import regions  # noqa: E402
from portal.domain.population import demo, schema  # noqa: E402


def periods(n: int) -> list[str]:
    out, year, sem = [], 2025, 2
    while len(out) < n:
        out.append(f"{year}-S{sem}")
        year, sem = (year, 1) if sem == 2 else (year - 1, 2)
    return sorted(out, key=schema.period_end)


def copy_site(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    skip = shutil.ignore_patterns("__pycache__", "kependudukan", "profil", ".generated", ".cache")
    shutil.copytree(ROOT / "content", target / "content", ignore=skip)
    for generated in ("profil-kependudukan", "data-kependudukan"):
        shutil.rmtree(target / "content" / generated, ignore_errors=True)
    return target


def build(project: Path, site: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_PREVIEW", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "portal.publish", "site", "--root", str(project), "--out", str(site)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def kecamatan_files(files: dict[str, str], kecamatan: str) -> list[tuple[str, bytes]]:
    out = []
    for topic in schema.TOPICS:
        lines = files[f"{topic.code}.csv"].splitlines()
        keep = [lines[0]] + [line for line in lines[1:] if line.startswith(kecamatan + ".")]
        out.append((f"{topic.code}.csv", ("\n".join(keep) + "\n").encode()))
    return out


def import_data(data: dict[str, dict[str, str]], content: Path, work: Path) -> dict:
    try:
        from portal.db import prepare
        from portal.domain.population import export, store
        api = hasattr(store, "import_files") and hasattr(export, "publish")
    except ImportError:
        api = False
    kec = regions.kecamatan_list()
    result = {"reports": len(data) * len(kec), "files": len(data) * len(kec) * len(schema.TOPICS)}
    if not api:
        start = time.perf_counter()
        for periode, files in data.items():
            folder = content / "data" / "kependudukan" / periode
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
        result.update(mode="CSV ditulis langsung (API impor belum ada)", import_s=time.perf_counter() - start)
        return result
    db = prepare(str(work / "bench.db"))
    start = time.perf_counter()
    for periode, files in data.items():
        for k in kec:
            store.import_files(db, kecamatan_files(files, k.kode), by="bench", user_id=None, now=datetime.now(),
                               kecamatan=k.kode, periode=periode)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    for periode in data:
        export.publish(db, periode, content)
    published = time.perf_counter() - start
    # The demo marks its data contoh: true; export writes contoh: false. Keep the label honest.
    for periode in data:
        meta = content / "data" / "kependudukan" / periode / "meta.yml"
        meta.write_text(meta.read_text().replace("contoh: false", "contoh: true"))
    db.close()
    result.update(mode="portal.domain.population.store.import_files + export.publish", import_s=imported,
                  publish_s=published)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", help="also write the numbers as JSON")
    parser.add_argument("--smoke", action="store_true",
                        help="a small run that only shows the script works: 2 periods (the three builds remain)")
    args = parser.parse_args()
    if args.smoke:
        args.periods = 2
    work = Path(tempfile.mkdtemp(prefix="bench-profil-"))
    try:
        project = copy_site(work / "project")
        content = project / "content"
        base = build(project, work / "site-base")

        names = periods(args.periods)
        start = time.perf_counter()
        data = demo.generate(names)
        generated = time.perf_counter() - start
        imported = import_data(data, content, work)
        (content / "data" / "profil").mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "content/data/profil/luas-wilayah.yml", content / "data/profil/luas-wilayah.yml")
        years = sorted({p[:4] for p in names if p.endswith("S2")})
        for year in years:
            (content / "data/profil" / f"{year}.yml").write_text(
                f"tahun: {year}\nperiode: {year}-S2\nstatus: disahkan\ndisahkan_oleh: Kepala Dinas\n"
                f"tanggal_disahkan: {int(year) + 1}-03-31\n")
        cold = build(project, work / "site-cold")
        warm = build(project, work / "site-warm")
        from portal.publish import profile
        start = time.perf_counter()
        outputs = profile.generate(content, preview=False)
        gen = time.perf_counter() - start
        pages = sum(1 for p in (work / "site-warm").rglob("index.html"))
        base_pages = sum(1 for p in (work / "site-base").rglob("index.html"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rep = {
        "periods": names, "editions": years, "kecamatan_reports": imported["reports"], "csv_files": imported["files"],
        "import_mode": imported["mode"], "demo_generate_s": generated, "import_s": imported["import_s"],
        "publish_s": imported.get("publish_s"), "build_baseline_s": base, "build_profile_cold_s": cold,
        "build_profile_warm_s": warm, "profile_generate_warm_s": gen, "profile_outputs": len(outputs),
        "pages_baseline": base_pages, "pages_with_profile": pages,
    }
    print(f"Periods: {len(names)} ({names[0]} .. {names[-1]}); editions: {', '.join(years)}")
    print(f"Import: {rep['kecamatan_reports']} kecamatan reports, {rep['csv_files']} CSV files via {rep['import_mode']}")
    print(f"  demo data generated       {generated:8.2f} s")
    print(f"  import (checks + store)   {imported['import_s']:8.2f} s  ({imported['import_s'] / imported['reports'] * 1000:.0f} ms a report)")
    if imported.get("publish_s") is not None:
        print(f"  publish to content/data   {imported['publish_s']:8.2f} s")
    print("Builds (python -m portal.publish site), baseline measured in this run:")
    print(f"  baseline, no profile      {base:8.2f} s  {base_pages} pages  1.00×")
    print(f"  with profile, cold (PDF)  {cold:8.2f} s  {pages} pages  {cold / base:.2f}×")
    print(f"  with profile, warm        {warm:8.2f} s  {pages} pages  {warm / base:.2f}×")
    print(f"  profile.generate() alone  {gen:8.2f} s  {len(outputs)} files  (warm, {gen / base:.2f}× the baseline build)")
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
