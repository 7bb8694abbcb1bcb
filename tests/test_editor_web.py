"""The Situs area without JavaScript (Flask's test client): forms, preview, bad input, Word,
images, the schedule and office forms, the menu, and a refusal for every action by role."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.shared import Inches

from portal import create_app
from portal.domain import site_changes as sc
import conftest
from editor_helpers import PASSWORD, content_repo, team

LOGIN = "/pengaduan/staf/masuk"
BASE = "/pengaduan/staf/situs"


@pytest.fixture
def repo(tmp_path):
    return content_repo(tmp_path / "repo")


@pytest.fixture
def app(tmp_path, smtp, repo):
    config = conftest.portal_config(tmp_path / "data", smtp.port)
    config |= {"CONTENT_REPO": str(repo.path), "CONTENT_DIR": str(repo.path / "content"),
               "SITE_DIR": str(tmp_path / "site")}
    return create_app(config)


@pytest.fixture
def ids(db):
    return team(db)


def login(client, username):
    return conftest.login(client, username, PASSWORD, expect=None)


def post(client, path, data, page=BASE + "/"):
    return client.post(path, data={**data, "csrf_token": conftest.token(client, page)}, content_type="multipart/form-data")


def news(**extra):
    return {"jenis": "berita", "judul": "Pelayanan keliling Desember", "tanggal": "2026-12-01",
            "isi": "# Pelayanan keliling Desember\n\nPetugas datang ke [kecamatan](../../layanan/index.md).\n", **extra}


def docx_bytes(with_alt=True) -> bytes:
    document = Document()
    document.add_heading("Rekam KTP-el di sekolah", level=1)
    document.add_paragraph("Petugas merekam data pelajar kelas XII.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Sekolah", "Tanggal"
    table.cell(1, 0).text, table.cell(1, 1).text = "SMAN 1 Trenggalek", "3 Desember"
    picture = io.BytesIO(conftest.photo_bytes("PNG"))
    document.add_picture(picture, width=Inches(1))
    if with_alt:
        document.inline_shapes[0]._inline.docPr.set("descr", "Pelajar antre di meja perekaman")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_web_member_writes_news_without_javascript_and_the_site_is_untouched(client, ids, repo, db):
    head = repo.head()
    login(client, "web1")
    response = client.get(BASE + "/baru?jenis=berita")
    assert response.status_code == 200 and 'name="isi"' in response.get_data(as_text=True)
    preview = post(client, BASE + "/pratinjau", news())
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "<h1" in page and "Pelayanan keliling Desember" in page and "PRATINJAU" in page
    saved = post(client, BASE + "/simpan", news())
    assert saved.status_code == 302
    change = sc.list_changes(db, open_only=True)[0]
    assert change.path == "content/berita/posts/pelayanan-keliling-desember.md" and change.state == "draf"
    assert "date: 2026-12-01" in change.text
    assert repo.head() == head and repo.read(change.path) is None


@pytest.mark.parametrize("data, message", [
    (news(nama="../../mkdocs"), "tidak boleh berisi"),
    (news(nama="Berita Saya"), "huruf kecil"),
    ({"jenis": "halaman", "judul": "SOP", "nama": "sop/index", "isi": "# SOP\n"}, "dibuat otomatis"),
    ({"jenis": "halaman", "judul": "Portal", "nama": "pengaduan/lacak", "isi": "# x\n"}, "dipakai oleh portal"),
    (news(tanggal="01-12-2026"), "TTTT-BB-HH"),
    (news(isi="# Judul\n\nLihat [jadwal](../../tidak-ada.md).\n"), "baris"),
    (news(isi="# Judul\n\n![](../../assets/sosialisasi/2026-03-besuki-1.svg)\n"), "teks pengganti"),
    # A named value the build does not know would fail the build later: refused at saving, with its line.
    (news(isi="# Judul\n\nDitanggapi paling lambat {{ tenggat.jawab }}.\n"), "dikenal. Nilai yang dapat dipakai: {{ tenggat.lapor_tindak_lanjut }}"),
])
def test_bad_input_is_refused_in_indonesian_and_changes_nothing(client, ids, db, data, message):
    login(client, "web1")
    before = conftest.table_counts(db)
    response = post(client, BASE + "/simpan", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True), re.sub(r"\s+", " ", response.get_data(as_text=True))[1200:2400]
    assert conftest.table_counts(db) == before


def test_word_import_keeps_heading_table_and_image(client, ids, db):
    login(client, "web1")
    response = post(client, BASE + "/impor-word", {"jenis": "berita", "judul": "Rekam KTP-el di sekolah",
                                                   "tanggal": "2026-12-03",
                                                   "berkas": (io.BytesIO(docx_bytes()), "berita.docx")},
                    page=BASE + "/impor-word")
    assert response.status_code == 302
    change = sc.list_changes(db, open_only=True)[0]
    assert "# Rekam KTP-el di sekolah" in change.text
    assert "| SMAN 1 Trenggalek | 3 Desember |" in change.text
    assert "![Pelajar antre di meja perekaman](../../assets/gambar/" in change.text
    files = sc.files_of(db, change.id)
    assert len(files) == 1 and files[0]["alt"] == "Pelajar antre di meja perekaman"


@pytest.mark.parametrize("name, data, message", [
    ("surat.docx", b"%PDF-1.4 bukan word %%EOF", "bukan dokumen Word"),
    ("lama.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Word lama"),
])
def test_a_docx_that_is_not_word_is_refused(client, ids, db, name, data, message):
    login(client, "web1")
    before = conftest.table_counts(db)
    response = post(client, BASE + "/impor-word", {"jenis": "berita", "judul": "X", "berkas": (io.BytesIO(data), name)},
                    page=BASE + "/impor-word")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before


def test_a_50_mb_upload_is_refused_and_changes_nothing(client, ids, db):
    login(client, "web1")
    before = conftest.table_counts(db)
    response = post(client, BASE + "/impor-word", {"jenis": "berita", "judul": "Besar",
                                                   "berkas": (io.BytesIO(b"0" * (50 * 1024 * 1024)), "besar.docx")},
                    page=BASE + "/impor-word")
    assert response.status_code == 413
    assert "melebihi batas ukuran" in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before


def test_the_editors_upload_refusal_names_the_editors_own_limit(client, ids, db):
    from portal.domain import site_forms
    login(client, "web1")
    response = post(client, BASE + "/impor-word", {"jenis": "berita", "judul": "Besar",
                                                   "berkas": (io.BytesIO(b"0" * (50 * 1024 * 1024)), "besar.docx")},
                    page=BASE + "/impor-word")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert f"{site_forms.DOCX_MAX_BYTES // 1048576} MB" in page and f"{site_forms.IMAGE_MAX_BYTES // 1048576} MB" in page
    assert f"lampiran paling besar {client.application.config['MAX_FILE_MB']} MB" not in page


def test_a_word_document_the_editor_allows_is_not_refused_by_the_complaint_limit(tmp_path, smtp, repo, ids, db):
    """The complaint form's limit (here 1 MB a file) is not the editor's: a 6 MB document reaches
    the editor, which reads it (here: not a Word file) instead of refusing its size."""
    config = conftest.portal_config(tmp_path / "data", smtp.port) | {"MAX_FILE_MB": 1}
    config |= {"CONTENT_REPO": str(repo.path), "CONTENT_DIR": str(repo.path / "content"),
               "SITE_DIR": str(tmp_path / "site")}
    client = create_app(config).test_client()
    login(client, "web1")
    response = post(client, BASE + "/impor-word", {"jenis": "berita", "judul": "Sedang",
                                                   "berkas": (io.BytesIO(b"0" * (6 * 1024 * 1024)), "sedang.docx")},
                    page=BASE + "/impor-word")
    assert response.status_code == 400 and "bukan dokumen Word" in response.get_data(as_text=True)


def test_image_needs_alt_text_and_is_re_encoded(client, ids, db):
    login(client, "web1")
    post(client, BASE + "/simpan", news())
    change = sc.list_changes(db, open_only=True)[0]
    page = f"{BASE}/perubahan/{change.id}"
    refused = post(client, f"{page}/gambar", {"version": change.version, "alt": " ",
                                              "gambar": (io.BytesIO(conftest.photo_bytes()), "foto.jpg")}, page=page)
    assert "wajib diisi" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert sc.files_of(db, change.id) == []
    post(client, f"{page}/gambar", {"version": change.version, "alt": "Petugas di balai desa",
                                    "gambar": (io.BytesIO(conftest.photo_bytes()), "foto.jpg")}, page=page)
    data = list(sc.file_data(db, change.id).values())
    assert len(data) == 1 and b"KameraRahasia" not in data[0]
    assert "![Petugas di balai desa](../../assets/gambar/" in sc.get(db, change.id).text


def test_the_preview_shows_an_image_of_the_change_before_it_is_live(client, ids, db):
    login(client, "web1")
    post(client, BASE + "/simpan", news())
    change = sc.list_changes(db, open_only=True)[0]
    page = f"{BASE}/perubahan/{change.id}"
    post(client, f"{page}/gambar", {"version": change.version, "alt": "Petugas di balai desa",
                                    "gambar": (io.BytesIO(conftest.photo_bytes()), "foto.jpg")}, page=page)
    change = sc.get(db, change.id)
    isi = change.text.split("\n---\n", 1)[1]  # the body, without the front matter
    preview = post(client, BASE + "/pratinjau", news(isi=isi, path=change.path, change_id=str(change.id)))
    src = re.search(r'<img[^>]*src="([^"]+)"', preview.get_data(as_text=True)).group(1)
    assert src.startswith(f"{BASE}/aset/{change.id}/")
    image = client.get(src)
    (stored,) = sc.file_data(db, change.id).values()
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data == stored
    assert client.get(f"{BASE}/aset/{change.id}/assets/gambar/tidak-ada.jpg").status_code == 404


def test_the_author_cancels_a_draft_and_a_reviewer_returns_one_with_a_note(client, ids, db):
    login(client, "web1")
    post(client, BASE + "/simpan", news())
    draft = sc.list_changes(db, open_only=True)[0]
    page = f"{BASE}/perubahan/{draft.id}"
    done = client.get(post(client, f"{page}/langkah/batalkan", {}, page=page).headers["Location"])
    assert "Langkah \u201cBatalkan perubahan\u201d dicatat." in done.get_data(as_text=True)
    assert sc.get(db, draft.id).state == "dibatalkan"
    assert sc.list_changes(db, open_only=True) == []

    post(client, BASE + "/simpan", news(judul="Pelayanan keliling Januari"))
    (change,) = sc.list_changes(db, open_only=True)
    page = f"{BASE}/perubahan/{change.id}"
    post(client, f"{page}/langkah/ajukan", {}, page=page)
    login(client, "web2")
    refused = client.get(post(client, f"{page}/langkah/kembalikan", {"catatan": " "}, page=page).headers["Location"])
    assert sc.get(db, change.id).state == "diajukan"
    assert "Tulis catatan: apa yang perlu diperbaiki." in refused.get_data(as_text=True)
    post(client, f"{page}/langkah/kembalikan", {"catatan": "Tanggal acara belum ditulis."}, page=page)
    assert sc.get(db, change.id).state == "dikembalikan"
    assert "Tanggal acara belum ditulis." in client.get(page).get_data(as_text=True)


def test_portal_pages_wear_the_colour_the_site_sets(client, repo):
    css = repo.path / "content" / "assets" / "stylesheets" / "situs.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n:root { --md-primary-fg-color: #0b5d3b; }\n", encoding="utf-8")
    page = client.get("/pengaduan/").get_data(as_text=True)
    assert 'href="/pengaduan/situs-warna.css"' in page
    colours = client.get("/pengaduan/situs-warna.css")
    assert colours.mimetype == "text/css" and "--brand:#0b5d3b" in colours.get_data(as_text=True)


def test_schedule_and_office_forms_keep_the_files_comments(client, ids, db, repo):
    login(client, "web1")
    bad = post(client, BASE + "/jadwal", {"tanggal": "2026-12-10", "mulai": "9.00", "selesai": "11:00",
                                          "tempat": "Balai Desa", "kecamatan": "35.03.01", "audiens": "Warga",
                                          "topik": "KIA"}, page=BASE + "/jadwal")
    assert bad.status_code == 400 and "JJ:MM" in bad.get_data(as_text=True)
    post(client, BASE + "/jadwal", {"tanggal": "2026-12-10", "mulai": "09:00", "selesai": "11:00",
                                    "tempat": "Balai Desa Uji", "kecamatan": "35.03.01", "audiens": "Warga",
                                    "topik": "KIA"}, page=BASE + "/jadwal")
    change = sc.open_for(db, sc.SCHEDULE)
    assert "Balai Desa Uji" in change.text and "# Jadwal dan laporan sosialisasi tatap muka" in change.text
    office = {"nama": "Dinas Kependudukan dan Pencatatan Sipil", "pemerintah": "Pemerintah Kabupaten Trenggalek",
              "alamat": "Jl. Uji 1, Trenggalek", "telepon": "(0355) 791234", "whatsapp": "081234567890",
              "email": "dispendukcapil@contoh.id", "jam_layanan": "Senin-Jumat 08.00-15.00", "kota": "Trenggalek",
              "kepala_dinas_nama": "Dr. Uji", "kepala_dinas_nip": "197201161993031006",
              "kepala_dinas_pangkat": "Pembina (IV/a)"}
    refused = post(client, BASE + "/kantor", {**office, "kepala_dinas_nip": "123"}, page=BASE + "/kantor")
    assert refused.status_code == 400 and "18 angka" in refused.get_data(as_text=True)
    post(client, BASE + "/kantor", office, page=BASE + "/kantor")
    change = sc.open_for(db, sc.OFFICE)
    assert "Jl. Uji 1" in change.text and "# The office: letterhead" in change.text


OFFICE_FORM = {"nama": "Dinas Kependudukan dan Pencatatan Sipil", "pemerintah": "Pemerintah Kabupaten Trenggalek",
               "alamat": "Jl. Uji 1, Trenggalek", "telepon": "(0355) 791234", "whatsapp": "081234567890",
               "email": "dispendukcapil@contoh.id", "jam_layanan": "Senin-Jumat 08.00-15.00", "kota": "Trenggalek",
               "kepala_dinas_nama": "Dr. Uji", "kepala_dinas_nip": "197201161993031006",
               "kepala_dinas_pangkat": "Pembina (IV/a)"}


def test_a_page_save_that_conflicts_shows_the_refused_text_as_its_own_draft(app, client, ids, db):
    other = app.test_client()
    login(other, "web2")
    post(other, BASE + "/simpan", news())
    theirs = sc.list_changes(db, open_only=True)[0]
    post(other, BASE + "/simpan", {**news(isi="# Pelayanan keliling Desember\n\nTeks Bagus.\n"),
                                   "change_id": theirs.id, "version": theirs.version})
    login(client, "web1")
    response = post(client, BASE + "/simpan", {**news(isi="# Pelayanan keliling Desember\n\nTeks Wulan.\n"),
                                               "change_id": theirs.id, "version": theirs.version})
    assert response.status_code == 302
    mine = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert mine != theirs.id and "Teks Wulan" in sc.get(db, mine).text and "Teks Bagus" in sc.get(db, theirs.id).text
    assert "TIDAK hilang" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'situs_bentrok'").fetchone()[0] == 1


def test_a_logo_sent_with_an_office_save_that_conflicts_stays_with_the_refused_text(app, client, ids, db):
    """Bagus saved the office details after Wulan opened the form: Wulan's text becomes its own
    draft, and her logo goes with it, never into Bagus's draft."""
    other = app.test_client()
    login(other, "web2")
    post(other, BASE + "/kantor", {**OFFICE_FORM, "alamat": "Jl. Bagus 2"}, page=BASE + "/kantor")
    theirs = sc.open_for(db, sc.OFFICE)
    post(other, BASE + "/kantor", {**OFFICE_FORM, "alamat": "Jl. Bagus 3", "version": theirs.version},
         page=BASE + "/kantor")
    theirs = sc.get(db, theirs.id)
    login(client, "web1")
    response = post(client, BASE + "/kantor", {**OFFICE_FORM, "alamat": "Jl. Wulan 1", "version": theirs.version - 1,
                                               "logo": (io.BytesIO(conftest.photo_bytes("PNG")), "logo.png")},
                    page=BASE + "/kantor")
    assert response.status_code == 302
    mine = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert mine != theirs.id
    assert "TIDAK hilang" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jl. Wulan 1" in sc.get(db, mine).text and "logo-dinas.png" in sc.get(db, mine).text
    assert [f["path"] for f in sc.files_of(db, mine)] == ["content/assets/logo-dinas.png"]
    assert sc.files_of(db, theirs.id) == [] and sc.get(db, theirs.id) == theirs
    assert [e["step"] for e in sc.events(db, mine)] == ["buat"]


