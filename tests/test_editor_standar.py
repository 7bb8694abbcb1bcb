"""The Standar Pelayanan form of the Situs area, without JavaScript (Flask's test client): what the
page shows is what is sent back, a save is a draft change of the service's YAML file that goes
through review and publishing, bad input is refused in Indonesian beside its field, and a new
service gets its page on the built site."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml

from portal.domain import site_changes as sc, standar
from portal.publish import deploy_job
import conftest
from editor_helpers import PASSWORD, ROOT, now
from test_editor_web import app, ids, repo  # noqa: F401  (the fixtures: the editor's portal, its repository, the team)

BASE = "/pengaduan/staf/situs"
KK = "content/data/standar-pelayanan/kk.yml"


class FormFields(HTMLParser):
    """The fields a browser would send from the page's form with action `action`: inputs,
    textareas and the selected option, in order."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            self.fields.append([a["name"], a.get("value", "")])
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = [a["name"], None]
            self.fields.append(self._select)
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea is not None and self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]  # as browsers do
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_of(page: str, action: str) -> dict:
    parser = FormFields(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return dict(parser.fields)


def login(client, username):
    return conftest.login(client, username, PASSWORD)


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": conftest.token(client, page)})


def step(client, change_id, code, note=None):
    page = f"{BASE}/perubahan/{change_id}"
    response = post(client, f"{page}/langkah/{code}", {"catatan": note or ""}, page)
    assert response.status_code == 303, code


def publish(app, client_author, client_reviewer, db, repo, change_id, tmp_path):
    """The change through review (another member) and the publishing job, as the team does it."""
    step(client_author, change_id, "ajukan")
    step(client_reviewer, change_id, "tinjau")
    assert not sc.get(db, change_id).needs_approval  # the data files need review, not the Kepala Dinas
    step(client_reviewer, change_id, "terbitkan")
    summary = deploy_job.run_one(db, repo_path=repo.path, site_dir=tmp_path / "site",
                                 releases=tmp_path / "site-releases", cache_dir=tmp_path / "cache", now=now)
    assert sc.get(db, change_id).state == "terbit", (summary, sc.get(db, change_id).error)


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_the_team_edits_a_service_through_the_form_and_the_published_file_keeps_its_comments(
        app, client, ids, db, repo, tmp_path):
    published = repo.read(KK)
    login(client, "web1")
    listing = client.get(BASE + "/layanan").get_data(as_text=True)
    assert f'href="{BASE}/layanan/kk"' in listing and "Kartu Keluarga (KK)" in listing
    page = client.get(BASE + "/layanan/kk").get_data(as_text=True)
    assert "Jangka waktu pelayanan" in page and "Berapa lama layanan selesai" in page
    fields = form_of(page, f"{BASE}/layanan/kk")
    assert fields["jangka_waktu"] == yaml.safe_load(published)["penyampaian"]["jangka_waktu"]
    assert fields["persyaratan-judul-0"] == "KK baru (membentuk keluarga baru)"
    empty = next(k for k, v in fields.items() if k.startswith("persyaratan-judul-") and not v)
    fields["jangka_waktu"] = "2 hari kerja sejak berkas lengkap."
    fields[empty] = "KK untuk penduduk rentan"
    fields[empty.replace("judul", "butir")] = "Surat keterangan dari dinas sosial.\nKTP-el kepala keluarga."
    response = post(client, BASE + "/layanan/kk", fields, BASE + "/layanan/kk")
    assert response.status_code == 302
    change = sc.open_for(db, KK)
    assert change.kind == "layanan" and change.state == "draf" and repo.read(KK) == published
    # Only what was changed differs from the published file: the reviewer's diff shows it alone.
    changed = [line for line in sc.diff(published, change.text, KK).splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 6, changed
    other = app.test_client()
    login(other, "web2")
    publish(app, client, other, db, repo, change.id, tmp_path)
    text = repo.read(KK)
    assert comments(text) == comments(published) and comments(text)
    (tmp_path / "cek").mkdir()
    (tmp_path / "cek/kk.yml").write_text(text, encoding="utf-8")
    item = standar.load_one(tmp_path / "cek/kk.yml")
    assert item.komponen("jangka_waktu").isi == ("2 hari kerja sejak berkas lengkap.",)
    assert item.komponen("persyaratan").isi[-1] == standar.Kelompok(
        "KK untuk penduduk rentan", ("Surat keterangan dari dinas sosial.", "KTP-el kepala keluarga."))
    built = (tmp_path / "site" / "layanan" / "kk" / "index.html").read_text(encoding="utf-8")
    assert "2 hari kerja sejak berkas lengkap." in built and "KK untuk penduduk rentan" in built
    assert repo.log()[0].author == "Wulan Tim Web"


@pytest.mark.parametrize("field, value, message", [
    ("jangka_waktu", "   ", "Jangka waktu pelayanan wajib diisi"),
    ("dasar_hukum", "\n\n", "Dasar hukum wajib diisi"),
    ("persyaratan-butir-0", "", "belum berisi butir"),
    ("urutan", "dua", "Urutan harus berupa angka"),
])
def test_bad_input_is_shown_beside_its_field_and_changes_nothing(client, ids, db, repo, field, value, message):
    login(client, "web1")
    fields = form_of(client.get(BASE + "/layanan/kk").get_data(as_text=True), f"{BASE}/layanan/kk")
    fields["ringkasan"] = "Ringkasan yang baru diketik."
    fields[field] = value
    before, head = conftest.table_counts(db), repo.head()
    response = post(client, BASE + "/layanan/kk", fields, BASE + "/layanan/kk")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Belum disimpan" in page
    assert re.search(rf'<p class="error" id="{re.escape(field)}-galat">[^<]*{message}', page), page[:3000]
    assert "Ringkasan yang baru diketik." in page  # what was typed is shown again, not lost
    assert conftest.table_counts(db) == before and repo.head() == head


def test_a_group_left_half_filled_after_a_deleted_one_is_named_beside_its_own_fields(client, ids, db):
    login(client, "web1")
    fields = form_of(client.get(BASE + "/layanan/kk").get_data(as_text=True), f"{BASE}/layanan/kk")
    fields["persyaratan-judul-1"] = fields["persyaratan-butir-1"] = ""  # the second group removed
    empty = next(k for k, v in fields.items() if k.startswith("persyaratan-judul-") and not v and k != "persyaratan-judul-1")
    fields[empty] = "Kelompok tanpa butir"
    response = post(client, BASE + "/layanan/kk", fields, BASE + "/layanan/kk")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    shown = re.search(r'<p class="error" id="(persyaratan-butir-\d+)-galat">', page).group(1)
    assert re.search(rf'<textarea id="{shown}" name="{shown}"[^>]*></textarea>', page)
    assert re.search(rf'id="{shown.replace("butir", "judul")}" name="[^"]+" value="Kelompok tanpa butir"', page)


def test_a_comment_below_a_component_stays_when_the_component_changes():
    from werkzeug.datastructures import MultiDict
    from portal.domain import site_standar
    text = (ROOT / KK).read_text(encoding="utf-8").replace(
        "  jangka_waktu:", "  # Jangka waktu: menunggu keputusan rapat.\n  jangka_waktu:")
    values = site_standar.form_of(text)
    fields = MultiDict({k: values[k] for k in ("nama", "urutan", "status", "ringkasan", "tinjauan", "catatan")})
    for kode, c in values["komponen"].items():
        fields[kode] = c["teks"]
        for i, g in enumerate(c["kelompok"]):
            fields[f"{kode}-judul-{i}"], fields[f"{kode}-butir-{i}"] = g["judul"], g["butir"]
    fields["prosedur"] += "\nPemohon menandatangani tanda terima."
    out = site_standar.set_standar(text, fields, "kk")
    assert "Pemohon menandatangani tanda terima." in out
    assert comments(out) == comments(text) and "menunggu keputusan rapat" in out


@pytest.mark.parametrize("slug, message", [
    ("../kk", "tidak boleh berisi"),
    ("Surat Pindah", "huruf kecil"),
    ("kk", "sudah ada"),
    ("index", "dipakai oleh sistem"),
    ("baru", "dipakai oleh sistem"),
    ("", "Tulis nama singkat"),
])
def test_a_new_service_name_is_checked_before_the_form_opens(client, ids, db, slug, message):
    login(client, "web1")
    before = conftest.table_counts(db)
    response = post(client, BASE + "/layanan/baru", {"nama": "Layanan Uji", "nama_singkat": slug}, BASE + "/layanan")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before


def test_a_new_service_reaches_the_built_site_and_its_menu(app, client, ids, db, repo, tmp_path):
    login(client, "web1")
    listing = client.get(BASE + "/layanan").get_data(as_text=True)
    start = form_of(listing, f"{BASE}/layanan/baru")
    start |= {"nama": "Surat Keterangan Pindah Uji", "nama_singkat": "surat-pindah-uji"}
    opened = post(client, BASE + "/layanan/baru", start, BASE + "/layanan")
    assert opened.status_code == 200 and sc.list_changes(db) == []
    fields = form_of(opened.get_data(as_text=True), f"{BASE}/layanan/baru")
    assert fields["nama"] == "Surat Keterangan Pindah Uji" and fields["nama_singkat"] == "surat-pindah-uji"
    refused = post(client, BASE + "/layanan/baru", fields, BASE + "/layanan")
    assert refused.status_code == 400 and "wajib diisi" in refused.get_data(as_text=True)
    fields["ringkasan"] = "Surat untuk penduduk yang pindah alamat."
    for key in list(fields):
        if key in {k for k, _ in standar.PENGELOLAAN} | {k for k, _, _ in standar.PENYAMPAIAN}:
            fields[key] = f"Isi uji {key}."
    fields["prosedur"] = "Datang ke kantor.\nPetugas memeriksa berkas.\nSurat diserahkan."
    fields["jangka_waktu"] = "3 hari kerja sejak berkas lengkap."
    saved = post(client, BASE + "/layanan/baru", fields, BASE + "/layanan")
    assert saved.status_code == 302
    change = sc.open_for(db, "content/data/standar-pelayanan/surat-pindah-uji.yml")
    assert change.kind == "layanan" and change.base_blob is None
    assert change.menu_op["page"] == "layanan/surat-pindah-uji.md"
    assert "surat-pindah-uji" in client.get(BASE + "/layanan").get_data(as_text=True)
    again = post(client, BASE + "/layanan/baru", start, BASE + "/layanan")
    assert again.status_code == 400  # the name is taken by the open change
    other = app.test_client()
    login(other, "web2")
    publish(app, client, other, db, repo, change.id, tmp_path)
    site = tmp_path / "site"
    page = (site / "layanan" / "surat-pindah-uji" / "index.html").read_text(encoding="utf-8")
    assert "Surat Keterangan Pindah Uji" in page and "3 hari kerja sejak berkas lengkap." in page
    assert (site / "layanan" / "surat-pindah-uji.pdf").is_file()
    assert "surat-pindah-uji" in (site / "standar-pelayanan" / "index.html").read_text(encoding="utf-8")
    assert "layanan/surat-pindah-uji.md" in repo.read("mkdocs.yml")
    assert comments(repo.read("content/data/standar-pelayanan/surat-pindah-uji.yml"))


def test_the_kepala_dinas_sees_the_list_but_not_the_form(client, ids, db):
    login(client, "kadis")
    listing = client.get(BASE + "/layanan")
    assert listing.status_code == 200 and "Kartu Keluarga (KK)" in listing.get_data(as_text=True), re.sub(r"\s+", " ", listing.get_data(as_text=True))[:3000]
    assert f'href="{BASE}/layanan/kk"' not in listing.get_data(as_text=True)
    assert client.get(BASE + "/layanan/kk").status_code == 403
