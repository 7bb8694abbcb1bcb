"""The public list of complaints, hardened: the citizen's words reach the site as inert text (no
link, image, heading, attribute, list or HTML that a plain-text rendering would not have, line
breaks kept), the reply keeps exactly the formatting the staff pages give it, personal data
disguised with invisible or fullwidth characters is found before publication, and the operator
can withdraw a published item.

Complaints full of hostile Markdown and disguised personal data are taken through the workflow
and published with the redacted version the portal suggests; the site is built from the export
by the real engine. The built pages, the search index and the feeds are searched, the nginx CSP
rendering is run over them, and Chromium loads every page and clicks everything in it."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import lxml.html
import pytest

import conftest
import site_helpers
from conftest import ROOT, VALID, LiveServer
from portal import create_app
from portal.db import connect
from portal.domain import catalog as catalog_module, complaints, handling, publication, rendering, users
from portal.domain.calendar import Calendar
from conftest import PASSWORD, login, token

NOW = datetime(2026, 6, 1, 9, 0)
INVISIBLE = {"U+200B": "\u200b", "U+200C": "\u200c", "U+200D": "\u200d", "U+2060": "\u2060",
             "U+FEFF": "\ufeff", "U+00AD": "\u00ad"}
FULLWIDTH = str.maketrans("0123456789@.", "０１２３４５６７８９＠．")
# Each is its own block of the citizen's text, as a citizen separates paragraphs by blank lines.
HOSTILE = [
    "[x](javascript:alert(1))",
    "[x][r] dan [y][r]",
    "[r]: javascript:alert(1)",
    "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![i](https://evil.example/p.png)",
    "Paragraf dengan atribut\n{onclick=alert(1)}",
    "*miring*{onclick=alert(1)}",
    "# Heading palsu {onclick=alert(1)}",
    "- daftar palsu\n- butir kedua",
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "Baris pertama keluhan.\nBaris kedua keluhan.\nBaris ketiga keluhan.",
]
REPLY = ("Yth. Bapak/Ibu, **penting**: berkas Anda sudah lengkap.\n\n- Ambil di kantor kecamatan\n- Bawa KK asli\n\n"
         "[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)> "
         "![i](https://evil.example/r.png) *kata*{onclick=alert(1)}\n\n# Judul palsu")
PEOPLE = [("Wulandari Pratiwi", "wulan.pratiwi@contoh.id", "085733334444", "3503014508850002"),
          ("Bambang Hadi Saputro", "bambang.hs@contoh.id", "087855556666", "3503120101700003"),
          ("Sri Rahayuningsih", "sri.rahayu@contoh.id", "082144447777", "3503034112800004")]
STAFF_ROLES = ("operator", "kabid", "kadis", "pejabat")

spec = importlib.util.spec_from_file_location("render_nginx", ROOT / "deploy" / "nginx" / "render.py")
render_nginx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_nginx)


def normalised(text: str) -> str:
    """What a reader sees: compatibility forms folded, invisible format characters gone."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")


def every(value: str, char: str, step: int = 4) -> str:
    return char.join(value[i:i + step] for i in range(0, len(value), step))


def disguised_data(k: int) -> tuple[list[str], list[str]]:
    """Text blocks with personal data hidden by two invisible characters (and, for the first
    complaint, fullwidth digits), and the plain values they hide."""
    blocks, plain = [], []
    for j, (label, char) in enumerate(list(INVISIBLE.items())[2 * k:2 * k + 2]):
        n = 10 * k + j + 1
        phone, nik, email = f"0857{n:04d}{n:04d}", f"35031105{n:08d}", f"warga{n}.tes@contoh{n}.id"
        local, domain = email.split("@")
        blocks.append(f"Nomor saya {every(phone, char)}, NIK {every(nik, char)}, surel "
                      f"{local[:3]}{char}{local[3:]}@{domain[:3]}{char}{domain[3:]} ({label}).")
        plain += [phone, nik, email]
    if k == 0:
        phone, nik, email = "081355557777", "3503110508900099", "lebar.sekali@contoh.id"
        blocks.append(f"Telepon {phone.translate(FULLWIDTH)}, NIK {nik.translate(FULLWIDTH)}, "
                      f"e-mail {email.translate(FULLWIDTH)}.")
        plain += [phone, nik, email]
    return blocks, plain