def test_menu_change_is_a_draft_operation(client, ids, db):
    login(client, "web1")
    response = post(client, BASE + "/menu", {"op": "naik", "page": "tentang/kontak.md"}, page=BASE + "/menu")
    assert response.status_code == 302
    change = sc.list_changes(db, open_only=True)[0]
    assert change.kind == "menu" and change.menu_op == {"op": "naik", "page": "tentang/kontak.md", "title": "",
                                                        "section": None}
    refused = post(client, BASE + "/menu", {"op": "tambah", "page": "tidak/ada.md", "judul": "X"}, page=BASE + "/menu")
    assert refused.status_code == 400 and "tidak ada" in refused.get_data(as_text=True)


# Refusals by role for every page and step of the area are generated from the policy table by
# tests/test_policy.py (rows situs_*); this checks that each step reads its row.

def test_each_step_takes_its_roles_from_the_policy_table():
    from portal.domain import policy
    for step in sc.STEPS.values():
        if step.action != sc.SYSTEM:
            assert step.roles == policy.ACTIONS[step.action].roles


def test_the_situs_page_tells_the_team_when_new_portal_data_could_not_reach_the_site(app, db, ids):
    from datetime import datetime, timezone
    from portal.domain import site_refresh
    site_refresh.record(db, "a", site_refresh.BASELINE, datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc))
    site_refresh.record(db, "b", site_refresh.FAILED, datetime(2026, 11, 2, 2, 30, tzinfo=timezone.utc),
                        error="content/data/pengaduan/daftar.json, baris 1: berkas JSON rusak")
    client = app.test_client()
    login(client, "web1")
    page = client.get(BASE + "/").get_data(as_text=True)
    assert "Senin, 2 November 2026 pukul 09.30 WIB: gagal" in page  # in office time
    assert "daftar.json, baris 1: berkas JSON rusak" in page
    assert "situs awal" not in page  # only rebuilds for new data and their failures are listed


@pytest.mark.parametrize("path, kind, form", [
    ("content/data/sosialisasi/jadwal.yml", "jadwal", "/jadwal"),
    ("content/data/dinas.yml", "kantor", "/kantor"),
    ("content/data/standar-pelayanan/kk.yml", "layanan", "/layanan/kk"),
])
def test_restoring_an_old_version_of_a_data_file_keeps_it_a_change_of_its_form(client, ids, db, repo, path, kind, form):
    # Restoring is a change like any other; a data file's change is edited through its form, never
    # as Markdown text.
    login(client, "web1")
    first = repo.log(path)[-1].sha
    response = post(client, BASE + "/pulihkan", {"path": path, "commit": first}, page=BASE + "/")
    assert response.status_code == 302
    change = sc.open_for(db, path)
    assert change.kind == kind and change.restored_from == first
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="isi"' not in page  # not the page editor
    assert f'href="{BASE}{form}"' in page  # its form, one click away
