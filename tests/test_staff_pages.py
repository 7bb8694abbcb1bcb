"""Staff pages beyond the steps: search, filters, dashboard, audit export, delivery records."""

import csv
import io
import re
from datetime import datetime, timedelta

from conftest import VALID
from conftest import login, token
from test_case_web import act, form_for


def file(client, csrf, **changes):
    client.post("/pengaduan/", data={**VALID, **changes, "csrf_token": csrf()}, content_type="multipart/form-data")


def codes(html):
    return re.findall(r'<a href="/pengaduan/staf/p/[^"]+">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</a>', html)


def test_full_text_search_and_filters(client, csrf, db, staff):
    file(client, csrf, body="Kartu keluarga saya hilang saat banjir di desa.", category="kk")
    file(client, csrf, body="Antrean perekaman KTP-el terlalu panjang.", category="ktp-el")
    login(client, "operator")
    everything = client.get("/pengaduan/staf/?semua=1").get_data(as_text=True)
    assert len(codes(everything)) == 2
    found = client.get("/pengaduan/staf/?semua=1&q=hilang+banjir").get_data(as_text=True)
    assert len(codes(found)) == 1 and "Kartu Keluarga" in found
    assert len(codes(client.get("/pengaduan/staf/?semua=1&q=ANTREAN").get_data(as_text=True))) == 1
    assert len(codes(client.get("/pengaduan/staf/?semua=1&kategori=ktp-el").get_data(as_text=True))) == 1
    tomorrow = (datetime.now() + timedelta(days=1)).date().isoformat()
    assert codes(client.get(f"/pengaduan/staf/?semua=1&dari={tomorrow}").get_data(as_text=True)) == []
    # Search syntax typed by a person is never FTS syntax.
    assert client.get('/pengaduan/staf/?semua=1&q="OR+NEAR(*').status_code == 200


def test_inbox_shows_only_what_waits_for_my_role(client, csrf, db, staff):
    file(client, csrf)
    login(client, "operator")
    assert len(codes(client.get("/pengaduan/staf/").get_data(as_text=True))) == 1
    login(client, "kadis")
    assert codes(client.get("/pengaduan/staf/").get_data(as_text=True)) == []


def test_dashboard_counts_and_step_times(client, csrf, db, staff):
    file(client, csrf)
    file(client, csrf)
    login(client, "operator")
    ref = db.execute("SELECT ref FROM complaints LIMIT 1").fetchone()[0]
    act(client, ref, "telaah_layak", {})
    page = client.get("/pengaduan/staf/dasbor").get_data(as_text=True)
    assert re.search(r"<td>Diterima, menunggu telaah</td><td>1</td>", page)
    assert re.search(r"<td>Layak ditindaklanjuti</td><td>1</td>", page)
    assert re.search(r"Telaah: layak ditindaklanjuti</td>\s*<td>0 \(1 pengaduan\)</td>", page)


def test_audit_export_lists_steps_and_views(client, csrf, db, staff):
    file(client, csrf)
    login(client, "operator")
    ref = db.execute("SELECT ref FROM complaints").fetchone()[0]
    act(client, ref, "telaah_layak", {})
    response = client.get(f"/pengaduan/staf/p/{ref}/jejak.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["langkah_atau_tindakan"] for r in rows if r["jenis"] == "langkah"] == ["diterima", "telaah_layak"]
    assert any(r["langkah_atau_tindakan"] == "lihat_pengaduan" and r["oleh"] == "Petugas operator" for r in rows)
    assert VALID["nik"] not in response.get_data(as_text=True)


def test_reply_to_a_complaint_without_email_records_the_delivery(client, db, staff):
    login(client, "operator")
    client.post("/pengaduan/staf/catat", data={
        "csrf_token": token(client, "/pengaduan/staf/catat"), "channel": "whatsapp", "received_at": "2026-11-02T09:00", "visibility": "rahasia",
        "name": "Pak Darmo", "phone": "081234567890", "category": "kk", "kecamatan": VALID["kecamatan"],
        "desa": VALID["desa"], "body": "KK belum diperbarui setelah pindah."})
    cid, ref = db.execute("SELECT id, ref FROM complaints").fetchone()
    for role, step in (("operator", "telaah_layak"), ("kabid", "nota_dinas"), ("kadis", "disposisi"),
                       ("pejabat", "ajukan_konsep"), ("kadis", "setujui")):
        login(client, role)
        assert act(client, ref, step, form_for(step, staff)).status_code == 303, step
    login(client, "operator")
    response = act(client, ref, "kirim", {})
    assert response.status_code == 422 and "cara penyampaian" in response.get_data(as_text=True)
    assert act(client, ref, "kirim", {"delivered_by": "whatsapp", "delivered_at": "2026-11-20T10:30"}).status_code == 303
    data = db.execute("SELECT data FROM events WHERE kind = 'kirim'").fetchone()[0]
    assert '"cara": "whatsapp"' in data and "2026-11-20T10:30" in data
    assert db["outbox"].count == 0
