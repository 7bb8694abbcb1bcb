"""The complaint form as a citizen on a 360 px phone sees it: real waitress server, real Chromium.

Required fields are derived from what the server refuses, never listed here by hand.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


def _submit(page):
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.locator("#ringkasan-galat")).to_be_visible()


def _fields_in_error(page) -> set[str]:
    hrefs = page.locator("#ringkasan-galat a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return {h.lstrip("#") for h in hrefs}


def _label_and_hint(page, field_id: str) -> tuple[str, str]:
    # The label with what stands beside it (the mark sits next to the label, outside it).
    label = page.locator(f"label[for='{field_id}']").locator("xpath=..").inner_text()
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    hints = " ".join(page.locator(f"#{i}").inner_text() for i in described.split() if i.endswith("-hint"))
    return label, hints


def test_every_field_the_server_requires_is_marked(page, live_server):
    page.goto(live_server.url + "/pengaduan/")
    _submit(page)
    required = _fields_in_error(page)
    # The desa is checked only once a kecamatan is chosen.
    page.get_by_label("Kecamatan").select_option(label="Trenggalek")
    _submit(page)
    required |= _fields_in_error(page)
    # What an empty anonymous complaint may leave empty is required only in some cases.
    page.get_by_label("Kecamatan").select_option(value="")
    page.get_by_role("radio", name=re.compile("^Anonim")).check()
    _submit(page)
    conditional = required - _fields_in_error(page) - {"desa"}  # desa: asked once a kecamatan is chosen
    assert {"name", "email", "category", "kecamatan", "body", "consent", "desa"} <= required
    assert conditional >= {"name", "email"}
    for field_id in sorted(required):
        label, hint = _label_and_hint(page, field_id)
        assert "*" in label, f"{field_id}: no * in its label {label!r}"
        if field_id in conditional:
            assert "wajib" in hint.lower(), f"{field_id}: its hint does not say when it is required: {hint!r}"


# ---------------------------------------------------------------- one site, not two

def _header_colour_and_menu(page) -> tuple[str, list[str]]:
    """The header's background and the top-level menu labels, read the same way on both sites."""
    return page.evaluate("""() => {
        const header = document.querySelector('header.md-header, header.top');
        const material = document.querySelector('nav.md-nav--primary > ul.md-nav__list');
        let labels;
        if (material) {
            labels = [...material.children].map(li => li.querySelector('.md-nav__link').textContent.trim());
        } else {
            labels = [...document.querySelectorAll('nav[aria-label="Menu situs"] > ul > li > a')]
                .map(a => a.textContent.trim());
        }
        return [getComputedStyle(header).backgroundColor, labels];
    }""")


def test_portal_wears_the_sites_header_and_menu(page, live_server):
    page.goto(live_server.url + "/")
    site_colour, site_menu = _header_colour_and_menu(page)
    page.goto(live_server.url + "/pengaduan/")
    portal_colour, portal_menu = _header_colour_and_menu(page)
    assert len(site_menu) >= 5
    assert portal_colour == site_colour
    assert portal_menu == site_menu


def test_portal_menu_opens_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/pengaduan/")
    page.get_by_text("Menu situs").click()
    expect(page.get_by_role("navigation", name="Menu situs").get_by_role("link", name="Layanan")).to_be_visible()
    context.close()


@pytest.mark.parametrize("path", ["/pengaduan/", "/pengaduan/lacak"])
def test_every_link_and_button_of_the_portals_header_and_footer_is_big_enough_for_a_thumb(browser, live_server, path):
    # WCAG 2.2 target size (what Lighthouse's mobile audit checks): at least 24 x 24 CSS px.
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    small = page.eval_on_selector_all(
        "header a, header summary, footer a",
        "els => els.filter(e => e.offsetParent !== null).map(e => [e.textContent.trim(), e.getBoundingClientRect()])"
        ".filter(([t, r]) => r.height < 24 || r.width < 24).map(([t, r]) => `${t}: ${r.width}x${r.height}`)")
    context.close()
    assert small == []


@pytest.mark.parametrize("path", ["/favicon.ico", "/pengaduan/favicon.ico"])
def test_favicon_is_an_image(page, live_server, path):
    response = page.request.get(live_server.url + path)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")
    body = response.body()
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and len(body) < 10_000


def _file_one(page, live_server) -> str:
    page.goto(live_server.url + "/pengaduan/")
    page.get_by_label("Nama lengkap").fill("Sri Wahyuni")
    page.get_by_label("Alamat e-mail").fill("sri@contoh.id")
    page.get_by_label("Kategori").select_option(label="Akta Kelahiran")
    page.get_by_label("Kecamatan").select_option(label="Trenggalek")
    page.get_by_label("Desa/kelurahan").select_option(label="Ngares")
    page.get_by_label("Isi pengaduan", exact=True).fill("Akta kelahiran anak saya belum jadi sejak bulan lalu.")
    page.get_by_label("Saya menyetujui pemrosesan data pribadi").check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Pengaduan Anda telah diterima")).to_be_visible()
    return page.locator("#kode-pelacakan").inner_text().strip()


def _public_pages(page, live_server):
    """Every public portal page, opened in turn; yields its name once it is shown."""
    page.goto(live_server.url + "/pengaduan/")
    yield "form"
    page.get_by_role("button", name="Kirim pengaduan").click()
    yield "form with errors"
    code = _file_one(page, live_server)
    yield "confirmation"
    page.goto(live_server.url + "/pengaduan/lacak")
    yield "tracking"
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lacak").click()
    yield "tracking result"
    import sqlite3
    with sqlite3.connect(live_server.data_dir / "portal.db") as db:
        db.execute("UPDATE complaints SET feedback_token = ? WHERE tracking_code = ?",
                   [f"nilai-{code}", code.replace("-", "")])
    page.goto(live_server.url + f"/pengaduan/nilai/nilai-{code}")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("tidak dikenal")
    yield "rating"
    page.goto(live_server.url + "/pengaduan/privasi")
    yield "privacy"
    page.goto(live_server.url + "/pengaduan/skm/?loket=1")
    yield "SKM survey"


