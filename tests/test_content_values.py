"""Named values in the site's content: a page and a service standard write `{{ tenggat.tanggapan }}`,
and the built site (and the web team's preview) says the complaint deadline of the SOP data."""

from __future__ import annotations

import re

import pytest

import conftest
from editor_helpers import PASSWORD, content_repo, team
from portal import create_app
from portal.domain import catalog
from site_helpers import ROOT, build, copy_sources

SOP = "content/data/sop/penanganan-pengaduan.yml"
PAGES = ("layanan-pengaduan/index.html", "layanan/kk/index.html")


def reply_in(project, days: int) -> None:
    "The copy's complaint SOP promises a reply in `days` working days."
    path = project / SOP
    text, n = re.subn(r"(tanggapan:\n    nama: [^\n]+\n    hari: )\d+", rf"\g<1>{days}", path.read_text(encoding="utf-8"))
    assert n == 1
    path.write_text(text, encoding="utf-8")


def text_of(site, page) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site / page).read_text(encoding="utf-8")))


def test_the_built_pages_say_the_deadline_of_the_sop_data(built_site):
    promised = catalog.load(ROOT / "content").time_standards["tanggapan"].lama
    for page in PAGES:
        text = text_of(built_site, page)
        assert f"paling lambat {promised}" in text and "{{" not in text, page


def test_changing_the_sop_data_changes_the_built_pages(tmp_path):
    project = copy_sources(tmp_path / "src")
    reply_in(project, 9)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    for page in PAGES:
        text = text_of(tmp_path / "site", page)
        assert "paling lambat 9 hari kerja" in text and "14 hari" not in text, page


@pytest.mark.parametrize("source,old", [
    ("content/layanan-pengaduan.md", "{{ tenggat.tanggapan }}"),
    ("content/data/standar-pelayanan/kk.yml", "paling lambat {{ tenggat.tanggapan }}"),
])
def test_an_unknown_name_stops_the_build_with_file_and_line(tmp_path, source, old):
    project = copy_sources(tmp_path / "src")
    path = project / source
    text = path.read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, old.replace("tanggapan", "tangapan"), 1), encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 1
    assert f"{source}, baris {line}: nilai '{{{{ tenggat.tangapan }}}}' tidak dikenal" in result.stderr
    assert "{{ tenggat.tanggapan }}" in result.stderr  # the names that can be used
    assert not (tmp_path / "site").exists()


@pytest.fixture
def editor(tmp_path, smtp):
    repo = content_repo(tmp_path / "repo")
    reply_in(repo.path, 9)
    config = conftest.portal_config(tmp_path / "data", smtp.port) | {
        "CONTENT_REPO": str(repo.path), "CONTENT_DIR": str(repo.path / "content"), "SITE_DIR": str(tmp_path / "site")}
    app = create_app(config)
    from portal.db import connect
    db = connect(app.config["DATABASE"])
    team(db)
    db.close()
    client = app.test_client()
    conftest.login(client, "web1", PASSWORD, expect=None)
    return client


def preview(client, isi: str) -> str:
    base = "/pengaduan/staf/situs"
    data = {"jenis": "halaman", "title": "Uji", "isi": isi, "csrf_token": conftest.token(client, base + "/")}
    response = client.post(base + "/pratinjau", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_preview_shows_the_value_and_names_an_unknown_one(editor):
    page = preview(editor, "# Uji\n\nKami menanggapi paling lambat {{ tenggat.tanggapan }}.\n")
    assert "paling lambat 9 hari kerja." in page and "{{" not in page and 'role="alert"' not in page

    page = preview(editor, "# Uji\n\nBaris dua.\n\nPaling lambat {{ tenggat.tangapan }}.\n")
    alert = re.search(r'role="alert">([^<]*)<', page).group(1)
    assert "baris" in alert and "tenggat.tangapan" in alert and "tidak dikenal" in alert
    assert "Paling lambat {{ tenggat.tangapan }}." in page  # the page as written, nothing else changed
