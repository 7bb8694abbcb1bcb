"""The web team's changes in the domain: the workflow table, the approval keys only the system
writes, concurrent saves, and the publishing job (commit, build, atomic switch)."""

from __future__ import annotations

import json


import pytest

from portal.db import prepare
from portal.domain import site_changes as sc, site_refresh
from portal.publish import deploy_job, drafts
from editor_helpers import content_repo, now, team

WEB = frozenset({"web"})
KADIS = frozenset({"kadis"})

MATERIAL = """---
title: Materi uji cetak
audiens: Warga desa
topik: KIA
status: terbit
---

# Materi uji cetak

Kartu Identitas Anak untuk anak di bawah 17 tahun.
"""


@pytest.fixture
def env(tmp_path):
    db = prepare(str(tmp_path / "portal.db"))
    repo = content_repo(tmp_path / "repo")
    yield {"db": db, "repo": repo, "ids": team(db), "tmp": tmp_path}
    db.close()


def _run_job(env):
    site = env["tmp"] / "site"
    return deploy_job.run_one(env["db"], repo_path=env["repo"].path, site_dir=site,
                              releases=env["tmp"] / "site-releases", cache_dir=env["tmp"] / "cache", now=now)


def test_typed_approval_keys_are_refused_and_system_ones_kept(env, tmp_path):
    repo = env["repo"]
    typed = MATERIAL.replace("status: terbit\n", "status: terbit\ndisetujui_oleh: Kepala Dinas\n"
                                                 "tanggal_disetujui: 2026-11-01\n")
    approved, digest = sc.with_approval(MATERIAL, "Bapak Kadis Uji (kadis)", now().date())
    docs = tmp_path / "docs"
    (docs / "sosialisasi/materi").mkdir(parents=True)
    (docs / "sosialisasi/materi/diketik.md").write_text(typed)
    (docs / "sosialisasi/materi/sistem.md").write_text(approved)
    ledger = drafts.approved_hashes(repo.path)
    assert digest not in ledger
    assert drafts.verify_approvals(docs, ledger | {digest}) == ["sosialisasi/materi/diketik.md"]
    meta, _ = drafts.read_front_matter(docs / "sosialisasi/materi/diketik.md")
    assert not drafts.is_public("sosialisasi/materi/diketik.md", meta)
    meta, _ = drafts.read_front_matter(docs / "sosialisasi/materi/sistem.md")
    assert drafts.is_public("sosialisasi/materi/sistem.md", meta)
    # The text changed after approval: the hash no longer matches, the approval is dropped.
    changed = (docs / "sosialisasi/materi/sistem.md").read_text().replace("17 tahun", "18 tahun")
    (docs / "sosialisasi/materi/sistem.md").write_text(changed)
    assert drafts.verify_approvals(docs, ledger | {digest}) == ["sosialisasi/materi/sistem.md"]


