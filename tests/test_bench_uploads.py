"""scripts/bench/uploads.py runs at smoke size and prints its table (peak memory of the portal
while clients upload the largest accepted images); its figures are read by people, never asserted."""

import re
import subprocess
import sys

from conftest import ROOT


def test_upload_memory_benchmark_runs_and_prints_its_table():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "uploads.py"), "--smoke"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    print(result.stdout)
    assert result.returncode == 0, result.stderr
    assert "peak/base" in result.stdout
    for scenario in ("small photo", "largest PNGs", "largest JPEGs", "7000 px PNG"):
        assert re.search(rf"^{scenario} +2 ", result.stdout, re.M), scenario
