"""Smoke test of scripts/bench/site.py: one round on the repository's content, both engines."""

from site_helpers import bench_one_round


def test_site_benchmark_runs_one_round(tmp_path):
    result, data = bench_one_round("site.py", tmp_path, timeout=600)
    assert set(data["ratio_to_baseline"]) == {"mkdocs", "zensical"}
    assert data["pages"]["mkdocs"] == data["pages"]["zensical"] > 50
    for engine in ("mkdocs", "zensical"):
        for page in data["weights"][engine].values():
            assert 0 < page["html_gzip"] < page["first_visit_gzip"]
    assert "zensical / mkdocs" in result.stdout
