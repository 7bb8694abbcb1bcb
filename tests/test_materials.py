"""Outreach materials (SOP media cetak): approval, print PDF, QR link, errors, determinism."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from portal.publish import DataError, materials

ROOT = Path(__file__).resolve().parent.parent

APPROVED = """\
---
title: Syarat membuat KTP-el bagi pemula
audiens: Pelajar kelas XII
topik: KTP-el
status: terbit
disetujui_oleh: "Kepala Dinas (contoh)"
tanggal_disetujui: 2026-11-25
---

[Unduh versi cetak (PDF, A4)](ktp-el.pdf)

Setiap WNI yang **berumur 17 tahun** wajib memiliki KTP-el.

## Yang dibawa

1. Kartu Keluarga
"""

UNAPPROVED = """\
---
title: Pindah datang dan surat pindah
audiens: Warga
topik: Pindah datang
status: perlu-tinjauan
---

Isi materi yang belum disetujui.
"""


def write(content: Path, slug: str, text: str) -> Path:
    path = content / "sosialisasi" / "materi" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One public and one preview run over an approved and an unapproved material."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SITE_URL", "https://contoh.test/")
    content = tmp_path_factory.mktemp("site") / "content"
    write(content, "ktp-el", APPROVED)
    write(content, "pindah", UNAPPROVED)
    public = materials.generate(content, preview=False)
    preview = materials.generate(content, preview=True)
    yield content, public, preview
    mp.undo()


def test_approved_material_gets_a_valid_a4_pdf(built):
    _, public, _ = built
    data = public["sosialisasi/materi/ktp-el.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = pdf_text(data)
    assert "Syarat membuat KTP-el bagi pemula" in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN TRENGGALEK" in text.upper()
    assert "Pelajar kelas XII" in text
    assert "Disetujui oleh Kepala Dinas (contoh) pada 25 November 2026" in text
    assert "berumur 17 tahun" in text
    assert "Unduh versi cetak" not in text  # the page's own download link stays off paper


def test_qr_code_points_to_the_material_page(built):
    content, _, _ = built
    material = materials.read_material(content / "sosialisasi/materi/ktp-el.md")
    url = materials.material_url("https://contoh.test", "ktp-el")
    assert url == "https://contoh.test/sosialisasi/materi/ktp-el/"
    page = materials.render_html(material, url)
    assert 'src="data:image/svg+xml' in page
    assert "https://contoh.test/sosialisasi/materi/ktp-el/" in pdf_text(
        built[1]["sosialisasi/materi/ktp-el.pdf"])


def test_unapproved_material_has_no_pdf_in_public_mode(built):
    _, public, preview = built
    assert "sosialisasi/materi/pindah.pdf" not in public
    assert "pindah.md" not in public["sosialisasi/materi/index.md"]
    assert "ktp-el.md" in public["sosialisasi/materi/index.md"]
    draft = pdf_text(preview["sosialisasi/materi/pindah.pdf"])
    assert "DRAF" in draft and "Disetujui oleh" not in draft
    assert "pindah.md" in preview["sosialisasi/materi/index.md"]


@pytest.mark.parametrize("field,value", [("disetujui_oleh", '"Kepala Dinas"'),
                                         ("tanggal_disetujui", "2026-11-25")])
def test_one_approval_field_alone_is_still_a_draft(tmp_path, field, value):
    write(tmp_path, "setengah", UNAPPROVED.replace("status: perlu-tinjauan",
                                                   f"status: terbit\n{field}: {value}"))
    assert set(materials.generate(tmp_path, preview=False)) == {"sosialisasi/materi/index.md"}


def test_status_draft_is_never_public_even_when_approved(tmp_path):
    write(tmp_path, "x", APPROVED.replace("status: terbit", "status: draft"))
    assert "sosialisasi/materi/x.pdf" not in materials.generate(tmp_path, preview=False)


@pytest.mark.parametrize("broken,line,words", [
    (lambda t: t.replace("title: Syarat membuat KTP-el bagi pemula\n", ""), "baris 1", "'title'"),
    (lambda t: t.replace("2026-11-25", "2026-02-30"), "baris 7", "tanggal_disetujui"),
    (lambda t: t.replace("2026-11-25", "25-11-2026"), "baris 7", "TTTT-BB-HH"),
    (lambda t: t.replace("status: terbit", "status: selesai"), "baris 5", "status"),
    (lambda t: t.replace("audiens: Pelajar kelas XII", "audiens: [Pelajar"), "baris 4", "YAML"),
    (lambda t: t.replace("---\n\n[Unduh", "\n[Unduh"), "baris 1", "tidak ditutup"),
])
def test_bad_front_matter_names_file_and_line(tmp_path, broken, line, words):
    path = write(tmp_path, "rusak", broken(APPROVED))
    with pytest.raises(DataError) as caught:
        materials.generate(tmp_path, preview=False)
    error = caught.value
    assert error.path == str(path) and error.position == line
    assert words in error.message
    assert "rusak.md" in str(error) and line in str(error)


def test_output_is_byte_identical_and_cached(built, monkeypatch):
    content, public, _ = built
    # Rendered afresh, without the cache: WeasyPrint output itself is deterministic.
    shutil.rmtree(content / materials.CACHE_DIR)
    assert materials.generate(content, preview=False) == public

    # Unchanged input: served from the cache, nothing is rendered at all.
    def no_render(*args):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(materials, "render_pdf", no_render)
    assert materials.generate(content, preview=False) == public
    # A changed material is rendered again.
    source = content / "sosialisasi/materi/ktp-el.md"
    source.write_text(APPROVED.replace("Kartu Keluarga", "Kartu Keluarga asli"), encoding="utf-8")
    with pytest.raises(AssertionError, match="rendered"):
        materials.generate(content, preview=False)
    source.write_text(APPROVED, encoding="utf-8")


def test_site_url_from_mkdocs_yml_with_python_tags(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://dari-env.test")
    content = tmp_path / "content"
    content.mkdir()
    assert materials.site_url(content) == "https://dari-env.test"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://situs.test/\nmarkdown_extensions:\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    assert materials.site_url(content) == "https://situs.test"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.delenv("SITE_URL")
    assert materials.site_url(content) == "http://127.0.0.1:8000"


def test_the_sites_own_materials(tmp_path):
    """The starter materials parse; the two approved ones are public, the third is not."""
    shutil.copytree(ROOT / "content/sosialisasi/materi", tmp_path / "sosialisasi/materi",
                    ignore=shutil.ignore_patterns("*.pdf", "index.md"))
    found = {m.slug: m for m in materials.read_materials(tmp_path)}
    assert {s for s, m in found.items() if m.approved} == {"ktp-el-pemula", "akta-kelahiran"}
    assert not found["pindah-datang"].approved
    for slug, m in found.items():
        assert f"[Unduh versi cetak (PDF, A4)]({slug}.pdf)" in m.body
