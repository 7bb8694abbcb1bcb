"""Bad input changes nothing: every refused submission leaves the database and the upload
directory as they were, answers 4xx, names the problem in Indonesian next to the field and
keeps what the citizen typed."""

import io
import re

import pytest
from markupsafe import escape

import conftest
from conftest import VALID, photo_bytes, table_counts, token, upload_files
from portal import create_app
from portal.db import connect
from portal.domain import tracking

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


def post(client, csrf, data=VALID, files=(), token=True):
    form = dict(data)
    if token:
        form["csrf_token"] = csrf()
    form["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/pengaduan/", data=form, content_type="multipart/form-data")


def snapshot(db, app):
    return table_counts(db), upload_files(app.config["UPLOAD_DIR"])


def field_error(html, field):
    """The error message shown right above the field's input, or None."""
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def assert_rejected(response, before, db, app, status=422):
    assert response.status_code == status
    assert snapshot(db, app) == before
    return response.get_data(as_text=True)


def assert_kept_name(html, name=VALID["name"]):
    assert f'id="name" name="name" type="text" value="{escape(name)}"' in html


# ---------------------------------------------------------------- CSRF

def test_missing_csrf_token_is_refused_and_saves_nothing(app, client, csrf, db):
    before = snapshot(db, app)
    response = post(client, csrf, files=[("foto.jpg", photo_bytes())], token=False)
    html = assert_rejected(response, before, db, app, status=400)
    assert "Sesi formulir kedaluwarsa" in html
    assert "Tidak ada data yang disimpan." in html


def test_wrong_csrf_token_is_refused_and_saves_nothing(app, client, csrf, db):
    csrf()  # the session has a token, but the form carries another one
    before = snapshot(db, app)
    form = {**VALID, "csrf_token": "bukan-token-yang-benar"}
    response = client.post("/pengaduan/", data=form, content_type="multipart/form-data")
    html = assert_rejected(response, before, db, app, status=400)
    assert "Tidak ada data yang disimpan." in html


# ---------------------------------------------------------------- NIK

NIK_CASES = [
    ("35031145O8900001", "NIK hanya boleh berisi angka."),
    ("350311450890001", "NIK harus 16 digit; yang diisi 15 digit."),
    ("35031145089000011", "NIK harus 16 digit; yang diisi 17 digit."),
    ("9901114508900001", "Kode provinsi 99 pada NIK tidak terdaftar di Kemendagri."),
    ("3599114508900001", "Kode kabupaten/kota 35.99 pada NIK tidak terdaftar di Kemendagri."),
    ("3503990101900001", "Kode kecamatan 35.03.99 pada NIK tidak terdaftar di Kemendagri."),
    ("3503113508900001", "Tanggal lahir pada NIK (digit ke-7 dan ke-8: 35) tidak mungkin; "
                         "untuk laki-laki 01–31, untuk perempuan 41–71."),
    ("3503117208900001", "Tanggal lahir pada NIK (digit ke-7 dan ke-8: 72) tidak mungkin; "
                         "untuk laki-laki 01–31, untuk perempuan 41–71."),
    ("3503113102900001", "Tanggal lahir pada NIK (31 Februari 1990) tidak ada di kalender."),
    ("3503110113900001", "Bulan lahir pada NIK (digit ke-9 dan ke-10: 13) tidak mungkin; harus 01–12."),
    ("3503114508900000", "Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000."),
]


@pytest.mark.parametrize("nik, message", NIK_CASES, ids=[
    "huruf", "15-digit", "17-digit", "provinsi", "kabupaten", "kecamatan", "hari-35", "hari-72",
    "31-februari", "bulan-13", "urut-0000"])
def test_invalid_nik_is_named_next_to_the_field(app, client, csrf, db, nik, message):
    before = snapshot(db, app)
    html = assert_rejected(post(client, csrf, {**VALID, "nik": nik}), before, db, app)
    assert field_error(html, "nik") == str(escape(message))
    assert f'name="nik" type="text" value="{nik}"' in html
    assert_kept_name(html)
    assert "Belum ada data yang disimpan." in html


# ---------------------------------------------------------------- attachments

NOT_ACCEPTED = "bukan foto JPEG/PNG atau dokumen PDF. Hanya berkas JPEG, PNG, atau PDF yang diterima."


