"""Smoke tests of the benchmarks in scripts/bench/: each one runs at a tiny size (`--smoke`) and
prints its table. Nothing here looks at a time; the numbers are the benchmark's business. A
script with a test file of its own (tests/test_bench_<name>.py) is left to that file."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, LiveServer

BENCH = ROOT / "scripts" / "bench"
# What each script's report shows: a line of its table.
TABLE = {
    "inbox.py": "query        rows  median ms  p95 ms  x base  first ms",
    "load.py": "mix throughput / baseline throughput",
    "portal.py": "scenario",
    "profile.py": "Builds (python -m portal.publish site), baseline measured in this run:",
    "report.py": "ratio     export / baseline:",
    "site.py": "zensical / mkdocs",
    # These three have test files of their own (tests/test_bench_<name>.py).
    "editor.py": "",
    "lighthouse.py": "",
    "uploads.py": "",
}
OWN_TEST = {p.name for p in BENCH.glob("*.py") if (ROOT / "tests" / f"test_bench_{p.stem}.py").exists()}
SMOKED = sorted(p.name for p in BENCH.glob("*.py") if p.name not in OWN_TEST)


def test_every_benchmark_has_a_smoke_test():
    assert sorted(p.name for p in BENCH.glob("*.py")) == sorted(TABLE)
    assert OWN_TEST <= set(TABLE)


@pytest.fixture
def portal_server(tmp_path, smtp):
    """The portal in waitress on loopback (no site: portal.py measures the portal only)."""
    (tmp_path / "site").mkdir()
    server = LiveServer(tmp_path, smtp)
    assert server.flask("migrate").returncode == 0
    server.start()
    yield server
    server.stop()


def run(script, *args) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(BENCH / script), "--smoke", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=900,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert TABLE[script] in result.stdout, result.stdout[-3000:]
    return result


@pytest.mark.parametrize("script", [s for s in SMOKED if s not in ("portal.py", "load.py")])
def test_benchmark_runs_at_a_tiny_size_and_prints_its_table(script, tmp_path):
    args = {"inbox.py": ["--db", str(tmp_path / "inbox.db")], "report.py": ["--db", str(tmp_path / "report.db")]}
    run(script, *args.get(script, []))


def test_portal_benchmark_runs_against_a_running_portal(portal_server, tmp_path):
    out = tmp_path / "bench.json"
    run("portal.py", "--url", portal_server.url, "--data-dir", str(portal_server.data_dir), "--json", str(out))
    # Every scenario really did what it measures (a benchmark of refusals measures nothing).
    assert {r["scenario"]: r["errors"] for r in json.loads(out.read_text())["scenarios"]} == {
        "baseline": 0, "form page": 0, "submission": 0, "tracking": 0}


def test_load_benchmark_runs_and_its_requests_succeed(tmp_path):
    out = tmp_path / "bench.json"
    run("load.py", "--json", str(out))
    # Its table is printed whatever the portal answered; a mix of refused requests (a changed form,
    # a changed tracking flow) measures nothing, so every request of the run must have succeeded.
    data = json.loads(out.read_text())
    kinds = {k["kind"]: k["errors"] for k in data["baseline"]["kinds"] + data["mix"]["kinds"]}
    assert "site page (nginx)" in kinds and "static page (baseline)" in kinds, kinds
    assert kinds == dict.fromkeys(kinds, 0)
