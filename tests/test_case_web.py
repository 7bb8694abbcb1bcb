"""The staff side through the web layer: one complaint through all seven steps, and every
staff action refused to every other role, to anonymous visitors and from every wrong state
(generated from the workflow table, so a new transition is covered without a new test)."""

from datetime import date, timedelta

import pytest

from conftest import ROOT, VALID, login, token
from portal.domain import catalog as catalog_module, workflow

ROLES = ("operator", "kabid", "kadis", "pejabat", "admin")
STAFF_STEPS = [s for s in workflow.STEPS.values() if set(s.roles) - {workflow.CITIZEN, workflow.SYSTEM}]
ACTIONS = [(s.code, s) for s in STAFF_STEPS] + [(edit, workflow.STEPS[step]) for edit, step in workflow.EDITS.items()]


def first_nota_dinas() -> str:
    return catalog_module.load(ROOT / "content").office.nomor_nota_dinas.format(seq=1, year=date.today().year)


@pytest.fixture
def complaint(client, csrf, db):
    client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}, content_type="multipart/form-data")
    return db.execute("SELECT id, ref, tracking_code FROM complaints").fetchone()


def form_for(step: str, staff: dict) -> dict:
    return {
        "telaah_layak": {"note": "Layak."},
        "telaah_tidak_layak": {"reason": "bukan_pengaduan", "note": "Ini pertanyaan, bukan pengaduan."},
        "minta_informasi": {"note": "Kirim foto KK."},
        "nota_dinas": {"sifat": "Segera", "hal": "Pengaduan KTP-el", "ringkasan": "KTP-el belum jadi.",
                       "telaah": "Layak.", "tembusan": str(staff["pejabat"])},
        "disposisi": {"pejabat_id": str(staff["pejabat"]), "instruksi": "Buat konsep.",
                      "batas": (date.today() + timedelta(days=5)).isoformat()},
        "disposisi_ulang": {"pejabat_id": str(staff["pejabat"]), "instruksi": "Buat konsep.",
                            "batas": (date.today() + timedelta(days=5)).isoformat()},
        "simpan_konsep": {"body": "Konsep."}, "ajukan_konsep": {"body": "Konsep."},
        "setujui": {}, "kembalikan": {"note": "Perbaiki."}, "kirim": {},
        "buka_kembali": {"note": "Kami tangani ulang."}, "tetap_selesai": {"note": "Sudah sesuai ketentuan."},
    }[step]


def act(client, ref, step, data, expected_state=None):
    t = token(client, f"/pengaduan/staf/p/{ref}")
    payload = {**data, "csrf_token": t}
    if expected_state:
        payload["expected_state"] = expected_state
    return client.post(f"/pengaduan/staf/p/{ref}/langkah/{step}", data=payload)


def state(db, cid):
    return db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0]


