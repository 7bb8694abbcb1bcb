"""What staff see on a 1366x768 office screen, in Chromium: the inbox that says who complained,
about what, who holds it and by when; a reply draft that never loses typed text; a history
and an access log in office language; no serious accessibility violation on any staff page.

Complaints are put into their states through the domain (the same calls the step forms make)
on the live server's database; the pages are read in the browser as a person would."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conftest import ROOT, sign_in
from portal.db import connect
from portal.domain import catalog as catalog_module
from portal.domain import complaints, deadlines, feedback, handling, outbox, policy, users, workflow
from portal.domain.calendar import Calendar
from portal.domain.formatting import tanggal_panjang as format_tanggal

PASSWORD = "kata-sandi-panjang-ux-1"
SCREEN = {"width": 1366, "height": 768}
CATALOG = catalog_module.load(ROOT / "content")
WIB = ZoneInfo("Asia/Jakarta")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PEOPLE = {
    "ux_operator": (["operator"], "Budi Santoso", None),
    "ux_kabid": (["kabid"], "Sri Wahyuni", "Kabid PIAK"),
    "ux_kadis": (["kadis"], "Hartono", "Kepala Dinas"),
    "ux_pejabat": (["pejabat"], "Dewi Lestari", "Kasi Pelayanan Akta"),
    "ux_pejabat2": (["pejabat"], "Eko Prasetyo", "Kasi Identitas Penduduk"),
    "ux_admin": (["admin"], "Rina Admin", None),
    "ux_data": (["data"], "Tono Data", None),
}


def wib_now() -> datetime:
    return datetime.now(WIB).replace(microsecond=0)


class World:
    """The live server's database, its staff, and complaints put into the states we need."""

    def __init__(self, live_server):
        self.server = live_server
        self.db = connect(str(live_server.data_dir / "portal.db"))
        self.calendar = Calendar.default()
        self.actors = {}
        for username, (roles, name, jabatan) in PEOPLE.items():
            row = self.db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
            uid = row[0] if row else users.create_user(self.db, username, PASSWORD, display_name=name, roles=roles,
                                                        now=wib_now() - timedelta(days=1), jabatan=jabatan)
            self.actors[username] = handling.Actor(uid, frozenset(roles))

    def file(self, body="Akta kelahiran anak saya belum terbit setelah tiga minggu.", *, name="Siti Aminah",
             received=None, category="akta-kelahiran", visibility="rahasia") -> dict:
        new = complaints.NewComplaint(
            channel="telepon", category=category, kecamatan="35.03.11", desa="35.03.11.2001",
            visibility=visibility, body=body, name=name if visibility != "anonim" else "",
            email="warga@contoh.id" if visibility != "anonim" else "", consent=True,
            received_at=received, entered_by=self.actors["ux_operator"].id)
        filed = complaints.file_complaint(self.db, new, [], catalog=CATALOG, calendar=self.calendar,
                                          upload_dir=str(self.server.data_dir), now=wib_now(),
                                          base_url=self.server.url)
        return self.complaint(filed.id)

    def complaint(self, cid) -> dict:
        return complaints.get(self.db, cid)

    def to(self, c: dict, state: str) -> dict:
        """Take the complaint along the SOP until it is in `state`."""
        a, cid, now, url = self.actors, c["id"], wib_now(), self.server.url
        path = {
            "diterima": [], "menunggu_informasi": ["info"], "tidak_layak": ["tidak_layak"],
            "dicabut": ["info", "dicabut"], "layak": ["layak"], "nota_dinas": ["layak", "nota"],
            "disposisi": ["layak", "nota", "disposisi"], "konsep": ["layak", "nota", "disposisi", "konsep"],
            "disetujui": ["layak", "nota", "disposisi", "konsep", "setujui"],
            "selesai": ["layak", "nota", "disposisi", "konsep", "setujui", "kirim"],
            "ditinjau_ulang": ["layak", "nota", "disposisi", "konsep", "setujui", "kirim", "belum"],
        }[state]
        for move in path:
            if move == "info":
                handling.request_information(self.db, cid, a["ux_operator"], now, note="Mohon kirim foto KK.",
                                             base_url=url)
            elif move == "dicabut":
                from portal.db import write_transaction
                with write_transaction(self.db):
                    handling.transition(self.db, cid, "dicabut", handling.Actor(None, frozenset({workflow.SYSTEM})),
                                        now, note="Tidak ada jawaban dari pengadu.")
            elif move == "tidak_layak":
                handling.telaah_not_fit(self.db, cid, a["ux_operator"], now, reason="bukan_wewenang",
                                        note="Silakan menghubungi Kantor Pertanahan.", base_url=url)
            elif move == "layak":
                handling.telaah_fit(self.db, cid, a["ux_operator"], now)
            elif move == "nota":
                handling.create_nota_dinas(self.db, cid, a["ux_kabid"], now, catalog=CATALOG, sifat="Segera",
                                           hal="Pengaduan akta", ringkasan="Akta belum terbit.",
                                           telaah="Layak ditindaklanjuti.", tembusan=[a["ux_pejabat"].id])
            elif move == "disposisi":
                handling.dispose(self.db, cid, a["ux_kadis"], now, pejabat_id=a["ux_pejabat"].id,
                                 instruksi="Mohon dibuatkan konsep tanggapan.",
                                 batas=self.calendar.add_working_days(now.date(), 5).due)
            elif move == "konsep":
                handling.submit_draft(self.db, cid, a["ux_pejabat"], now,
                                      body="Akta kelahiran sudah terbit.\n\nSilakan ambil di kantor kami.")
            elif move == "setujui":
                handling.approve(self.db, cid, a["ux_kadis"], now, catalog=CATALOG)
            elif move == "kirim":
                handling.send_reply(self.db, cid, a["ux_operator"], now, base_url=url)
            elif move == "belum":
                feedback.rate(self.db, cid, scores={q: 2 for q in feedback.QUESTIONS}, solved=False,
                              comment="Akta belum saya terima.", now=now)
        return self.complaint(cid)


