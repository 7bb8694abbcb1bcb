"""End to end, as a citizen on a 360 px phone: real waitress server, real Chromium, real SMTP.

The tests in this module share one server and run in order; the last one files a complaint,
walks every portal page reachable from the public pages and from the staff pages of each role,
and checks that none of the complainant's personal data reached a URL or the server's log.
"""

from __future__ import annotations

import gzip
import re
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError, expect

from conftest import photo_bytes, portal_config, sign_in, wib
from portal import create_app

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
    # The retry delay in this configuration is one second: a minute later the message is due.
    send_outbox_at(live_server, session_smtp, wib() + timedelta(minutes=1))
    assert live_server.flask("outbox", "send").returncode == 0
    assert len(mails_with(session_smtp, code)) == 1


def send_outbox_at(live_server, smtp, moment):
    """`flask outbox send` on the live server's data, with the portal's clock set to `moment`."""
    app = create_app(portal_config(live_server.data_dir, smtp.port))
    app.extensions["portal.clock"] = lambda: moment
    with app.app_context():  # as the `flask` script pushes it for every command
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output


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


CRAWL_PASSWORD = "pintu-biru-kantor-7"
CRAWL_ROLES = ("operator", "kabid", "kadis", "pejabat", "admin", "data")


def crawl(page, live_server, start: list[str], per_kind: int = 3) -> set[str]:
    """Open every portal page (under /pengaduan/) that links lead to from `start`, breadth
    first; only links are followed (GET), never forms. Pages of one kind (the same path with
    other numbers or another query, e.g. one per complaint or per period) are opened at most
    `per_kind` times, so that endless previous/next links end. Returns the paths opened."""
    queue, opened, kinds = list(start), set(), {}
    while queue:
        path = queue.pop(0)
        kind = re.sub(r"[0-9]+", "0", path.split("?")[0])
        if path in opened or kinds.get(kind, 0) >= per_kind:
            continue
        opened.add(path)
        kinds[kind] = kinds.get(kind, 0) + 1
        try:
            page.goto(live_server.url + path)
        except PlaywrightError:  # a download (PDF, .docx, .xlsx): its URL was still requested
            continue
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlsplit(href)
            if f"{url.scheme}://{url.netloc}" == live_server.url and url.path.startswith("/pengaduan/"):
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return opened


def test_no_personal_data_in_logs_or_urls(browser, live_server, session_smtp):
    urls: list[str] = []

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        context.on("request", lambda request: urls.append(request.url))
        return context, context.new_page()

    # A complaint with every personal field, filed and tracked as a citizen does.
    context, page = new_page()
    page.goto(live_server.url + "/pengaduan/")
    fill_form(page, photo=photo_bytes(), body="Akta kelahiran anak saya belum terbit sejak bulan lalu.")
    code = submit(page)
    track(page, live_server, code)
    expect(page.get_by_text("Pengaduan diterima")).to_be_visible()
    public = crawl(page, live_server, ["/pengaduan/", "/pengaduan/lacak", "/pengaduan/privasi"])
    page.goto(live_server.url + "/")
    context.close()
    assert len(public) >= 3

    for role in CRAWL_ROLES:
        username = f"jelajah.{role}"
        result = live_server.flask("user", "create", username, "--role", role, "--name", f"Jelajah {role}",
                                   "--jabatan", f"Jabatan {role}", "--password", CRAWL_PASSWORD)
        assert result.returncode == 0, result.stderr
        context, page = new_page()
        sign_in(page, live_server.url, username, CRAWL_PASSWORD)
        landing = urlsplit(page.url).path
        assert landing.startswith("/pengaduan/staf/") and not landing.endswith("/masuk"), landing
        opened = crawl(page, live_server, [landing])
        context.close()
        assert len(opened) > 1, (role, opened)

    assert any("/pengaduan/staf/p/" in u for u in urls), "a complaint's own staff page was opened"
    log = live_server.log_path.read_text()
    for value in PERSON.values():
        if value == PERSON["name"]:
            continue
        assert value not in log
        assert [u for u in urls if value in u] == []
