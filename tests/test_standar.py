"""Standar Pelayanan as data: the fourteen components of PermenPANRB 15/2014 per service, checked
with file and line, rendered as the service's one page at layanan/<slug>.md (six public components,
eight one click away) and as a one-page A4 notice with a QR code to the page."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
from pathlib import Path

import markdown
import pypdf
import pytest
import yaml

from portal.domain import standar as domain
from portal.domain.errors import DataError
from portal.publish import standar

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"ktp-el", "kk", "kia", "akta-kelahiran", "akta-kematian", "akta-perkawinan", "akta-perceraian",
            "pindah-datang"}
PUBLIC_HEADINGS = [judul for _, _, judul in domain.PENYAMPAIAN]


def content_copy(tmp: Path) -> Path:
    """A content folder with what the generator reads: the standards and the complaint channels (with
    the rest of what portal.domain.catalog reads)."""
    data = tmp / "content" / "data"
    (data / "sop").mkdir(parents=True)
    shutil.copytree(ROOT / "content/data/standar-pelayanan", data / "standar-pelayanan")
    for name in ("pengaduan.yml", "dinas.yml", "sop/penanganan-pengaduan.yml", "sop/pelaporan-data-kependudukan.yml"):
        shutil.copy(ROOT / "content/data" / name, data / name)
    return tmp / "content"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    content = content_copy(tmp_path_factory.mktemp("standar"))
    outputs = standar.generate(content, preview=False)
    outputs["_url"] = standar.site_url(content)
    return outputs


def test_every_service_has_all_fourteen_components():
    items = domain.load_all(ROOT / "content")
    assert {i.slug for i in items} == SERVICES
    for item in items:
        assert [k.kode for k in item.penyampaian] == [k for k, _, _ in domain.PENYAMPAIAN]
        assert [k.kode for k in item.pengelolaan] == [k for k, _ in domain.PENGELOLAAN]
        assert item.status == "perlu-tinjauan"  # starter content the office must confirm


@pytest.mark.parametrize("slug", sorted(SERVICES))
def test_service_page_shows_the_six_public_components(generated, slug):
    page = generated[f"layanan/{slug}.md"]
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["md_in_html", "admonition", "attr_list"])
    public, _, hidden = html.partition("<details")
    headings = re.findall(r"<h2>(.*?)</h2>", public)
    for heading in PUBLIC_HEADINGS:
        assert heading in headings, heading
    # The complaint route: the portal's form and every channel, SP4N-LAPOR! included.
    assert 'href="/pengaduan/"' in public
    for channel in ("Formulir web", "Telepon", "WhatsApp", "Surat", "Datang langsung", "E-mail", "SP4N-LAPOR!"):
        assert channel in public, channel
    assert 'href="https://www.lapor.go.id"' in public
    # The eight management components are one click away, inside <details>.
    assert "<summary>" in hidden
    for _, nama in domain.PENGELOLAAN:
        assert f"<h3>{nama}</h3>" in hidden, nama
        assert f"<h3>{nama}</h3>" not in public
    front = yaml.safe_load(page.split("---\n", 2)[1])
    item = domain.load_one(ROOT / f"content/data/standar-pelayanan/{slug}.yml")
    assert front["status"] == item.status  # a draft service stays out of the public site
    assert front["search"] == {"boost": 2}  # service pages come first in the site's search
    assert re.findall(r"<h1>(.*?)</h1>", html) == [item.nama]  # the service's name, as citizens know it


@pytest.mark.parametrize("slug", sorted(SERVICES))
def test_service_page_keeps_the_note_before_coming_with_the_contact_link(generated, slug):
    """The hand-written pages' "Pastikan sebelum datang" note now comes from the data."""
    page = generated[f"layanan/{slug}.md"]
    item = domain.load_one(ROOT / f"content/data/standar-pelayanan/{slug}.yml")
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["md_in_html", "admonition", "attr_list"])
    note = re.search(r'<div class="admonition note">\s*<p class="admonition-title">Pastikan sebelum datang</p>'
                     r"(.*?)</div>", html, re.DOTALL)
    assert note, html
    assert 'href="../tentang/kontak.md"' in note.group(1)
    if item.catatan:
        assert " ".join(item.catatan.split()).replace("&", "&amp;") in " ".join(note.group(1).split())


def test_every_relative_link_of_the_generated_pages_reaches_a_file(generated):
    """Index -> pages and PDFs, pages -> index, PDF and contact page: resolved as the site does."""
    site_files = {str(p.relative_to(ROOT / "content")) for p in (ROOT / "content").rglob("*") if p.is_file()}
    site_files |= set(generated)
    checked = 0
    for path, text in generated.items():
        if not path.endswith(".md"):
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^([a-z]+:|/)", target):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.split("#")[0]))
            assert resolved in site_files, (path, target)
            checked += 1
    assert checked > 2 * len(SERVICES)