def file_and_answer(db, catalog, actor, tmp, person, body, visibility="publik") -> int:
    name, email, phone, nik = person
    new = complaints.NewComplaint(channel="web", category="akta-kelahiran", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility=visibility, body=body, name=name, email=email,
                                  phone=phone, nik=nik, consent=True)
    cid = complaints.file_complaint(db, new, [], catalog=catalog, calendar=Calendar.default(), upload_dir=str(tmp),
                                    now=NOW, base_url="http://x").id
    handling.telaah_fit(db, cid, actor["operator"], NOW)
    handling.create_nota_dinas(db, cid, actor["kabid"], NOW, catalog=catalog, sifat="Biasa", hal="Akta",
                               ringkasan="Akta.", telaah="Layak.", tembusan=[actor["pejabat"].id])
    handling.dispose(db, cid, actor["kadis"], NOW, pejabat_id=actor["pejabat"].id, instruksi="Tanggapi.",
                     batas=NOW.date())
    handling.submit_draft(db, cid, actor["pejabat"], NOW, body=f"Yth. Sdr. {name},\n\n{REPLY}")
    handling.approve(db, cid, actor["kadis"], NOW, catalog=catalog)
    handling.send_reply(db, cid, actor["operator"], NOW, base_url="http://x")
    return cid


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the site's sources, so that exports never touch the repository."""
    return site_helpers.copy_sources(tmp_path_factory.mktemp("situs"))


def build(tree: Path, site: Path) -> Path:
    result = site_helpers.build(tree, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="module")
def published(tree, tmp_path_factory, session_smtp):
    """Three public complaints with hostile text and disguised personal data, answered and
    published with the version the portal suggests; one more answered but not yet published."""
    tmp = tmp_path_factory.mktemp("portal")
    app = create_app({**conftest.portal_config(tmp / "data", session_smtp.port),
                      "PUBLIC_DATA_DIR": str(tree / "content" / "data" / "pengaduan")})
    db = connect(app.config["DATABASE"])
    catalog = catalog_module.load(ROOT / "content")
    ids = {role: users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role],
                                   jabatan="Kabid Pelayanan Pendaftaran Penduduk" if role == "pejabat" else None,
                                   now=datetime.now()) for role in STAFF_ROLES}
    actor = {role: handling.Actor(i, frozenset({role})) for role, i in ids.items()}
    secrets, cids = [], []
    for k, person in enumerate(PEOPLE):
        name, email, phone, nik = person
        blocks, plain = disguised_data(k)
        first, second = name.split()[0], name.split()[-1]
        hidden_name = f"{first[:3]}{INVISIBLE['U+200B']}{first[3:]} {second[:2]}{INVISIBLE['U+00AD']}{second[2:]}"
        hostile = HOSTILE[k:] + HOSTILE[:k]  # each complaint opens with another attack (the list shows it)
        body = "\n\n".join(hostile + [f"Saya {hidden_name}, mohon dibantu."] + blocks)
        cid = file_and_answer(db, catalog, actor, tmp, person, body)
        body_r, reply_r = publication.suggestion(db, complaints.get(db, cid))
        publication.approve(db, cid, actor["operator"], NOW, body=body_r, reply=reply_r)
        secrets += plain + [name, *name.split(), email, phone, nik]
        cids.append(cid)
    waiting = file_and_answer(db, catalog, actor, tmp, ("Dewi Lestari", "dewi.l@contoh.id", "081277778888",
                                                         "3503016009900005"), "Akta anak saya belum terbit.")
    assert publication.export(db, catalog, tree / "content" / "data" / "pengaduan") == 3
    yield SimpleNamespace(app=app, db=db, catalog=catalog, actor=actor, cids=cids, waiting=waiting,
                          secrets=secrets, export=tree / "content" / "data" / "pengaduan" / "daftar.json")
    db.close()