@pytest.fixture(scope="module")
def world(live_server):
    w = World(live_server)
    yield w
    w.db.close()


@pytest.fixture
def staff(browser, live_server):
    """Sign in as someone on an office screen; returns the page."""
    contexts = []

    def login(username, *, javascript=True):
        context = browser.new_context(viewport=SCREEN, locale="id-ID", java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server.url, username, PASSWORD)
        return page
    yield login
    for context in contexts:
        context.close()


def case_url(live_server, c) -> str:
    return f"{live_server.url}/pengaduan/staf/p/{c['ref']}"


def row_of(page, c):
    code = complaints.tracking.display(c["tracking_code"])
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=code))


# ---------------------------------------------------------------- 10. the inbox

def test_every_filter_label_sits_with_its_field(world, staff, live_server):
    page = staff("ux_operator")
    page.goto(live_server.url + "/pengaduan/staf/?semua=1")
    labels = page.locator("form.filters label")
    assert labels.count() >= 7
    for i in range(labels.count()):
        label = labels.nth(i)
        field = page.locator(f"#{label.get_attribute('for')}")
        lb, fb = label.bounding_box(), field.bounding_box()
        # Directly above its field, starting at the same left edge: read together, as on paper.
        assert 0 <= fb["y"] - (lb["y"] + lb["height"]) <= 8, label.inner_text()
        assert abs(fb["x"] - lb["x"]) <= 2, label.inner_text()
    # All of it fits the office screen without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]


