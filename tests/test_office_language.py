"""Staff read office language: every staff page, as each role sees it, writes dates the Indonesian
way ("29 November 2026") and never shows an internal code (a snake_case action, step or role name).

One sweep: a portal with something on every page (complaints in each part of the workflow, SKM
answers with a follow-up plan approved, the Maklumat and an annual report approved, population
and SIAK data, a temporary role), then each role signs in and follows every staff link it is
shown, reading the text a person sees on each page."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

import conftest
import editor_helpers
from conftest import ROOT, VALID, login, make_staff, token
from portal import create_app
from portal.db import connect
from portal.domain import regions, skm, standar, users
from portal.domain.population import siak
from test_case_web import act, form_for
from test_population import PERIODE, filled_template, siak_csv, xlsx_bytes

STAFF = "/pengaduan/staf/"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Words that look like codes but are meant to be read, each with why:
ALLOWED_CODES = {
    # The SIAK upload asks for a CSV whose header row names these columns; staff must type them
    # exactly as written, so the page shows them as they are (in <code>).
    "kode_desa", "nama_desa", *siak.FIELDS,
}
# Not pages: files, pictures, and the site editor's assets.
FILES = re.compile(r"\.(csv|xlsx|pdf|docx|png|jpe?g|svg|css|js|ico)$|/lampiran/|/dokumen/|/aset/")
# Elements whose text is not the page's words but a file's own text, shown as it is: the site
# editor's comparison of two versions of a page's source (front matter keys and dates included),
# which the web team reads to see exactly what a change alters.
FILE_TEXT = {"situs-diff"}


class _VisibleText(HTMLParser):
    """The text a person sees: no tags, attributes (links, input values, hidden fields), scripts,
    styles or the contents of text boxes (what was typed in them, not what the page says)."""

    HIDDEN = {"script", "style", "textarea", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the open elements whose text is not read
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN or FILE_TEXT & set((attrs.get("class") or "").split()):
            self.hidden.append(tag)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def read(html: str) -> tuple[str, list[str]]:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()), parser.links


def spelled_codes(db) -> re.Pattern:
    """The access log's codes written with spaces ("beri peran sementara"): a code with its
    underscores taken out is still a code, not the office's words. (Only the log's: many step and
    permission codes are ordinary words, "nota_dinas" for instance.)"""
    codes = {a for (a,) in db.execute("SELECT DISTINCT action FROM audit_log")}
    return re.compile("|".join(rf"\b{re.escape(c.replace('_', ' '))}\b" for c in sorted(codes) if "_" in c))


def office_words(text: str, spelled: re.Pattern) -> list[str]:
    """What on a page is not office language (ISO dates, internal codes outside the allow-list),
    each with the words around it."""
    found = list(ISO_DATE.finditer(text)) + [m for m in CODE.finditer(text) if m.group() not in ALLOWED_CODES]
    found += list(spelled.finditer(text))
    return [f"{m.group()} (\"{text[max(0, m.start() - 50):m.end() + 20]}\")" for m in found]


# --------------------------------------------------------------------------- a portal with content

@pytest.fixture
def portal(tmp_path, smtp):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data",
                    ignore=shutil.ignore_patterns("kependudukan", "profil", "laporan-pengaduan", "pengaduan"))
    maklumat = content / "data" / "maklumat.yml"
    maklumat.write_text(maklumat.read_text(encoding="utf-8").replace("tanggal: null", "tanggal: 2026-11-02"),
                        encoding="utf-8")
    repo = editor_helpers.content_repo(tmp_path / "repo")  # the site editor's own history, not the project's
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(content),
                      "CONTENT_REPO": str(repo.path)})
    db = connect(app.config["DATABASE"])
    yield app, db
    db.close()


def _post(client, page: str, action: str, data: dict, **kwargs):
    response = client.post(action, data={"csrf_token": token(client, page), **data}, **kwargs)
    assert response.status_code in (200, 302, 303), (action, response.get_data(as_text=True)[:2000])
    return response


def _complaints(client, db, staff) -> None:
    """Complaints at each stage: answered (with a draft sent back once), found unfit, waiting for
    the citizen's information, and waiting for the official's draft."""
    for body in ("KTP-el saya belum jadi sejak tiga bulan lalu padahal sudah rekam.",
                 "Saya ingin bertanya syarat membuat akta kelahiran.", "Kartu keluarga saya salah nama.",
                 "Antrean perekaman KTP-el terlalu panjang."):
        client.post("/pengaduan/", data={**VALID, "body": body, "csrf_token": token(client, "/pengaduan/")},
                    content_type="multipart/form-data")
    answered, unfit, info, waiting = [r for (r,) in db.execute("SELECT ref FROM complaints ORDER BY id")]
    steps = {answered: [("operator", "telaah_layak"), ("kabid", "nota_dinas"), ("kadis", "disposisi"),
                        ("pejabat", "ajukan_konsep"), ("kadis", "kembalikan"), ("pejabat", "ajukan_konsep"),
                        ("kadis", "setujui"), ("operator", "kirim")],
             unfit: [("operator", "telaah_tidak_layak")], info: [("operator", "minta_informasi")],
             waiting: [("operator", "telaah_layak"), ("kabid", "nota_dinas"), ("kadis", "disposisi"),
                       ("pejabat", "simpan_konsep")]}
    for ref, path in steps.items():
        for role, step in path:
            login(client, role)
            assert act(client, ref, step, form_for(step, staff)).status_code == 303, (ref, step)


def _skm(client, db) -> None:
    """SKM answers with suggestions, a follow-up plan, approved by the Kepala Dinas."""
    item = next(x for x in skm.load_loket(ROOT / "content", standar.names(ROOT / "content")) if x.kode == "1")
    for code in skm.issue_tokens(db, 3, loket=item, layanan=None, actor_id=None, now=datetime.now()):
        _post(client, "/pengaduan/skm/?loket=1", "/pengaduan/skm/", {
            "kode": skm.display_kode(code), "loket": "1", "layanan": "ktp-el",
            **{f"u{i}": "4" for i in range(1, 10)}, "u3": "2", "saran": "Antrean terlalu lama."})
    periode = skm.periode_of(date.today()).kode
    page = f"{STAFF}skm/?periode={periode}"
    login(client, "operator")
    _post(client, page, f"{STAFF}skm/{periode}/rencana", {"layanan": "", "unsur": "3", "rencana": "Tambah loket.",
                                                            "penanggung_jawab": "Kasi", "target": "Juni"})
    login(client, "kadis")
    sidik = re.search(r'name="sidik" value="([0-9a-f]+)"', client.get(page).get_data(as_text=True)).group(1)
    _post(client, page, f"{STAFF}skm/{periode}/setujui", {"sidik": sidik})
    assert "<strong>Disetujui</strong>" in client.get(page).get_data(as_text=True)


def _approvals(client) -> None:
    """The Maklumat approved; last year's annual report exported and approved, this year's exported."""
    login(client, "kadis")
    page = client.get(f"{STAFF}maklumat").get_data(as_text=True)
    sidik = re.search(r'name="sidik" value="([0-9a-f]+)"', page).group(1)
    _post(client, f"{STAFF}maklumat", f"{STAFF}maklumat/setujui", {"sidik": sidik})
    for year in (date.today().year - 1, date.today().year):
        path = f"{STAFF}laporan/{year}"
        _post(client, path, path + "/ekspor", {})
    path = f"{STAFF}laporan/{date.today().year - 1}"
    sidik = re.search(r'name="sidik" value="([0-9a-f]+)"', client.get(path).get_data(as_text=True)).group(1)
    _post(client, path, path + "/setujui", {"sidik": sidik})


def _population(client) -> None:
    login(client, "data")
    base = f"{STAFF}data/"
    _post(client, base, base + "unggah", {"berkas": [(io.BytesIO(xlsx_bytes(filled_template())), "laporan.xlsx")]},
          content_type="multipart/form-data")
    desa = regions.desa_list("35.03.11")[0]
    _post(client, base, base + "siak", {"periode": PERIODE, "toleransi": "0",
                                        "berkas": (io.BytesIO(siak_csv({(desa.kode, "jumlah_kk"): 1})), "siak.csv")},
          content_type="multipart/form-data")


def _accounts(client) -> None:
    """The administrator changes an account and gives it a temporary (Plh) role."""
    login(client, "admin")
    page = f"{STAFF}admin/akun/pejabat"
    _post(client, page, page + "/profil", {"display_name": "Petugas pejabat", "jabatan": "Kasi Pelayanan"})
    until = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    _post(client, page, page + "/peran-sementara", {"role": "kabid", "valid_until": until, "note": "Surat Plh 1"})


def _site_change(client) -> None:
    """A news item written by the web team, waiting as a draft."""
    login(client, "web")
    _post(client, f"{STAFF}situs/", f"{STAFF}situs/simpan", {
        "jenis": "berita", "judul": "Pelayanan keliling Desember", "tanggal": "2026-12-01",
        "isi": "# Pelayanan keliling Desember\n\nPetugas datang ke kecamatan.\n"}, content_type="multipart/form-data")


# --------------------------------------------------------------------------- the sweep

def crawl(client, starts: list[str], spelled: re.Pattern, limit: int = 400) -> dict[str, list[str]]:
    """Every staff page reachable from `starts` by following links; page -> what is not office language."""
    seen, queue, found = set(), list(starts), {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) <= limit, f"more than {limit} pages: a link that never ends?"
        response = client.get(url, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        text, links = read(response.get_data(as_text=True))
        found[url] = office_words(text, spelled)
        for href in links:
            target = urldefrag(urljoin(url, href))[0]
            if urlsplit(target).path.startswith(STAFF) and not FILES.search(urlsplit(target).path):
                queue.append(target)
    return found


def test_staff_pages_show_long_dates_and_office_words(portal):
    app, db = portal
    client = app.test_client()
    staff = make_staff(db)
    _complaints(client, db, staff)
    _skm(client, db)
    _approvals(client)
    _population(client)
    _accounts(client)
    _site_change(client)
    refs = [f"{STAFF}p/{r}" for (r,) in db.execute("SELECT ref FROM complaints")]
    named = [f"{STAFF}skm/", f"{STAFF}maklumat", f"{STAFF}laporan/", f"{STAFF}laporan/{date.today().year - 1}",
             f"{STAFF}data/", f"{STAFF}data/rekap?periode={PERIODE}", f"{STAFF}data/siak?periode={PERIODE}&toleransi=0"]
    pages, distinct, problems = 0, set(), {}
    for role in users.ROLES:
        landing = login(client, role).headers["Location"]
        found = crawl(client, [landing, STAFF, *refs, *named], spelled_codes(db))
        pages += len(found)
        distinct |= set(found)
        problems.update({f"{role} {url}": words for url, words in found.items() if words})
    report = "\n".join(f"{where}: {'; '.join(sorted(set(words)))}" for where, words in sorted(problems.items()))
    print(f"{pages} pages read ({len(distinct)} different addresses); "
          f"{sum(len(w) for w in problems.values())} dates or codes on {len(problems)} of them")
    assert pages > 50
    assert not problems, "not office language:\n" + report
