"""The Profil Perkembangan Kependudukan on the built site, in real Chromium on a 360 px phone:
the overview's figures, the Kecamatan Trenggalek page, a data table after every chart, no draft
edition in the public build, axe on every profile page, and the overview's page weight.

The public site is built once for this module (`python -m portal.publish site`) and served by a stdlib
HTTP server on loopback."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from site_helpers import build, serve_folder

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 150_000  # bytes, gzip, first visit, search index excluded (the site's budget, tests/test_site.py)
OVERVIEW = "/profil-kependudukan/2024/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("profil-site") / "site"
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def url(site):
    with serve_folder(site) as base:
        yield base


def profile_pages(site: Path) -> list[str]:
    pages = []
    for section in ("profil-kependudukan", "data-kependudukan"):
        pages += ["/" + p.relative_to(site).parent.as_posix() + "/" for p in (site / section).rglob("index.html")]
    return sorted(pages)


def test_overview_shows_the_published_total(page, url):
    page.goto(url + OVERVIEW)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tahun 2024")
    row = page.locator("table tr", has_text="Jumlah penduduk").first
    expect(row).to_contain_text("753.810 jiwa")
    expect(page.locator("article")).to_contain_text("Semester II 2024")
    expect(page.locator(".admonition", has_text="data contoh")).to_be_visible()
    # The print version is linked and served.
    href = page.get_by_role("link", name="Unduh versi cetak (PDF, A4)").get_attribute("href")
    response = page.request.get(url + OVERVIEW + href)
    assert response.status == 200 and response.body().startswith(b"%PDF")


def test_section_index_leads_to_the_edition(page, url):
    page.goto(url + "/profil-kependudukan/")
    page.get_by_role("link", name="Tahun 2024").first.click()
    expect(page).to_have_url(url + OVERVIEW)


def test_kecamatan_trenggalek_lists_8_desa_and_5_kelurahan(page, url):
    page.goto(url + OVERVIEW + "kecamatan/trenggalek/")
    expect(page.get_by_role("heading", name="Kecamatan Trenggalek", level=1)).to_be_visible()
    table = page.locator("table", has=page.locator("th", has_text="Desa/kelurahan"))
    kinds = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert kinds.count("Desa") == 8 and kinds.count("Kelurahan") == 5
    codes = [c for c in table.locator("tbody tr td:nth-child(2)").all_inner_texts() if c]
    assert len(codes) == 13 and all(c.startswith("35.03.11.") for c in codes)
    for name in ("Tamanan", "Ngantru", "Kelutan", "Surodakan", "Sumbergedong", "Ngares", "Dawuhan"):
        expect(table.get_by_role("cell", name=name, exact=True)).to_be_visible()


CHART_THEN_TABLE = """() => [...document.querySelectorAll('article img[src$=".svg"]')].map(img => {
  let el = img.closest('p') || img;
  while ((el = el.nextElementSibling)) {
    if (el.querySelector('img') || /^H[1-6]$/.test(el.tagName)) return [img.getAttribute('src'), false];
    if (el.tagName === 'TABLE' || el.querySelector('table')) return [img.getAttribute('src'), true];
  }
  return [img.getAttribute('src'), false];
})"""


def test_every_chart_on_the_overview_has_its_table(page, url):
    page.goto(url + OVERVIEW)
    found = page.evaluate(CHART_THEN_TABLE)
    assert len(found) >= 2  # pyramid and the trend
    assert all(ok for _, ok in found), found
    for src, _ in found:
        assert page.request.get(url + OVERVIEW + src).headers["content-type"].startswith("image/svg")
    alts = page.locator('article img[src$=".svg"]').evaluate_all("is => is.map(i => i.alt)")
    assert all(a.strip() for a in alts)


def test_no_draft_edition_in_the_public_build(page, url, site):
    assert not (site / "profil-kependudukan" / "2025").exists()
    index = (site / "profil-kependudukan" / "index.html").read_text(encoding="utf-8")
    assert "Tahun 2025" not in index and "DRAF" not in index
    assert "Tahun 2025" not in (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert page.goto(url + "/profil-kependudukan/2025/").status == 404


def test_axe_finds_no_serious_violation_on_profile_pages(page, url, site):
    axe = Axe()
    pages = profile_pages(site)
    assert len(pages) >= 2 + 9 + 14
    problems = {}
    for path in pages:
        page.goto(url + path)
        result = axe.run(page)
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                   for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    assert problems == {}


def test_overview_page_weight(page, url):
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(url + OVERVIEW, wait_until="networkidle")
    page.mouse.wheel(0, 20_000)  # lazy charts below the fold load too
    page.wait_for_load_state("networkidle")
    total, raw, items = 0, 0, []
    for r in responses:
        if r.status != 200 or r.url.endswith("search_index.json"):
            continue
        body = r.body()
        size = len(gzip.compress(body, compresslevel=6))
        total, raw = total + size, raw + len(body)
        items.append((size, r.url.replace(url, "")))
    print(f"\nOverview {OVERVIEW}: {total:,} bytes gzip ({raw:,} uncompressed), {len(items)} responses")
    for size, name in sorted(items, reverse=True)[:6]:
        print(f"  {size:>8,}  {name}")
    assert total < BUDGET, sorted(items, reverse=True)
