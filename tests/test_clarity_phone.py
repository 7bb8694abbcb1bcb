"""The built site on a 360 x 740 phone in real Chromium: chart and diagram text is at least
12 CSS px, a small change in a trend is labelled, a wide table scrolls to its last column with a
visible cue, and an SOP page is short enough to find a step in.

Text size is measured, not read from the files: each chart's SVG is placed in the page at the
size the browser gave its <img>, and every <text> element's computed font size is multiplied
by the scale of its screen transformation matrix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from site_helpers import serve_folder

MIN_PX = 12
OVERVIEW = "/profil-kependudukan/2024/"
CHART_PAGES = [OVERVIEW, OVERVIEW + "kuantitas/", OVERVIEW + "sosial/", OVERVIEW + "umur/",
               "/sop/penanganan-pengaduan/", "/sop/penyusunan-profil-perkembangan-kependudukan/"]

# Height of each SOP page at 360 x 740 before the pages were made compact (Chromium, this
# repository's site, measured with document.documentElement.scrollHeight): 8108 to 17160 px,
# that is 11 to 23 screens. Each page must now be less than half as long as it was.
HEIGHT_BEFORE = {
    "backup-data-hasil-pelayanan-perekaman-biometrik-ktp-el": 8722,
    "backup-data-hasil-pelayanan-siak": 8108,
    "pelaporan-data-kependudukan": 12807,
    "pemberian-hak-akses-siak": 11494,
    "pemberian-hak-akses-siak-konsolidasi": 14580,
    "pemeliharaan-alat-perekaman": 12516,
    "pemeliharaan-jaringan-komunikasi-data": 9888,
    "penanganan-pengaduan": 13421,
    "pengelolaan-website": 10431,
    "penghapusan-data-kependudukan-bermasalah": 14184,
    "pengiriman-data-hasil-perekaman-biometrik-offline": 8555,
    "pengiriman-data-perekaman-biometrik-online": 11750,
    "penyambungan-aplikasi-data-warehouse": 14521,
    "penyusunan-profil-perkembangan-kependudukan": 17160,
    "sosialisasi-kebijakan-kependudukan-melalui-media-cetak": 11950,
    "sosialisasi-tatap-muka": 11154,
}


@pytest.fixture(scope="module")
def url(built_site):
    with serve_folder(built_site) as base:
        yield base


TEXT_SIZES = """async img => {
  const rect = img.getBoundingClientRect();
  const markup = await (await fetch(img.currentSrc)).text();
  const box = document.createElement('div');
  box.style.position = 'absolute'; box.style.left = '0'; box.style.top = '0';
  box.style.width = rect.width + 'px';
  box.innerHTML = markup;
  document.body.append(box);
  const svg = box.querySelector('svg');
  svg.setAttribute('width', rect.width); svg.removeAttribute('height');
  const texts = [...svg.querySelectorAll('text')].map(t => ({
    text: t.textContent,
    px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
  }));
  box.remove();
  return {src: img.currentSrc, width: rect.width, texts};
}"""


def shown_charts(page) -> list[dict]:
    """Every chart or diagram image the reader sees on the page, with its text sizes."""
    found = []
    images = page.locator("article img[src$='.svg']")
    for i in range(images.count()):
        img = images.nth(i)
        if not img.is_visible():
            continue  # the other variant of an SOP diagram, hidden on this screen
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        found.append(img.evaluate(TEXT_SIZES))
    return found


@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_and_diagram_text_is_at_least_12_px(page, url, path):
    page.goto(url + path)
    charts = shown_charts(page)
    assert charts, "no chart on the page"
    small = [(c["src"].rsplit("/", 1)[-1], t["text"], round(t["px"], 1))
             for c in charts for t in c["texts"] if t["px"] < MIN_PX]
    assert small == [], small[:10]
    assert all(c["texts"] for c in charts)


def test_a_small_change_in_the_population_trend_is_labelled(page, url):
    page.goto(url + OVERVIEW)
    heading = page.get_by_role("heading", name="Perkembangan jumlah penduduk")
    table = page.locator("h2:has-text('Perkembangan jumlah penduduk') ~ div table, "
                         "h2:has-text('Perkembangan jumlah penduduk') ~ table").first
    totals = [int(t.replace(".", "")) for t in table.locator("tbody tr td:last-child").all_inner_texts()]
    assert len(totals) >= 2 and abs(totals[-1] - totals[-2]) / totals[-2] < 0.01  # the small difference
    # In words, under the chart, and visible.
    caption = page.get_by_text(re.compile(r"jumlah penduduk (naik|turun) [\d.]+ jiwa"))
    expect(caption).to_be_visible()
    moved = abs(totals[-1] - totals[0])
    assert f"{moved:,}".replace(",", ".") in caption.inner_text()
    # On the chart itself: each bar after the first carries its change from the one before.
    heading.scroll_into_view_if_needed()
    chart = next(c for c in shown_charts(page) if c["src"].endswith("perkembangan.svg"))
    last_change = totals[-1] - totals[-2]
    label = f"{'+' if last_change > 0 else '−'}{abs(last_change):,}".replace(",", ".")
    labelled = [t for t in chart["texts"] if label in t["text"] and "%" in t["text"]]
    assert labelled and all(t["px"] >= MIN_PX for t in labelled), chart["texts"]


def test_a_wide_table_scrolls_to_its_last_column_with_a_visible_cue(page, url):
    page.goto(url + OVERVIEW)
    page.wait_for_load_state("load")
    table = page.locator("h2:has-text('Perkembangan jumlah penduduk') ~ div table").first
    last = table.locator("thead th").last
    expect(last).to_have_text("Jumlah")
    box = table.locator("xpath=ancestor::div[contains(@class, 'md-typeset__scrollwrap')]")
    width = page.viewport_size["width"]
    assert last.bounding_box()["x"] + last.bounding_box()["width"] > width  # cut off at first
    hint = box.locator("xpath=preceding-sibling::*[1]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("geser ke samping")
    assert "radial-gradient" in box.evaluate("b => getComputedStyle(b).backgroundImage")  # the edge shadow
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    end = last.bounding_box()
    assert 0 <= end["x"] and end["x"] + end["width"] <= width
    # A table that fits the phone gets no such hint.
    small = page.locator("h2:has-text('Angka utama') ~ div table").first
    fits = small.locator("xpath=ancestor::div[contains(@class, 'md-typeset__scrollwrap')]")
    assert fits.evaluate("b => b.scrollWidth <= b.clientWidth")
    expect(fits.locator("xpath=preceding-sibling::*[1][contains(., 'geser ke samping')]")).to_be_hidden()


@pytest.mark.parametrize("slug", sorted(HEIGHT_BEFORE))
def test_sop_page_is_compact_and_says_its_note_once(page, url, slug):
    page.goto(url + f"/sop/{slug}/")
    page.wait_for_load_state("load")
    text = page.locator("article").evaluate("a => a.textContent")  # folded parts included
    assert text.count("disimpulkan dari teks kegiatan") <= 1
    assert not re.search(r"\bOutput\b", text)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < HEIGHT_BEFORE[slug] / 2, (height, HEIGHT_BEFORE[slug])


def test_a_citizen_opens_a_step_and_reads_its_result(page, url):
    page.goto(url + "/sop/penanganan-pengaduan/")
    step = page.locator("#langkah-3")
    expect(step.get_by_text("Hasil", exact=True)).to_be_hidden()
    step.locator("summary").click()
    expect(step.get_by_text("Hasil", exact=True)).to_be_visible()
    expect(page.get_by_text("disimpulkan dari teks kegiatan")).to_be_visible()
