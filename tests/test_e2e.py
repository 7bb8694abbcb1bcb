"""End to end, as a citizen on a 360 px phone: real waitress server, real Chromium, real SMTP.

The tests in this module share one server and run in order; the last one checks that no
complainant's personal data reached the server's log or any URL during the whole run.
"""

from __future__ import annotations

import gzip
import re
import time
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conftest import photo_bytes

PERSON = {"name": "Budi Santoso", "email": "budi.santoso@contoh.id", "phone": "081298765432",
          "nik": "3503110508900001"}
SEEN_URLS: list[str] = []


@pytest.fixture
def phone(page, live_server):
    page.on("request", lambda request: SEEN_URLS.append(request.url))
    return page


def fill_form(page, person=PERSON, desa_label="Ngares", photo=None, body=None):
    page.get_by_role("radio", name=re.compile("^Rahasia")).check()
    page.get_by_label("Nama lengkap").fill(person["name"])
    page.get_by_label("Alamat e-mail").fill(person["email"])
    page.get_by_label("Nomor telepon/WhatsApp").fill(person["phone"])
    page.get_by_label("NIK (tidak wajib)").fill(person["nik"])
    page.get_by_label("Kategori").select_option(label="Akta Kelahiran")
    page.get_by_label("Kecamatan").select_option(label="Trenggalek")
    page.get_by_label("Desa/kelurahan").select_option(label=desa_label)
    page.get_by_label("Isi pengaduan", exact=True).fill(body or "Akta kelahiran anak saya salah tulis nama ibu.")
    if photo:
        page.get_by_label("Lampiran (tidak wajib)").set_input_files(
            {"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": photo})
    page.get_by_label("Saya menyetujui pemrosesan data pribadi").check()


def submit(page) -> str:
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Pengaduan Anda telah diterima")).to_be_visible()
    return page.locator("#kode-pelacakan").inner_text().strip()


def track(page, live_server, code):
    page.goto(live_server.url + "/pengaduan/lacak")
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lacak").click()


def mails_with(smtp, code) -> list:
    return [m for m in smtp.inbox.messages if code in m["Subject"]]


def serious(page) -> list:
    result = Axe().run(page)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]])
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def test_citizen_files_with_photo_tracks_it_and_gets_the_acknowledgment(phone, live_server, session_smtp):
    phone.goto(live_server.url + "/pengaduan/")
    assert serious(phone) == []
    fill_form(phone, photo=photo_bytes())
    code = submit(phone)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    expect(phone.locator("#batas-waktu")).to_contain_text("20")
    assert serious(phone) == []

    track(phone, live_server, code.lower())
    expect(phone.get_by_text("Pengaduan diterima")).to_be_visible()
    expect(phone.get_by_text("1 berkas")).to_be_visible()
    expect(phone.get_by_text("3503••••••••0001")).to_be_visible()
    assert PERSON["nik"] not in phone.content()
    assert serious(phone) == []

    assert live_server.flask("outbox", "send").returncode == 0
    (mail,) = mails_with(session_smtp, code)
    assert mail["To"] == PERSON["email"]
    assert "Batas tanggapan" in mail.get_payload(decode=True).decode()


def test_form_fits_a_360px_screen(phone, live_server):
    phone.goto(live_server.url + "/pengaduan/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_desa_list_follows_the_chosen_kecamatan(phone, live_server):
    phone.goto(live_server.url + "/pengaduan/")
    phone.get_by_label("Kecamatan").select_option(label="Panggul")
    visible = phone.eval_on_selector_all("#desa optgroup:not([disabled])", "gs => gs.map(g => g.label)")
    assert visible == ["Kecamatan Panggul"]


def test_mistyped_and_unknown_codes_get_clear_messages(phone, live_server):
    track(phone, live_server, "K7QM-2XHD-9PWR"[:-1] + "0")
    expect(phone.get_by_role("alert")).to_be_visible()
    text = phone.get_by_role("alert").inner_text()
    assert "salah ketik" in text or "Tidak ada pengaduan" in text
    track(phone, live_server, "ABC")
    expect(phone.get_by_role("alert")).to_contain_text("12 huruf dan angka")
    assert serious(phone) == []


def test_mail_server_down_then_back_delivers_exactly_once(phone, live_server, session_smtp):
    session_smtp.stop()
    try:
        phone.goto(live_server.url + "/pengaduan/")
        fill_form(phone, body="Surat pindah saya belum selesai sejak dua minggu lalu.")
        code = submit(phone)  # accepted although the mail server is down
        assert live_server.flask("outbox", "send").returncode == 0
        assert mails_with(session_smtp, code) == []
    finally:
        session_smtp.start()
    time.sleep(1.5)  # the retry delay in this configuration is one second
    assert live_server.flask("outbox", "send").returncode == 0
    assert live_server.flask("outbox", "send").returncode == 0
    assert len(mails_with(session_smtp, code)) == 1


def test_filing_works_without_javascript(browser, live_server, session_smtp):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.on("request", lambda request: SEEN_URLS.append(request.url))
    page.goto(live_server.url + "/pengaduan/")
    # Without JavaScript every desa stays listed, grouped under its kecamatan.
    assert page.eval_on_selector_all("#desa optgroup", "gs => gs.length") == 14
    fill_form(page, desa_label="Karangsoko")
    code = submit(page)
    track(page, live_server, code)
    expect(page.get_by_text("Pengaduan diterima")).to_be_visible()
    context.close()


def test_accepted_complaint_survives_sigkill(phone, live_server):
    phone.goto(live_server.url + "/pengaduan/")
    fill_form(phone, body="Antrean perekaman KTP-el sangat panjang dan tidak tertib.")
    code = submit(phone)
    live_server.kill(9)
    live_server.start()
    track(phone, live_server, code)
    expect(phone.get_by_text("Pengaduan diterima")).to_be_visible()


def test_pages_make_no_request_to_another_origin(phone, live_server):
    for path in ("/", "/pengaduan/", "/pengaduan/lacak", "/pengaduan/privasi"):
        phone.goto(live_server.url + path)
    foreign = [u for u in SEEN_URLS if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert foreign == []


def test_form_page_weighs_under_40_kb(live_server):
    def fetch(url):
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            return response.read(), response.headers.get("Content-Encoding")
    html, encoding = fetch(live_server.url + "/pengaduan/")
    assert encoding == "gzip"
    text = gzip.decompress(html).decode()
    assets = re.findall(r'(?:href|src)="(/pengaduan/static/[^"]+)"', text)
    assert assets, "the form links its stylesheet and script"
    total = len(html) + sum(len(fetch(live_server.url + a)[0]) for a in assets)
    assert total < 40 * 1024, f"form page weighs {total} bytes"


def test_site_home_page_is_served_at_root(phone, live_server):
    phone.goto(live_server.url + "/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Dinas Kependudukan")


def test_no_personal_data_in_logs_or_urls(live_server):
    log = live_server.log_path.read_text()
    assert SEEN_URLS, "the browser tests above recorded their URLs"
    for value in PERSON.values():
        if value == PERSON["name"]:
            continue
        assert value not in log
        assert not [u for u in SEEN_URLS if value in u]
