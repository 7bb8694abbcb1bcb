"""The SKM survey and staff pages through the real Flask app and SQLite: a code admits one
response, failed attempts are rate-limited with an Indonesian message, successful ones are not,
and the Kepala Dinas approves the follow-up plans."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

import conftest
from conftest import login, make_staff, token
from portal import create_app
from portal.domain import skm

ANSWERS = {f"u{i}": "3" for i in range(1, 10)}


def codes(db, n, loket="1", layanan=None) -> list[str]:
    item = next(x for x in skm.load_loket(db_content(), skm_services()) if x.kode == loket)
    return [skm.display_kode(c) for c in skm.issue_tokens(db, n, loket=item, layanan=layanan, actor_id=None,
                                                          now=datetime.now())]


def db_content():
    from portal.config import REPO_ROOT
    return REPO_ROOT / "content"


def skm_services():
    from portal.domain import standar
    return standar.names(db_content())


def send(client, kode, **extra):
    data = {"csrf_token": token(client, "/pengaduan/skm/?loket=1"), "kode": kode, "loket": "1",
            "layanan": "ktp-el", **ANSWERS, **extra}
    return client.post("/pengaduan/skm/", data=data)


def test_poster_link_shows_the_counter_services_and_nine_questions(client):
    page = client.get("/pengaduan/skm/?loket=1").get_data(as_text=True)
    for u in skm.UNSUR:
        assert u.pertanyaan in page
        for label in u.pilihan:
            assert label in page
    assert '<option value="ktp-el"' in page and '<option value="kia"' in page
    assert '<option value="kk"' not in page  # served at counter 2


def test_a_code_counts_one_response_and_is_then_refused(client, db):
    [kode] = codes(db, 1)
    response = send(client, kode, umur="41", jenis_kelamin="L", pendidikan="sma", pekerjaan="wirausaha")
    assert response.status_code == 303
    assert db["skm_responses"].count == 1
    again = send(client, kode)
    assert again.status_code == 422
    assert "sudah dipakai" in again.get_data(as_text=True)
    assert db["skm_responses"].count == 1


def test_missing_answer_keeps_the_code_unspent(client, db):
    [kode] = codes(db, 1)
    response = send(client, kode, u9="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Pilih salah satu jawaban untuk pertanyaan 9" in page and "Belum ada yang disimpan" in page
    assert db["skm_responses"].count == 0
    assert send(client, kode).status_code == 303


@pytest.fixture
def strict_app(tmp_path, smtp):
    return create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "RATELIMIT_SUBMIT": "3 per hour"})


def test_flood_of_guessed_codes_is_refused_but_real_respondents_are_not(strict_app):
    from portal.db import connect
    client = strict_app.test_client()
    db = connect(strict_app.config["DATABASE"])
    # Five people behind one address (the office's Wi-Fi) answer: more than the limit, all counted.
    for kode in codes(db, 5):
        assert send(client, kode).status_code == 303
    assert db["skm_responses"].count == 5
    for guess in ("2345-6789", "ABCD-EFGH", "HJKM-NPQR"):
        assert send(client, guess).status_code == 422
    refused = send(client, codes(db, 1)[0])
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert db["skm_responses"].count == 5


def test_staff_see_results_and_the_kadis_approves_the_follow_up(client, db, app, tmp_path):
    app.config["CONTENT_DIR"] = str(tmp_path / "content")  # the export goes here, not into the repository
    import shutil
    shutil.copytree(db_content() / "data", tmp_path / "content" / "data",
                    ignore=shutil.ignore_patterns("kependudukan", "profil"))
    make_staff(db, ["operator", "kadis"])
    for i, kode in enumerate(codes(db, 4)):
        good = {f"u{n}": "4" for n in range(1, 10)}
        assert send(client, kode, **{**good, "u3": "2", "u8": "1" if i % 2 else "2"}).status_code == 303
    periode = skm.periode_of(datetime.now().date()).kode
    login(client, "operator")
    page = client.get(f"/pengaduan/staf/skm/?periode={periode}").get_data(as_text=True)
    assert "belum diisi" in page and "perlu tindak lanjut" in page
    t = token(client, f"/pengaduan/staf/skm/?periode={periode}")
    client.post(f"/pengaduan/staf/skm/{periode}/populasi", data={"csrf_token": t, "layanan": "ktp-el", "jumlah": "500"})
    page = client.get(f"/pengaduan/staf/skm/?periode={periode}").get_data(as_text=True)
    assert "paling sedikit 217 responden" in page
    for unsur in (3, 5, 8):  # 3 and 8 are weak (NRR 2 and 1.5); 5 is not, a plan is allowed anyway
        client.post(f"/pengaduan/staf/skm/{periode}/rencana", data={
            "csrf_token": t, "layanan": "", "unsur": str(unsur), "rencana": f"Perbaikan unsur {unsur}."})
    assert client.post(f"/pengaduan/staf/skm/{periode}/setujui", data={"csrf_token": t}).status_code == 403
    login(client, "kadis")
    page = client.get(f"/pengaduan/staf/skm/?periode={periode}").get_data(as_text=True)
    sidik = re.search(r'name="sidik" value="([0-9a-f]+)"', page).group(1)
    t = token(client, f"/pengaduan/staf/skm/?periode={periode}")
    client.post(f"/pengaduan/staf/skm/{periode}/setujui", data={"csrf_token": t, "sidik": sidik})
    page = client.get(f"/pengaduan/staf/skm/?periode={periode}").get_data(as_text=True)
    assert "Rencana tindak lanjut disetujui" in page
    assert "<strong>Disetujui</strong> oleh Kepala Dinas" in page
    client.post(f"/pengaduan/staf/skm/{periode}/ekspor", data={"csrf_token": t})
    doc = (tmp_path / "content/data/skm" / f"{periode}.json").read_text(encoding="utf-8")
    assert '"status": "disetujui"' in doc and "Perbaikan unsur 8." in doc


def test_slips_carry_a_code_and_its_link(client, db):
    make_staff(db, {"op": ["operator"]})
    login(client, "op")
    t = token(client, "/pengaduan/staf/skm/")
    page = client.post("/pengaduan/staf/skm/kode", data={"csrf_token": t, "loket": "2", "layanan": "kk",
                                                          "jumlah": "3"}).get_data(as_text=True)
    shown = re.findall(r'class="slip-kode">([0-9A-Z]{4}-[0-9A-Z]{4})<', page)
    assert len(shown) == 3
    assert all(skm.check_token(db, k, datetime.now().date()).layanan == "kk" for k in shown)


def test_the_staff_page_and_the_slips_say_how_long_a_code_is_valid_from_the_rule(client, db, monkeypatch):
    monkeypatch.setattr(skm, "TOKEN_DAYS", 45)
    make_staff(db, {"op": ["operator"]})
    login(client, "op")
    assert "berlaku 45 hari" in client.get("/pengaduan/staf/skm/").get_data(as_text=True)
    page = client.post("/pengaduan/staf/skm/kode", data={"csrf_token": token(client, "/pengaduan/staf/skm/"),
                                                          "loket": "2", "jumlah": "1"}).get_data(as_text=True)
    assert "Berlaku 45 hari" in page
