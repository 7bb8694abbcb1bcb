"""The annual complaint report on the public website, in real Chromium on a 360 px phone.

A copy of the site's sources is built twice (public and preview) with report files exported by
the portal from the fixture year of tests/test_reports.py: 2024 and 2025 approved by the Kepala
Dinas, 2026 a provisional draft. The public build must show the approved reports with their
figures, every chart followed by its table, and leave the draft out entirely."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from datetime import datetime

import pytest
from playwright.sync_api import expect

from conftest import ROOT
from site_helpers import build, copy_sources, serve_folder
from portal.db import prepare
from portal.domain import catalog as catalog_module, reports
from portal.publish import complaint_report
from test_reports import CAL, CATALOG, TODAY, YEAR, build_year


def _copy_sources(dest):
    copy_sources(dest, ignore=shutil.ignore_patterns("laporan-pengaduan", "pengaduan-*", ".generated", ".cache"))


def _build(src, site, preview: bool):
    result = build(src, site, preview=preview)
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="module")
def report_sites(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report-site")
    db = prepare(str(tmp / "portal.db"))
    (tmp / "up").mkdir()
    plans, extra = build_year(db, str(tmp / "up"))
    src = tmp / "src"
    src.mkdir()
    _copy_sources(src)
    out = src / "content" / "data" / "laporan-pengaduan"
    kadis = extra["people"]["kadis"]
    for tahun in (2024, YEAR):
        doc = reports.export(db, tahun, out, catalog=CATALOG, calendar=CAL, today=TODAY)
        reports.approve(db, tahun, out, actor_id=kadis.id, roles=kadis.roles, jabatan="Kepala Dinas",
                        expected_hash=doc["sidik"], now=datetime(2026, 3, 3, 10))
    draft = reports.export(db, 2026, out, catalog=CATALOG, calendar=CAL, today=TODAY)
    assert draft["status"] == "draft" and not draft["lengkap"]
    _build(src, tmp / "site", preview=False)
    _build(src, tmp / "preview", preview=True)
    doc = json.loads((out / f"{YEAR}.json").read_text())
    return {"site": tmp / "site", "preview": tmp / "preview", "doc": doc, "src": src}


@pytest.fixture(scope="module")
def report_url(report_sites):
    with serve_folder(report_sites["site"]) as base:
        yield base


def test_an_approved_report_shows_its_figures_and_charts_with_tables(page, report_url, report_sites):
    a = report_sites["doc"]["angka"]
    page.goto(report_url + "/laporan/")
    link = page.get_by_role("link", name=f"Laporan Tahunan Penanganan Pengaduan {YEAR}")
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name="Laporan Tahunan Penanganan Pengaduan 2026")).to_have_count(0)
    link.click()
    expect(page.locator("h1")).to_contain_text(f"Laporan Tahunan Penanganan Pengaduan {YEAR}")
    article = page.locator("article")
    expect(article).to_contain_text(f"{a['diterima']} pengaduan diterima")
    expect(article).to_contain_text("Disetujui oleh Kepala Dinas")
    expect(article).to_contain_text("Dibandingkan dengan tahun 2024")
    tanggapan = next(k for k in a["ketepatan"] if k["kode"] == "tanggapan")
    expect(article).to_contain_text(tanggapan["tepat_waktu"]["teks"])
    images = article.locator("img[src$='.svg']")
    count = images.count()
    assert count >= 9
    for i in range(count):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert img.get_attribute("alt").startswith("Diagram batang")
        # the chart's data table follows it (after an optional caption)
        following = img.evaluate("""img => { let el = img.closest('p'); el = el.nextElementSibling;
            while (el && el.tagName === 'P' && !el.querySelector('img')) el = el.nextElementSibling;
            return el ? (el.tagName === 'TABLE' ? 'TABLE' : el.querySelector('table') ? 'TABLE' : el.tagName) : null; }""")
        assert following == "TABLE", img.get_attribute("src")
    # small cells are shown as "< 3" in the tables, never as their count
    category = article.locator("table").filter(has_text="KIA (Kartu Identitas Anak)")
    expect(category.locator("tr", has_text="KIA")).to_contain_text("< 3")
    expect(category.locator("tr", has_text="Pindah/Datang")).to_contain_text("\u00d7")
    kepuasan = article.locator("table").filter(has_text="Nilai konversi")
    expect(kepuasan).to_contain_text(a["kepuasan"]["mutu"])


def test_the_print_version_is_a_pdf(report_url):
    with urllib.request.urlopen(f"{report_url}/laporan/pengaduan-{YEAR}.pdf") as response:
        data = response.read()
    assert data.startswith(b"%PDF")


def test_an_unapproved_report_is_absent_from_the_public_build(page, report_url, report_sites):
    site = report_sites["site"]
    assert not (site / "laporan" / "pengaduan-2026").exists()
    assert not list((site / "laporan").glob("pengaduan-2026*"))
    assert "Penanganan Pengaduan 2026" not in (site / "search" / "search_index.json").read_text()
    response = page.goto(report_url + "/laporan/pengaduan-2026/")
    assert response.status == 404
    # ... and is in the preview, with the DRAF banner
    preview = (report_sites["preview"] / "laporan" / "pengaduan-2026" / "index.html").read_text()
    assert "DRAF" in preview and "Laporan Tahunan Penanganan Pengaduan 2026" in preview
    assert (report_sites["preview"] / "laporan" / "pengaduan-2026.pdf").exists()


def test_the_pdf_is_deterministic(report_sites):
    doc = complaint_report.read_report(report_sites["src"] / "content" / "data" / "laporan-pengaduan" / f"{YEAR}.json")
    page_md, svgs = complaint_report.page_markdown(doc, None)
    html_text = complaint_report.render_html(doc, page_md, svgs)
    assert complaint_report.render_pdf(html_text) == complaint_report.render_pdf(html_text)


def test_a_broken_report_file_names_the_file_and_field(tmp_path):
    folder = tmp_path / "data" / "laporan-pengaduan"
    folder.mkdir(parents=True)
    (folder / "2025.json").write_text(json.dumps({"jenis": complaint_report.KIND, "tahun": 2025,
                                                  "status": "disetujui", "disetujui_oleh": "Kepala Dinas",
                                                  "tanggal_disetujui": "2026-13-01"}))
    with pytest.raises(complaint_report.DataError, match=r"2025\.json.*tanggal_disetujui"):
        complaint_report.generate(tmp_path, preview=False)


def test_the_report_names_the_standards_of_the_sop_data_it_was_measured_with(tmp_path):
    """The clock labels come from the SOP data through the exported report: a copy of the data
    with a 45-day decision limit and a 2-day receipt standard gives a page that says so."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data")
    sop = content / "data" / "sop" / "penanganan-pengaduan.yml"
    text = sop.read_text(encoding="utf-8")
    changed = text.replace("    hari: 60\n", "    hari: 45\n", 1).replace("  waktu: 1 hari\n", "  waktu: 2 hari\n", 1)
    assert changed.count("hari: 45") == 1 and changed.count("waktu: 2 hari") == 1
    sop.write_text(changed, encoding="utf-8")
    catalog = catalog_module.load(content)
    db = prepare(str(tmp_path / "portal.db"))
    (tmp_path / "up").mkdir()
    build_year(db, str(tmp_path / "up"))
    out = reports.report_dir(content)
    for tahun in (2024, YEAR):
        reports.export(db, tahun, out, catalog=catalog, calendar=CAL, today=TODAY)
    docs = complaint_report.read_reports(content)
    page, svgs = complaint_report.page_markdown(docs[YEAR], docs[2024])
    assert "| Pencatatan dalam 2 hari kerja (SOP) |" in page and "1 hari kerja" not in page
    chart = next(svg for name, svg in svgs.items() if "ketepatan" in name)
    assert "Keputusan (45 hari kalender)" in chart and "60 hari" not in chart + page
