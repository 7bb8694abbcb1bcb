"""The office asks for more information; the citizen adds it from the tracking page."""

import io
from datetime import datetime, timedelta

import pytest

from conftest import VALID, form_token, photo_bytes
from portal.domain import complaints, handling, users, workflow


@pytest.fixture
def filed(client, csrf, db):
    client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}, content_type="multipart/form-data")
    complaint_id, code = db.execute("SELECT id, tracking_code FROM complaints").fetchone()
    return complaint_id, code


def calendar_of(app):
    from portal.web import calendar
    with app.app_context():
        return calendar()


def operator(db):
    return users.create_user(db, "ops", "kata-sandi-panjang", display_name="Operator",
                             roles=["operator"], now=datetime.now())


def track_page(client, csrf, code):
    return client.post("/pengaduan/lacak", data={"code": code, "csrf_token": csrf("/pengaduan/lacak")},
                       follow_redirects=True)


def test_request_and_answer_information(client, csrf, db, filed):
    complaint_id, code = filed
    handling.request_information(db, complaint_id, handling.Actor(operator(db), frozenset({"operator"})),
                                 datetime.now(), note="Mohon lampirkan foto KK Anda.", base_url="http://x")
    page = track_page(client, csrf, code).get_data(as_text=True)
    assert "Menunggu informasi dari Anda" in page
    assert "Mohon lampirkan foto KK Anda." in page
    assert "dihentikan sementara" in page

    token = form_token(page)
    response = client.post("/pengaduan/lacak/informasi", content_type="multipart/form-data", data={
        "csrf_token": token, "code": code, "body": "Foto KK terlampir.",
        "files": [(io.BytesIO(photo_bytes("PNG")), "kk.png")]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Informasi tambahan Anda telah kami terima." in page
    assert "Anda menambahkan informasi" in page
    assert db.execute("SELECT state FROM complaints").fetchone()[0] == "diterima"
    assert db["attachments"].count == 1
    assert db.execute("SELECT body FROM events WHERE kind = 'tambah_informasi'").fetchone()[0] == "Foto KK terlampir."


def test_information_is_refused_when_not_asked(client, csrf, db, filed):
    _, code = filed
    page = track_page(client, csrf, code).get_data(as_text=True)
    assert "Tambahkan informasi" not in page
    token = form_token(page)
    before = db["events"].count
    response = client.post("/pengaduan/lacak/informasi", data={"csrf_token": token, "code": code,
                                                               "body": "Informasi tanpa diminta."})
    assert response.status_code == 422
    assert "tidak menunggu informasi tambahan" in response.get_data(as_text=True)
    assert db["events"].count == before


def test_only_an_operator_may_ask_for_information(db, filed):
    complaint_id, _ = filed
    with pytest.raises(workflow.StepNotAllowed, match="tidak berwenang"):
        handling.request_information(db, complaint_id, handling.Actor(operator(db), frozenset({"kadis"})),
                                     datetime.now(), note="x", base_url="http://x")
    assert db.execute("SELECT state FROM complaints").fetchone()[0] == "diterima"


def test_waiting_time_does_not_count_against_the_deadline(app, db, filed):
    complaint_id, code = filed
    view = lambda: complaints.public_view(db, complaints.find_by_code(db, code),  # noqa: E731
                                          catalog=app.extensions["portal.catalog"],
                                          calendar=calendar_of(app))
    original_due = view().due.due
    ops = operator(db)
    asked = datetime.now() + timedelta(days=1)
    handling.request_information(db, complaint_id, handling.Actor(ops, frozenset({"operator"})), asked,
                                 note="Mohon kirim foto KK.", base_url="http://x")
    assert view().due is None
    complaint = complaints.find_by_code(db, code)
    complaints.add_information(db, complaint, "Ini jawabannya.", [], upload_dir=app.config["UPLOAD_DIR"],
                               now=asked + timedelta(days=14))
    assert view().due.due > original_due + timedelta(days=13)


def test_events_are_append_only(db, filed):
    import sqlite3
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET note = 'diubah'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")
