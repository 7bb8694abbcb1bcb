"""Every number a citizen is promised comes from the SOP data or the settings: change the data
and the pages say the new number (no template keeps its own copy)."""

import re
import shutil

from conftest import ROOT, VALID, portal_config, token
from portal import create_app


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
