"""Every number a citizen is promised comes from the SOP data or the settings: change the data
and the pages say the new number (no template keeps its own copy)."""

import io
import re
import shutil

import openpyxl
import pytest

from conftest import ROOT, VALID, login, make_staff, portal_config, token
from portal import create_app
from portal.db import connect
from portal.domain.population.layout import INSTRUCTIONS_SHEET


def changed_content(tmp_path):
    """A copy of content/ whose complaint SOP promises a reply in 10 working days and a receipt
    within 2 working days."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".cache"))
    sop = content / "data" / "sop" / "penanganan-pengaduan.yml"
    text = sop.read_text(encoding="utf-8")
    text = re.sub(r"(tanggapan:\n    nama: Tanggapan kepada pengadu\n    hari: )14", r"\g<1>10", text)
    assert "hari: 10" in text
    waktu = re.search(r"- nomor: 1\n(?:  .*\n)*?  waktu: ([^\n]+)\n", text)
    text = text[:waktu.start(1)] + "2 hari" + text[waktu.end(1):]
    sop.write_text(text, encoding="utf-8")
    return content


def test_pages_promise_what_the_sop_data_and_settings_say(tmp_path, smtp):
    app = create_app({**portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(changed_content(tmp_path)),
                      "RETENTION_YEARS": 3})
    client = app.test_client()
    form = client.get("/pengaduan/").get_data(as_text=True)
    assert "paling lambat 10 hari kerja" in form and "14 hari kerja" not in form
    privacy = client.get("/pengaduan/privasi").get_data(as_text=True)
    assert "paling lama 3 tahun" in privacy and "2 (dua) tahun" not in privacy

    done = client.post("/pengaduan/", data={**VALID, "csrf_token": token(client, "/pengaduan/")}, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "dalam 2 hari kerja" in done and "1 hari kerja" not in done


def population_content(tmp_path, waktu: str, jenis: str):
    """A copy of content/ whose SOP Pelaporan Data Kependudukan gives step 1 another waktu and jenis."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".cache"))
    sop = content / "data" / "sop" / "pelaporan-data-kependudukan.yml"
    text = sop.read_text(encoding="utf-8")
    changed = text.replace("  waktu: 10 Hari\n", f"  waktu: {waktu}\n", 1).replace(
        "    jenis: kalender\n", f"    jenis: {jenis}\n", 1)
    assert changed.count(waktu) == 1 and changed != text
    sop.write_text(changed, encoding="utf-8")
    return content


@pytest.mark.parametrize("waktu,jenis,words,due", [
    # 2024-S2 ends on Tuesday 31 December 2024; 7 calendar days land on Tuesday 7 January.
    ("7 Hari", "kalender", "7 hari kalender setelah akhir periode", "7 Januari 2025"),
    # 5 working days skip New Year's Day and the weekend of 4-5 January.
    ("5 Hari", "kerja", "5 hari kerja setelah akhir periode", "8 Januari 2025"),
])
def test_population_report_deadline_follows_the_sop_data(tmp_path, smtp, waktu, jenis, words, due):
    app = create_app({**portal_config(tmp_path / "data", smtp.port),
                      "CONTENT_DIR": str(population_content(tmp_path, waktu, jenis))})
    client = app.test_client()
    db = connect(app.config["DATABASE"])
    make_staff(db)
    db.close()
    login(client, "data")
    page = client.get("/pengaduan/staf/data/?periode=2024-S2").get_data(as_text=True)
    assert f"{due} ({words}, SOP Pelaporan Data Kependudukan)" in page
    assert "10 hari" not in page

    workbook = client.get("/pengaduan/staf/data/templat?kecamatan=35.03.11&periode=2024-S2")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))[INSTRUCTIONS_SHEET]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.endswith(due) for c in cells) and any(words in c and due in c for c in cells)
    assert not any("10 hari" in c for c in cells)
