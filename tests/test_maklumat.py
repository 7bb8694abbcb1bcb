"""Maklumat Pelayanan: a data file checked with file and line, approved by the Kepala Dinas in the
portal (account, time and hash recorded, exported for the site), and published by the site
generator only while the exported approval matches the current text."""

from __future__ import annotations

import io
import logging
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from PIL import Image

import conftest
from conftest import JABATAN, form_token, login, make_staff
from portal import create_app
from portal.domain import maklumat as domain
from portal.domain.errors import DataError
from portal.publish import maklumat as generator

ROOT = Path(__file__).resolve().parent.parent
KADIS_JABATAN = JABATAN["kadis"]
STATEMENT = "kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan"


def content_copy(tmp: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data", ignore=shutil.ignore_patterns("kependudukan", "profil"))
    path = content / "data" / "maklumat.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("tanggal: null", "tanggal: 2026-11-02"), encoding="utf-8")
    return content


def edit(content: Path, old: str, new: str, name: str = "maklumat.yml") -> None:
    path = content / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def content(tmp_path):
    return content_copy(tmp_path)


@pytest.fixture
def portal_app(tmp_path, smtp, content):
    return create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(content)})


def staff(app, *roles):
    "One account per role (conftest.make_staff) in this app's database."
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    return db, make_staff(db, roles)


def approval_form(client) -> dict:
    page = client.get("/pengaduan/staf/maklumat").get_data(as_text=True)
    return {"csrf_token": form_token(page),
            "sidik": re.search(r'name="sidik" value="([0-9a-f]+)"', page).group(1)}


def line_of(path: Path, startswith: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(startswith))


# --------------------------------------------------------------------------- the data file

def test_the_office_file_is_valid_and_cites_the_law():
    item = domain.load(ROOT / "content")
    assert "79A" in item.bebas_biaya and "95B" in item.sanksi
    # UU 24/2013 as the regulation words it: no charge (Pasal 79A); the sanction (Pasal 95B).
    assert "dokumen kependudukan tidak dipungut biaya" in item.bebas_biaya
    assert ("pidana penjara paling lama 6 (enam) tahun dan/atau denda paling banyak Rp75.000.000,00 (tujuh puluh "
            "lima juta rupiah)") in item.sanksi
    assert item.jam_layanan and item.perekaman_keliling
    assert item.penandatangan.nama == "(Nama Kepala Dinas)"  # from dinas.yml, the one place for it


@pytest.mark.parametrize("field, old, new, message", [
    ("bebas_biaya", "Kependudukan, Pasal 79A).", "Kependudukan).", "wajib menyebut Pasal 79A"),
    ("sanksi", "(Pasal 95B)", "(pasal pidana)", "wajib menyebut Pasal 95B"),
    ("    kecamatan: \"35.99.08\"", "\"35.03.08\"", "\"35.99.08\"", "kode kecamatan '35.99.08' tidak dikenal"),
    ("    mulai: \"8 pagi\"", "mulai: \"08:00\"", "mulai: \"8 pagi\"", "jam ditulis JJ:MM"),
])
def test_a_bad_file_names_file_and_line(content, field, old, new, message):
    edit(content, old, new)
    path = content / "data" / "maklumat.yml"
    with pytest.raises(DataError) as raised:
        domain.load(content)
    text = str(raised.value)
    assert str(path) in text and message in text
    assert f"baris {line_of(path, field)}" in text


# --------------------------------------------------------------------------- publication

def test_without_approval_the_maklumat_is_absent(content, caplog):
    with caplog.at_level(logging.WARNING):
        assert generator.generate(content, preview=False, production=False) == {}
    assert "belum disetujui Kepala Dinas" in caplog.text
    preview = generator.generate(content, preview=True, production=False)
    assert "status: draft" in preview["maklumat/index.md"]  # the preview shows it with the DRAF banner