def test_four_accounts_take_a_complaint_through_seven_steps(client, db, staff, complaint, app, smtp):
    cid, ref, code = complaint
    login(client, "operator")
    assert act(client, ref, "telaah_layak", form_for("telaah_layak", staff)).status_code == 303
    login(client, "kabid")
    response = act(client, ref, "nota_dinas", form_for("nota_dinas", staff))
    assert response.status_code == 303
    page = client.get(f"/pengaduan/staf/p/{ref}").get_data(as_text=True)
    assert f"Nota dinas nomor {first_nota_dinas()}" in page
    login(client, "kadis")
    assert act(client, ref, "disposisi", form_for("disposisi", staff)).status_code == 303
    login(client, "pejabat")
    assert act(client, ref, "simpan_konsep", {"body": "Konsep awal."}).status_code == 303
    assert act(client, ref, "ajukan_konsep", {"body": "KTP-el Anda **sudah dicetak**."}).status_code == 303
    login(client, "kadis")
    assert act(client, ref, "kembalikan", {"note": "Sebutkan tempat pengambilan."}).status_code == 303
    login(client, "pejabat")
    assert act(client, ref, "ajukan_konsep", {"body": "KTP-el Anda sudah dicetak; ambil di kantor kecamatan."}
               ).status_code == 303
    login(client, "kadis")
    assert act(client, ref, "setujui", {}).status_code == 303
    login(client, "operator")
    assert act(client, ref, "kirim", {}).status_code == 303
    assert state(db, cid) == "selesai"
    page = client.post("/pengaduan/lacak", data={"code": code, "csrf_token": token(client, "/pengaduan/lacak")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Sudah ditanggapi" in page
    assert "ambil di kantor kecamatan" in page
    assert db.execute("SELECT count(*) FROM konsep").fetchone()[0] == 2


def test_documents_download_after_their_step(client, db, staff, complaint):
    import io
    import docx
    import pypdf
    cid, ref, _ = complaint
    login(client, "operator")
    response = client.get(f"/pengaduan/staf/p/{ref}/dokumen/nota-dinas.pdf")
    assert response.status_code == 404 and "Nota dinas belum dibuat" in response.get_data(as_text=True)
    act(client, ref, "telaah_layak", {})
    act(client, ref, "nota_dinas", form_for("nota_dinas", staff))
    nomor = first_nota_dinas()
    pdf = client.get(f"/pengaduan/staf/p/{ref}/dokumen/nota-dinas.pdf")
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    assert nomor in pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    word = client.get(f"/pengaduan/staf/p/{ref}/dokumen/nota-dinas.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs) + "\n".join(
        c.text for t in docx.Document(io.BytesIO(word.data)).tables for r in t.rows for c in r.cells)
    assert nomor in text
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'unduh_dokumen'").fetchone()[0] == 2


def test_missing_input_is_explained_and_changes_nothing(client, db, staff, complaint):
    cid, ref, _ = complaint
    login(client, "operator")
    before = db["events"].count
    response = act(client, ref, "minta_informasi", {"note": ""})
    assert response.status_code == 422
    assert "memerlukan catatan" in response.get_data(as_text=True)
    assert db["events"].count == before and state(db, cid) == "diterima"


def test_a_stale_form_gets_a_clear_message(client, db, staff, complaint):
    cid, ref, _ = complaint
    login(client, "operator")
    assert act(client, ref, "telaah_layak", {}, expected_state="diterima").status_code == 303
    response = act(client, ref, "telaah_layak", {}, expected_state="diterima")
    assert response.status_code == 409
    assert "sudah diproses petugas lain" in response.get_data(as_text=True)


@pytest.mark.parametrize("action,step", ACTIONS, ids=[a for a, _ in ACTIONS])
def test_every_other_role_is_refused(client, db, staff, complaint, action, step):
    cid, ref, _ = complaint
    db.execute("UPDATE complaints SET state = ? WHERE id = ?", [step.from_states[0], cid])
    db.conn.commit()
    for role in set(ROLES) - set(step.roles):
        login(client, role)
        before = (db["events"].count, db["konsep"].count, db["nota_dinas"].count, db["disposisi"].count)
        response = act(client, ref, action, form_for(action, staff))
        assert response.status_code == 403, (role, response.status_code)
        assert (db["events"].count, db["konsep"].count, db["nota_dinas"].count, db["disposisi"].count) == before
        assert state(db, cid) == step.from_states[0]


@pytest.mark.parametrize("action,step", ACTIONS, ids=[a for a, _ in ACTIONS])
def test_anonymous_visitors_are_sent_to_login(client, db, staff, complaint, action, step):
    cid, ref, _ = complaint
    response = client.post(f"/pengaduan/staf/p/{ref}/langkah/{action}",
                           data={**form_for(action, staff), "csrf_token": token(client, "/pengaduan/staf/masuk")})
    assert response.status_code == 302 and "/pengaduan/staf/masuk" in response.headers["Location"]
    assert state(db, cid) == "diterima" and db["events"].count == 1


@pytest.mark.parametrize("action,step", ACTIONS, ids=[a for a, _ in ACTIONS])
def test_every_wrong_state_is_refused(client, db, staff, complaint, action, step):
    cid, ref, _ = complaint
    role = next(r for r in step.roles if r in ROLES)
    login(client, role)
    for wrong in set(workflow.STATES) - set(step.from_states):
        db.execute("UPDATE complaints SET state = ? WHERE id = ?", [wrong, cid])
        db.conn.commit()
        before = db["events"].count
        response = act(client, ref, action, form_for(action, staff))
        assert response.status_code == 409, (wrong, response.status_code)
        assert db["events"].count == before and state(db, cid) == wrong
