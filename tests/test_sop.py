"""The 16 SOPs as data (content/data/sop/*.yml): loading, the schema check, the generated pages."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest

from portal.domain import catalog, workflow
from portal.publish import DataError, sop as sop_pages
from portal.domain.sop import load_all, load_one, parse_waktu, Durasi

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SOP_DIR = CONTENT / "data" / "sop"
COMPLAINT = SOP_DIR / "penanganan-pengaduan.yml"
SEED_NAME = Path("shared") / "seed" / "sop-bidang-piak-trenggalek.txt"


def find_seed() -> Path:
    """The seed document: SOP_SEED if set, else shared/seed/ beside the clone (as CI lays it out),
    or beside a folder holding the clone (a git worktree)."""
    if os.environ.get("SOP_SEED"):
        return Path(os.environ["SOP_SEED"])
    return next((folder / SEED_NAME for folder in ROOT.parents if (folder / SEED_NAME).exists()),
                ROOT.parent / SEED_NAME)


SEED = find_seed()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sops():
    return load_all(CONTENT)


def test_all_sixteen_files_load_and_validate(sops):
    assert len(sops) == 16
    assert len(list(SOP_DIR.glob("*.yml"))) == 16
    assert [s.urutan for s in sops] == list(range(1, 17))
    for s in sops:
        roles = {p.kode for p in s.pelaksana}
        assert s.langkah and s.dasar_hukum and s.keterkaitan
        assert [step.nomor for step in s.langkah] == list(range(1, len(s.langkah) + 1))
        for step in s.langkah:
            assert set(step.pelaksana) <= roles
            assert not step.pelaksana_disimpulkan or step.dasar_pelaksana


def seed_text() -> str:
    assert SEED.exists(), f"seed document not found at {SEED}: put shared/ beside the clone or set SOP_SEED"
    return SEED.read_text(encoding="utf-8")


def _seed_steps() -> dict[str, set[int]]:
    "Step numbers per SOP heading, read from the seed's step-table lines ('<n><TAB>...')."
    steps: dict[str, set[int]] = {}
    title = None
    for line in seed_text().splitlines():
        heading = re.match(r"^(SOP [A-Z].*?)\s*$", line)
        if heading:
            title = heading.group(1)
            steps.setdefault(title, set())  # a table split over two pages repeats its heading
            continue
        row = re.match(r"^(\d+)\t", line)
        if row and title:
            steps[title].add(int(row.group(1)))
    return steps


def test_each_sop_has_the_seeds_steps(sops):
    seed = _seed_steps()
    assert len(seed) == 16
    assert {s.judul_asli for s in sops} == set(seed)
    for s in sops:
        assert len(s.langkah) == len(seed[s.judul_asli]), s.slug
        assert {step.nomor for step in s.langkah} == seed[s.judul_asli], s.slug


def test_step_texts_are_the_seeds_own(sops):
    text = seed_text()
    for s in sops:
        for step in s.langkah:
            assert f"{step.nomor}\t{step.kegiatan}" in text, (s.slug, step.nomor)
            for field in (step.kelengkapan, step.waktu, step.output):
                assert field is None or field in text, (s.slug, step.nomor, field)


def test_complaint_sop_steps_and_time_standard(sops):
    s = next(x for x in sops if x.slug == "penanganan-pengaduan")
    assert len(s.langkah) == 7
    assert [p.kode for p in s.pelaksana] == ["operator", "kabid", "kadis", "pejabat"]
    first = s.langkah[0]
    assert first.kegiatan == "Menerima pengaduan masyarakat"
    assert first.waktu == "1 hari" and first.durasi == Durasi(1, "hari")
    assert [step.waktu for step in s.langkah[1:]] == [None] * 6
    # The portal counts receipt with the step's own waktu; the legal limits stay in `tenggat`.
    standards = catalog.load(CONTENT).time_standards
    assert standards["penerimaan"].hari == first.durasi.jumlah
    assert standards["penerimaan"].dasar == "SOP 04/SOP/DKPS/SKRT/X/2016 langkah 1"
    assert (standards["tanggapan"].hari, standards["tanggapan"].jenis) == (14, "kerja")
    assert (standards["penyelesaian"].hari, standards["penyelesaian"].jenis) == (60, "kalender")
    assert "penerimaan" not in s.tenggat


def test_workflow_roles_are_the_sops_executors(sops):
    s = next(x for x in sops if x.slug == "penanganan-pengaduan")
    for step in workflow.STEPS.values():
        staff = set(step.roles) - {workflow.CITIZEN, workflow.SYSTEM}
        if staff:
            assert staff <= set(s.langkah[step.sop_step - 1].pelaksana), step.code


def test_parse_waktu():
    assert parse_waktu("10 Hari") == Durasi(10, "hari")
    assert parse_waktu("15 mnit") == Durasi(15, "menit")
    assert parse_waktu("0") == Durasi(0, None)
    assert parse_waktu("sebentar") is None


# ---------------------------------------------------------------------------- the schema check

def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    "A copy of the complaint SOP with one edit; returns the file and the edited line's number."
    text = COMPLAINT.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    target = tmp_path / "data" / "sop" / "penanganan-pengaduan.yml"
    target.parent.mkdir(parents=True)
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target, line


def test_wrong_type_names_file_step_and_line(tmp_path):
    path, line = _broken(tmp_path, "  waktu: 1 hari\n", "  waktu: 1\n")
    with pytest.raises(DataError) as err:
        load_one(path)
    message = str(err.value)
    assert "penanganan-pengaduan.yml" in message
    assert "langkah 1" in message and "kolom waktu" in message and f"baris {line}" in message
    assert "harus berupa teks" in message


def test_missing_field_names_file_and_step(tmp_path):
    path, line = _broken(tmp_path, "  kegiatan: Menelaah pengaduan masyarakat\n", "")
    with pytest.raises(DataError) as err:
        load_one(path)
    message = str(err.value)
    assert "penanganan-pengaduan.yml" in message and "langkah 2" in message
    assert "kolom 'kegiatan' wajib diisi" in message and "baris" in message


def test_unknown_role_names_file_step_and_line(tmp_path):
    path, line = _broken(tmp_path, "  pelaksana:\n  - pejabat\n", "  pelaksana:\n  - kasi\n")
    with pytest.raises(DataError) as err:
        load_one(path)
    message = str(err.value)
    assert "penanganan-pengaduan.yml" in message and "langkah 5" in message
    assert "'kasi' tidak ada dalam daftar pelaksana" in message and f"baris {line + 1}" in message and "kolom pelaksana, butir ke-1" in message


def test_duplicate_step_number(tmp_path):
    path, line = _broken(tmp_path, "- nomor: 4\n", "- nomor: 3\n")
    with pytest.raises(DataError) as err:
        load_one(path)
    assert "nomor langkah 3 dipakai dua kali" in str(err.value) and f"baris {line}" in str(err.value)


def test_unknown_field_and_yaml_boolean_key(tmp_path):
    path, _ = _broken(tmp_path, "  waktu: 1 hari\n", "  wakt: 1 hari\n")
    with pytest.raises(DataError, match="kolom 'wakt' tidak dikenal"):
        load_one(path)
    path.write_text(COMPLAINT.read_text(encoding="utf-8").replace("- nomor: 1\n", "- no: 1\n"), encoding="utf-8")
    with pytest.raises(DataError, match="dibaca YAML sebagai nilai benar/salah"):
        load_one(path)


def test_two_sops_with_one_urutan_or_title_name_the_later_file(tmp_path):
    folder = tmp_path / "data" / "sop"
    shutil.copytree(SOP_DIR, folder)
    siak = folder / "backup-data-hasil-pelayanan-siak.yml"
    text = siak.read_text(encoding="utf-8")
    siak.write_text(text.replace("\nurutan: 8\n", "\nurutan: 9\n"), encoding="utf-8")
    with pytest.raises(DataError, match=r"backup-data-hasil-pelayanan-siak\.yml.*urutan 9 sudah dipakai oleh "
                                        r"backup-data-hasil-pelayanan-perekaman-biometrik-ktp-el\.yml"):
        load_all(tmp_path)
    siak.write_text(text.replace("judul_asli: SOP BACKUP DATA HASIL PELAYANAN SIAK",
                                 "judul_asli: SOP Backup Data Hasil Pelayanan Perekaman Biometrik KTP-el"),
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"backup-data-hasil-pelayanan-siak\.yml.*judul .* sudah dipakai"):
        load_all(tmp_path)


def test_bad_yaml_names_the_line(tmp_path):
    path, line = _broken(tmp_path, "  waktu: 1 hari\n", "  waktu: [1 hari\n")
    with pytest.raises(DataError, match=r"baris \d+.*YAML tidak sah"):
        load_one(path)


def test_portal_refuses_a_broken_complaint_sop(tmp_path):
    shutil.copytree(CONTENT / "data", tmp_path / "data")
    target = tmp_path / "data" / "sop" / "penanganan-pengaduan.yml"
    target.write_text(target.read_text(encoding="utf-8").replace("  waktu: 1 hari\n", "  waktu: satu hari\n"),
                      encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match="langkah 1, kolom waktu"):
        catalog.load(tmp_path)


# ---------------------------------------------------------------------------- generated pages

@pytest.fixture(scope="module")
def generated():
    return sop_pages.generate(CONTENT, preview=False)


def _html(text: str) -> str:
    body = text.split("---\n", 2)[2]  # drop the front matter
    return markdown.markdown(body, extensions=["attr_list", "md_in_html", "def_list", "admonition", "tables",
                                               "toc"])


def test_generate_returns_index_pages_and_diagrams(generated, sops):
    expected = ({"sop/index.md"} | {f"sop/{s.slug}.md" for s in sops} | {f"sop/{s.slug}.svg" for s in sops}
                | {f"sop/{s.slug}-vertikal.svg" for s in sops})
    assert set(generated) == expected
    assert len(generated) == 49
    index = generated["sop/index.md"]
    for s in sops:
        assert f"]({s.slug}.md)" in index and f"{len(s.langkah)} langkah" in index


def test_svgs_parse_and_are_accessible(generated):
    for path, text in generated.items():
        if not path.endswith(".svg"):
            continue
        root = ET.fromstring(text)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img" and root.get("aria-label")
        assert root.get("viewBox")
        title = root.find(f"{SVG}title")
        assert title is not None and title.text.startswith("Bagan alur SOP")
        assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no external resource
        assert len(text.encode()) < 30_000


def test_complaint_page_lists_seven_steps_in_order(generated, sops):
    page = generated["sop/penanganan-pengaduan.md"]
    s = next(x for x in sops if x.slug == "penanganan-pengaduan")
    assert page.startswith('---\ntitle: "SOP Penanganan Pengaduan Penyelenggaraan Administrasi Kependudukan"\n---')
    assert [int(n) for n in re.findall(r"^<summary[^>]*>\*\*Langkah (\d+):\*\* ", page, re.M)] == list(range(1, 8))
    html = _html(page)
    positions = [html.index(f'<strong>Langkah {step.nomor}:</strong> {step.kegiatan}') for step in s.langkah]
    assert positions == sorted(positions)
    assert all(f'id="langkah-{step.nomor}"' in html for step in s.langkah)
    # The steps come first (a reader looks for a step), then the diagram they describe.
    assert html.index('src="penanganan-pengaduan.svg"') > positions[-1]
    assert html.index('src="penanganan-pengaduan-vertikal.svg"') > positions[-1]
    assert "pelaksana setiap langkah sop ini disimpulkan dari teks kegiatan" in html.lower()
    assert "1 hari (dihitung portal sebagai 1 hari kerja)" in html
    assert page.rstrip().endswith("(nomor 04/SOP/DKPS/SKRT/X/2016, disahkan 08 Desember 2017).")


def test_pages_render_and_link_only_to_generated_pages(generated):
    for path, text in generated.items():
        if not path.endswith(".md"):
            continue
        html = _html(text)
        assert "markdown=" not in html and "<li markdown" not in html
        assert "\\" not in re.sub(r"<[^>]+>", "", html), path  # no escape shown to the reader
        for link in re.findall(r'href="([^"#]+)"', html):
            assert f"sop/{link}" in generated, (path, link)


def test_text_is_escaped(tmp_path):
    shutil.copytree(SOP_DIR, tmp_path / "data" / "sop")
    target = tmp_path / "data" / "sop" / "penanganan-pengaduan.yml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "kegiatan: Menelaah pengaduan masyarakat", 'kegiatan: "Menelaah <script>x</script> *[a](b)* _c_ # d"'),
        encoding="utf-8")
    out = sop_pages.generate(tmp_path, preview=False)
    html = _html(out["sop/penanganan-pengaduan.md"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "*[a](b)* _c_ # d" in html
    assert "<script>" not in out["sop/penanganan-pengaduan.svg"]
    ET.fromstring(out["sop/penanganan-pengaduan.svg"])


def test_related_sop_missing_from_data_is_plain_text(tmp_path):
    shutil.copytree(SOP_DIR, tmp_path / "data" / "sop")
    (tmp_path / "data" / "sop" / "pengelolaan-website.yml").unlink()
    out = sop_pages.generate(tmp_path, preview=False)
    page = out["sop/penanganan-pengaduan.md"]
    assert "pengelolaan-website.md" not in page and "SOP PENGELOLAAN WEBSITE" in page
    assert "](pelaporan-data-kependudukan.md)" in page
