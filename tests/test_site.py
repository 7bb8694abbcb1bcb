"""The public website in real Chromium on a 360 px phone: navigation, search, no outside
requests, page weight, accessibility (axe on every built page), and reading without JavaScript.

The site is built once per session (conftest's `built_site`) and served by a stdlib HTTP
server on loopback."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.publish import check
from site_helpers import serve_folder

BUDGET = 150_000  # bytes, gzip, first visit, search index excluded
SECTIONS = [  # (menu title, path it leads to)
    ("Beranda", "/"), ("Layanan", "/layanan/"), ("Sosialisasi", "/sosialisasi/"),
    ("Profil Kependudukan", "/profil-kependudukan/"), ("Data Kependudukan", "/data-kependudukan/"),
    ("Laporan", "/laporan/"), ("SOP", "/sop/"), ("Pengaduan", "/layanan-pengaduan/"),
    ("Berita", "/berita/"), ("Tentang", "/tentang/"),
]


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve_folder(built_site) as base:
        yield base


def sop_page(site: Path) -> str:
    pages = [p for p in check.built_pages(site) if p.startswith("/sop/")]
    assert pages, "the build has no sop/ pages: the SOP generator produced none"
    return ([p for p in pages if p != "/sop/"] or pages)[0]


def open_drawer(page):
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(page.locator("nav.md-nav--primary")).to_be_visible()


# ------------------------------------------------------------------ navigation

@pytest.mark.parametrize("title,path", SECTIONS, ids=[s[0] for s in SECTIONS])
def test_menu_reaches_every_section_on_a_phone(page, site_url, built_site, title, path):
    assert (built_site / path.strip("/") / "index.html").exists(), f"the build has no {path} page"
    # Start from a page outside every section, so that the drawer opens on the top level.
    page.goto(site_url + ("/layanan-pengaduan/" if path == "/" else "/"))
    open_drawer(page)
    top_level = page.locator("nav.md-nav--primary > ul > li > a, "
                             "nav.md-nav--primary > ul > li > .md-nav__container > a")
    top_level.filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")).click()
    expect(page).to_have_url(site_url + path)
    expect(page.locator("h1").first).to_be_visible()


def test_menu_reaches_a_page_inside_a_section(page, site_url):
    page.goto(site_url + "/")
    open_drawer(page)
    primary = page.locator("nav.md-nav--primary")
    # The section's arrow opens its sub-menu (the section title itself is its index page).
    primary.locator("li.md-nav__item--nested", has=page.get_by_role("link", name="Layanan", exact=True)) \
        .locator("label.md-nav__link").first.click()
    primary.get_by_role("link", name="Akta Kelahiran", exact=True).click()
    expect(page).to_have_url(site_url + "/layanan/akta-kelahiran/")
    expect(page.get_by_role("heading", name="Akta Kelahiran", level=1)).to_be_visible()


def test_page_fits_a_360px_screen(page, site_url):
    for path in ("/", "/layanan/akta-kelahiran/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_standar_pelayanan_list_and_service_page_lead_to_each_other(page, site_url, built_site):
    """One page per service, at the address citizens know, made from the Standar Pelayanan data:
    the list leads to it, it shows how long the service takes and its print version, and leads back."""
    page.goto(site_url + "/standar-pelayanan/")
    page.locator("article").get_by_role("link", name="Kartu Keluarga (KK)", exact=True).click()
    expect(page).to_have_url(site_url + "/layanan/kk/")
    expect(page.get_by_role("heading", name="Berapa lama", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Pengaduan, saran, dan masukan", level=2)).to_be_visible()
    pdf = page.locator("article").get_by_role("link", name=re.compile("versi cetak")).get_attribute("href")
    response = page.request.get(urljoin(page.url, pdf))
    assert response.ok and response.body().startswith(b"%PDF")
    page.locator("article").get_by_role("link", name="semua Standar Pelayanan").click()
    expect(page).to_have_url(site_url + "/standar-pelayanan/")
    assert not (built_site / "standar-pelayanan" / "kk").exists()  # no second page of the same service


# ------------------------------------------------------------------ search

def search(page, site_url, query) -> list[str]:
    page.goto(site_url + "/")
    page.locator("label.md-header__button[for='__search']").click()
    box = page.get_by_role("combobox").or_(page.locator("input.md-search__input")).first
    box.press_sequentially(query, delay=20)
    results = page.locator(".md-search-result__item > a, .md-search-result__link")
    expect(results.first).to_be_visible(timeout=10_000)
    return [urlsplit(h).path for h in results.evaluate_all("as => as.map(a => a.href)")]


@pytest.mark.parametrize("query,expected", [
    ("akta kelahiran", "/layanan/akta-kelahiran/"),
    ("pindah datang", "/layanan/pindah-datang/"),
    ("kk hilang", "/layanan/kk/"),
])
def test_search_answers_common_questions(page, site_url, query, expected):
    found = search(page, site_url, query)
    assert expected in found[:3], found


# ------------------------------------------------------------------ requests and weight

def first_load(page, url) -> list:
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    return responses


def test_no_request_leaves_the_site(page, site_url, built_site):
    for path in ("/", "/layanan/akta-kelahiran/", sop_page(built_site)):
        seen = []
        page.on("request", lambda request: seen.append(request.url))
        page.goto(site_url + path, wait_until="networkidle")
        outside = [u for u in seen if not u.startswith(site_url + "/") and not u.startswith("data:")]
        assert outside == [], (path, outside)


def test_built_html_names_no_outside_asset(built_site):
    """No tag that makes the browser fetch something (script, stylesheet, icon, image, frame)
    points to another host; <a> links and the canonical address may."""
    tag = re.compile(r"<(script|link|img|iframe|source|video|audio)\b[^>]*>", re.I)
    outside = re.compile(r"\b(?:src|href|srcset)=\"(?:https?:)?//", re.I)
    offenders = []
    for html in built_site.rglob("*.html"):
        for match in tag.finditer(html.read_text(encoding="utf-8")):
            text = match.group(0)
            if re.search(r"\brel=\"?(canonical|alternate)", text):
                continue
            if outside.search(text):
                offenders.append((str(html.relative_to(built_site)), text))
    assert offenders == []


@pytest.mark.parametrize("which", ["home", "content", "sop"])
def test_first_visit_weighs_under_150_kb_gzip(page, site_url, built_site, which):
    path = {"home": "/", "content": "/layanan/akta-kelahiran/", "sop": None}[which] or sop_page(built_site)
    responses = first_load(page, site_url + path)
    total, items = 0, []
    for response in responses:
        if response.status != 200 or response.url.endswith("search_index.json"):
            continue
        size = len(gzip.compress(response.body(), compresslevel=6))
        total += size
        items.append((size, response.url))
    assert total < BUDGET, sorted(items, reverse=True)


# ------------------------------------------------------------------ links

def test_every_internal_link_resolves(built_site):
    broken = check.broken_links(built_site)
    assert broken == []


# ------------------------------------------------------------------ without JavaScript

def test_readable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_url + "/layanan/kk/")
    expect(page.get_by_role("heading", name="Kartu Keluarga (KK)", level=1)).to_be_visible()
    expect(page.get_by_text("KK hilang atau rusak")).to_be_visible()
    # The menu is plain links in the page: every section can be reached without scripts.
    hrefs = page.eval_on_selector_all("nav.md-nav--primary a", "as => as.map(a => a.getAttribute('href'))")
    assert any("akta-kelahiran" in h for h in hrefs)
    context.close()


# ------------------------------------------------------------------ accessibility

def test_axe_finds_no_serious_violation_on_any_page(page, site_url, built_site):
    axe = Axe()
    problems = {}
    for path in check.built_pages(built_site):
        page.goto(site_url + path)
        result = axe.run(page)
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                   for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    assert problems == {}
