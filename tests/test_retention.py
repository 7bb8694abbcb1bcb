"""Retention erases personal data and keeps the aggregates; a data subject gets everything."""

import json
from datetime import datetime, timedelta
from pathlib import Path

from conftest import VALID, photo_bytes
from portal.domain import retention
from portal.publish import complaints_list
from conftest import login, token
from test_publication import answered


def aggregates(db):
    return (db.execute("SELECT state, category, kecamatan, channel, count(*) FROM complaints GROUP BY 1, 2, 3, 4").fetchall(),
            db.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())


def test_retention_erases_personal_data_and_keeps_the_aggregates(app, client, csrf, db, staff):
    import io
    client.post("/pengaduan/", data={**VALID, "csrf_token": csrf(),
                                     "files": [(io.BytesIO(photo_bytes()), "foto.jpg")]},
                content_type="multipart/form-data")
    cid, ref = answered(client, csrf, db, staff, "rahasia")
    before = aggregates(db)
    uploads = list(Path(app.config["UPLOAD_DIR"]).iterdir())
    assert uploads
    assert retention.apply(db, datetime.now(), years=2, upload_dir=app.config["UPLOAD_DIR"]) == 0
    erased = retention.apply(db, datetime.now() + timedelta(days=3 * 366), years=2, upload_dir=app.config["UPLOAD_DIR"])
    assert erased == 1  # the complaint still open at "diterima" is kept
    row = db.execute("SELECT name, email, phone, nik, body, erased_at FROM complaints WHERE id = ?", [cid]).fetchone()
    assert row[:4] == (None, None, None, None) and row[4] == retention.ERASED and row[5]
    assert aggregates(db) == before
    dump = "\n".join(str(r) for t in ("complaints", "events", "outbox", "ratings", "attachments")
                     for r in db.execute(f"SELECT * FROM {t} WHERE complaint_id = ?" if t != "complaints" else
                                         "SELECT * FROM complaints WHERE id = ?", [cid]))
    for secret in (VALID["name"], VALID["email"], VALID["phone"], VALID["nik"], "Saya Siti"):
        assert secret not in dump
    log = db.execute("SELECT detail FROM audit_log WHERE action = 'retensi'").fetchone()[0]
    assert "1 pengaduan" in log and VALID["name"] not in log


def test_subject_access_export_by_email(app, client, csrf, db, staff):
    cid, ref = answered(client, csrf, db, staff, "publik")
    login(client, "operator")
    csrf_token = token(client, "/pengaduan/staf/data-pribadi")
    response = client.post("/pengaduan/staf/data-pribadi",
                           data={"csrf_token": csrf_token, "email": VALID["email"].upper()})
    assert response.mimetype == "application/json"
    (item,) = json.loads(response.get_data(as_text=True))["data"]
    assert item["pengaduan"]["nik"] == VALID["nik"] and item["email_terkirim"]
    assert [e["kind"] for e in item["riwayat"]][0] == "diterima"
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'ekspor_data_pribadi'").fetchone()[0] == 1
    none = client.post("/pengaduan/staf/data-pribadi", data={"csrf_token": csrf_token, "phone": "0800000000"})
    assert none.status_code == 404
    login(client, "kadis")
    assert client.post("/pengaduan/staf/data-pribadi", data={"csrf_token": csrf_token, "email": VALID["email"]}
                       ).status_code == 403


def test_public_list_pages_from_the_export(tmp_path):
    data = {"pengaduan": [{"nomor": "2026-0001", "kategori": "KTP-el", "kecamatan": "Panggul", "diterima": "2026-03-02",
                           "ditanggapi": "2026-03-10", "isi": "KTP-el <b>belum</b> jadi.", "tanggapan": "Sudah dicetak."}]}
    (tmp_path / "data" / "pengaduan").mkdir(parents=True)
    (tmp_path / "data" / "pengaduan" / "daftar.json").write_text(json.dumps(data))
    pages = complaints_list.generate(tmp_path, preview=False)
    assert set(pages) == {"pengaduan-publik/index.md", "pengaduan-publik/2026-0001.md"}
    assert '<a href="2026-0001/">' in pages["pengaduan-publik/index.md"]  # the item page's address
    item = pages["pengaduan-publik/2026-0001.md"]
    assert "&lt;b&gt;belum&lt;/b&gt;" in item and "2 Maret 2026" in item and "Sudah dicetak." in item
    assert complaints_list.generate(tmp_path / "kosong", preview=False) == {}