@pytest.fixture(scope="module")
def site(tree, published, tmp_path_factory):
    return build(tree, tmp_path_factory.mktemp("build") / "site")


def exported(published) -> list[dict]:
    return json.loads(published.export.read_text(encoding="utf-8"))["pengaduan"]


def item_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("pengaduan-publik/*/index.html"))


def article(path: Path):
    return lxml.html.fromstring(path.read_text(encoding="utf-8")).xpath("//article")[0]


def section(art, title: str) -> list:
    """The elements after the h2 `title`, up to the next heading or the back link."""
    (h2,) = [h for h in art.iter("h2") if h.text_content().replace("¶", "").strip() == title]
    out = []
    for el in h2.itersiblings():
        if el.tag in ("h1", "h2") or "Kembali ke daftar" in el.text_content():
            break
        out.append(el)
    return out


def lines(elements) -> list[str]:
    """The text as a reader sees it, one entry per line (<br> and paragraphs break lines)."""
    parts = []
    for top in elements:
        top = lxml.html.fromstring(lxml.html.tostring(top))  # a copy: the tails below are ours
        for br in top.iter("br"):
            br.tail = "\n" + (br.tail or "")
        for p in top.iter("p", "li", "div"):
            p.tail = "\n" + (p.tail or "")
        parts.append(top.text_content())
    return [line.strip() for line in "\n".join(parts).split("\n") if line.strip()]


def test_export_holds_the_normalised_text(published):
    items = exported(published)
    assert len(items) == 3
    for item in items:
        for text in (item["isi"], item["tanggapan"]):
            assert text == normalised(text)  # no invisible character, no fullwidth digit left to show


