"""A citizen on a 360 px phone follows a complaint: the reply reads as formatted text (page and
e-mail), reloading the result does not send the form again, the timeline says what happened and
who has the complaint, the receipt prints, and the operator can answer a WhatsApp complaint from
the case page. Real waitress server, real Chromium, real SMTP."""

from __future__ import annotations

import itertools
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, ROOT, VALID, make_staff, sign_in, wib
from portal.db import connect
from portal.domain import catalog as catalog_module, complaints, handling
from portal.domain.calendar import Calendar

CATALOG = catalog_module.load(ROOT / "content")
REPLY = ("Yth. Bapak/Ibu,\n\nKTP-el Anda **sudah dicetak** dan dapat diambil di kantor kecamatan.\n\n"
         "- Bila ada kesalahan data, sampaikan kepada petugas.\n- Bawa KTP-el lama.\n")
_SEQ = itertools.count(1)


@pytest.fixture
def office(live_server):
    """The live server's database and one account per role, named uniquely for this test."""
    db = connect(str(live_server.data_dir / "portal.db"))
    n = next(_SEQ)
    roles = ("operator", "kabid", "kadis", "pejabat")
    ids = make_staff(db, {f"trk{n}_{r}": [r] for r in roles})
    actors = {r: handling.Actor(ids[f"trk{n}_{r}"], frozenset([r])) for r in roles}
    actors["usernames"] = {r: f"trk{n}_{r}" for r in roles}
    yield db, actors
    db.close()


def file(db, live_server, *, channel="web", email="siti@contoh.id", phone="081234567890"):
    new = complaints.NewComplaint(channel=channel, category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti Aminah",
                                  email=email, phone=phone, consent=True)
    filed = complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=Calendar.default(),
                                      upload_dir=str(live_server.data_dir / "lampiran"), now=wib(),
                                      base_url=live_server.url)
    return filed.id, filed.tracking_code


def to_approved(db, cid, p, *, returned=False):
    now = wib()
    handling.telaah_fit(db, cid, p["operator"], now)
    handling.create_nota_dinas(db, cid, p["kabid"], now, catalog=CATALOG, sifat="Segera", hal="Pengaduan KTP-el",
                               ringkasan="KTP-el belum jadi.", telaah="Layak.", tembusan=[p["pejabat"].id])
    handling.dispose(db, cid, p["kadis"], now, pejabat_id=p["pejabat"].id, instruksi="Buat konsep.",
                     batas=now.date())
    if returned:
        handling.save_draft(db, cid, p["pejabat"], now, body="Konsep.")
        handling.submit_draft(db, cid, p["pejabat"], now)
        handling.return_draft(db, cid, p["kadis"], now, note="Lengkapi.")
    handling.submit_draft(db, cid, p["pejabat"], now, body=REPLY)
    handling.approve(db, cid, p["kadis"], now, catalog=CATALOG)


def track(page, live_server, code):
    page.goto(live_server.url + "/pengaduan/lacak")
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("heading", name=f"Pengaduan {code}")).to_be_visible()


def test_reply_is_formatted_on_the_tracking_page_and_in_both_parts_of_the_email(page, live_server, session_smtp,
                                                                               office):
    db, p = office
    cid, code = file(db, live_server)
    to_approved(db, cid, p)
    handling.send_reply(db, cid, p["operator"], wib(), base_url=live_server.url)

    track(page, live_server, code)
    reply = page.locator(".reply")
    expect(reply.locator("strong")).to_have_text("sudah dicetak")
    expect(reply.locator("li")).to_have_count(2)
    assert "**" not in reply.inner_text() and "- Bila" not in reply.inner_text()

    assert live_server.flask("outbox", "send").returncode == 0
    (mail,) = [m for m in session_smtp.inbox.messages if code in m["Subject"] and "Tanggapan" in m["Subject"]]
    assert "multipart/alternative" in [part.get_content_type() for part in mail.walk()]
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in mail.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    text, html = parts["text/plain"], parts["text/html"]
    assert "**" not in text and "**" not in html
    assert "sudah dicetak" in text and "\u2022 Bila ada kesalahan data" in text
    assert not re.search(r"^\s*[-*] ", text, re.M)
    assert "<strong>sudah dicetak</strong>" in html and "<li>" in html


