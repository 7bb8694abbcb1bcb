"""End to end in Chromium: four staff accounts take one web complaint through the seven steps
of SOP 04/SOP/DKPS/SKRT/X/2016, with one return for revision; the citizen gets the reply by
e-mail and on the tracking page. With PORTAL_SCREENSHOTS_DIR set, the pages are saved as the
screenshots of the operator guide (docs/panduan-operator.md)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conftest import sign_in
from test_e2e import fill_form, mails_with, submit, track

PASSWORD = "kata-sandi-panjang-1"
STAFF = {"operator1": ("operator", "Ani Operator", None), "kabid1": ("kabid", "Budi Kabid", "Kabid PIAK"),
         "kadis1": ("kadis", "Citra Kadis", "Kepala Dinas"),
         "pejabat1": ("pejabat", "Dedi Pejabat", "Kabid Pelayanan Pendaftaran Penduduk")}
SHOTS = os.environ.get("PORTAL_SCREENSHOTS_DIR")


@pytest.fixture(scope="module")
def accounts(live_server):
    for username, (role, name, jabatan) in STAFF.items():
        args = ["user", "create", username, "--role", role, "--name", name, "--password", PASSWORD]
        if jabatan:
            args += ["--jabatan", jabatan]
        result = live_server.flask(*args)
        assert result.returncode == 0 or "sudah dipakai" in result.stderr, result.stderr
    return STAFF


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_serious_violations(page):
    violations = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert violations == []


class Staff:
    def __init__(self, browser, live_server):
        self.browser, self.url = browser, live_server.url
        self.context = None

    def login(self, username):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
        page = self.context.new_page()
        sign_in(page, self.url, username, PASSWORD)
        return page

    def open_case(self, page, code):
        page.goto(self.url + "/pengaduan/staf/?semua=1")
        page.get_by_role("link", name=code).click()
        expect(page.get_by_role("heading", name=f"Pengaduan {code}")).to_be_visible()


def test_seven_steps_in_the_browser(page, browser, live_server, session_smtp, accounts):
    page.goto(live_server.url + "/pengaduan/")
    fill_form(page, body="Akta kelahiran anak saya belum terbit setelah tiga minggu.")
    code = submit(page)
    staff = Staff(browser, live_server)

    op = staff.login("operator1")
    expect(op.get_by_role("link", name=code)).to_be_visible()  # waits in the operator's inbox
    shot(op, "operator-kotak-masuk")
    no_serious_violations(op)
    staff.open_case(op, code)
    shot(op, "operator-telaah")
    no_serious_violations(op)
    op.get_by_role("button", name="Layak ditindaklanjuti").click()
    expect(op.get_by_text("Pengaduan dinyatakan layak ditindaklanjuti.")).to_be_visible()

    kabid = staff.login("kabid1")
    staff.open_case(kabid, code)
    kabid.get_by_label("Sifat", exact=True).select_option("Segera")
    kabid.get_by_label("Kabid Pelayanan Pendaftaran Penduduk (Dedi Pejabat)").check()
    shot(kabid, "kabid-nota-dinas")
    kabid.get_by_role("button", name="Buat nota dinas").click()
    expect(kabid.get_by_text(re.compile(r"Nota dinas nomor 400\.10/ND\.\d+/406\.011/\d{4}"))).to_be_visible()

    kadis = staff.login("kadis1")
    staff.open_case(kadis, code)
    kadis.get_by_label("Kepada pejabat").select_option(label="Kabid Pelayanan Pendaftaran Penduduk (Dedi Pejabat)")
    kadis.get_by_label("Instruksi").fill("Mohon dibuatkan konsep tanggapan dalam tiga hari.")
    shot(kadis, "kadis-disposisi")
    kadis.get_by_role("button", name="Kirim disposisi").click()
    expect(kadis.get_by_text("Disposisi dikirim kepada pejabat.")).to_be_visible()

    pejabat = staff.login("pejabat1")
    expect(pejabat.get_by_role("link", name=code)).to_be_visible()
    staff.open_case(pejabat, code)
    pejabat.get_by_label("Teks tanggapan", exact=True).fill("Akta kelahiran sedang diproses.")
    pejabat.get_by_role("button", name="Simpan konsep").click()
    expect(pejabat.get_by_text("Konsep tanggapan disimpan.")).to_be_visible()
    shot(pejabat, "pejabat-konsep")
    pejabat.get_by_role("button", name="Ajukan kepada Kepala Dinas").click()
    expect(pejabat.get_by_text("Konsep tanggapan diajukan kepada Kepala Dinas.")).to_be_visible()

    kadis = staff.login("kadis1")
    staff.open_case(kadis, code)
    shot(kadis, "kadis-persetujuan")
    kadis.get_by_label("Catatan perbaikan").fill("Sebutkan kapan akta dapat diambil dan di mana.")
    kadis.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    expect(kadis.get_by_text("Konsep tanggapan dikembalikan")).to_be_visible()

    pejabat = staff.login("pejabat1")
    staff.open_case(pejabat, code)
    expect(pejabat.get_by_text("Dikembalikan: Sebutkan kapan akta dapat diambil dan di mana.").first).to_be_visible()
    reply = "Akta kelahiran anak Bapak/Ibu sudah terbit dan dapat diambil di kantor Dispendukcapil mulai Senin."
    pejabat.get_by_label("Teks tanggapan", exact=True).fill(reply)
    pejabat.get_by_role("button", name="Ajukan kepada Kepala Dinas").click()
    expect(pejabat.get_by_text("Konsep tanggapan diajukan kepada Kepala Dinas.")).to_be_visible()

    kadis = staff.login("kadis1")
    staff.open_case(kadis, code)
    kadis.get_by_role("button", name="Setujui tanggapan").click()
    expect(kadis.get_by_text(re.compile("Tanggapan disetujui dengan nomor surat"))).to_be_visible()

    op = staff.login("operator1")
    staff.open_case(op, code)
    op.get_by_role("button", name="Kirim tanggapan").click()
    expect(op.get_by_text("Tanggapan dikirim kepada pengadu.")).to_be_visible()
    shot(op, "operator-riwayat")
    no_serious_violations(op)
    staff.context.close()

    assert live_server.flask("outbox", "send").returncode == 0
    replies = [m for m in mails_with(session_smtp, code) if m["Subject"].startswith("Tanggapan")]
    assert len(replies) == 1
    # Plain text and an HTML alternative: the citizen's mail program shows either.
    text = next(part for part in replies[0].walk() if part.get_content_type() == "text/plain")
    assert reply in text.get_payload(decode=True).decode()
    track(page, live_server, code)
    expect(page.get_by_text("Sudah ditanggapi")).to_be_visible()
    expect(page.get_by_text(reply)).to_be_visible()
