"""Launch readiness: every placeholder in content/ with file and line; in production, letters are
refused while the office data holds one, and the site build fails naming each."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

import conftest
import test_documents as td
from portal import create_app
from portal.db import prepare
from portal.domain import documents, handling, readiness, users
from portal.domain.errors import DataError
from portal.publish import readiness as build_check

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kata-sandi-panjang-1"
FILLED = {'"(alamat kantor, diisi tim web), Trenggalek, Jawa Timur"': "Jl. Contoh Raya No. 1, Trenggalek",
          '"(nomor telepon kantor)"': '"0355 000000"', '"(alamat e-mail resmi)"': "dispendukcapil@trenggalekkab.go.id",
          '"(Nama Kepala Dinas)"': "Drs. Bambang Sutrisno, M.Si.", '"(NIP Kepala Dinas)"': '"196805121990031004"',
          '"(pangkat/golongan)"': "Pembina Utama Muda"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_placeholders_are_found_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    write(content / "tentang/kontak.md", "# Kontak\n\nTelepon\n:   (nomor telepon kantor — diisi tim web)\n")
    write(content / "layanan/kk.md", "# KK\n\nGratis. Bawa KK lama.\n")
    write(content / "data/dinas.yml", "# (Nama Kepala Dinas) in a comment is not published\n"
                                      "kepala_dinas:\n  nama: \"(Nama Kepala Dinas)\"\n  nip: \"196805121990031004\"\n")
    write(content / "data/sosialisasi/jadwal.yml", "- tempat: Balai Desa Besuki\n  panitia:\n    - JFU (contoh)\n")
    write(content / "sop/index.md", "generated from data (diisi tim web)\n")  # a generator's output, not a source
    write(content / ".generated", "sop/index.md\n")
    found = [(p.path, p.line, p.text) for p in readiness.check_placeholders(content)]
    assert found == [("content/data/dinas.yml", 3, "(Nama Kepala Dinas)"),
                     ("content/data/sosialisasi/jadwal.yml", 3, "(contoh)"),
                     ("content/tentang/kontak.md", 4, "(nomor telepon kantor — diisi tim web)")]
    assert [p.path for p in readiness.check_placeholders(content, only=readiness.OFFICE_DATA)] == \
        ["content/data/dinas.yml"]


def test_a_file_changed_between_two_checks_is_read_again(tmp_path):
    import os
    page = write(tmp_path / "content" / "tentang.md", "# Tentang\n\nAlamat: (alamat kantor)\n")
    hour_ago = page.stat().st_mtime_ns - 3600 * 10**9
    os.utime(page, ns=(hour_ago, hour_ago))
    assert [p.text for p in readiness.check_placeholders(tmp_path / "content")] == ["(alamat kantor)"]
    page.write_text("# Tentang\n\nAlamat: Jl. Uji No. 12 \n", encoding="utf-8")  # the same size
    os.utime(page, ns=(hour_ago + 1, hour_ago + 1))
    assert readiness.check_placeholders(tmp_path / "content") == []
    # Written twice within the file system's clock tick: the same time stamp and size, new text.
    page.write_text("# Tentang\n\nAlamat: (alamat kantor)\n", encoding="utf-8")
    stamp = page.stat().st_mtime_ns
    assert len(readiness.check_placeholders(tmp_path / "content")) == 1
    page.write_text("# Tentang\n\nAlamat: Jl. Uji No. 12 \n", encoding="utf-8")
    os.utime(page, ns=(stamp, stamp))
    assert readiness.check_placeholders(tmp_path / "content") == []


def test_the_starter_content_still_has_the_office_placeholders():
    problems = readiness.check_placeholders(ROOT / "content")
    dinas = (ROOT / "content/data/dinas.yml").read_text(encoding="utf-8").splitlines()
    expected = next(i for i, line in enumerate(dinas, 1) if "(Nama Kepala Dinas)" in line)
    assert any(p.path == "content/data/dinas.yml" and p.line == expected and p.text == "(Nama Kepala Dinas)"
               for p in problems)
    assert any(p.path == "content/tentang/kontak.md" for p in problems)


def test_the_production_build_fails_naming_file_and_line(tmp_path, monkeypatch):
    content = tmp_path / "content"
    write(content / "tentang/kontak.md", "# Kontak\n\nJam layanan: (hari dan jam layanan — diisi tim web)\n")
    build_check.check(content, production=False)  # a development build goes on
    monkeypatch.setenv("PORTAL_PRODUCTION", "true")
    with pytest.raises(DataError) as raised:
        build_check.check(content)
    assert "content/tentang/kontak.md baris 3: (hari dan jam layanan — diisi tim web)" in str(raised.value)
    write(content / "tentang/kontak.md", "# Kontak\n\nJam layanan: Senin sampai Jumat, 08.00 sampai 14.00\n")
    build_check.check(content)


# --------------------------------------------------------------------------- letters in production

@pytest.fixture
def office_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data", ignore=shutil.ignore_patterns("kependudukan", "profil"))
    return content


def fill_office_data(content: Path) -> None:
    path = content / "data" / "dinas.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in FILLED.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_production_refuses_letters_while_the_office_data_has_placeholders(tmp_path, office_content):
    db = prepare(str(tmp_path / "portal.db"))
    people = {}
    for name, roles, jabatan in (("ops", ["operator"], None), ("kabid", ["kabid"], td.KABID),
                                 ("kadis", ["kadis"], None), ("pejabat", ["pejabat"], td.PEJABAT),
                                 ("pejabat2", ["pejabat"], None)):
        people[name] = handling.Actor(users.create_user(db, name, PASSWORD, display_name=name, roles=roles,
                                                        now=td.NOW, jabatan=jabatan), frozenset(roles))
    cid = td.file(db, tmp_path)
    td.nota_dinas(db, cid, people)
    dinas = office_content / "data" / "dinas.yml"
    nama_line = next(i for i, line in enumerate(dinas.read_text().splitlines(), 1) if "(Nama Kepala Dinas)" in line)
    # Development: the letter is made with the placeholders (the office sees what is missing).
    documents.render(db, cid, "nota-dinas", "html", td.CATALOG.office, content_dir=office_content)
    with pytest.raises(documents.DocumentNotReady) as raised:
        documents.render(db, cid, "nota-dinas", "pdf", td.CATALOG.office, content_dir=office_content,
                         production=True)
    message = str(raised.value)
    assert "Pembuatan Nota Dinas ditolak" in message
    assert f"content/data/dinas.yml baris {nama_line}: (Nama Kepala Dinas)" in message
    # A placeholder on a web page does not hold back a letter.
    write(office_content / "tentang/kontak.md", "(nomor WhatsApp layanan — diisi tim web)\n")
    fill_office_data(office_content)
    content, mimetype, _ = documents.render(db, cid, "nota-dinas", "pdf", td.CATALOG.office,
                                            content_dir=office_content, production=True)
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_production_letter_download_names_the_placeholders(tmp_path, smtp, office_content):
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(office_content),
                      "PRODUCTION": True, "BASE_URL": "https://dispendukcapil.contoh.id"})
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    people = {name: handling.Actor(users.create_user(db, name, PASSWORD, display_name=name, roles=roles, now=td.NOW,
                                                     jabatan=jabatan), frozenset(roles))
              for name, roles, jabatan in (("ops", ["operator"], None), ("kabid", ["kabid"], td.KABID),
                                           ("kadis", ["kadis"], None), ("pejabat", ["pejabat"], td.PEJABAT),
                                           ("pejabat2", ["pejabat"], None))}
    cid = td.file(db, tmp_path)
    td.nota_dinas(db, cid, people)
    ref = db.execute("SELECT ref FROM complaints WHERE id = ?", [cid]).fetchone()[0]
    client = app.test_client()
    conftest.login(client, "kabid", PASSWORD, expect=None)
    response = client.get(f"/pengaduan/staf/p/{ref}/dokumen/nota-dinas.pdf")
    text = response.get_data(as_text=True)
    assert response.status_code != 200 and "content/data/dinas.yml baris" in text and "(NIP Kepala Dinas)" in text
    fill_office_data(office_content)
    response = client.get(f"/pengaduan/staf/p/{ref}/dokumen/nota-dinas.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# --------------------------------------------------------------------------- the staff page

def test_readiness_page_lists_each_placeholder_for_admin_and_kadis_only(tmp_path, smtp, office_content):
    write(office_content / "tentang/kontak.md", "# Kontak\n\n(alamat e-mail resmi — diisi tim web)\n")
    app = create_app({**conftest.portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(office_content)})
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    for name in ("admin", "kadis", "operator"):
        users.create_user(db, name, PASSWORD, display_name=name, roles=[name], now=datetime.now())
    client = app.test_client()
    for name, status in (("operator", 403), ("admin", 200), ("kadis", 200)):
        conftest.login(client, name, PASSWORD, expect=None)
        response = client.get("/pengaduan/staf/kesiapan")
        assert response.status_code == status, name
    page = response.get_data(as_text=True)
    problems = readiness.check_placeholders(office_content)
    assert f"Isian sementara: {len(problems)}" in page
    assert "content/tentang/kontak.md" in page and "(alamat e-mail resmi — diisi tim web)" in page
    assert "<td>3</td>" in page  # its line
    assert "Maklumat Pelayanan belum disetujui" in page


def test_dashboard_links_the_readiness_page_for_whom_the_policy_lets_open_it(tmp_path, smtp):
    app = create_app(conftest.portal_config(tmp_path / "data", smtp.port))
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    for name in ("kadis", "operator"):
        users.create_user(db, name, PASSWORD, display_name=name, roles=[name], now=datetime.now())
    for name, shown in (("kadis", True), ("operator", False)):
        client = app.test_client()
        conftest.login(client, name)
        dashboard = client.get("/pengaduan/staf/dasbor").get_data(as_text=True)
        assert ('href="/pengaduan/staf/kesiapan"' in dashboard) is shown, name