@pytest.mark.parametrize("name, content, message", [
    ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000, f"Berkas “foto.jpg” {NOT_ACCEPTED}"),
    ("surat.pdf", b"Ini hanya teks biasa, bukan PDF.\n" * 20, f"Berkas “surat.pdf” {NOT_ACCEPTED}"),
    ("rusak.jpg", photo_bytes()[:100], f"Berkas “rusak.jpg” {NOT_ACCEPTED}"),
    ("setengah.jpg", photo_bytes()[: len(photo_bytes()) // 2], f"Berkas “setengah.jpg” {NOT_ACCEPTED}"),
    ("putus.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\n", "Berkas PDF “putus.pdf” rusak atau tidak lengkap."),
    ("kosong.jpg", b"", "Berkas “kosong.jpg” kosong."),
], ids=["exe-as-jpg", "text-as-pdf", "jpeg-100-bytes", "jpeg-half", "pdf-without-eof", "empty"])
def test_unacceptable_file_is_refused_with_its_name(app, client, csrf, db, name, content, message):
    before = snapshot(db, app)
    # A good photo alongside: it must not be stored either.
    response = post(client, csrf, files=[("baik.jpg", photo_bytes()), (name, content)])
    html = assert_rejected(response, before, db, app)
    assert field_error(html, "files") == str(escape(message))
    assert_kept_name(html)


def test_more_than_three_attachments_are_refused(app, client, csrf, db):
    before = snapshot(db, app)
    files = [(f"foto{i}.jpg", photo_bytes()) for i in range(4)]
    html = assert_rejected(post(client, csrf, files=files), before, db, app)
    assert field_error(html, "files") == "Paling banyak 3 lampiran."
    assert_kept_name(html)


@pytest.fixture
def small_app(tmp_path, smtp):
    """A portal that accepts attachments of at most 1 MB (so requests of at most 4 MB)."""
    app = create_app(conftest.portal_config(tmp_path / "kecil", smtp.port) | {"MAX_FILE_MB": 1})
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    database = connect(app.config["DATABASE"])
    yield app, app.test_client(), database
    database.close()


def test_file_over_the_per_file_limit_gets_the_field_message(small_app):
    app, client, db = small_app
    before = snapshot(db, app)
    big = photo_bytes() + b"\x00" * (1024 * 1024 + 200_000)  # about 1.2 MB, request under 4 MB
    response = post(client, lambda: token(client, "/pengaduan/"), files=[("besar.jpg", big)])
    html = assert_rejected(response, before, db, app)
    message = field_error(html, "files")
    assert message.startswith("Berkas “besar.jpg” terlalu besar")
    assert message.endswith("batasnya 1 MB per berkas.")
    assert_kept_name(html)


def test_file_over_the_limit_message_states_its_real_size(small_app):
    app, client, db = small_app
    big = b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024)  # 3.0 MB
    response = post(client, lambda: token(client, "/pengaduan/"), files=[("besar.jpg", big)])
    assert response.status_code == 422
    assert "(3.0 MB)" in field_error(response.get_data(as_text=True), "files")


def test_request_over_max_content_length_gets_the_413_page(small_app):
    app, client, db = small_app
    before = snapshot(db, app)
    huge = b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024)  # over MAX_CONTENT_LENGTH (4 MB)
    response = post(client, lambda: token(client, "/pengaduan/"), files=[("raksasa.jpg", huge)])
    html = assert_rejected(response, before, db, app, status=413)
    assert "Berkas terlalu besar" in html
    assert "Setiap lampiran paling besar 1 MB" in html
    assert "Tidak ada data yang disimpan" in html


# ---------------------------------------------------------------- text and choices

@pytest.mark.parametrize("body, message", [
    ("", "Isi pengaduan wajib diisi."),
    ("   \n\t  \r\n ", "Isi pengaduan wajib diisi."),
    ("x" * 100_000, "Isi pengaduan terlalu panjang (100.000 karakter); paling banyak 5.000 karakter."),
], ids=["kosong", "spasi", "100-kB"])
def test_bad_complaint_text(app, client, csrf, db, body, message):
    before = snapshot(db, app)
    html = assert_rejected(post(client, csrf, {**VALID, "body": body}), before, db, app)
    assert field_error(html, "body") == message
    assert_kept_name(html)
    if body.strip():
        assert body in html  # the long text stays in the textarea, to be shortened


def test_missing_name_and_contact_when_not_anonymous(app, client, csrf, db):
    before = snapshot(db, app)
    data = {**VALID, "name": "", "email": "", "phone": ""}
    html = assert_rejected(post(client, csrf, data), before, db, app)
    assert field_error(html, "name") == "Nama wajib diisi, kecuali untuk pengaduan anonim."
    assert field_error(html, "email") == "Isi alamat e-mail atau nomor telepon agar kami dapat menghubungi Anda."
    assert f'value="{VALID["nik"]}"' in html
    assert VALID["body"] in html


@pytest.mark.parametrize("field, value, message", [
    ("email", "siti@contoh", "Alamat e-mail tidak valid. Contoh: nama@contoh.id"),
    ("email", "siti aminah@contoh.id", "Alamat e-mail tidak valid. Contoh: nama@contoh.id"),
    ("phone", "12345", "Nomor telepon tidak valid. Contoh: 081234567890"),
    ("phone", "0812-ABCD-7890", "Nomor telepon tidak valid. Contoh: 081234567890"),
    ("category", "pajak-kendaraan", "Pilih kategori pengaduan dari daftar."),
    ("kecamatan", "35.03.99", "Pilih kecamatan dari daftar."),
], ids=["email-tanpa-domain", "email-spasi", "telepon-pendek", "telepon-huruf", "kategori", "kecamatan"])
def test_invalid_field_is_named_next_to_it(app, client, csrf, db, field, value, message):
    before = snapshot(db, app)
    html = assert_rejected(post(client, csrf, {**VALID, field: value}), before, db, app)
    assert field_error(html, field) == message
    assert_kept_name(html)
    if field in ("email", "phone"):
        assert f'value="{escape(value)}"' in html