def test_no_second_page_per_service(generated):
    """One page per service, where citizens find it; the standards' folder holds the index alone."""
    assert {p for p in generated if p.startswith("standar-pelayanan/")} == {"standar-pelayanan/index.md"}
    assert {p for p in generated if p.startswith("layanan/")} == \
        {f"layanan/{s}.{ext}" for s in SERVICES for ext in ("md", "pdf")}


def test_index_lists_every_service_with_its_print_version(generated):
    index = generated["standar-pelayanan/index.md"]
    for slug in SERVICES:
        assert f"(../layanan/{slug}.md)" in index and f"(../layanan/{slug}.pdf)" in index


@pytest.mark.parametrize("slug", sorted(SERVICES))
def test_notice_is_one_a4_page_with_title_and_qr_address(generated, slug):
    reader = pypdf.PdfReader(io.BytesIO(generated[f"layanan/{slug}.pdf"]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    text = " ".join(reader.pages[0].extract_text().split())
    nama = domain.load_one(ROOT / f"content/data/standar-pelayanan/{slug}.yml").nama
    assert f"Standar Pelayanan {nama}" in text
    url = standar.page_url(generated["_url"], slug)
    assert url.endswith(f"/layanan/{slug}/")  # the address citizens already know
    assert url in "".join(text.split())
    assert "SP4N-LAPOR!" in text


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def test_missing_component_stops_with_file_and_line(tmp_path):
    source = (ROOT / "content/data/standar-pelayanan/kk.yml").read_text(encoding="utf-8")
    broken = re.sub(r"^  jangka_waktu:.*\n", "", source, flags=re.MULTILINE)
    assert broken != source
    path = tmp_path / "kk.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        domain.load_one(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"baris {_line_of(broken, 'penyampaian:')}" in message
    assert "jangka_waktu" in message and "Jangka waktu pelayanan" in message


def test_missing_management_component_stops_the_generator(tmp_path):
    content = content_copy(tmp_path)
    path = content / "data/standar-pelayanan/kia.yml"
    text = path.read_text(encoding="utf-8")
    broken = re.sub(r"^  evaluasi_kinerja:\n(  - .*\n)+", "", text, flags=re.MULTILINE)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        standar.generate(content, preview=False)
    assert "kia.yml" in str(caught.value)
    assert f"baris {_line_of(broken, 'pengelolaan:')}" in str(caught.value)
    assert "evaluasi_kinerja" in str(caught.value)


def test_wrong_type_names_the_line(tmp_path):
    source = (ROOT / "content/data/standar-pelayanan/ktp-el.yml").read_text(encoding="utf-8")
    broken = re.sub(r"^  biaya:.*\n(    .*\n)*", "  biaya: 0\n", source, flags=re.MULTILINE)
    path = tmp_path / "ktp-el.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        domain.load_one(path)
    assert f"baris {_line_of(broken, '  biaya:')}" in str(caught.value)
    assert "harus berupa teks atau daftar" in str(caught.value)


def test_draft_standard_is_left_out_of_a_public_build(tmp_path):
    content = content_copy(tmp_path)
    for path in (content / "data/standar-pelayanan").glob("*.yml"):
        if path.stem != "kk":
            path.unlink()
    path = content / "data/standar-pelayanan/kk.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: perlu-tinjauan", "status: draft"),
                    encoding="utf-8")
    assert standar.generate(content, preview=False) == {}
    assert "layanan/kk.md" in standar.generate(content, preview=True)


def test_two_standards_with_one_urutan_name_the_later_file(tmp_path):
    content = content_copy(tmp_path)
    folder = content / "data" / "standar-pelayanan"
    first, second = sorted(folder.glob("*.yml"))[:2]
    taken = yaml.safe_load(first.read_text(encoding="utf-8"))["urutan"]
    text = second.read_text(encoding="utf-8")
    second.write_text(re.sub(r"(?m)^urutan: \d+$", f"urutan: {taken}", text), encoding="utf-8")
    with pytest.raises(DataError, match=rf"{second.name}.*urutan {taken} sudah dipakai oleh {first.name}"):
        domain.load_all(content)


@pytest.mark.parametrize("slug", sorted(SERVICES))
def test_cost_says_free_by_pasal_79a_with_the_sanction_of_pasal_95b(generated, slug):
    # UU 24/2013: Pasal 79A (no charge for population documents), Pasal 95B (up to 6 years'
    # imprisonment and/or Rp75,000,000 for officials who levy one).
    page = generated[f"layanan/{slug}.md"]
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["md_in_html", "admonition", "attr_list"])
    cost = " ".join(html.split("<h2>Biaya</h2>", 1)[1].split("<h2>", 1)[0].split())
    assert "Gratis" in cost
    assert "tidak dipungut biaya (Undang-Undang Nomor 24 Tahun 2013, Pasal 79A)" in cost
    assert "penjara paling lama 6 tahun dan/atau denda paling banyak Rp75.000.000 (Pasal 95B)" in cost
