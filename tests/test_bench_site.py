"""Smoke test of scripts/bench/site.py: one round on the repository's content, both engines."""

import json
import subprocess
import sys

from site_helpers import ROOT


def test_site_benchmark_runs_one_round(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "site.py"), "--repeat", "1",
                             "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert set(data["ratio_to_baseline"]) == {"mkdocs", "zensical"}
    assert data["pages"]["mkdocs"] == data["pages"]["zensical"] > 50
    for engine in ("mkdocs", "zensical"):
        for page in data["weights"][engine].values():
            assert 0 < page["html_gzip"] < page["first_visit_gzip"]
    assert "zensical / mkdocs" in result.stdout
