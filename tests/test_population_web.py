"""The staff pages for population data and the `flask data` commands, through the test client
and Flask's CLI runner."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

import conftest
from portal.domain import policy, users
from portal.domain.population import schema, store
from test_population import KEC, PERIODE, csv_files, filled_template, siak_csv, xlsx_bytes

PASSWORD = "kata-sandi-panjang"
BASE = "/pengaduan/staf/data/"
LOGIN = "/pengaduan/staf/masuk"


def token(client, path=LOGIN):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(client, username):
    return client.post(LOGIN, data={"username": username, "password": PASSWORD, "csrf_token": token(client)})


@pytest.fixture
def staff(db):
    at = datetime.now(ZoneInfo("Asia/Jakarta"))
    return {role: users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role], now=at)
            for role in users.ROLES}


def upload(client, files, **form):
    data = {"csrf_token": token(client, BASE), **form,
            "berkas": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(BASE + "unggah", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("role", [r for r in users.ROLES if not policy.reachable("data_kependudukan", {r})])
@pytest.mark.parametrize("method,path", [("GET", BASE), ("GET", BASE + "rekap"), ("GET", BASE + "siak"),
                                         ("GET", BASE + f"templat?kecamatan={KEC}&periode={PERIODE}"),
                                         ("POST", BASE + "unggah"), ("POST", BASE + "siak"),
                                         ("GET", BASE + "siak/selisih.xlsx")])
def test_other_roles_are_refused_and_change_nothing(client, db, staff, role, method, path):
    assert login(client, role).status_code == 302
    before = conftest.table_counts(db)
    data = {"csrf_token": token(client, "/pengaduan/staf/kata-sandi"),
            "berkas": [(io.BytesIO(xlsx_bytes(filled_template())), "laporan.xlsx")]}
    response = client.open(path, method=method, data=data if method == "POST" else None,
                           content_type="multipart/form-data" if method == "POST" else None)
    assert response.status_code == 403
    assert conftest.table_counts(db) == before


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(BASE)
    assert response.status_code == 302 and response.headers["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", [r for r in users.ROLES if policy.reachable("data_kependudukan", {r})])
def test_data_officer_and_kabid_see_the_page_and_the_nav_link(client, staff, role):
    login(client, role)
    page = client.get(BASE + f"?periode={PERIODE}").get_data(as_text=True)
    assert "Laporan data kependudukan kecamatan" in page and "Panggul" in page and "Belum lapor" in page
    assert f'href="{BASE}"' in page


def test_template_download(client, staff):
    login(client, "data")
    response = client.get(BASE + f"templat?kecamatan={KEC}&periode={PERIODE}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb["petunjuk"]["B3"].value == KEC
    assert client.get(BASE + "templat?kecamatan=35.03.99&periode=2024-S2").status_code == 400


def test_upload_shows_every_problem_in_a_table_and_imports_nothing(client, db, staff):
    login(client, "data")
    wb = filled_template()
    wb["penduduk"].cell(6, 5).value = 3
    wb["agama"].cell(7, 3).value = "Lainnya"
    response = upload(client, [("laporan.xlsx", xlsx_bytes(wb))])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "tidak ada data yang diimpor" in page
    assert "<td>penduduk</td><td>6</td><td>E (jumlah)</td>" in page
    assert "<td>agama</td><td>7</td><td>C (kategori)</td>" in page
    assert db["population_reports"].count == 0


def test_upload_of_a_good_file_shows_the_summary_and_records_who(client, db, staff):
    login(client, "data")
    response = upload(client, [("laporan.xlsx", xlsx_bytes(filled_template()))])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Laporan Kecamatan Trenggalek periode 2024-S2 diimpor" in page
    assert "Penduduk menurut kelompok umur dan jenis kelamin</td><td>208</td>" in page
    report = store.current_reports(db, PERIODE)[KEC]
    assert report["user_id"] == 0 + staff["data"] and "data" in report["imported_by"]
    assert response.headers["Cache-Control"] == "no-store"


def test_csv_upload_needs_kecamatan_and_period_and_then_imports(client, db, staff):
    login(client, "kabid")
    assert upload(client, csv_files()).status_code == 422
    response = upload(client, csv_files(), kecamatan=KEC, periode=PERIODE)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert db["population_reports"].count == 1


def test_a_file_whose_content_does_not_match_its_name_is_refused(client, db, staff):
    login(client, "data")
    response = upload(client, [("laporan.xlsx", b"%PDF-1.4 bukan excel"), ("penduduk.csv", b"\x00\x01\x02")])
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("isi berkas tidak sesuai") == 2
    assert db["population_reports"].count == 0


def test_upload_without_csrf_token_is_refused(client, db, staff):
    login(client, "data")
    response = client.post(BASE + "unggah", data={"berkas": (io.BytesIO(xlsx_bytes(filled_template())), "l.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and db["population_reports"].count == 0


def test_recap_and_siak_pages(client, db, staff):
    login(client, "data")
    upload(client, [("laporan.xlsx", xlsx_bytes(filled_template()))])
    page = client.get(BASE + f"rekap?periode={PERIODE}").get_data(as_text=True)
    assert "Kabupaten Trenggalek" in page and "1 dari 14 kecamatan" in page
    page = client.get(BASE + f"rekap?periode={PERIODE}&topik=agama").get_data(as_text=True)
    assert "Khonghucu - Laki-laki" in page
    from portal.domain import regions
    desa = regions.desa_list(KEC)[0]
    data = {"csrf_token": token(client, BASE), "periode": PERIODE, "toleransi": "0",
            "berkas": (io.BytesIO(siak_csv({(desa.kode, "jumlah_kk"): 1})), "siak.csv")}
    response = client.post(BASE + "siak", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "1 selisih melebihi toleransi 0" in page and desa.nama in page
    download = client.get(BASE + f"siak/selisih.xlsx?periode={PERIODE}&toleransi=0")
    rows = list(openpyxl.load_workbook(io.BytesIO(download.data)).active.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1 and rows[0][0] == desa.kode and rows[0][5] == 1


# ---------------------------------------------------------------- CLI

def test_cli_template_import_recap_siak_publish(app, db, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "templat.xlsx"
    result = runner.invoke(args=["data", "template", "--kecamatan", KEC, "--periode", PERIODE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)["petunjuk"]["B5"].value == PERIODE

    bad = filled_template()
    bad["penduduk"].cell(5, 3).value = -1
    (tmp_path / "salah.xlsx").write_bytes(xlsx_bytes(bad))
    result = runner.invoke(args=["data", "import", str(tmp_path / "salah.xlsx")])
    assert result.exit_code == 1 and "penduduk, baris 5, kolom C (laki_laki)" in result.output

    for name, content in csv_files():
        (tmp_path / name).write_bytes(content)
    result = runner.invoke(args=["data", "import", *(str(tmp_path / f"{t.code}.csv") for t in schema.TOPICS),
                                 "--kecamatan", KEC, "--periode", PERIODE])
    assert result.exit_code == 0, result.output
    (tmp_path / "benar.xlsx").write_bytes(xlsx_bytes(filled_template()))
    result = runner.invoke(args=["data", "import", str(tmp_path / "benar.xlsx"), "--oleh", "Budi"])
    assert "menggantikan laporan #1" in result.output

    result = runner.invoke(args=["data", "recap", "--periode", PERIODE])
    assert result.exit_code == 0 and "Trenggalek\t" in result.output and "Belum melapor (13)" in result.output

    (tmp_path / "siak.csv").write_bytes(siak_csv())
    result = runner.invoke(args=["data", "siak", str(tmp_path / "siak.csv"), "--periode", PERIODE,
                                 "-o", str(tmp_path / "selisih.xlsx")])
    assert result.exit_code == 0 and "0 selisih" in result.output

    app.config["CONTENT_DIR"] = str(tmp_path / "content")
    result = runner.invoke(args=["data", "publish", "--periode", PERIODE])
    assert result.exit_code != 0 and "13 kecamatan belum melapor" in result.output
    result = runner.invoke(args=["data", "publish", "--periode", PERIODE, "--sebagian"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content" / "data" / "kependudukan" / PERIODE / "meta.yml").exists()


def test_a_data_only_account_lands_on_the_population_page(tmp_path, smtp):
    import re as _re
    from datetime import datetime as _dt
    from portal import create_app as _create_app
    from portal.db import connect as _connect
    from portal.domain import users as _users
    import conftest as _conftest
    app = _create_app(_conftest.test_config(tmp_path / "data", smtp.port))
    db = _connect(app.config["DATABASE"])
    _users.create_user(db, "dina", "kata-sandi-panjang", display_name="Dina", roles=["data"], now=_dt.now())
    client = app.test_client()
    page = client.get("/pengaduan/staf/masuk").get_data(as_text=True)
    token = _re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/pengaduan/staf/masuk", data={"username": "dina", "password": "kata-sandi-panjang",
                                                          "csrf_token": token})
    assert response.headers["Location"].endswith("/pengaduan/staf/data/")
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 200 and "Daftar pengaduan" not in landing.get_data(as_text=True)