def test_inbox_says_who_what_who_holds_it_and_by_when(world, staff, live_server):
    fresh = world.file("KTP-el saya rusak dan perlu dicetak ulang.\nNomor antrean saya 17.", name="Siti Aminah",
                       category="ktp-el")
    late = world.file("Kartu keluarga belum diperbarui setelah pindah.", name="Joko Widodo",
                      received=wib_now() - timedelta(days=40), category="kk")
    assigned = world.to(world.file("Akta kematian ayah saya belum selesai.", name="Rahmat Hidayat"), "disposisi")
    page = staff("ux_operator")
    page.goto(live_server.url + "/pengaduan/staf/?semua=1")
    headers = [h.strip() for h in page.get_by_role("columnheader").all_inner_texts()]
    for wanted in ("Pengadu", "Isi pengaduan", "Sedang ditangani", "Batas tanggapan"):
        assert wanted in headers

    row = row_of(page, fresh)
    expect(row).to_contain_text("Siti Aminah")
    expect(row).to_contain_text("KTP-el saya rusak dan perlu dicetak ulang.")
    expect(row).not_to_contain_text("Nomor antrean")  # the first line only
    operators = users.holders(world.db, "operator", wib_now())
    expect(row).to_contain_text(users.ROLES["operator"])
    for person in operators:
        expect(row).to_contain_text(person["display_name"])
    due = deadlines.answer_clock(fresh, complaints.events_of(world.db, fresh["id"]), catalog=CATALOG,
                                 calendar=world.calendar).deadline.due
    expect(row).to_contain_text(format_tanggal(due))
    expect(row).not_to_contain_text("Terlambat")

    late_row = row_of(page, late)
    late_due = deadlines.answer_clock(late, complaints.events_of(world.db, late["id"]), catalog=CATALOG,
                                      calendar=world.calendar).deadline.due
    expect(late_row).to_contain_text(format_tanggal(late_due))
    expect(late_row).to_contain_text("Terlambat")

    expect(row_of(page, assigned)).to_contain_text("Kasi Pelayanan Akta Dewi Lestari", use_inner_text=True)


def test_inbox_hides_the_complainant_from_whom_the_privacy_rule_refuses(world, staff, live_server):
    c = world.to(world.file("Saya Rahmawati Kusuma, akta anak saya belum terbit.", name="Rahmawati Kusuma"),
                 "disposisi")
    # Named in the disposisi: sees who complained. Another official: does not.
    for username in ("ux_pejabat", "ux_pejabat2"):
        actor = world.actors[username]
        sees = policy.sees_identity(world.db, c["id"], actor.roles, actor.id)
        page = staff(username)
        page.goto(live_server.url + "/pengaduan/staf/?semua=1")
        row = row_of(page, c)
        expect(row).to_be_visible()
        if sees:
            expect(row).to_contain_text("Rahmawati Kusuma")
        else:
            expect(row).not_to_contain_text("Rahmawati")
            expect(row).to_contain_text("disembunyikan")
            expect(row).to_contain_text("akta anak saya belum terbit")
    assert policy.sees_identity(world.db, c["id"], world.actors["ux_pejabat"].roles, world.actors["ux_pejabat"].id)
    assert not policy.sees_identity(world.db, c["id"], world.actors["ux_pejabat2"].roles,
                                    world.actors["ux_pejabat2"].id)


def test_unsent_mail_is_told_in_plain_words_to_whom_can_act(world, staff, live_server):
    world.file("KTP-el hilang, mohon informasi penggantian.", category="ktp-el")  # queues an acknowledgment
    unsent = outbox.backlog(world.db)["unsent"]
    assert unsent > 0
    page = staff("ux_operator")
    page.goto(live_server.url + "/pengaduan/staf/")
    expect(page.locator("main")).not_to_contain_text("Antrean e-mail")
    expect(page.get_by_text(f"{unsent} e-mail belum terkirim ke warga")).to_be_visible()
    expect(page.get_by_text("hubungi pengelola sistem")).to_be_visible()
    kabid = staff("ux_kabid")
    kabid.goto(live_server.url + "/pengaduan/staf/")
    expect(kabid.locator("main")).not_to_contain_text("e-mail belum terkirim")
    expect(kabid.locator("main")).not_to_contain_text("Antrean e-mail")


# ---------------------------------------------------------------- 11. konsep tanggapan

def _template(category):
    templates = CATALOG.templates_for(category)
    assert templates, "the catalog offers reply templates for this category"
    return templates[0]