def test_workflow_refusals(env):
    db, ids = env["db"], env["ids"]
    change_id = sc.create(db, kind="materi", path="content/sosialisasi/materi/uji.md", title="Materi uji",
                          text=MATERIAL, base_blob=None, actor_id=ids["web1"], now=now())
    with pytest.raises(sc.StepNotAllowed):
        sc.take_step(db, change_id, "ajukan", actor_id=ids["operator"], roles={"operator"}, now=now())
    sc.take_step(db, change_id, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
    with pytest.raises(sc.StepNotAllowed, match="anggota tim lain"):
        sc.take_step(db, change_id, "tinjau", actor_id=ids["web1"], roles=WEB, now=now())
    sc.take_step(db, change_id, "tinjau", actor_id=ids["web2"], roles=WEB, now=now())
    with pytest.raises(sc.StepNotAllowed, match="disetujui Kepala Dinas"):
        sc.take_step(db, change_id, "terbitkan", actor_id=ids["web2"], roles=WEB, now=now())
    with pytest.raises(sc.BadInput):
        sc.take_step(db, change_id, "kembalikan", actor_id=ids["kadis"], roles=KADIS, now=now())
    change = sc.take_step(db, change_id, "setujui", actor_id=ids["kadis"], roles=KADIS, now=now(),
                          approver_name="Bapak Kadis Uji (kadis)")
    head, body = drafts.split(change.text)
    assert "disetujui_oleh: \"Bapak Kadis Uji (kadis)\"" in head
    assert f"persetujuan: {drafts.body_hash(body)}" in head
    assert [e["step"] for e in sc.events(db, change_id)] == ["buat", "ajukan", "tinjau", "setujui"]


def test_second_save_is_refused_and_both_texts_kept(env):
    db, ids = env["db"], env["ids"]
    change_id = sc.create(db, kind="halaman", path="content/tentang/kontak.md", title="Kontak",
                          text="# Kontak\n\nAwal\n", base_blob=env["repo"].blob_id("content/tentang/kontak.md"),
                          actor_id=ids["web1"], now=now())
    version = sc.get(db, change_id).version
    sc.save(db, change_id, text="# Kontak\n\nTeks Wulan\n", title="Kontak", version=version,
            actor_id=ids["web1"], roles=WEB, now=now())
    with pytest.raises(sc.Conflict) as refused:
        sc.save(db, change_id, text="# Kontak\n\nTeks Bagus\n", title="Kontak", version=version,
                actor_id=ids["web2"], roles=WEB, now=now())
    assert "TIDAK hilang" in str(refused.value)
    assert "Teks Wulan" in sc.get(db, change_id).text
    assert "Teks Bagus" in sc.get(db, refused.value.change_id).text


def test_publish_commits_builds_and_switches_a_failed_build_changes_nothing(env):
    db, ids, repo = env["db"], env["ids"], env["repo"]
    start = repo.head()
    site = env["tmp"] / "site"

    def through(change_id, publisher="web2"):
        sc.take_step(db, change_id, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
        sc.take_step(db, change_id, "tinjau", actor_id=ids[publisher], roles=WEB, now=now())
        change = sc.get(db, change_id)
        if change.needs_approval:
            sc.take_step(db, change_id, "setujui", actor_id=ids["kadis"], roles=KADIS, now=now(),
                         approver_name="Bapak Kadis Uji (kadis)")
        sc.take_step(db, change_id, "terbitkan", actor_id=ids[publisher], roles=WEB, now=now(),
                     current_blob=repo.blob_id)
        return _run_job(env)

    good = sc.create(db, kind="materi", path="content/sosialisasi/materi/uji.md", title="Materi uji",
                     text=MATERIAL, base_blob=None, actor_id=ids["web1"], now=now())
    summary = through(good)
    assert "terbit" in summary, summary
    assert site.is_symlink()
    assert (site / "sosialisasi/materi/uji/index.html").is_file()
    assert (site / "sosialisasi/materi/uji.pdf").is_file()
    live = site.resolve()
    log = repo.log()
    assert log[0].author == "Wulan Tim Web" and "Disetujui-oleh: Bapak Kadis Uji (kadis)" in log[0].body
    assert sc.get(db, good).state == "terbit"

    broken = sc.create(db, kind="halaman", path="content/tentang/kontak.md", title="Kontak",
                       text=repo.read("content/tentang/kontak.md"), base_blob=repo.blob_id("content/tentang/kontak.md"),
                       actor_id=ids["web1"], now=now())
    # A link that was checked at saving time, to a page that another change then removed
    # (here: written straight into the change, as the form would have it before the removal).
    text = sc.get(db, broken).text + "\nLihat [jadwal lama](../jadwal-lama.md).\n"
    db["site_changes"].update(broken, {"text": text})
    head_before = repo.head()
    summary = through(broken)
    change = sc.get(db, broken)
    assert change.state == "gagal"
    assert "content/tentang/kontak.md baris" in change.error and "tidak ada" in change.error
    assert site.resolve() == live and repo.head() == head_before
    assert repo.head() != start


def test_website_report_names_who_wrote_reviewed_and_approved(env):
    from portal.domain import website_report
    db, ids, repo = env["db"], env["ids"], env["repo"]
    change_id = sc.create(db, kind="materi", path="content/sosialisasi/materi/laporan.md", title="Materi laporan",
                          text=MATERIAL, base_blob=None, actor_id=ids["web1"], now=now())
    sc.take_step(db, change_id, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
    sc.take_step(db, change_id, "tinjau", actor_id=ids["web2"], roles=WEB, now=now())
    sc.take_step(db, change_id, "setujui", actor_id=ids["kadis"], roles=KADIS, now=now(),
                 approver_name="Bapak Kadis Uji (kadis)")
    change = sc.get(db, change_id)
    commit = repo.prepare_commit(deploy_job.files_for(db, change, repo), author="Wulan Tim Web",
                                 email="wulan@contoh.id", message=sc.commit_message(db, change))
    repo.advance(commit, repo.head())
    report = website_report.collect(repo.path, now().date(), now().date(), build=False)
    assert report.publications == [{"tanggal": now().date(),
                                    "perubahan": "Terbitkan content/sosialisasi/materi/laporan.md: Materi laporan",
                                    "penulis": "Wulan Tim Web (web1)", "peninjau": "Bagus Tim Web (web2)",
                                    "penyetuju": "Bapak Kadis Uji (kadis)"}]
    assert "| Wulan Tim Web (web1) | Bagus Tim Web (web2) | Bapak Kadis Uji (kadis) |" in website_report.to_markdown(report)


def test_invalid_schedule_data_fails_the_build_with_file_and_line_and_changes_nothing(env):
    db, ids, repo = env["db"], env["ids"], env["repo"]
    text = repo.read(sc.SCHEDULE).replace('desa: "35.03.01.2001"', 'desa: "35.03.08.2011"', 1)
    change_id = sc.create(db, kind="jadwal", path=sc.SCHEDULE, title="Jadwal", text=text,
                          base_blob=repo.blob_id(sc.SCHEDULE), actor_id=ids["web1"], now=now())
    sc.take_step(db, change_id, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
    sc.take_step(db, change_id, "tinjau", actor_id=ids["web2"], roles=WEB, now=now())
    sc.take_step(db, change_id, "terbitkan", actor_id=ids["web2"], roles=WEB, now=now(), current_blob=repo.blob_id)
    head = repo.head()
    _run_job(env)
    change = sc.get(db, change_id)
    assert change.state == "gagal"
    assert "content/data/sosialisasi/jadwal.yml" in change.error and "baris" in change.error
    assert repo.head() == head and not (env["tmp"] / "site").exists()


def test_an_upgraded_checkout_leaves_its_old_build_output_behind(tmp_path):
    """Builds before the publishing pipeline wrote generated pages into content/ and listed them
    in content/.generated; a content repository made from such a checkout holds sources only,
    so the build does not take the old output for hand-written pages."""
    from portal.domain import content_store
    source = tmp_path / "lama"
    (source / "content" / "sop").mkdir(parents=True)
    (source / "content" / "index.md").write_text("# Beranda\n")
    (source / "content" / "sop" / "index.md").write_text("# dibuat otomatis\n")
    (source / "content" / ".generated").write_text("sop/index.md\n")
    (source / "mkdocs.yml").write_text("site_name: x\n")
    repo = content_store.init_repo(tmp_path / "repo", source)
    assert (repo.path / "content" / "index.md").is_file()
    assert not (repo.path / "content" / "sop" / "index.md").exists()


def test_office_form_with_whatsapp_and_hours_leaves_a_dinas_file_the_portal_starts_with(tmp_path):
    import shutil
    from pathlib import Path

    from portal.domain import catalog, site_forms

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content" / "data", content / "data")
    dinas = content / "data" / "dinas.yml"
    dinas.write_text(site_forms.set_office(dinas.read_text(encoding="utf-8"), {
        "nama": "Dinas Kependudukan dan Pencatatan Sipil", "pemerintah": "Pemerintah Kabupaten Trenggalek",
        "alamat": "Jl. Uji 1, Trenggalek", "whatsapp": "081234567890", "jam_layanan": "Senin-Jumat 08.00-15.00",
        "kepala_dinas_nama": "Dr. Uji", "kepala_dinas_nip": "197201161993031006",
        "kepala_dinas_pangkat": "Pembina (IV/a)"}), encoding="utf-8")
    office = catalog.load(content).office
    assert (office.whatsapp, office.jam_layanan) == ("081234567890", "Senin-Jumat 08.00-15.00")


def test_the_home_page_as_shipped_passes_the_editors_link_check():
    """Its links go to the service pages the Standar Pelayanan generator writes (layanan/kk.md):
    the editor knows them from the generators, not from a list of its own."""
    from pathlib import Path

    content = Path(__file__).resolve().parents[1] / "content"
    existing = {p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()}
    text = (content / "index.md").read_text(encoding="utf-8")
    assert "(layanan/kk.md)" in text
    sc.check_text("index.md", text, existing)
    assert "Standar Pelayanan" in sc.page_path_problem("layanan/kk.md")
    assert sc.page_path_problem("layanan/index.md") is None
    assert "dibuat otomatis" in sc.page_path_problem("sosialisasi/jadwal.md")


def test_a_wide_photo_for_the_site_is_narrowed_upright_and_without_its_metadata():
    import io

    from PIL import Image

    from portal.domain import site_forms

    photo = Image.new("RGB", (1000, 2400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: shown turned a quarter, 2400 wide and 1000 high
    exif[0x010F] = "Kamera Uji"
    raw = io.BytesIO()
    photo.save(raw, "JPEG", exif=exif, comment=b"rahasia")
    data, extension = site_forms.web_image(raw.getvalue(), "foto.jpg")
    with Image.open(io.BytesIO(data)) as kept:
        assert (extension, kept.format, kept.size) == ("jpg", "JPEG", (site_forms.IMAGE_MAX_WIDTH, 533))
        assert not kept.getexif() and "comment" not in kept.info


def test_publishing_a_page_keeps_what_the_portal_exported_for_the_site(env):
    # The portal writes its exports (the public complaints, the annual report's figures, the SKM
    # results, population periods) into content/data/ of the working tree, never into a commit;
    # a page published by the web team must not take them off the live site.
    db, ids, repo = env["db"], env["ids"], env["repo"]
    exported = repo.path / "content" / "data" / "pengaduan" / "daftar.json"
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_text(json.dumps({"pengaduan": [{
        "nomor": "2026-0001", "kategori": "KTP-el", "kecamatan": "Pogalan", "diterima": "2026-11-02",
        "ditanggapi": "2026-11-09", "isi": "KTP-el saya belum jadi. Kata unik: kelinciair.",
        "tanggapan": "KTP-el Anda sudah dicetak."}]}), encoding="utf-8")
    change = sc.create(db, kind="halaman", path="content/tentang/kontak.md", title="Kontak",
                       text=repo.read("content/tentang/kontak.md") + "\nTambahan uji.\n",
                       base_blob=repo.blob_id("content/tentang/kontak.md"), actor_id=ids["web1"], now=now())
    sc.take_step(db, change, "ajukan", actor_id=ids["web1"], roles=WEB, now=now())
    sc.take_step(db, change, "tinjau", actor_id=ids["web2"], roles=WEB, now=now())
    sc.take_step(db, change, "terbitkan", actor_id=ids["web2"], roles=WEB, now=now(), current_blob=repo.blob_id)
    summary = _run_job(env)
    assert "terbit" in summary, summary
    page = env["tmp"] / "site" / "pengaduan-publik" / "2026-0001" / "index.html"
    assert page.is_file()
    assert "kelinciair" in page.read_text(encoding="utf-8")
    assert "daftar.json" not in repo.git("show", "--stat", "--format=", "HEAD")  # still not committed


def _public_list(repo, *items):
    exported = repo.path / "content" / "data" / "pengaduan" / "daftar.json"
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_text(json.dumps({"pengaduan": [{
        "nomor": nomor, "kategori": "KTP-el", "kecamatan": "Pogalan", "diterima": "2026-11-02",
        "ditanggapi": "2026-11-09", "isi": f"Isi pengaduan. Kata unik: {word}.", "tanggapan": "Sudah dicetak."}
        for nomor, word in items]}), encoding="utf-8")


def _refresh(env):
    return deploy_job.refresh(env["db"], repo_path=env["repo"].path, site_dir=env["tmp"] / "site",
                              releases=env["tmp"] / "site-releases", cache_dir=env["tmp"] / "cache", now=now)


def test_the_live_site_follows_what_the_portal_exports_without_a_change_of_the_web_team(env):
    # An operator approves a public complaint and later withdraws it: the publishing job rebuilds
    # the live site each time the portal's exports change, and only then.
    site = env["tmp"] / "site"
    release = deploy_job.releases_dir(site) / "awal"
    assert deploy_job.site.build("mkdocs", release, root=env["repo"].path, cache_dir=env["tmp"] / "cache").ok
    deploy_job.switch(site, release, release.parent)
    assert _refresh(env) is None  # the live site was built from these exports: nothing to do
    _public_list(env["repo"], ("2026-0001", "kelinciair"), ("2026-0002", "rusabawean"))
    assert "diperbarui" in _refresh(env)
    assert "rusabawean" in (site / "pengaduan-publik" / "2026-0002" / "index.html").read_text(encoding="utf-8")
    assert _refresh(env) is None
    _public_list(env["repo"], ("2026-0001", "kelinciair"))  # 2026-0002 withdrawn
    assert "diperbarui" in _refresh(env)
    assert not (site / "pengaduan-publik" / "2026-0002").exists()
    assert (site / "pengaduan-publik" / "2026-0001" / "index.html").is_file()
    assert env["repo"].git("status", "--porcelain", "--", "content/data/pengaduan") != ""  # never committed


def test_a_failed_rebuild_for_new_data_keeps_the_old_site_says_why_and_is_not_repeated(env):
    site = env["tmp"] / "site"
    _public_list(env["repo"], ("2026-0001", "kelinciair"))
    release = deploy_job.releases_dir(site) / "awal"
    assert deploy_job.site.build("mkdocs", release, root=env["repo"].path, cache_dir=env["tmp"] / "cache").ok
    deploy_job.switch(site, release, release.parent)
    assert _refresh(env) is None
    live = site.resolve()
    (env["repo"].path / "content" / "data" / "pengaduan" / "daftar.json").write_text('{"pengaduan": [', "utf-8")
    assert "gagal" in _refresh(env)
    assert site.resolve() == live and (site / "pengaduan-publik" / "2026-0001" / "index.html").is_file()
    assert _refresh(env) is None  # the same broken export is not built again every few seconds
    [failure] = site_refresh.recent(env["db"])
    assert failure["label"] == "gagal"
    assert "daftar.json" in failure["error"] and "situs lama tetap tampil" in failure["error"]


def test_the_publishing_command_brings_a_newly_approved_public_complaint_to_the_live_site(env, smtp):
    # What the production unit runs (`flask --app portal situs terbitkan`, each pass of --loop).
    import conftest
    from portal import create_app
    site, repo = env["tmp"] / "situs" / "site", env["repo"]
    config = conftest.portal_config(env["tmp"] / "data", smtp.port)
    config |= {"CONTENT_REPO": str(repo.path), "CONTENT_DIR": str(repo.path / "content"), "SITE_DIR": str(site)}
    runner = create_app(config).test_cli_runner()
    release = deploy_job.releases_dir(site) / "awal"
    assert deploy_job.site.build("mkdocs", release, root=repo.path, cache_dir=env["tmp"] / "cache").ok
    deploy_job.switch(site, release, release.parent)
    first = runner.invoke(args=["situs", "terbitkan"])
    assert first.exit_code == 0 and "diperbarui" not in first.output, first.output
    _public_list(repo, ("2026-0001", "kelinciair"))
    second = runner.invoke(args=["situs", "terbitkan"])
    assert second.exit_code == 0 and "data situs diperbarui" in second.output, second.output
    assert "kelinciair" in (site / "pengaduan-publik" / "2026-0001" / "index.html").read_text(encoding="utf-8")
