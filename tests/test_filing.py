"""Filing a complaint through the public form (Flask test client, real SMTP on loopback)."""

import io
import re

from PIL import Image

from conftest import VALID, photo_bytes, upload_files
from portal.domain import outbox, tracking


def post(client, csrf, data=VALID, files=()):
    form = {**data, "csrf_token": csrf()}
    form["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/pengaduan/", data=form, content_type="multipart/form-data")


def test_accepted_complaint_shows_code_and_deadline(client, csrf, db):
    response = post(client, csrf, files=[("foto ktp.jpg", photo_bytes())])
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="kode-pelacakan">([^<]+)<', page).group(1)
    assert tracking.check(code)[0] is tracking.CodeStatus.VALID
    assert "Kami akan menanggapi paling lambat" in page
    row = db.execute("SELECT nik, state, channel FROM complaints").fetchone()
    assert row == ("3503114508900001", "diterima", "web")
    assert db["attachments"].count == 1
    assert db["events"].count == 1


def test_photo_is_stored_without_exif_or_location(app, client, csrf, db):
    post(client, csrf, files=[("foto.jpg", photo_bytes())])
    (stored,) = upload_files(app.config["UPLOAD_DIR"])
    with Image.open(f"{app.config['UPLOAD_DIR']}/{stored}") as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    raw = open(f"{app.config['UPLOAD_DIR']}/{stored}", "rb").read()
    assert b"KameraRahasia" not in raw
    assert db.execute("SELECT original_name FROM attachments").fetchone()[0] == "foto.jpg"
    assert not stored.startswith("foto")


def test_acknowledgment_arrives_at_smtp_server(app, client, csrf, smtp, db):
    post(client, csrf)
    code = tracking.display(db.execute("SELECT tracking_code FROM complaints").fetchone()[0])
    with app.app_context():
        from portal.cli.mail import transport
        sent, failed = outbox.send_due(db, transport, now=lambda: __import__("datetime").datetime.now())
    assert (sent, failed) == (1, 0)
    (message,) = smtp.inbox.messages
    assert message["To"] == "siti@contoh.id"
    assert code in message["Subject"]
    assert code in message.get_payload(decode=True).decode()


def test_anonymous_complaint_keeps_no_identity(client, csrf, db):
    data = {**VALID, "visibility": "anonim"}
    assert post(client, csrf, data).status_code == 303
    assert db.execute("SELECT name, email, phone, nik FROM complaints").fetchone() == (None,) * 4
    assert db["outbox"].count == 0


def test_tracking_shows_timeline_and_masked_nik(client, csrf, db):
    post(client, csrf)
    code = tracking.display(db.execute("SELECT tracking_code FROM complaints").fetchone()[0])
    page = client.post("/pengaduan/lacak", data={"code": code.lower().replace("-", " "),
                                                 "csrf_token": csrf("/pengaduan/lacak")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Pengaduan diterima" in page
    assert "Sedang ditelaah" in page
    assert "3503••••••••0001" in page
    assert "3503114508900001" not in page
    assert "Batas waktu tanggapan" in page