def test_desa_outside_the_chosen_kecamatan(app, client, csrf, db):
    before = snapshot(db, app)
    data = {**VALID, "kecamatan": "35.03.01", "desa": "35.03.11.2001"}
    html = assert_rejected(post(client, csrf, data), before, db, app)
    assert field_error(html, "desa") == "Pilih desa/kelurahan yang berada di Kecamatan Panggul."
    assert '<option selected value="35.03.01">Panggul</option>' in html
    assert_kept_name(html)


def test_consent_not_ticked(app, client, csrf, db):
    before = snapshot(db, app)
    data = {k: v for k, v in VALID.items() if k != "consent"}
    html = assert_rejected(post(client, csrf, data), before, db, app)
    assert field_error(html, "consent") == (
        "Anda perlu menyetujui pemrosesan data pribadi agar pengaduan dapat kami tangani.")
    assert_kept_name(html)
    assert VALID["body"] in html


def test_honeypot_filled_stores_nothing(app, client, csrf, db):
    before = snapshot(db, app)
    response = post(client, csrf, {**VALID, "website": "http://spam.example"},
                    files=[("foto.jpg", photo_bytes())])
    html = assert_rejected(response, before, db, app, status=400)
    assert "terdeteksi sebagai kiriman otomatis" in html


# ---------------------------------------------------------------- markup is text

@pytest.mark.parametrize("payload", [XSS_SCRIPT, XSS_ATTR], ids=["script", "attribute"])
@pytest.mark.parametrize("field", ["name", "email", "phone", "nik", "body"])
def test_markup_in_a_rejected_form_is_shown_escaped(app, client, csrf, db, field, payload):
    before = snapshot(db, app)
    data = {**VALID, field: payload + " keluhan saya"}
    data.pop("consent")  # so that the form is refused whichever field carries the markup
    html = assert_rejected(post(client, csrf, data), before, db, app)
    assert payload not in html
    assert "<img src=x" not in html
    assert str(escape(payload)) in html
    if payload == XSS_SCRIPT:
        assert "&lt;script&gt;" in html


def test_markup_in_an_accepted_complaint_is_text_on_the_tracking_page(client, csrf, db):
    markup = "<script>alert(1)</script><b>tebal</b>"
    data = {**VALID, "name": f"Siti {markup}", "body": f"KTP-el belum jadi {markup} sejak Maret."}
    response = post(client, csrf, data)
    assert response.status_code == 303
    stored_name, stored_body, code = db.execute(
        "SELECT name, body, tracking_code FROM complaints").fetchone()
    assert (stored_name, stored_body) == (data["name"], data["body"])
    page = client.post("/pengaduan/lacak", data={
        "code": tracking.display(code), "csrf_token": csrf("/pengaduan/lacak")},
        follow_redirects=True).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "<b>tebal</b>" not in page
    assert "<dd>Siti &lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;tebal&lt;/b&gt;</dd>" in page
    assert "KTP-el belum jadi &lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;tebal&lt;/b&gt; sejak Maret." in page


# ---------------------------------------------------------------- rate limit

def test_third_submission_in_an_hour_is_refused(tmp_path, smtp):
    app = create_app(conftest.portal_config(tmp_path / "data", smtp.port) | {"RATELIMIT_SUBMIT": "2 per hour"})
    client = app.test_client()
    db = connect(app.config["DATABASE"])
    try:
        for _ in range(2):
            assert post(client, lambda: token(client, "/pengaduan/"), files=[("f.jpg", photo_bytes())]).status_code == 303
        assert db["complaints"].count == 2
        before = snapshot(db, app)
        response = post(client, lambda: token(client, "/pengaduan/"), files=[("f.jpg", photo_bytes())])
        html = assert_rejected(response, before, db, app, status=429)
        assert "Terlalu banyak permintaan" in html
        assert "Tunggu beberapa saat, lalu coba lagi." in html
    finally:
        db.close()


def test_markup_in_a_refused_file_name_is_shown_escaped(app, client, csrf, db):
    before = snapshot(db, app)
    name = "<img src=x onerror=alert(1)>.jpg"
    response = post(client, csrf, files=[(name, b"bukan gambar sama sekali")])
    html = assert_rejected(response, before, db, app)
    assert "<img src=x" not in html
    assert field_error(html, "files") == f"Berkas “&lt;img src=x onerror=alert(1)&gt;.jpg” {NOT_ACCEPTED}"
