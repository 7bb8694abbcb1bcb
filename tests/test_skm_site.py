"""SKM results on the site and the counter's poster, then the whole path on a phone: the poster's
link opened in Chromium (360 px, JavaScript off), nine answers, the response counted."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest
from playwright.sync_api import expect

from conftest import LiveServer
from portal.db import connect
from portal.domain import skm, skm_results, standar, users
from portal.publish import skm as site

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Jakarta")
GOOD = (4, 4, 3, 4, 4, 4, 4, 3, 4)


def content(tmp: Path) -> Path:
    data = tmp / "content" / "data"
    data.mkdir(parents=True)
    shutil.copytree(ROOT / "content/data/standar-pelayanan", data / "standar-pelayanan")
    (data / "skm").mkdir()
    shutil.copy(ROOT / "content/data/skm/loket.yml", data / "skm" / "loket.yml")
    return tmp / "content"


def respond(db, services, scores, day: date, layanan="ktp-el"):
    loket = next(x for x in skm.load_loket(ROOT / "content", services) if layanan in x.layanan)
    now = datetime.combine(day, datetime.min.time(), TZ)
    [kode] = skm.issue_tokens(db, 1, loket=loket, layanan=None, actor_id=None, now=now)
    form = {"layanan": layanan, **{f"u{i}": str(v) for i, v in enumerate(scores, 1)}}
    skm.submit(db, kode, skm.validate(form, services=services), day)


def test_results_page_shows_ikm_band_and_follow_up_and_suppresses_a_small_period(db, tmp_path):
    folder = content(tmp_path)
    services = standar.names(folder)
    kadis = users.create_user(db, "kadis", "kata-sandi-panjang-1", display_name="Kadis", roles=["kadis"],
                              now=datetime.now(TZ))
    for scores in [GOOD] * 4 + [(2, 3, 2, 4, 3, 3, 4, 2, 3)]:
        respond(db, services, scores, date(2026, 2, 3))
    for scores in [GOOD, GOOD]:
        respond(db, services, scores, date(2026, 8, 4))
    today, now = date(2027, 1, 15), datetime(2027, 1, 15, 9, tzinfo=TZ)
    figures = skm_results.compute(db, "2026-S1", services=services, today=today)
    for _, unsur in skm_results.lemah(figures):
        skm_results.add_rencana(db, "2026-S1", layanan="", unsur=unsur, teks=f"Perbaikan unsur {unsur} di semua loket.",
                                penanggung_jawab="Kabid Pelayanan", target="Juni 2027", services=services,
                                actor_id=kadis, now=now)
    plans = skm_results.public_plans(skm_results.rencana(db, "2026-S1"), services)
    assert plans, "the example must have a weak element"
    skm_results.approve(db, "2026-S1", services=services, actor_id=kadis, roles={"kadis"}, jabatan="Kepala Dinas",
                        expected_hash=skm_results.plans_hash(plans), today=today, now=now)
    for periode in ("2026-S1", "2026-S2"):
        skm_results.export(db, periode, folder, services=services, today=today)

    out = site.generate(folder, preview=False)
    full = out["skm/2026-S1.md"]
    expected = skm_results.hitung([GOOD] * 4 + [(2, 3, 2, 4, 3, 3, 4, 2, 3)])["ikm"]
    ikm = f"{expected['ikm']:.2f}".replace(".", ",")
    konversi = f"{expected['konversi']:.2f}".replace(".", ",")
    assert f"Indeks Kepuasan Masyarakat: {ikm} (nilai konversi {konversi}, mutu {expected['mutu']}: " \
           f"{expected['kinerja']})" in full
    assert "Perbaikan unsur" in full and "disetujui oleh Kepala Dinas" in full
    assert "Penilaian tanggapan pengaduan" in full

    small = out["skm/2026-S2.md"]
    assert "tidak ditampilkan (< 3 responden)" in small
    assert "Nilai per unsur" not in small and "konversi 1" not in small
    assert "menunggu persetujuan" in small
    assert "[Semester I 2026](2026-S1.md)" in out["skm/index.md"]


def test_a_running_period_says_as_of_which_day_in_words(db, tmp_path):
    folder = content(tmp_path)
    services = standar.names(folder)
    for scores in [GOOD] * 3:
        respond(db, services, scores, date(2026, 8, 4))
    skm_results.export(db, "2026-S2", folder, services=services, today=date(2026, 8, 20))
    page = site.generate(folder, preview=False)["skm/2026-S2.md"]
    assert "(sementara, keadaan per 20 Agustus 2026)" in page
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", page)


def test_poster_is_one_page_with_the_survey_address(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://dispendukcapil.contoh.id")
    out = site.generate(content(tmp_path), preview=False)
    reader = pypdf.PdfReader(io.BytesIO(out["skm/poster-loket-2.pdf"]))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Survei Kepuasan Masyarakat" in text and "Loket 2" in text
    assert "https://dispendukcapil.contoh.id/pengaduan/skm/?loket=2" in "".join(text.split())


@pytest.fixture
def portal(tmp_path, smtp):
    server = LiveServer(tmp_path, smtp)
    assert server.flask("migrate").returncode == 0
    server.start()
    yield server
    server.stop()


def test_citizen_answers_from_the_poster_without_javascript(portal, browser, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", portal.url)
    poster = site.generate(content(tmp_path / "site-src"), preview=False)["skm/poster-loket-1.pdf"]
    text = "".join(pypdf.PdfReader(io.BytesIO(poster)).pages[0].extract_text().split())
    link = re.search(r"http://127\.0\.0\.1:\d+/pengaduan/skm/\?loket=1", text).group(0)
    db = connect(str(portal.data_dir / "portal.db"))
    services = standar.names(ROOT / "content")
    loket = next(x for x in skm.load_loket(ROOT / "content", services) if x.kode == "1")
    [kode] = skm.issue_tokens(db, 1, loket=loket, layanan=None, actor_id=None, now=datetime.now(TZ))

    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                  locale="id-ID")
    phone = context.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Survei Kepuasan Masyarakat")).to_be_visible()
    phone.get_by_label("Kode survei").fill(skm.display_kode(kode).lower())
    phone.get_by_label("Layanan yang Anda terima").select_option(label="Kartu Identitas Anak (KIA)")
    for u in skm.UNSUR:
        group = phone.get_by_role("group", name=f"{u.nomor}. {u.pertanyaan}")
        group.get_by_label(u.pilihan[3], exact=True).check()
    phone.get_by_label("Perempuan").check()
    # Nothing is wider than the phone's screen.
    box = phone.locator("main form").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    phone.get_by_role("button", name="Kirim survei").click()
    expect(phone.get_by_role("heading", name="Terima kasih, survei Anda telah kami terima")).to_be_visible()
    context.close()

    figures = skm_results.compute(db, skm.periode_of(date.today()).kode, services=services, today=date.today(),
                                  min_count=1)
    kia = next(r for r in figures["layanan"] if r["layanan"] == "kia")
    assert kia["responden"] == 1 and kia["ikm"]["konversi"] == 100.0
    assert db.execute("SELECT jenis_kelamin FROM skm_responses").fetchone()[0] == "P"