def test_reloading_the_result_does_not_send_the_form_again_and_keeps_the_code_out_of_the_url(page, live_server,
                                                                                             office):
    db, p = office
    _, code = file(db, live_server)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    track(page, live_server, code)
    assert len(posts) == 1
    page.reload()
    expect(page.get_by_role("heading", name=f"Pengaduan {code}")).to_be_visible()
    assert len(posts) == 1, "the reload sent the form again"
    for url in (page.url, *posts):
        assert code not in url and code.replace("-", "") not in url


def test_timeline_says_what_happened_and_who_has_the_complaint(page, live_server, office):
    db, p = office
    cid, code = file(db, live_server)
    to_approved(db, cid, p, returned=True)
    track(page, live_server, code)
    rows = [r.strip() for r in page.locator(".timeline li").evaluate_all(
        "items => items.map(li => li.innerText.replace(/^[^W]*WIB/, ''))")]
    assert len(rows) >= 5
    assert all(a != b for a, b in zip(rows, rows[1:])), rows
    assert not any("Sedang diproses" in r for r in rows), rows
    for internal in ("nota dinas", "disposisi", "konsep", "telaah"):
        assert not any(internal in r.lower() for r in rows), rows
    # Approved and waiting to be sent: the operator has it; a role, not a person's name.
    holder = page.locator(".holder")
    expect(holder).to_contain_text("Operator Pengaduan")
    assert "Petugas" not in holder.inner_text()


@pytest.mark.parametrize("javascript", [True, False])
def test_receipt_shows_code_date_and_deadline_and_prints_without_navigation(browser, live_server, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740},
                                  locale="id-ID")
    page = context.new_page()
    from test_e2e import fill_form, submit
    page.goto(live_server.url + "/pengaduan/")
    fill_form(page, body="KTP-el saya hilang dan saya belum tahu cara mengurusnya.")
    code = submit(page)
    deadline = page.locator("#batas-waktu").inner_text().strip()
    page.get_by_role("link", name="Simpan/Cetak bukti").click()
    expect(page.locator("#bukti-kode")).to_have_text(code)
    expect(page.locator("#bukti-batas")).to_have_text(deadline)
    expect(page.locator("#bukti-tanggal")).to_contain_text(str(wib().year))
    assert code not in page.url
    if javascript:
        expect(page.get_by_role("button", name="Cetak atau simpan sebagai PDF")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu pengaduan")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("#bukti-kode")).to_be_visible()
    expect(page.locator("#bukti-batas")).to_be_visible()
    expect(page.get_by_text("Cara melacak pengaduan")).to_be_visible()
    context.close()


def _operator_case(browser, live_server, username, cid, db):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server.url, username, PASSWORD)
    ref = db.execute("SELECT ref FROM complaints WHERE id = ?", [cid]).fetchone()[0]
    page.goto(f"{live_server.url}/pengaduan/staf/p/{ref}")
    expect(page.get_by_role("heading", name="Kirim tanggapan")).to_be_visible()
    return context, page


def test_operator_gets_a_whatsapp_link_for_a_whatsapp_complaint_only(browser, live_server, office):
    db, p = office
    cid, code = file(db, live_server, channel="whatsapp", email="", phone="0812-3456-7890")
    to_approved(db, cid, p)
    context, page = _operator_case(browser, live_server, p["usernames"]["operator"], cid, db)
    link = page.get_by_role("link", name=re.compile("WhatsApp"))
    href = link.get_attribute("href")
    url = urlsplit(href)
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/6281234567890")
    text = parse_qs(url.query)["text"][0]
    assert "sudah dicetak" in text and "**" not in text and "\u2022 Bila ada kesalahan data" in text
    assert code in text and f"{live_server.url}/pengaduan/lacak" in text
    # Back from WhatsApp, the operator records the delivery: WhatsApp, today, already filled in.
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.get_by_text("Tanggapan dikirim kepada pengadu.")).to_be_visible()
    assert db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0] == "selesai"
    context.close()

    cid, _ = file(db, live_server, channel="email", email="siti@contoh.id")
    to_approved(db, cid, p)
    context, page = _operator_case(browser, live_server, p["usernames"]["operator"], cid, db)
    expect(page.locator("a[href^='https://wa.me/']")).to_have_count(0)
    context.close()
