"""The web team in Chromium, against the real waitress server serving site and portal (as
scripts/run does) and the real publishing job beside it, on a content repository of its own:
Word import to a live news item found by the site search; a material approved by the Kepala
Dinas with its PDF; a change that breaks the build while the old site keeps serving; two people
saving one page; restoring an earlier version through review.

PORTAL_SCREENSHOTS_DIR=docs/gambar saves the screenshots used in docs/panduan-tim-web.md."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches
from playwright.sync_api import expect

import conftest
from editor_helpers import PASSWORD, content_repo, now
from site_helpers import search_site
from portal.db import prepare
from portal.domain import users
from portal.publish import deploy_job, drafts, site as pipeline

SHOTS = os.environ.get("PORTAL_SCREENSHOTS_DIR")
BASE = "/pengaduan/staf/situs"
PUBLISH_TIMEOUT = 300_000  # ms: a build on a busy two-core machine


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def docx_file(folder: Path) -> Path:
    document = Document()
    document.add_heading("Perekaman KTP-el keliling di sekolah", level=1)
    paragraph = document.add_paragraph("Petugas merekam data ")
    paragraph.add_run("pelajar kelas XII").bold = True
    paragraph.add_run(" di sekolah-sekolah berikut.")
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate((("Sekolah", "Tanggal"), ("SMAN 1 Trenggalek", "3 Desember 2026"),
                                 ("SMKN 1 Pogalan", "4 Desember 2026"))):
        for col, text in enumerate(cells):
            table.cell(row, col).text = text
    document.add_picture(io.BytesIO(conftest.photo_bytes("PNG")), width=Inches(1.5))
    document.inline_shapes[0]._inline.docPr.set("descr", "Pelajar antre di meja perekaman KTP-el")
    path = folder / "berita-keliling.docx"
    document.save(path)
    return path


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory, session_smtp):
    tmp = tmp_path_factory.mktemp("editor")
    repo = content_repo(tmp / "repo")
    releases = tmp / "site-releases"
    first = pipeline.build("mkdocs", releases / "awal", root=repo.path, cache_dir=tmp / "cache")
    assert first.ok, first.errors
    deploy_job.switch(tmp / "site", releases / "awal", releases)
    server = conftest.LiveServer(tmp, session_smtp)
    server.env |= {"PORTAL_CONTENT_REPO": str(repo.path), "PORTAL_CONTENT_DIR": str(repo.path / "content"),
                   "PORTAL_SITE_JOB_INTERVAL": "0.5", "PORTAL_RATELIMIT_LOGIN": "1000 per hour"}
    assert server.flask("migrate").returncode == 0
    db = prepare(str(server.data_dir / "portal.db"))
    for username, name, role in (("wulan", "Wulan Tim Web", "web"), ("bagus", "Bagus Tim Web", "web"),
                                 ("kadis", "Bapak Kadis Uji", "kadis")):
        users.create_user(db, username, PASSWORD, display_name=name, roles=[role], now=now())
    db.close()
    server.start()
    log = open(tmp / "publisher.log", "a")
    publisher = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "situs", "terbitkan", "--loop"],
                                 env=server.env, stdout=log, stderr=subprocess.STDOUT)
    server.repo, server.tmp = repo, tmp
    yield server
    publisher.terminate()
    publisher.wait(10)
    server.stop()


class Team:
    def __init__(self, browser, server):
        self.browser, self.url = browser, server.url
        self.contexts = []

    def login(self, username):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        self.contexts.append(context)
        page = context.new_page()
        conftest.sign_in(page, self.url, username, PASSWORD)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def team(browser, editor_server):
    t = Team(browser, editor_server)
    yield t
    t.close()


def change_url(page) -> str:
    return re.search(r"/perubahan/\d+", page.url).group(0)


def step(page, label, note=None):
    if note:
        page.get_by_label("Catatan").first.fill(note)
    page.get_by_role("button", name=label).click()
    expect(page.locator("p.notice").first).to_be_visible()


def wait_published(page, state="Sudah terbit"):
    deadline = time.time() + PUBLISH_TIMEOUT / 1000
    while time.time() < deadline:
        page.reload()
        status = page.locator("#status").inner_text()
        if status in ("Sudah terbit", "Gagal diterbitkan"):
            break
        time.sleep(1)
    expect(page.locator("#status")).to_have_text(state)


def review_and_publish(team, url, reviewer="bagus"):
    page = team.login(reviewer)
    page.goto(team.url + BASE + url)
    step(page, "Tandai sudah ditinjau")
    step(page, "Terbitkan")
    return page


def fetch(url) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_word_document_becomes_a_live_news_item_found_by_search(team, editor_server, tmp_path):
    wulan = team.login("wulan")
    wulan.goto(team.url + BASE + "/")
    shot(wulan, "situs-ringkasan")
    wulan.get_by_role("link", name="Impor dari Word").first.click()
    wulan.get_by_label("Jenis tulisan").select_option("berita")
    wulan.get_by_label("Judul", exact=True).fill("Perekaman KTP-el keliling di sekolah")
    wulan.get_by_label("Tanggal berita").fill("2026-12-01")
    wulan.get_by_label("Berkas Word (.docx)").set_input_files(str(docx_file(tmp_path)))
    shot(wulan, "situs-impor-word")
    wulan.get_by_role("button", name="Impor menjadi draf").click()
    expect(wulan.get_by_label("Isi")).to_have_value(re.compile(r"\| SMAN 1 Trenggalek \| 3 Desember 2026 \|"))
    expect(wulan.get_by_label("Isi")).to_have_value(re.compile(r"!\[Pelajar antre di meja perekaman KTP-el\]"))
    # The preview opens in a new tab, in the site's look, with the build's Markdown.
    with wulan.expect_popup() as popup:
        wulan.get_by_role("button", name="Pratinjau").click()
    preview = popup.value
    expect(preview.locator("article table")).to_contain_text("SMKN 1 Pogalan")
    expect(preview.locator("article img")).to_have_attribute("alt", "Pelajar antre di meja perekaman KTP-el")
    shot(preview, "situs-pratinjau")
    preview.close()
    url = change_url(wulan)
    # Her own change cannot be reviewed by herself: the button is not offered.
    step(wulan, "Ajukan untuk ditinjau")
    expect(wulan.get_by_role("button", name="Tandai sudah ditinjau")).to_have_count(0)
    shot(wulan, "situs-perubahan-diajukan")
    assert fetch(team.url + "/berita/perekaman-ktp-el-keliling-di-sekolah/")[0] == 404

    bagus = review_and_publish(team, url)
    wait_published(bagus)
    shot(bagus, "situs-terbit")
    status, html = fetch(team.url + "/berita/perekaman-ktp-el-keliling-di-sekolah/")
    assert status == 200
    assert "Perekaman KTP-el keliling di sekolah" in html and 'alt="Pelajar antre di meja perekaman KTP-el"' in html
    log = editor_server.repo.log("content/berita/posts/perekaman-ktp-el-keliling-di-sekolah.md")
    assert log[0].author == "Wulan Tim Web" and "Ditinjau-oleh: Bagus Tim Web (bagus)" in log[0].body

    visitor = team.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(team.url + "/")
    expect(search_site(visitor, "keliling").first).to_contain_text("keliling")
    visitor.context.close()


def test_material_is_public_only_after_the_kepala_dinas_approves_it(team, editor_server):
    wulan = team.login("wulan")
    wulan.goto(team.url + BASE + "/baru?jenis=materi")
    wulan.get_by_label("Judul", exact=True).fill("Akta kematian untuk ahli waris")
    wulan.get_by_label("Judul materi").fill("Akta kematian untuk ahli waris")
    wulan.get_by_label("Sasaran").fill("Perangkat desa dan ahli waris")
    wulan.get_by_label("Topik").fill("Akta kematian")
    wulan.get_by_label("Isi").fill("[Unduh versi cetak (PDF, A4)](akta-kematian-untuk-ahli-waris.pdf)\n\n"
                                   "# Akta kematian untuk ahli waris\n\nLaporkan kematian paling lambat 30 hari.\n")
    wulan.get_by_role("button", name="Simpan draf").click()
    step(wulan, "Ajukan untuk ditinjau")
    url = change_url(wulan)
    bagus = team.login("bagus")
    bagus.goto(team.url + BASE + url)
    step(bagus, "Tandai sudah ditinjau")
    # Not offered before the Kepala Dinas approves (SOP Media Cetak, step 5).
    expect(bagus.get_by_role("button", name="Terbitkan")).to_have_count(0)
    expect(bagus.get_by_text("Wajib disetujui Kepala Dinas sebelum terbit.")).to_be_visible()
    assert fetch(team.url + "/sosialisasi/materi/akta-kematian-untuk-ahli-waris/")[0] == 404

    kadis = team.login("kadis")
    kadis.goto(team.url + BASE + url)
    shot(kadis, "situs-kadis-setujui")
    step(kadis, "Setujui (Kepala Dinas)")
    bagus.goto(team.url + BASE + url)
    step(bagus, "Terbitkan")
    wait_published(bagus)
    status, html = fetch(team.url + "/sosialisasi/materi/akta-kematian-untuk-ahli-waris/")
    assert status == 200 and "Laporkan kematian paling lambat 30 hari" in html
    with urllib.request.urlopen(team.url + "/sosialisasi/materi/akta-kematian-untuk-ahli-waris.pdf") as pdf:
        assert pdf.read(5) == b"%PDF-"
    text = editor_server.repo.read("content/sosialisasi/materi/akta-kematian-untuk-ahli-waris.md")
    head, body = drafts.split(text)
    assert 'disetujui_oleh: "Bapak Kadis Uji (kadis)"' in head
    assert f"tanggal_disetujui: {now().date().isoformat()}" in head
    assert f"persetujuan: {drafts.body_hash(body)}" in head


def test_a_change_that_breaks_the_build_leaves_the_old_site_serving(team, editor_server):
    wulan = team.login("wulan")
    wulan.goto(team.url + BASE + "/")
    # Removing the contact page, which a news post links to.
    wulan.goto(team.url + BASE + "/halaman?path=content/tentang/kontak.md")
    token = wulan.locator("input[name=csrf_token]").first.get_attribute("value")
    response = wulan.request.post(team.url + BASE + "/hapus",
                                  form={"csrf_token": token, "path": "content/tentang/kontak.md"})
    assert response.ok
    wulan.goto(response.url)
    step(wulan, "Ajukan untuk ditinjau")
    url = change_url(wulan)
    live = (editor_server.tmp / "site").resolve()
    served, stop = [], threading.Event()

    def keep_fetching():
        while not stop.is_set():
            served.append(fetch(team.url + "/tentang/kontak/")[0])
            time.sleep(0.2)

    reader = threading.Thread(target=keep_fetching)
    reader.start()
    try:
        bagus = review_and_publish(team, url)
        wait_published(bagus, "Gagal diterbitkan")
    finally:
        stop.set()
        reader.join()
    assert served and set(served) == {200}
    assert (editor_server.tmp / "site").resolve() == live
    error = bagus.locator("#galat-terbit").inner_text()
    assert re.search(r"content/berita/posts/situs-baru\.md baris \d+: tautan \u201c\.\./\.\./tentang/kontak\.md\u201d "
                     r"menuju halaman yang tidak ada", error), error
    shot(bagus, "situs-gagal-terbit")
    assert fetch(team.url + "/tentang/kontak/")[0] == 200
    assert editor_server.repo.read("content/tentang/kontak.md") is not None


def test_two_people_saving_one_page_lose_nothing(team, editor_server):
    wulan, bagus = team.login("wulan"), team.login("bagus")
    page_url = team.url + BASE + "/halaman?path=content/tentang/aksesibilitas.md"
    wulan.goto(page_url)
    wulan.get_by_label("Isi").fill("# Aksesibilitas\n\nTeks dari Wulan.\n")
    wulan.get_by_role("button", name="Simpan draf").click()
    first = change_url(wulan)
    wulan.goto(team.url + BASE + first)
    bagus.goto(team.url + BASE + first)
    wulan.get_by_label("Isi").fill("# Aksesibilitas\n\nTeks kedua dari Wulan.\n")
    bagus.get_by_label("Isi").fill("# Aksesibilitas\n\nTeks dari Bagus.\n")
    wulan.get_by_role("button", name="Simpan draf").click()
    bagus.get_by_role("button", name="Simpan draf").click()
    expect(bagus.locator("p.notice").first).to_contain_text("TIDAK hilang")
    shot(bagus, "situs-bentrok")
    assert change_url(bagus) != first
    expect(bagus.get_by_label("Isi")).to_have_value(re.compile("Teks dari Bagus"))
    wulan.goto(team.url + BASE + first)
    expect(wulan.get_by_label("Isi")).to_have_value(re.compile("Teks kedua dari Wulan"))


def test_restoring_an_earlier_version_goes_through_review(team, editor_server):
    original = editor_server.repo.read("content/tentang/index.md")
    wulan = team.login("wulan")
    wulan.goto(team.url + BASE + "/halaman?path=content/tentang/index.md")
    wulan.get_by_label("Isi").fill("# Tentang\n\nVersi baru yang akan dibatalkan.\n")
    wulan.get_by_role("button", name="Simpan draf").click()
    step(wulan, "Ajukan untuk ditinjau")
    wait_published(review_and_publish(team, change_url(wulan)))
    assert "Versi baru yang akan dibatalkan" in fetch(team.url + "/tentang/")[1]

    wulan.goto(team.url + BASE + "/riwayat?path=content/tentang/index.md")
    shot(wulan, "situs-riwayat")
    wulan.get_by_role("button", name="Pulihkan versi ini (melalui tinjauan)").first.click()
    expect(wulan.locator("#status")).to_have_text("Draf")
    assert "Versi baru yang akan dibatalkan" in fetch(team.url + "/tentang/")[1]  # nothing live yet
    step(wulan, "Ajukan untuk ditinjau")
    wait_published(review_and_publish(team, change_url(wulan)))
    html = fetch(team.url + "/tentang/")[1]
    assert "Versi baru yang akan dibatalkan" not in html
    first_line = next(line for line in drafts.split(original)[1].splitlines() if line and not line.startswith("#"))
    assert first_line.split()[0] in html
    assert editor_server.repo.read("content/tentang/index.md") == original
