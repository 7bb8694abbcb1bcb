"""The public list: only public complaints, only after an operator approved a version
without personal data; the export holds nothing that identifies anyone."""

import json
import re

import pytest

from conftest import VALID, form_token
from portal.domain import redaction
from conftest import login
from test_case_web import act, form_for

TEXT = ("Saya Siti Aminah, NIK 3503 1145 0890 0001, tinggal di Jl. Mawar No. 5 RT 02/RW 03. Hubungi 0812-3456-7890 "
        "atau siti.aminah@contoh.id. KTP-el saya belum jadi sejak Agustus.")


def answered(client, csrf, db, staff, visibility):
    client.post("/pengaduan/", data={**VALID, "body": TEXT, "visibility": visibility, "csrf_token": csrf()},
                content_type="multipart/form-data")
    cid, ref = db.execute("SELECT id, ref FROM complaints ORDER BY id DESC LIMIT 1").fetchone()
    for role, step in (("operator", "telaah_layak"), ("kabid", "nota_dinas"), ("kadis", "disposisi"),
                       ("pejabat", "ajukan_konsep"), ("kadis", "setujui"), ("operator", "kirim")):
        login(client, role)
        data = form_for(step, staff)
        if step == "kirim" and visibility == "anonim":
            data = {"delivered_by": "pelacakan", "delivered_at": "2026-01-05T10:00"}
        if step == "ajukan_konsep":
            data = {"body": "Yth. Sdr. Siti Aminah, KTP-el Anda dapat diambil di kantor kecamatan."}
        assert act(client, ref, step, data).status_code == 303, step
    return cid, ref


def test_redaction_finds_what_has_a_shape():
    out = redaction.redact(TEXT, known=["Siti Aminah"])
    for value in ("Siti", "Aminah", "3503", "0812", "siti.aminah@", "Mawar", "RT 02"):
        assert value not in out
    assert "KTP-el saya belum jadi sejak Agustus." in out


def test_operator_approves_a_redacted_version_and_it_is_exported(app, client, csrf, db, staff):
    cid, ref = answered(client, csrf, db, staff, "publik")
    login(client, "operator")
    page = client.get(f"/pengaduan/staf/p/{ref}/publikasi").get_data(as_text=True)
    assert "3503 1145 0890 0001" in page  # the original, beside the redacted version
    token = form_token(page)
    body = re.search(r'<textarea id="body" name="body" rows="10">([^<]*)</textarea>', page).group(1)
    reply = re.search(r'<textarea id="reply" name="reply" rows="10">([^<]*)</textarea>', page).group(1)
    assert "[NIK/KK]" in body and "3503" not in body and "Siti" not in reply
    # Putting a phone number back in is refused.
    refused = client.post(f"/pengaduan/staf/p/{ref}/publikasi",
                          data={"csrf_token": token, "body": body + " Telp 081234567890", "reply": reply})
    assert refused.status_code == 422 and "[nomor telepon]" in refused.get_data(as_text=True)
    assert db["publications"].count == 0
    ok = client.post(f"/pengaduan/staf/p/{ref}/publikasi", data={"csrf_token": token, "body": body, "reply": reply})
    assert ok.status_code == 303
    exported = json.loads(open(f"{app.config['PUBLIC_DATA_DIR']}/daftar.json").read())
    (item,) = exported["pengaduan"]
    assert item["nomor"].endswith("-0001") and item["kecamatan"] == "Trenggalek"
    dumped = json.dumps(exported)
    for secret in ("Siti", "Aminah", "3503", "0812", "contoh.id", "Mawar", VALID["email"]):
        assert secret not in dumped
    code = db.execute("SELECT tracking_code FROM complaints WHERE id = ?", [cid]).fetchone()[0]
    assert code not in dumped


@pytest.mark.parametrize("visibility", ["rahasia", "anonim"])
def test_private_and_anonymous_complaints_are_never_published(client, csrf, db, staff, visibility):
    cid, ref = answered(client, csrf, db, staff, visibility)
    login(client, "operator")
    assert client.get(f"/pengaduan/staf/p/{ref}/publikasi").status_code == 404
    assert ref not in client.get("/pengaduan/staf/publikasi").get_data(as_text=True)


def test_other_roles_cannot_publish(client, csrf, db, staff):
    cid, ref = answered(client, csrf, db, staff, "publik")
    login(client, "kadis")
    assert client.get(f"/pengaduan/staf/p/{ref}/publikasi").status_code == 403


def test_disguised_phone_number_put_back_is_refused(client, csrf, db, staff):
    cid, ref = answered(client, csrf, db, staff, "publik")
    login(client, "operator")
    page = client.get(f"/pengaduan/staf/p/{ref}/publikasi").get_data(as_text=True)
    token = form_token(page)
    for disguised in ("0812\u200b3456\u200b7890", "０８１２３４５６７８９０", "si\u00adti@con\u2060toh.id",
                      "Si\ufeffti Ami\u200dnah"):
        refused = client.post(f"/pengaduan/staf/p/{ref}/publikasi",
                              data={"csrf_token": token, "body": f"Hubungi {disguised}.", "reply": "Sudah terbit."})
        assert refused.status_code == 422 and "masih memuat data pribadi" in refused.get_data(as_text=True)
    assert db["publications"].count == 0


def test_text_approved_before_the_normalisation_is_cleaned_on_export(app, client, csrf, db, staff):
    """An item approved while invisible characters still hid a phone number from the check: the
    export folds the text and removes what is then found."""
    cid, ref = answered(client, csrf, db, staff, "publik")
    db["publications"].insert({"complaint_id": cid, "public_number": "2026-0001",
                               "approved_by": staff["operator"],
                               "body": "Hubungi 0812\u200b3456\u200b7890 atau Si\u200bti Aminah.",
                               "reply": "Akta sudah terbit.", "approved_at": "2026-01-05T10:00:00", "withdrawn_at": None})
    assert app.test_cli_runner().invoke(args=["publikasi", "export"]).exit_code == 0
    (item,) = json.loads(open(f"{app.config['PUBLIC_DATA_DIR']}/daftar.json").read())["pengaduan"]
    assert item["isi"] == "Hubungi [nomor telepon] atau [nama]."


def test_withdrawing_what_is_not_published_changes_nothing(client, csrf, db, staff):
    cid, ref = answered(client, csrf, db, staff, "publik")
    login(client, "operator")
    page = client.get("/pengaduan/staf/publikasi").get_data(as_text=True)
    token = form_token(page)
    response = client.post(f"/pengaduan/staf/p/{ref}/publikasi/tarik", data={"csrf_token": token})
    assert response.status_code == 303
    assert "tidak sedang dipublikasikan" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db["publications"].count == 0
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'tarik_publikasi'").fetchone()[0] == 0
