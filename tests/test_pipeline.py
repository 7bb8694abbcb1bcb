"""The one publishing pipeline with both site engines: a copy of the site with a draft page, an
unapproved material with a PDF beside it and an approved material is built by
`python -m portal.publish site` with MkDocs + Material and with Zensical. Both builds must have
the same pages, neither may have the draft or the unapproved material (page, menu entry, search
entry, PDF), both must have the approved one, and no page may make the browser ask another host.
A build from the repository leaves content/ exactly as it was."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.publish import check
from site_helpers import ROOT, build, copy_sources, serve_folder

ENGINES = ("mkdocs", "zensical")
DRAFT = ("layanan/draf-uji.md", "---\nstatus: draft\n---\n# Layanan Zebrakuda\n\nKata unik: zebrakuda.\n")
UNAPPROVED = ("sosialisasi/materi/materi-belum.md",
              "---\ntitle: Materi Kudanil\naudiens: Warga\ntopik: Uji\nstatus: terbit\n---\n\n"
              "[Unduh versi cetak (PDF, A4)](materi-belum.pdf)\n\nKata unik: kudanil.\n")
APPROVED = ("sosialisasi/materi/materi-setuju.md",
            "---\ntitle: Materi Jerapah\naudiens: Warga\ntopik: Uji\nstatus: terbit\n"
            "disetujui_oleh: Kepala Dinas\ntanggal_disetujui: 2026-11-01\n---\n\n"
            "[Unduh versi cetak (PDF, A4)](materi-setuju.pdf)\n\nKata unik: jerapah.\n")
# A PDF that someone put beside the unapproved material by hand: it goes out with its page.
STRAY_PDF = ("sosialisasi/materi/materi-belum.pdf", b"%PDF-1.4\n% kudanil\n%%EOF\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = copy_sources(tmp_path_factory.mktemp("pipeline") / "project")
    for relative, text in (DRAFT, UNAPPROVED, APPROVED):
        (project / "content" / relative).write_text(text, encoding="utf-8")
    (project / "content" / STRAY_PDF[0]).write_bytes(STRAY_PDF[1])
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      - KTP-el: layanan/ktp-el.md\n", "      - KTP-el: layanan/ktp-el.md\n      - Draf Uji: layanan/draf-uji.md\n"))
    return project


@pytest.fixture(scope="module")
def sites(project):
    built = {}
    for engine in ENGINES:
        out = project.parent / f"site-{engine}"
        result = build(project, out, engine=engine)
        assert result.returncode == 0, result.stderr
        built[engine] = out
    return built


def search_text(site: Path) -> str:
    for name in check.SEARCH_INDEXES:
        if (site / name).is_file():
            return json.dumps(json.loads((site / name).read_text(encoding="utf-8")), ensure_ascii=False)
    raise AssertionError(f"no search index in {site}")


def every_html(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_both_engines_build_the_same_pages(sites):
    mkdocs, zensical = (check.built_pages(sites[e]) for e in ENGINES)
    assert len(mkdocs) > 50
    assert mkdocs == zensical


@pytest.mark.parametrize("engine", ENGINES)
def test_draft_page_is_absent_with_its_menu_and_search_entries(sites, engine):
    site = sites[engine]
    assert not (site / "layanan" / "draf-uji").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "draf-uji" not in home and "Draf Uji" not in home  # the menu entry is gone
    assert "zebrakuda" not in search_text(site).lower()
    assert "zebrakuda" not in every_html(site).lower()


@pytest.mark.parametrize("engine", ENGINES)
def test_unapproved_material_is_absent_with_its_pdf(sites, engine):
    site = sites[engine]
    assert not (site / "sosialisasi" / "materi" / "materi-belum").exists()
    assert not (site / "sosialisasi" / "materi" / "materi-belum.pdf").exists()
    assert "kudanil" not in search_text(site).lower()
    assert "kudanil" not in every_html(site).lower()  # nor listed on the materials' index page


@pytest.mark.parametrize("engine", ENGINES)
def test_approved_material_is_present_with_its_pdf(sites, engine):
    site = sites[engine]
    page = (site / "sosialisasi" / "materi" / "materi-setuju" / "index.html").read_text(encoding="utf-8")
    assert "jerapah" in page
    assert (site / "sosialisasi" / "materi" / "materi-setuju.pdf").read_bytes().startswith(b"%PDF")
    assert "materi-setuju/" in (site / "sosialisasi" / "materi" / "index.html").read_text(encoding="utf-8")
    assert "jerapah" in search_text(site)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_page_names_another_host(sites, engine):
    """The checker's rules (tags that fetch, styles, the themes' CDN loaders) over every page."""
    report = check.check(sites[engine])
    outside = [e for e in report.errors if "situs lain" in e or "CDN" in e or "skrip menyebut" in e]
    assert outside == []
    assert report.pages  # it looked at a built site


# ------------------------------------------------------------------ Chromium

@pytest.fixture(scope="module")
def served(sites):
    with contextlib.ExitStack() as stack:
        yield {engine: stack.enter_context(serve_folder(site)) for engine, site in sites.items()}


@pytest.mark.parametrize("engine", ENGINES)
def test_browser_requests_stay_on_the_site(page, served, engine):
    origin = served[engine]
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    for path in ("/", "/layanan/kk/", "/profil-kependudukan/2024/"):
        response = page.goto(origin + path, wait_until="networkidle")
        assert response.status == 200, path
        page.mouse.wheel(0, 20_000)  # lazy images below the fold
        page.wait_for_load_state("networkidle")
    outside = [u for u in seen if not u.startswith(origin + "/") and not u.startswith("data:")]
    assert outside == []
    assert len(seen) > 6  # pages, stylesheets, scripts were really loaded


# ------------------------------------------------------------------ content/ stays as it is

def content_state() -> tuple[dict, str]:
    files = {str(p.relative_to(ROOT)): (p.stat().st_size, p.stat().st_mtime_ns)
             for p in (ROOT / "content").rglob("*") if p.is_file() or p.is_symlink()}
    status = subprocess.run(["git", "status", "--porcelain", "--ignored", "--", "content"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return files, status


# Pages the generators make: a build that wrote into content/ would leave them there.
GENERATED = ("sop/index.md", "sosialisasi/materi/index.md", "profil-kependudukan/index.md",
             "layanan/kk.md", "layanan/kk.pdf", "standar-pelayanan/index.md", ".generated")


def test_a_build_leaves_content_untouched(tmp_path):
    before = content_state()
    result = build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "sop" / "index.html").exists()  # generated pages were made, elsewhere
    assert (tmp_path / "site" / "layanan" / "kk" / "index.html").exists()
    assert content_state() == before
    assert [g for g in GENERATED if (ROOT / "content" / g).exists()] == []


# ------------------------------------------------------------------ the checker

def write(site: Path, relative: str, text: str) -> None:
    (site / relative).parent.mkdir(parents=True, exist_ok=True)
    (site / relative).write_text(text, encoding="utf-8")


def test_the_checker_fails_a_site_that_breaks_each_rule(tmp_path):
    site = tmp_path / "site"
    write(site, "index.html", '<link rel="stylesheet" href="https://cdn.contoh.id/x.css">'
                              '<a href="layanan/">ok</a> <a href="hilang/">rusak</a>')
    write(site, "layanan/index.html", '<img src="../berat.svg"><pre class="mermaid">graph</pre>')
    write(site, "berat.svg", "".join(f"<!-- {i} {i * 7919 % 104729} -->" for i in range(40_000)))
    write(site, "draf/index.html", "<p>draf</p>")
    write(site, "assets/javascripts/bundle.js", 'load("https://unpkg.com/x")')
    report = check.check(site, public_pages=["index.md", "layanan/index.md", "tentang.md"],
                         hidden={"draf/index.md": []}, budget=50_000)
    text = "\n".join(report.errors)
    assert "/tentang/: halaman dari content/tentang.md tidak ada" in text
    assert "/draf/: halaman yang tidak publik (content/draf/index.md) ada di situs" in text
    assert "/index.html: memuat berkas dari situs lain: https://cdn.contoh.id/x.css" in text
    assert "/layanan/index.html: memakai diagram mermaid" in text
    assert "/assets/javascripts/bundle.js: skrip menyebut https://unpkg.com/" in text
    assert "/index.html: tautan rusak ke hilang/" in text
    assert "/layanan/: berat halaman" in text and "\n/: berat halaman" not in "\n" + text
    assert report.weights["/layanan/"] > 50_000 > report.weights["/"]


def test_a_failed_build_leaves_the_published_folder_as_it_was(project, tmp_path):
    out = tmp_path / "site"
    write(out, "index.html", "situs lama")
    broken = copy_sources(tmp_path / "rusak")
    (broken / "content" / "layanan" / "index.md").write_text("---\nstatus: terbitt\n---\n# Layanan\n")
    result = build(broken, out)
    assert result.returncode == 1
    assert "content/layanan/index.md, baris 2: status 'terbitt' tidak dikenal" in result.stderr
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text() == "situs lama"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no build folder left


def test_a_hand_written_page_where_a_generator_writes_stops_the_build(tmp_path):
    """A service page is made from content/data/standar-pelayanan/<slug>.yml; a hand-written copy
    beside it would be a second source of the same page, silently replaced. The build refuses it,
    naming the file, and the published folder stays as it was."""
    out = tmp_path / "site"
    write(out, "index.html", "situs lama")
    project = copy_sources(tmp_path / "ganda")
    (project / "content" / "layanan" / "kk.md").write_text("---\nstatus: terbit\n---\n# KK tulisan tangan\n")
    (project / "content" / "standar-pelayanan").mkdir()
    (project / "content" / "standar-pelayanan" / "index.md").write_text("# Daftar tulisan tangan\n")
    result = build(project, out)
    assert result.returncode == 1
    assert "content/layanan/kk.md: halaman ini dibuat otomatis" in result.stderr
    assert "content/standar-pelayanan/index.md" in result.stderr
    assert "content/data/standar-pelayanan/kk.yml" in result.stderr  # where to write instead
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text() == "situs lama"


GENERATE_TWICE = """
import hashlib, sys
from portal.publish import generate
files = generate(sys.argv[1])
print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest(), "weasyprint" in sys.modules)
"""


def test_generators_with_every_pdf_cached_do_not_load_the_pdf_renderer(tmp_path):
    # Loading WeasyPrint (Pango) costs about half a second per build; when no print PDF's inputs
    # changed, a build (the editor's preview and publish jobs among them) must not pay it.
    project = copy_sources(tmp_path / "project")

    def run():
        result = subprocess.run([sys.executable, "-c", GENERATE_TWICE, str(project / "content")],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        digest, loaded = result.stdout.split()
        return digest, loaded == "True"

    first, loaded_first = run()
    second, loaded_second = run()
    assert loaded_first  # the first build renders the PDFs
    assert second == first
    assert not loaded_second
