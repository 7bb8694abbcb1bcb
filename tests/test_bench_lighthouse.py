"""scripts/bench/lighthouse.py runs: on one page (the tracking page, about 40 s with the site build
on this machine), it serves the site and portal on loopback and prints the four Lighthouse
category scores and the LCP. Without Lighthouse installed (scripts/test installs it when npm is
there) the setup check must say what is missing, and the test fails unless TESTS_WITHOUT names
lighthouse (conftest.require)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import require

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "bench" / "lighthouse.py"


def test_lighthouse_on_one_page(tmp_path):
    setup = subprocess.run([sys.executable, str(SCRIPT), "--check-setup"], capture_output=True, text=True,
                           timeout=120, cwd=ROOT)
    if setup.returncode != 0:
        assert "not installed" in setup.stdout or "not found" in setup.stdout, setup.stdout + setup.stderr
    require("lighthouse", setup.returncode == 0, f"Lighthouse cannot run here: {setup.stdout.strip()}")
    out = tmp_path / "lighthouse.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--pages", "lacak", "--json", str(out)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    (row,) = json.loads(out.read_text())
    assert row["page"] == "lacak" and row["url"].startswith("http://127.0.0.1:")
    for category in ("performance", "accessibility", "best-practices", "seo"):
        assert 0 <= row[category] <= 100
    assert row["lcp_ms"] > 0
    header, _, line = run.stdout.splitlines()[:3]
    assert header.split() == ["page", "perf", "a11y", "best", "seo", "LCP", "(s)"]
    assert line.split()[0] == "lacak"