def test_choosing_a_template_keeps_typed_text_with_javascript(world, staff, live_server):
    c = world.to(world.file(), "disposisi")
    title, body = _template(c["category"])
    page = staff("ux_pejabat")
    page.goto(case_url(live_server, c))
    box = page.get_by_label("Teks tanggapan", exact=True)
    box.fill("Yth. Bapak/Ibu,\n\nTerima kasih atas pengaduan Anda.")
    page.evaluate("window.stillHere = true")
    box.evaluate("b => b.setSelectionRange(15, 15)")  # the cursor after "Yth. Bapak/Ibu,"
    page.get_by_role("button", name=f"Sisipkan templat: {title}").click()
    value = box.input_value()
    assert value.startswith("Yth. Bapak/Ibu,")
    assert "Terima kasih atas pengaduan Anda." in value
    assert body.strip() in value
    assert value.index(body.strip()) < value.index("Terima kasih atas pengaduan Anda.")  # at the cursor
    assert page.evaluate("window.stillHere === true")  # no reload


def test_choosing_a_template_keeps_typed_text_without_javascript(world, staff, live_server):
    c = world.to(world.file(), "disposisi")
    title, body = _template(c["category"])
    page = staff("ux_pejabat", javascript=False)
    page.goto(case_url(live_server, c))
    page.get_by_label("Teks tanggapan", exact=True).fill("Yth. Bapak/Ibu, terima kasih atas pengaduan Anda.")
    page.get_by_role("button", name=f"Sisipkan templat: {title}").click()
    value = page.get_by_label("Teks tanggapan", exact=True).input_value()
    assert "Yth. Bapak/Ibu, terima kasih atas pengaduan Anda." in value
    assert body.strip() in value
    # Nothing was saved or submitted by choosing a template.
    assert world.complaint(c["id"])["state"] == "disposisi"


def test_kepala_dinas_preview_has_no_blank_gaps_between_paragraphs(world, staff, live_server):
    c = world.to(world.file(), "konsep")
    page = staff("ux_kadis")
    page.goto(case_url(live_server, c))
    paragraphs = page.locator(".steps .reply p")
    assert paragraphs.count() == 2
    first, second = paragraphs.nth(0).bounding_box(), paragraphs.nth(1).bounding_box()
    line = page.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)", paragraphs.nth(0).element_handle())
    gap = second["y"] - (first["y"] + first["height"])
    assert gap <= line, f"gap between paragraphs {gap:.0f}px, one line is {line:.0f}px"
    box = page.locator(".steps .reply").bounding_box()
    # No blank band above the first line or below the last.
    assert first["y"] - box["y"] <= 16 and (box["y"] + box["height"]) - (second["y"] + second["height"]) <= 16


# ---------------------------------------------------------------- 12. office language

def test_history_reads_as_sentences(world, staff, live_server):
    c = world.to(world.file(), "nota_dinas")
    page = staff("ux_operator")
    page.goto(case_url(live_server, c))
    history = page.locator("ol.timeline.history")
    text = history.inner_text()
    assert "→" not in text
    for code in list(workflow.STATES) + list(workflow.STEPS):
        if "_" in code:  # the codes that are not also plain words
            assert code not in text, code
    assert not re.search(r"\((diterima|layak|nota_dinas|disposisi|konsep)\b", text)
    events = complaints.events_of(world.db, c["id"])
    fit = next(e for e in events if e["kind"] == "telaah_layak")
    at = datetime.fromisoformat(fit["at"])
    expect(history).to_contain_text(
        f"{format_tanggal(at.date())} pukul {at:%H.%M} — {users.ROLES['operator']} Budi Santoso "
        f"{workflow.HISTORY['telaah_layak']}.")
    expect(history).to_contain_text(f"Kabid PIAK Sri Wahyuni {workflow.HISTORY['nota_dinas']}.")