def test_kadis_approval_publishes_and_a_changed_text_withdraws_it(portal_app, content, caplog):
    db, ids = staff(portal_app, "operator", "kadis")
    scan = content / "data" / "maklumat" / "maklumat-2026.png"
    scan.parent.mkdir()
    Image.new("RGB", (40, 60), "white").save(scan)
    edit(content, "berkas_tertanda: null", "berkas_tertanda: data/maklumat/maklumat-2026.png")
    client = portal_app.test_client()

    login(client, "operator")
    page = client.get("/pengaduan/staf/maklumat").get_data(as_text=True)
    assert "belum disetujui Kepala Dinas" in page and 'name="sidik"' not in page
    t = form_token(page)
    assert client.post("/pengaduan/staf/maklumat/setujui", data={"csrf_token": t, "sidik": "x"}).status_code == 403

    login(client, "kadis")
    form = approval_form(client)
    response = client.post("/pengaduan/staf/maklumat/setujui", data=form, follow_redirects=True)
    assert "Maklumat Pelayanan disetujui" in response.get_data(as_text=True)
    [row] = db["standards_approvals"].rows_where("kind = 'maklumat'")
    assert row["approved_by"] == ids["kadis"] and row["sha256"] == form["sidik"] == domain.load(content).sha256
    assert row["jabatan"] == KADIS_JABATAN and row["approved_at"]
    assert [a["actor_id"] for a in db["audit_log"].rows_where("action = 'setujui_maklumat'")] == [ids["kadis"]]
    exported = domain.read_approval(content)
    assert exported["sha256"] == row["sha256"] and "kadis" not in str(exported)  # no account name in the file

    out = generator.generate(content, preview=False, production=False)
    assert set(out) == {"maklumat/index.md", "maklumat/maklumat-pelayanan.pdf", "maklumat/maklumat-tertanda.png"}
    page_md = out["maklumat/index.md"]
    assert STATEMENT in page_md and "Pasal 79A" in page_md and "Pasal 95B" in page_md
    assert "Balai Desa Prigi" in page_md and "2 November 2026" in page_md and "status: terbit" in page_md
    assert out["maklumat/maklumat-tertanda.png"] == scan.read_bytes()
    pdf = " ".join(pypdf.PdfReader(io.BytesIO(out["maklumat/maklumat-pelayanan.pdf"])).pages[0].extract_text().split())
    assert "MAKLUMAT PELAYANAN" in pdf and "79A" in pdf

    # The mobile schedule and the scan change without a new approval ...
    edit(content, "Balai Desa Prigi (contoh)", "Balai Desa Prigi")
    assert "maklumat/index.md" in generator.generate(content, preview=False, production=False)
    # ... the text does not.
    edit(content, "kami siap menerima sanksi", "kami bersedia menerima sanksi")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert generator.generate(content, preview=False, production=False) == {}
    assert "berubah setelah disetujui Kepala Dinas" in caplog.text
    assert "berubah setelah disetujui Kepala Dinas" in client.get("/pengaduan/staf/maklumat").get_data(as_text=True)
    # A new Kepala Dinas in dinas.yml is a new signatory: the approval no longer holds either.
    edit(content, "kami bersedia menerima sanksi", "kami siap menerima sanksi")
    assert "maklumat/index.md" in generator.generate(content, preview=False, production=False)
    edit(content, '"(Nama Kepala Dinas)"', "Drs. Bambang Sutrisno, M.Si.", name="dinas.yml")
    assert generator.generate(content, preview=False, production=False) == {}


def test_a_page_opened_before_a_change_cannot_approve_the_new_text(portal_app, content):
    db, _ = staff(portal_app, "kadis")
    client = portal_app.test_client()
    login(client, "kadis")
    form = approval_form(client)
    edit(content, "kami siap menerima sanksi", "kami bersedia menerima sanksi")
    page = client.post("/pengaduan/staf/maklumat/setujui", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Isi Maklumat telah berubah sejak halaman dibuka" in page
    assert db["standards_approvals"].count == 0 and domain.read_approval(content) is None


def test_no_approval_without_the_date_it_was_set(portal_app, content):
    db, _ = staff(portal_app, "kadis")
    edit(content, "tanggal: 2026-11-02", "tanggal: null")
    client = portal_app.test_client()
    login(client, "kadis")
    page = client.post("/pengaduan/staf/maklumat/setujui", data=approval_form(client),
                       follow_redirects=True).get_data(as_text=True)
    assert "Tanggal penetapan Maklumat belum diisi" in page
    assert db["standards_approvals"].count == 0


def test_production_refuses_to_publish_while_placeholders_remain(tmp_path, smtp, content):
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(content),
                      "PRODUCTION": True, "BASE_URL": "https://dispendukcapil.contoh.id"})
    db, _ = staff(app, "kadis")
    client = app.test_client()
    login(client, "kadis")
    page = client.post("/pengaduan/staf/maklumat/setujui", data=approval_form(client),
                       follow_redirects=True).get_data(as_text=True)
    dinas = content / "data" / "dinas.yml"
    assert "Penerbitan Maklumat Pelayanan ditolak" in page
    assert f"content/data/dinas.yml baris {line_of(dinas, '  nama:')}: (Nama Kepala Dinas)" in page
    assert db["standards_approvals"].count == 0
    with pytest.raises(DataError) as raised:
        generator.generate(content, preview=False, production=True)
    assert f"content/data/dinas.yml baris {line_of(dinas, '  nip:')}: (NIP Kepala Dinas)" in str(raised.value)