def test_every_public_page_has_its_own_description(page, live_server):
    seen = {}
    for name in _public_pages(page, live_server):
        description = page.locator("meta[name=description]").get_attribute("content") or ""
        assert len(description) > 40, f"{name}: {description!r}"
        seen[name] = description
    distinct = {seen[n] for n in ("form", "confirmation", "tracking", "rating", "privacy", "SKM survey")}
    assert len(distinct) == 6


def test_no_serious_accessibility_violation_on_public_pages(page, live_server):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    found = {}
    for name in _public_pages(page, live_server):
        serious = [v["id"] for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[name] = serious
    assert found == {}


def test_production_refuses_to_start_without_a_public_address(tmp_path, smtp):
    from conftest import portal_config
    from portal import config, create_app
    settings = {**portal_config(tmp_path / "data", smtp.port), "PRODUCTION": True}
    with pytest.raises(config.ConfigError, match="PORTAL_BASE_URL"):
        create_app(settings)
    app = create_app({**settings, "BASE_URL": "https://dispendukcapil.trenggalekkab.go.id"})
    assert app.config["BASE_URL"] == "https://dispendukcapil.trenggalekkab.go.id"


# ---------------------------------------------------------------- a photo kept across an error

def _fill_all_but_body(page, photo: bytes):
    page.get_by_label("Nama lengkap").fill("Sri Wahyuni")
    page.get_by_label("Alamat e-mail").fill("sri@contoh.id")
    page.get_by_label("Kategori").select_option(label="Akta Kelahiran")
    page.get_by_label("Kecamatan").select_option(label="Trenggalek")
    page.get_by_label("Desa/kelurahan").select_option(label="Ngares")
    page.get_by_label("Lampiran (tidak wajib)").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": photo})
    page.get_by_label("Saya menyetujui pemrosesan data pribadi").check()


def _attachments_of(live_server, code: str) -> list[bytes]:
    import sqlite3
    with sqlite3.connect(live_server.data_dir / "portal.db") as db:
        names = [r[0] for r in db.execute(
            "SELECT a.stored_name FROM attachments a JOIN complaints c ON c.id = a.complaint_id "
            "WHERE c.tracking_code = ?", [code.replace("-", "")])]
    return [(live_server.data_dir / "uploads" / n).read_bytes() for n in names]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_photo_survives_a_validation_error(browser, live_server, javascript):
    from conftest import photo_bytes
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/pengaduan/")
    _fill_all_but_body(page, photo_bytes())
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.locator("#ringkasan-galat")).to_contain_text("Isi pengaduan")
    expect(page.get_by_text("foto.jpg sudah terlampir")).to_be_visible()
    page.get_by_label("Isi pengaduan", exact=True).fill("Akta kelahiran anak saya belum jadi sejak bulan lalu.")
    page.get_by_label("Saya menyetujui pemrosesan data pribadi").check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Pengaduan Anda telah diterima")).to_be_visible()
    code = page.locator("#kode-pelacakan").inner_text().strip()
    (stored,) = _attachments_of(live_server, code)
    assert stored[:3] == b"\xff\xd8\xff"  # the photo (cleaned of its location), not a lost one
    assert list((live_server.data_dir / "uploads-sementara").iterdir()) == []
    context.close()


def test_held_photo_can_be_removed(page, live_server):
    from conftest import photo_bytes
    page.goto(live_server.url + "/pengaduan/")
    _fill_all_but_body(page, photo_bytes())
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_text("foto.jpg sudah terlampir")).to_be_visible()
    page.get_by_label("Hapus lampiran").check()
    page.get_by_label("Isi pengaduan", exact=True).fill("Akta kelahiran anak saya belum jadi sejak bulan lalu.")
    page.get_by_label("Saya menyetujui pemrosesan data pribadi").check()
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Pengaduan Anda telah diterima")).to_be_visible()
    assert _attachments_of(live_server, page.locator("#kode-pelacakan").inner_text().strip()) == []


def test_daily_job_removes_abandoned_held_attachments(tmp_path, smtp):
    import os
    import stat
    from conftest import photo_bytes, portal_config
    from portal import create_app
    from portal.domain import uploads
    app = create_app({**portal_config(tmp_path / "data", smtp.port), "DAILY_HOUR": 0})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["migrate"]).exit_code == 0
    held_dir = app.config["HELD_UPLOAD_DIR"]
    photo = uploads.clean(photo_bytes(), "foto.jpg", 5 * 1024 * 1024)
    old, fresh = uploads.hold(held_dir, [photo]), uploads.hold(held_dir, [photo])
    assert stat.S_IMODE(os.stat(os.path.join(held_dir, old, "0.jpg")).st_mode) == 0o600
    two_days_ago = os.stat(os.path.join(held_dir, old)).st_mtime - 48 * 3600
    os.utime(os.path.join(held_dir, old), (two_days_ago, two_days_ago))
    result = runner.invoke(args=["daily"])
    assert result.exit_code == 0, result.output
    assert uploads.held(held_dir, old) == [] and not os.path.exists(os.path.join(held_dir, old))
    assert uploads.held(held_dir, fresh) == [photo]