def test_access_log_groups_repeated_views_in_plain_words(world, staff, live_server):
    c = world.file()
    page = staff("ux_kabid")
    for _ in range(3):
        page.goto(case_url(live_server, c))
    log = page.locator("ol.access-log")
    lines = log.locator("li").filter(has_text="Sri Wahyuni")
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text(f"{format_tanggal(wib_now().date())} — Kabid PIAK Sri Wahyuni")
    expect(lines).to_contain_text(f"{policy.AUDIT_LABELS['lihat_pengaduan']} 3 kali")
    expect(page.locator("main")).not_to_contain_text("lihat_pengaduan")


@pytest.mark.parametrize("state,username", [("disposisi", "ux_pejabat"), ("konsep", "ux_kadis"),
                                            ("selesai", "ux_operator"), ("nota_dinas", "ux_kadis")])
def test_case_page_speaks_office_language(world, staff, live_server, state, username):
    c = world.to(world.file(), state)
    page = staff(username)
    page.goto(case_url(live_server, c))
    text = page.locator("main").inner_text()
    assert "Markdown" not in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text).group(0)
    assert not re.search(r"\b\d{2}:\d{2}\b", text)  # times as 09.15, the Indonesian way


# ---------------------------------------------------------------- accessibility on every staff page

def _pages():
    states = list(workflow.STATES)
    owner = {"menunggu_informasi": "ux_operator", "layak": "ux_kabid", "nota_dinas": "ux_kadis",
             "disposisi": "ux_pejabat", "konsep": "ux_kadis"}
    out = [pytest.param("ux_operator", f"case:{s}", id=f"case-{s}") if s not in owner
           else pytest.param(owner[s], f"case:{s}", id=f"case-{s}") for s in states]
    for username, path, name in (
            ("ux_operator", "/pengaduan/staf/", "inbox"), ("ux_operator", "/pengaduan/staf/?semua=1", "inbox-all"),
            ("ux_operator", "/pengaduan/staf/dasbor", "dashboard"), ("ux_operator", "/pengaduan/staf/catat", "entry"),
            ("ux_operator", "/pengaduan/staf/publikasi", "publication"),
            ("ux_operator", "/pengaduan/staf/data-pribadi", "personal-data"),
            ("ux_kadis", "/pengaduan/staf/laporan/", "reports"),
            ("ux_kadis", f"/pengaduan/staf/laporan/{datetime.now().year}", "report-year"),
            ("ux_data", "/pengaduan/staf/data/", "population"), ("ux_data", "/pengaduan/staf/data/rekap", "recap"),
            ("ux_admin", "/pengaduan/staf/admin/", "admin"), ("ux_admin", "/pengaduan/staf/admin/akun-baru", "admin-new"),
            ("ux_kadis", "/pengaduan/staf/skm/", "skm"), ("ux_kadis", "/pengaduan/staf/maklumat", "maklumat"),
            ("ux_admin", "/pengaduan/staf/kesiapan", "readiness"), ("ux_admin", "/pengaduan/staf/hari-libur", "holidays")):
        out.append(pytest.param(username, path, id=name))
    return out


@pytest.mark.parametrize("username,where", _pages())
def test_no_serious_accessibility_violation_on_staff_pages(world, staff, live_server, username, where):
    page = staff(username)
    if where.startswith("case:"):
        path = case_url(live_server, world.to(world.file(), where.split(":", 1)[1]))
    else:
        path = live_server.url + where
    response = page.goto(path)
    assert response.status == 200
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                  for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert violations == []


def test_publication_list_shows_long_dates(world, staff, live_server):
    c = world.to(world.file(visibility="publik"), "selesai")
    page = staff("ux_operator")
    page.goto(live_server.url + "/pengaduan/staf/publikasi")
    item = page.get_by_role("listitem").filter(has=page.get_by_role(
        "link", name=complaints.tracking.display(c["tracking_code"])))
    expect(item).to_contain_text(f"diterima {format_tanggal(datetime.fromisoformat(c['received_at']).date())}")
    text = page.locator("main").inner_text()
    assert not ISO_DATE.search(text), ISO_DATE.search(text).group(0)
