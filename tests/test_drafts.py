"""Drafts never go public: a copy of the project with a draft page, unapproved and approved
materials, a page that needs approval and a draft news item is built twice, as the public site
(`python -m portal.publish site`) and as the web team's preview (`scripts/preview --build`). Bad front matter
stops the build with the file and line named."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from portal.publish import DataError, drafts
from site_helpers import build as build_site, copy_sources

PAGES = {
    # A draft page with its own nav entry, and a section whose only page is a draft.
    "layanan/draf-uji.md": "---\nstatus: draft\n---\n# Layanan Zebrakuda\n\nKata unik: zebrakuda.\n",
    "rahasia/index.md": "---\nstatus: draft\n---\n# Bagian Rahasia\n\nKata unik: rahasiagajah.\n",
    "sosialisasi/materi/materi-uji.md": (
        "---\ntitle: Materi Kudanil\naudiens: Warga\ntopik: Uji\nstatus: terbit\n---\n\n"
        "Kata unik: kudanil.\n"),
    "sosialisasi/materi/materi-setuju.md": (
        "---\ntitle: Materi Jerapah\naudiens: Warga\ntopik: Uji\nstatus: terbit\n"
        "disetujui_oleh: Kepala Dinas\ntanggal_disetujui: 2026-11-01\n---\n\nKata unik: jerapah.\n"),
    "profil-uji.md": "---\nperlu_persetujuan: true\n---\n# Profil Trenggiling\n\nKata unik: trenggiling.\n",
    "berita/posts/draf-berita.md": (
        "---\nstatus: draft\ndate: 2026-11-24\n---\n# Berita Cendrawasih\n\nKata unik: cendrawasih.\n"),
}
NAV_EXTRA = ("      - Draf Uji: layanan/draf-uji.md\n", "  - Rahasia:\n      - rahasia/index.md\n",
             "  - Profil Uji: profil-uji.md\n")


def copy_project(target: Path) -> Path:
    return copy_sources(target)


def build(project: Path, site: Path, preview=False) -> subprocess.CompletedProcess:
    return build_site(project, site, preview=preview)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("drafts") / "project")
    for relative, text in PAGES.items():
        (project / "content" / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / "content" / relative).write_text(text)
    config = (project / "mkdocs.yml").read_text()
    config = config.replace("      - KTP-el: layanan/ktp-el.md\n", "      - KTP-el: layanan/ktp-el.md\n" + NAV_EXTRA[0])
    config = config.replace("  - Laporan: laporan/index.md\n",
                            "  - Laporan: laporan/index.md\n" + NAV_EXTRA[1] + NAV_EXTRA[2])
    (project / "mkdocs.yml").write_text(config)
    public, preview = project.parent / "public", project.parent / "preview"
    for site, is_preview in ((public, False), (preview, True)):
        result = build(project, site, is_preview)
        assert result.returncode == 0, result.stderr
    return public, preview


def search_text(site: Path) -> str:
    return json.dumps(json.loads((site / "search" / "search_index.json").read_text()), ensure_ascii=False)


def nav_links(site: Path) -> str:
    return (site / "index.html").read_text()


HIDDEN = [("layanan/draf-uji", "zebrakuda", "Draf Uji"), ("rahasia", "rahasiagajah", "Rahasia"),
          ("sosialisasi/materi/materi-uji", "kudanil", None), ("profil-uji", "trenggiling", "Profil Uji"),
          ("berita/draf-berita", "cendrawasih", None)]


@pytest.mark.parametrize("path,word,nav_title", HIDDEN, ids=[h[0] for h in HIDDEN])
def test_unpublished_page_is_absent_from_the_public_site(sites, path, word, nav_title):
    public, _ = sites
    assert not (public / path / "index.html").exists()
    assert word not in search_text(public)
    if nav_title:
        assert f"{path}/" not in nav_links(public) and nav_title not in nav_links(public)
    every_html = "".join(p.read_text() for p in public.rglob("*.html"))
    assert word not in every_html.lower()


@pytest.mark.parametrize("path,word,nav_title", HIDDEN, ids=[h[0] for h in HIDDEN])
def test_unpublished_page_shows_a_draft_banner_in_the_preview(sites, path, word, nav_title):
    _, preview = sites
    html = (preview / path / "index.html").read_text()
    assert "DRAF: tidak tampil di situs publik" in html
    assert 'class="admonition danger"' in html
    assert word in search_text(preview)
    if nav_title:
        assert f"{path}/" in nav_links(preview)


def test_published_pages_have_no_banner(sites):
    public, preview = sites
    for site in (public, preview):
        html = (site / "sosialisasi" / "materi" / "materi-setuju" / "index.html").read_text()
        assert "jerapah" in html and "DRAF" not in html
        assert "DRAF" not in (site / "layanan" / "kk" / "index.html").read_text()


def test_draft_news_is_absent_from_the_blog_listing_and_feed(sites):
    public, preview = sites
    assert "Cendrawasih" not in (public / "berita" / "index.html").read_text()
    assert "Cendrawasih" not in (public / "berita" / "feed.xml").read_text()
    assert "Cendrawasih" in (preview / "berita" / "index.html").read_text()
    assert "Situs baru" in (public / "berita" / "feed.xml").read_text()


def test_unapproved_material_has_no_pdf_in_the_public_site(sites):
    public, _ = sites
    assert not (public / "sosialisasi" / "materi" / "materi-uji.pdf").exists()


# ------------------------------------------------------------------ bad front matter

BAD = [
    ("status: terbitt\n", 3, "status 'terbitt' tidak dikenal"),
    ("disetujui_oleh: Kepala Dinas\ntanggal_disetujui: 20-11-2026\n", 4, "bukan tanggal"),
    ("tanggal_disetujui: 2026-02-30\n", 3, "TTTT-BB-HH"),
    ("disetujui_oleh: ''\n", 3, "disetujui_oleh"),
    ("judul: [tidak ditutup\n", 4, "YAML"),
]


@pytest.mark.parametrize("front,line,message", BAD)
def test_bad_front_matter_is_reported_with_file_and_line(tmp_path, front, line, message):
    page = tmp_path / "content" / "layanan" / "salah.md"
    page.parent.mkdir(parents=True)
    page.write_text(f"---\ntitle: Salah\n{front}---\n# Salah\n")
    with pytest.raises(DataError) as caught:
        drafts.read_front_matter(page, "content/layanan/salah.md")
    assert str(caught.value).startswith(f"content/layanan/salah.md, baris {line}: ")
    assert message in str(caught.value)


def test_bad_front_matter_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "content" / "tentang" / "aksesibilitas.md").write_text(
        "---\nstatus: perlu-tinjauan\ntanggal_disetujui: kemarin\n---\n# Aksesibilitas\n")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "content/tentang/aksesibilitas.md, baris 3: 'tanggal_disetujui' bernilai 'kemarin', bukan tanggal" \
        in result.stderr


def test_approval_rules():
    approved = {"disetujui_oleh": "Kepala Dinas", "tanggal_disetujui": __import__("datetime").date(2026, 1, 5)}
    assert drafts.is_public("layanan/kk.md", {})
    assert not drafts.is_public("layanan/kk.md", {"status": "draft"})
    assert not drafts.is_public("sosialisasi/materi/a.md", {})
    assert not drafts.is_public("sosialisasi/materi/a.md", {"disetujui_oleh": "Kepala Dinas"})
    assert drafts.is_public("sosialisasi/materi/a.md", approved)
    assert not drafts.is_public("sosialisasi/materi/a.md", {**approved, "status": "draft"})
    assert drafts.is_public("sosialisasi/materi/index.md", {})
    assert not drafts.is_public("profil/2026.md", {"perlu_persetujuan": True})


def test_nav_pruning_drops_empty_sections():
    nav = [{"Beranda": "index.md"}, {"A": ["a/index.md", {"B": "a/b.md"}]}, {"C": [{"D": "c/d.md"}]},
           {"Portal": "/pengaduan/"}]
    assert drafts.prune_nav(nav, lambda p: p in {"a/b.md", "c/d.md"}) == [
        {"Beranda": "index.md"}, {"A": ["a/index.md"]}, {"Portal": "/pengaduan/"}]
