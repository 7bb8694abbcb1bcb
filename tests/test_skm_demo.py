"""The SKM demo data (data contoh) that scripts/run seeds: the real command on a copy of the site's
sources, then the staff page, the built site's SKM pages and the readiness check all say that the
figures are simulated; seeding again writes nothing; removing takes it all away."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import conftest
from conftest import login, make_staff
from portal import create_app
from portal.db import connect
from portal.domain import disclosure, readiness, skm_demo, skm_results, standar
from portal.domain.errors import DataError
from portal.domain.formatting import angka
from portal.publish import readiness as build_check
from site_helpers import build, copy_sources

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("skm_responses", "skm_populasi", "skm_tindak_lanjut", "audit_log")


def snapshot(db, folder: Path) -> tuple:
    counts = {t: db[t].count for t in TABLES}
    files = {p.name: p.read_bytes() for p in sorted((folder / "data/skm").glob("*.json"))}
    return counts, files


@pytest.fixture(scope="module")
def demo(tmp_path_factory, session_smtp):
    """A copy of the site's sources and a portal on it, seeded twice by `flask --app portal skm contoh`."""
    tmp = tmp_path_factory.mktemp("skm-demo")
    project = copy_sources(tmp / "project")
    app = create_app({**conftest.portal_config(tmp / "data", session_smtp.port),
                      "CONTENT_DIR": str(project / "content")})
    db = connect(app.config["DATABASE"])
    runner = app.test_cli_runner()
    first = runner.invoke(args=["skm", "contoh"])
    assert first.exit_code == 0, first.output
    after_first = snapshot(db, project / "content")
    second = runner.invoke(args=["skm", "contoh"])
    assert second.exit_code == 0, second.output
    yield {"app": app, "db": db, "project": project, "content": project / "content", "tmp": tmp,
           "runner": runner, "first": after_first, "second": snapshot(db, project / "content"),
           "output": (first.output, second.output)}
    db.close()


def figures(demo, periode: str) -> dict:
    # Today after both demo periods: the figures are final, as on any day the demo is seeded.
    return skm_results.compute(demo["db"], periode, services=standar.names(demo["content"]),
                               today=date(2027, 1, 1), min_count=demo["app"].config["REPORT_MIN_COUNT"])


def test_seeding_twice_writes_nothing_the_second_time(demo):
    counts, files = demo["first"]
    assert counts["skm_responses"] > 0 and counts["skm_populasi"] > 0 and counts["skm_tindak_lanjut"] == 1
    assert sorted(files) == [f"{p}.json" for p in skm_demo.PERIODS]
    assert demo["second"] == demo["first"]
    assert "tidak ditulis" in demo["output"][1]


def test_demo_has_a_short_period_a_suppressed_service_and_a_plan_for_its_weak_element(demo):
    first, second = (figures(demo, p) for p in skm_demo.PERIODS)
    assert first["contoh"] and second["contoh"]
    assert any(r["peringatan"] and r["responden"] for r in first["layanan"])  # fewer than the minimum sample
    assert any(r["disembunyikan"] for r in first["layanan"])  # fewer than REPORT_MIN_COUNT
    plans = skm_results.public_plans(skm_results.rencana(demo["db"], first["periode"]), standar.names(demo["content"]))
    assert skm_results.lemah(first) and plans
    assert skm_results.missing_plans(first, plans) == []
    assert not any(r["disembunyikan"] for r in second["layanan"])


