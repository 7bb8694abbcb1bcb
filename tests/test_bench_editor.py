"""Smoke test of scripts/bench/editor.py: one round of each publication."""

from site_helpers import bench_one_round


def test_editor_benchmark_runs_one_round(tmp_path):
    result, data = bench_one_round("editor.py", tmp_path, timeout=900)
    assert set(data["ratio_to_baseline"]) == {"berita", "materi"}
    assert all(len(v) == 1 and v[0] > 0 for v in data["seconds"].values())
    assert "material + PDF" in result.stdout
