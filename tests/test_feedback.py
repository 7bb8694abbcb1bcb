"""The citizen rates the reply (SKM elements, 1-4) and can say the problem is not solved."""

import re
from datetime import datetime

import pytest

from conftest import login, token
from test_case_web import act, form_for
from conftest import VALID

NOW = datetime.now()


@pytest.fixture
def answered(client, csrf, db, staff):
    client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}, content_type="multipart/form-data")
    cid, ref, code = db.execute("SELECT id, ref, tracking_code FROM complaints").fetchone()
    for role, step in (("operator", "telaah_layak"), ("kabid", "nota_dinas"), ("kadis", "disposisi"),
                       ("pejabat", "ajukan_konsep"), ("kadis", "setujui"), ("operator", "kirim")):
        login(client, role)
        assert act(client, ref, step, form_for(step, staff)).status_code == 303, step
    client.post("/pengaduan/staf/keluar", data={"csrf_token": "x"})
    return cid, ref, code


def rating_link(db):
    body = db.execute("SELECT body FROM outbox WHERE subject LIKE 'Tanggapan atas%'").fetchone()[0]
    return re.search(r"https?://\S+(/pengaduan/nilai/\S+)", body).group(1)


def post_rating(client, link, **fields):
    return client.post(link, data={"csrf_token": token(client, link), **fields})


def test_rating_from_the_reply_email(client, db, answered):
    link = rating_link(db)
    response = post_rating(client, link, penanganan="4", waktu="3", perilaku="4", selesai="ya", komentar="Terima kasih")
    assert response.status_code == 200 and "Terima kasih atas penilaian Anda" in response.get_data(as_text=True)
    assert db.execute("SELECT penanganan, waktu, perilaku, selesai FROM ratings").fetchone() == (4, 3, 4, 1)
    again = client.get(link).get_data(as_text=True)
    assert "sudah memberikan penilaian" in again
    assert db.execute("SELECT state FROM complaints").fetchone()[0] == "selesai"


def test_an_incomplete_rating_changes_nothing(client, db, answered):
    response = post_rating(client, rating_link(db), penanganan="4", waktu="9", selesai="ya")
    assert response.status_code == 422 and "Jawab ketiga pertanyaan" in response.get_data(as_text=True)
    assert db["ratings"].count == 0


def test_not_solved_goes_to_the_operator_who_may_reopen(client, db, staff, answered):
    cid, ref, code = answered
    post_rating(client, rating_link(db), penanganan="2", waktu="1", perilaku="3", selesai="tidak",
                komentar="KTP saya belum juga diterima.")
    assert db.execute("SELECT state FROM complaints").fetchone()[0] == "ditinjau_ulang"
    login(client, "operator")
    inbox = client.get("/pengaduan/staf/").get_data(as_text=True)
    assert f"/pengaduan/staf/p/{ref}" in inbox
    page = client.get(f"/pengaduan/staf/p/{ref}").get_data(as_text=True)
    assert "KTP saya belum juga diterima." in page and "Buka kembali pengaduan" in page
    assert act(client, ref, "buka_kembali", {"note": "Kami periksa kembali pencetakan KTP-el Anda."}).status_code == 303
    assert db.execute("SELECT state FROM complaints").fetchone()[0] == "diterima"
    assert db.execute("SELECT count(*) FROM outbox WHERE subject LIKE 'Pengaduan Anda kami tangani kembali%'"
                      ).fetchone()[0] == 1


def test_unknown_rating_link(client):
    assert client.get("/pengaduan/nilai/tidak-ada").status_code == 404
