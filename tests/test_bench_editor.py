"""Smoke test of scripts/bench/editor.py: one round of each publication."""

import json
import subprocess
import sys

from site_helpers import ROOT


def test_editor_benchmark_runs_one_round(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "editor.py"), "--repeat", "1",
                             "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert set(data["ratio_to_baseline"]) == {"berita", "materi"}
    assert all(len(v) == 1 and v[0] > 0 for v in data["seconds"].values())
    assert "material + PDF" in result.stdout