def test_citizen_text_is_inert_text_on_the_built_pages(site, published):
    items = {i["nomor"]: i for i in exported(published)}
    pages = item_pages(site)
    assert len(pages) == 3
    for path in pages:
        art = article(path)
        number = path.parent.name
        headings = [(h.tag, h.text_content().replace("¶", "").strip())
                    for h in art.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert headings == [("h1", f"Pengaduan {number}"), ("h2", "Isi pengaduan"),
                            ("h2", "Tanggapan Dispendukcapil")], path
        body = section(art, "Isi pengaduan")
        tags = {el.tag for top in body for el in top.iter()}
        assert tags <= {"p", "br", "div"}, (path, tags)  # no link, image, list, script, heading
        assert all(not el.attrib or set(el.attrib) == {"class"} for top in body for el in top.iter())
        stored = items[number]["isi"]
        # Shown exactly as written, line for line, Markdown and HTML signs included.
        assert lines(body) == [line.strip() for line in stored.split("\n") if line.strip()]
        assert "[x](javascript:alert(1))" in stored or "<script>alert(1)</script>" in stored
        assert not art.xpath(".//img | .//script | .//iframe | .//object | .//embed | .//form")
        for el in art.iter():
            assert not [a for a in el.attrib if a.lower().startswith("on")], (path, el.tag, el.attrib)
            for attr in ("href", "src", "action", "formaction"):
                value = (el.get(attr) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, el.tag, value)
        links = [a.get("href") for a in art.iter("a") if a.get("href")]
        assert all(h.startswith("#") or h == "../" for h in links), (path, links)


def test_reply_keeps_exactly_the_staff_formatting(site, published):
    items = {i["nomor"]: i for i in exported(published)}
    for path in item_pages(site):
        html = path.read_text(encoding="utf-8")
        reply = items[path.parent.name]["tanggapan"]
        assert rendering.render_reply(reply) in html  # the same function as the staff pages
        block = section(article(path), "Tanggapan Dispendukcapil")
        tags = {el.tag for top in block for el in top.iter()}
        assert {"strong", "ul", "li"} <= tags  # the staff's formatting is kept ...
        assert not tags & {"img", "script", "h1", "h2"}  # ... and nothing the allow-list drops


def test_list_page_shows_summaries_as_text(site, published):
    art = article(site / "pengaduan-publik" / "index.html")
    headings = [h.text_content().replace("¶", "").strip() for h in art.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings == ["Daftar pengaduan publik"]
    assert not art.xpath(".//img | .//script")
    hrefs = sorted(a.get("href") for a in art.iter("a") if a.get("href") and not a.get("href").startswith("#"))
    assert hrefs == sorted(f"{p.parent.name}/" for p in item_pages(site))
    for el in art.iter():
        assert not [a for a in el.attrib if a.lower().startswith("on")]
    text = art.text_content()
    for item in exported(published):
        assert item["isi"].split("\n")[0] in text  # the citizen's first line, as written


def test_nginx_csp_rendering_accepts_the_built_site(site):
    # It refuses a site with an inline event handler or a javascript: URL, which blocks publishing.
    scripts, _styles = render_nginx.inline_hashes(site)
    assert scripts


def test_search_index_and_feeds_hold_no_markup_from_citizen_text(site):
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    ours = [d for d in docs if d["location"].startswith("pengaduan-publik/")]
    assert len(ours) >= 3 * 3
    titles = {d["title"] for d in ours}
    pages = {f"Pengaduan {p.parent.name}" for p in item_pages(site)}
    assert pages <= titles
    # No section made from a heading in citizen text.
    assert titles <= pages | {"Isi pengaduan", "Tanggapan Dispendukcapil", "Daftar pengaduan publik",
                              "Daftar Pengaduan Publik"}, titles
    for d in ours:
        text = d["text"]
        assert not re.search(r"<(a|img|script|iframe|h[1-6])\b", text, re.IGNORECASE), d
        assert not re.search(r"<[^>]*\son\w+\s*=", text), d
        if d["location"].endswith("#isi-pengaduan"):
            assert not re.search(r"<(ul|ol|li)\b", text), d  # no list made from citizen text
            assert "javascript:alert(1)" in text or "&lt;script&gt;" in text  # shown as text
    feeds = [p for p in site.rglob("*") if p.suffix in (".xml", ".ics", ".rss", ".atom")]
    assert feeds
    for feed in feeds:
        text = feed.read_text(encoding="utf-8")
        assert "javascript:" not in text and "evil.example" not in text and "onerror" not in text, feed


def test_no_personal_data_in_any_disguise(site, published):
    digits = [s for s in published.secrets if s.isdigit()]
    words = [s for s in published.secrets if not s.isdigit() and len(s) >= 5]
    # A number counts as shown whatever stands between its digits: spaces, dots, tags, invisibles.
    patterns = [re.compile(r"[^\w]{0,8}".join(d)) for d in digits]
    leaks = []
    for where, text in site_helpers.site_texts(site):
        text = normalised(text).lower()
        leaks += [(where, p.pattern) for p in patterns if p.search(text)]
        leaks += [(where, w) for w in words if w.lower() in text]
    assert leaks == []
    assert sum(1 for p in site.rglob("*") if p.is_file()) > 50


@pytest.mark.parametrize("char", list(INVISIBLE) + ["fullwidth"])
@pytest.mark.parametrize("kind", ["telepon", "nik", "email", "nama"])
def test_approval_is_refused_while_disguised_personal_data_remains(published, kind, char):
    db, cid = published.db, published.waiting
    name, email, phone, nik = "Dewi Lestari", "dewi.lain@contoh.id", "081277771234", "3503016009900077"
    value = {"telepon": phone, "nik": nik, "email": email, "nama": name}[kind]
    if char == "fullwidth":
        shown = value.translate(FULLWIDTH) if kind != "nama" else "Ｄｅｗｉ Ｌｅｓｔａｒｉ"
    else:
        shown = every(value, INVISIBLE[char], 3)
    with pytest.raises(handling.HandlingError, match="data pribadi"):
        publication.approve(db, cid, published.actor["operator"], NOW, body=f"Hubungi {shown} segera.",
                            reply="Akta sudah terbit.")
    assert db.execute("SELECT COUNT(*) FROM publications WHERE complaint_id = ?", [cid]).fetchone()[0] == 0


def test_chromium_shows_the_pages_without_a_dialog_or_a_foreign_request(site, published, page, session_smtp,
                                                                         tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-hardening")
    (tmp / "site").symlink_to(site)
    server = LiveServer(tmp, session_smtp)
    assert server.flask("migrate").returncode == 0
    server.start()
    try:
        dialogs, foreign = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def guard(route):  # nothing leaves the machine: a request to another host is noted and stopped
            url = route.request.url
            if urlsplit(url).hostname == "127.0.0.1":
                route.continue_()
            else:
                foreign.append(url)
                route.abort()
        page.route("**/*", guard)
        page.set_viewport_size({"width": 1280, "height": 900})
        paths = ["pengaduan-publik/"] + [f"pengaduan-publik/{p.parent.name}/" for p in item_pages(site)]
        items = {i["nomor"]: i for i in exported(published)}
        missing = []
        for path in paths:
            page.goto(f"{server.url}/{path}")
            page.wait_for_load_state("networkidle")
            # A reader clicks anything in the text: links to elsewhere on the site excepted.
            page.evaluate("""() => { for (const el of document.querySelectorAll('article *')) {
                const a = el.closest('a[href]');
                if (a && new URL(a.href, location.href).origin === location.origin) continue;
                el.click(); } }""")
            page.wait_for_timeout(300)  # a javascript: URL runs after the click returns
            number = path.rstrip("/").rsplit("/", 1)[-1]
            if number in items:
                shown = page.locator("article").inner_text()
                missing += [line for line in items[number]["isi"].split("\n") if line.strip() not in shown]
        # Search results are drawn from the index: typing what the hostile text holds shows it as text.
        page.goto(f"{server.url}/pengaduan-publik/")
        results = site_helpers.search_site(page, "alert")
        assert results.count() >= 3
        page.wait_for_timeout(300)
        assert dialogs == []
        assert foreign == []
        assert missing == []  # every line of the citizen's text shown as a line, as written
    finally:
        server.stop()


def test_operator_withdraws_an_item_and_the_next_build_drops_it(tree, site, published, tmp_path):
    client = published.app.test_client()
    number = exported(published)[0]["nomor"]
    ref = published.db.execute("SELECT c.ref FROM publications p JOIN complaints c ON c.id = p.complaint_id "
                               "WHERE p.public_number = ?", [number]).fetchone()[0]
    url = f"/pengaduan/staf/p/{ref}/publikasi/tarik"
    assert (site / "pengaduan-publik" / number / "index.html").exists()

    for role in ("kadis", "kabid", "pejabat"):  # roles that may not publish may not withdraw
        login(client, role)
        assert client.post(url, data={"csrf_token": token(client)}).status_code == 403
    with pytest.raises(publication.NotPublishable):
        publication.withdraw(published.db, published.cids[0], published.actor["kadis"], NOW)
    assert number in {i["nomor"] for i in exported(published)}

    login(client, "operator")
    listing = client.get("/pengaduan/staf/publikasi").get_data(as_text=True)
    assert f'action="{url}"' in listing  # the button beside the published item
    assert client.post(url, data={}).status_code == 400  # no CSRF token: refused, nothing changes
    assert number in {i["nomor"] for i in exported(published)}
    done = client.post(url, data={"csrf_token": token(client)})
    assert done.status_code == 303
    assert number in client.get(done.headers["Location"]).get_data(as_text=True)  # told what happened
    assert number not in {i["nomor"] for i in exported(published)}
    assert len(exported(published)) == 2
    audit = published.db.execute("SELECT actor_id, detail FROM audit_log WHERE action = 'tarik_publikasi'").fetchall()
    assert [(a, number in d) for a, d in audit] == [(published.actor["operator"].id, True)]

    rebuilt = build(tree, tmp_path / "site")
    assert not (rebuilt / "pengaduan-publik" / number).exists()
    assert len(item_pages(rebuilt)) == 2
    assert number not in (rebuilt / "pengaduan-publik" / "index.html").read_text(encoding="utf-8")
    assert number not in (rebuilt / "search" / "search_index.json").read_text(encoding="utf-8")
