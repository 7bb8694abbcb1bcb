"""What a citizen sees on a 360 px phone, from the form to the tracking result: each page is
checked for what the citizen needs on it, and with PORTAL_SCREENSHOTS_DIR=docs/gambar the
pictures of docs/panduan-warga.md are taken again."""

import os
from pathlib import Path

from playwright.sync_api import expect

from test_e2e import fill_form, submit, track

SHOTS = os.environ.get("PORTAL_SCREENSHOTS_DIR")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_citizen_files_saves_the_receipt_and_tracks_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + "/pengaduan/")
    expect(page.get_by_text("Wajib diisi, kecuali untuk pengaduan anonim.")).to_be_visible()
    fill_form(page, body="KTP-el saya sudah tiga bulan belum jadi.\nMohon informasi kapan bisa diambil.")
    shot(page, "warga-formulir")

    code = submit(page)
    expect(page.locator("#batas-waktu")).not_to_be_empty()
    shot(page, "warga-terkirim")

    page.get_by_role("link", name="Simpan/Cetak bukti").click()
    expect(page.locator("#bukti-kode")).to_have_text(code)
    shot(page, "warga-bukti")

    track(page, live_server, code)
    expect(page.get_by_text("Pengaduan Anda sekarang ada di")).to_be_visible()
    assert code not in page.url
    shot(page, "warga-lacak")
    context.close()