def test_staff_page_shows_ikm_band_and_data_contoh(demo):
    client = demo["app"].test_client()
    make_staff(demo["db"], {"op-demo": ["operator"]})
    login(client, "op-demo")
    periode = skm_demo.PERIODS[0]
    page = client.get("/pengaduan/staf/skm/").get_data(as_text=True)
    assert f'href="/pengaduan/staf/skm/?periode={periode}"' in page  # the demo periods are one click away
    page = client.get(f"/pengaduan/staf/skm/?periode={periode}").get_data(as_text=True)
    whole = figures(demo, periode)["keseluruhan"]["ikm"]
    assert "<strong>Data contoh</strong>" in page
    # Numbers written the Indonesian way, as on the site: "3,27 / 81,84", never "3.274" (three thousand).
    assert (f"{angka(whole['ikm'], 2)} / {angka(whole['konversi'], 2)} ({whole['mutu']}, {whole['kinerja']}) "
            "(data contoh)" in re.sub(r"\s+", " ", page))
    for u in figures(demo, periode)["keseluruhan"]["unsur"]:
        assert f"<td>{angka(u['nrr'], 2)}</td><td>{angka(u['konversi'], 2)} (data contoh)</td>" in page
    assert "perlu tindak lanjut" in page and "Menambah satu petugas" in page
    assert "diperlukan paling sedikit" in page  # the minimum-sample warning


def test_built_site_labels_the_results_and_suppresses_the_small_service(demo):
    site = demo["tmp"] / "site"
    result = build(demo["project"], site)
    assert result.returncode == 0, result.stderr[-3000:]
    periode = skm_demo.PERIODS[0]
    html = (site / "skm" / periode / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    whole = figures(demo, periode)["keseluruhan"]["ikm"]
    assert "Data contoh" in text and "data contoh (simulasi)" in text
    assert (f"Indeks Kepuasan Masyarakat: {angka(whole['ikm'], 2)} (nilai konversi {angka(whole['konversi'], 2)}, "
            f"mutu {whole['mutu']}: {whole['kinerja']}) (data contoh)") in text
    assert f"tidak ditampilkan (< {disclosure.DEFAULT_MIN_COUNT} responden)" in text.replace("&lt;", "<")
    assert "diperlukan paling sedikit" in text
    index = re.sub(r"<[^>]+>", " ", (site / "skm" / "index.html").read_text(encoding="utf-8"))
    assert "(data contoh)" in index and "Data contoh" in index


def test_readiness_lists_demo_skm_data_and_production_build_refuses_it(demo):
    found = [p for p in readiness.check_placeholders(demo["content"]) if p.path.startswith("content/data/skm/")]
    assert sorted(Path(p.path).name for p in found) == [f"{p}.json" for p in skm_demo.PERIODS]
    assert all(p.kind == "data contoh" for p in found)
    with pytest.raises(DataError) as refused:
        build_check.check(demo["content"], production=True)
    assert f"content/data/skm/{skm_demo.PERIODS[0]}.json" in str(refused.value)
    client = demo["app"].test_client()
    make_staff(demo["db"], {"admin-demo": ["admin"]})
    login(client, "admin-demo")
    page = client.get("/pengaduan/staf/kesiapan").get_data(as_text=True)
    assert "Data contoh SKM" in page and "flask --app portal skm hapus-contoh" in page
    assert f"content/data/skm/{skm_demo.PERIODS[0]}.json" in page


def test_removal_takes_the_demo_away_and_keeps_real_responses(tmp_path, smtp):
    project = tmp_path / "content"
    project.mkdir()
    shutil.copytree(ROOT / "content/data", project / "data",
                    ignore=shutil.ignore_patterns("kependudukan", "profil"))
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(project)})
    db = connect(app.config["DATABASE"])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["skm", "contoh"]).exit_code == 0
    real = {"tanggal": "2026-09-01", "layanan": "kk", "loket": "2", **{f"u{i}": 4 for i in range(1, 10)}}
    db["skm_responses"].insert(real)
    removed = runner.invoke(args=["skm", "hapus-contoh"])
    assert removed.exit_code == 0, removed.output
    assert skm_demo.count(db) == 0
    assert db["skm_responses"].count == 1 and db["skm_populasi"].count == 0
    assert [p.name for p in (project / "data/skm").glob("*.json")] == []
    assert (project / "data/skm/loket.yml").exists()
    assert not [p for p in readiness.check_placeholders(project) if "skm" in p.path]
    left = figures({"db": db, "content": project, "app": app}, "2026-S2")  # the real response's period
    assert left["contoh"] is False
