"""The Profil Perkembangan Kependudukan without a browser: the demo data (totals, consistency,
determinism, never overwriting real data), the edition rules (only `disahkan` is public, drafts
only in preview and marked DRAF), the pages (overview, one page per kecamatan with exactly its
desa, each chart followed by its table), the PDF, and the Data Kependudukan recap."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from portal.domain import regions
from portal.domain.population import demo, schema
from portal.publish import DataError, profile
from portal.publish import profile_data
from portal.publish.profile_data import Library, read_period

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def demo_files():
    return demo.generate()


@pytest.fixture(scope="module")
def content(tmp_path_factory, demo_files):
    """A content dir with the demo data, the two demo editions and the area file."""
    root = tmp_path_factory.mktemp("profil") / "content"
    for periode, files in demo_files.items():
        (root / "data/kependudukan" / periode).mkdir(parents=True)
        for name, text in files.items():
            (root / "data/kependudukan" / periode / name).write_text(text, encoding="utf-8")
    shutil.copytree(CONTENT / "data/profil", root / "data/profil")
    if (CONTENT / profile.CACHE_DIR).is_dir():  # PDFs already rendered for the same inputs
        shutil.copytree(CONTENT / profile.CACHE_DIR, root / profile.CACHE_DIR)
    return root


@pytest.fixture(scope="module")
def public(content):
    return profile.generate(content, preview=False)


@pytest.fixture(scope="module")
def preview(content):
    return profile.generate(content, preview=True)


def rows(text: str) -> list[dict[str, str]]:
    import csv
    return list(csv.DictReader(text.splitlines()))


# ------------------------------------------------------------------ demo data

def test_demo_totals_for_semester_ii_2024_are_the_published_ones(demo_files):
    penduduk = rows(demo_files["2024-S2"]["penduduk.csv"])
    assert len(penduduk) == 157
    assert sum(int(r["laki_laki"]) for r in penduduk) == 378_680
    assert sum(int(r["perempuan"]) for r in penduduk) == 375_130
    assert sum(int(r["jumlah"]) for r in penduduk) == 753_810
    meta = yaml.safe_load(demo_files["2024-S2"]["meta.yml"])
    assert meta["contoh"] is True and "Data contoh (simulasi)" in meta["sumber"]
    assert str(meta["tanggal_potong"]) == "2024-12-31"


def test_demo_is_internally_consistent_in_every_period(content, demo_files):
    desa = {d.kode for d in demo.all_desa()}
    assert len(desa) == 157
    lib = Library(content)
    assert lib.names == sorted(demo_files, key=schema.period_end)
    for name in lib.names:
        p = read_period(content, name)
        assert set(p.desa_codes) == desa
        for code in desa:
            n = p.topics["penduduk"][(code, "")]
            assert n["laki_laki"] + n["perempuan"] == n["jumlah"], (name, code)
            for topic in ("umur", "agama", "pendidikan", "pekerjaan", "status_kawin"):
                for sex in ("laki_laki", "perempuan"):
                    parts = sum(p.topics[topic][(code, c)][sex] for c in schema.TOPIC[topic].categories)
                    assert parts == n[sex], (name, code, topic, sex)
            ktp = p.topics["ktp_el"][(code, "")]
            adults = n["jumlah"] - sum(p.value("umur", s, area=code, kategori=g)
                                       for s in ("laki_laki", "perempuan") for g in schema.AGE_GROUPS[:3])
            assert ktp["sudah_cetak"] <= ktp["sudah_rekam"] <= ktp["wajib_ktp"] <= adults
            akta = p.topics["akta_kelahiran"][(code, "")]
            assert akta["memiliki_akta"] <= akta["anak_0_17"] < n["jumlah"]
            kk = p.topics["keluarga"][(code, "")]
            assert kk["anggota_keluarga"] == n["jumlah"] and 2.5 < n["jumlah"] / kk["jumlah_kk"] < 4
            assert p.value("status_kawin", "laki_laki", area=code, kategori="Belum kawin") >= sum(
                p.value("umur", "laki_laki", area=code, kategori=g) for g in schema.AGE_GROUPS[:3])
        # Crude rates per year (two semesters): CBR about 14, CDR about 7 per 1,000.
        births = p.value("kelahiran_kematian", "lahir_laki_laki") + p.value("kelahiran_kematian", "lahir_perempuan")
        deaths = p.value("kelahiran_kematian", "mati_laki_laki") + p.value("kelahiran_kematian", "mati_perempuan")
        assert 12 < births * 2 / p.population() * 1000 < 16
        assert 6 < deaths * 2 / p.population() * 1000 < 8
    # Growth between periods follows the balancing equation, desa by desa.
    for before, now in zip(lib.names, lib.names[1:]):
        a, b = lib.get(before), lib.get(now)
        for code in desa:
            for sex in ("laki_laki", "perempuan"):
                change = (b.value("kelahiran_kematian", f"lahir_{sex}", area=code)
                          - b.value("kelahiran_kematian", f"mati_{sex}", area=code)
                          + b.value("mutasi", f"datang_{sex}", area=code) - b.value("mutasi", f"pindah_{sex}", area=code))
                assert b.population(code, sex) - a.population(code, sex) == change


def test_demo_passes_the_importers_checks(demo_files):
    from portal.domain.population import store
    files = demo_files["2024-S2"]
    kec = regions.get("35.03.11")
    upload = []
    for topic in schema.TOPICS:
        lines = files[f"{topic.code}.csv"].splitlines()
        keep = [lines[0]] + [line for line in lines[1:] if line.startswith(kec.kode + ".")]
        upload.append((f"{topic.code}.csv", ("\n".join(keep) + "\n").encode()))
    _, problems = store.check_upload(upload, kecamatan=kec.kode, periode="2024-S2")
    assert problems == []


def test_demo_is_deterministic_and_is_the_committed_dataset(demo_files):
    assert demo.generate() == demo_files
    for periode, files in demo_files.items():
        folder = CONTENT / "data/kependudukan" / periode
        meta = yaml.safe_load((folder / "meta.yml").read_text())
        if not meta.get("contoh"):
            continue  # real data published by the importer replaced the demo period
        for name, text in files.items():
            assert (folder / name).read_text(encoding="utf-8") == text, (periode, name)


def test_demo_never_overwrites_real_data(tmp_path):
    assert demo.write(tmp_path, ["2024-S1", "2024-S2"]) == ["2024-S1", "2024-S2"]
    assert demo.write(tmp_path, if_empty=True) == []  # something is there: --if-empty does nothing
    real = tmp_path / "data/kependudukan/2024-S2/meta.yml"
    real.write_text("periode: 2024-S2\ntanggal_potong: 2024-12-31\nsumber: SIAK\ncontoh: false\n")
    (real.parent / "penduduk.csv").write_text("asli\n")
    assert demo.write(tmp_path, ["2024-S1", "2024-S2"]) == ["2024-S1"]
    assert (real.parent / "penduduk.csv").read_text() == "asli\n"


# ------------------------------------------------------------------ pages

def test_overview_of_the_ratified_edition(public):
    page = public["profil-kependudukan/2024/index.md"]
    assert "# Profil Perkembangan Kependudukan Kabupaten Trenggalek Tahun 2024" in page
    assert "| Jumlah penduduk | 753.810 jiwa |" in page
    assert "378.680" in page and "375.130" in page
    assert "Semester II 2024" in page
    assert "1.261,40 km²" in page and "597,60 jiwa per km²" in page  # 753,810 / 1,261.40
    assert re.search(r"Laju pertumbuhan per tahun \(dibanding Semester II 2023\) \| \d+,\d\d % per tahun", page)
    assert "Rasio jenis kelamin | 100,95" in page  # 378,680 / 375,130 x 100
    assert '!!! warning "Data contoh"' in page
    assert "(profil-kependudukan-trenggalek-2024.pdf)" in page
    assert "status: draft" not in page and "DRAF" not in page


def test_every_page_of_a_simulated_edition_says_data_contoh(public):
    pages = [k for k in public if k.startswith("profil-kependudukan/2024/") and k.endswith(".md")]
    assert len(pages) == 1 + len(profile.CHAPTERS) + 14
    for path in pages:
        assert '!!! warning "Data contoh"' in public[path], path
    assert '!!! warning "Data contoh"' in public["data-kependudukan/index.md"]


def test_draft_edition_only_in_preview_and_marked(public, preview):
    assert not any(k.startswith("profil-kependudukan/2025/") for k in public)
    assert "Tahun 2025" not in public["profil-kependudukan/index.md"] and "(2025/" not in public["profil-kependudukan/index.md"]
    page = preview["profil-kependudukan/2025/index.md"]
    assert "status: draft" in page and "DRAF" in page
    assert "profil-kependudukan/2025/profil-kependudukan-trenggalek-2025.pdf" in preview
    assert "DRAF" in preview["profil-kependudukan/index.md"]
    # The ratified edition is the same in both builds.
    assert preview["profil-kependudukan/2024/index.md"] == public["profil-kependudukan/2024/index.md"]


def test_each_kecamatan_page_lists_exactly_its_desa(public):
    for kec in regions.kecamatan_list():
        page = public[f"profil-kependudukan/2024/kecamatan/{profile.kecamatan_slug(kec)}.md"]
        listed = set(re.findall(r"^\| [^|]+ \| (35\.03\.\d\d\.\d{4}) \|", page, re.MULTILINE))
        assert listed == {d.kode for d in regions.desa_list(kec.kode)}, kec.nama
    page = public["profil-kependudukan/2024/kecamatan/trenggalek.md"]
    assert "terdiri atas 8 desa dan 5 kelurahan" in page
    assert len(re.findall(r"\| Desa \|", page)) == 8 and len(re.findall(r"\| Kelurahan \|", page)) == 5


def test_every_chart_parses_and_is_followed_by_its_table(public, preview):
    for outputs in (public, preview):
        svgs = {k for k in outputs if k.endswith(".svg")}
        assert svgs
        for path in svgs:
            root = ET.fromstring(outputs[path])
            assert root.get("role") == "img" and root.find("{http://www.w3.org/2000/svg}title").text
        used = set()
        for path, text in outputs.items():
            if not path.endswith(".md") or not path.startswith(("profil-kependudukan/", "data-kependudukan/")):
                continue
            folder = path.rsplit("/", 1)[0]
            for m in re.finditer(r"!\[[^\]]+\]\(([^)]+\.svg)\)\{ loading=lazy \}\n", text):
                used.add(f"{folder}/{m.group(1)}")
                after = [line for line in text[m.end():].splitlines() if line.strip()]
                # An optional caption, an optional scroll hint, then the table.
                while after and after[0].startswith("*"):
                    after.pop(0)
                assert after and after[0].startswith("|"), (path, m.group(1))
        assert used == svgs  # no chart without a page, none missing


def test_pdf_of_the_ratified_edition(public):
    pdf = public["profil-kependudukan/2024/profil-kependudukan-trenggalek-2024.pdf"]
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Profil Perkembangan Kependudukan" in text and "Tahun 2024" in text
    assert "753.810" in text
    assert "Disahkan oleh" in text and "DRAF" not in text
    assert reader.metadata.title == "Profil Perkembangan Kependudukan Kabupaten Trenggalek Tahun 2024"
    assert len(reader.pages) > 20


def test_pdf_is_cached_and_identical(content, public):
    again = profile.generate(content, preview=False)
    name = "profil-kependudukan/2024/profil-kependudukan-trenggalek-2024.pdf"
    assert again[name] == public[name]
    assert len(list((content / profile.CACHE_DIR).glob("2024.*.pdf"))) == 1


def test_recap_shows_the_latest_period(public, demo_files):
    latest = sorted(demo_files, key=schema.period_end)[-1]
    page = public["data-kependudukan/index.md"]
    total = sum(int(r["jumlah"]) for r in rows(demo_files[latest]["penduduk.csv"]))
    assert f"{profile_data.period_label(latest)}" in page and f"{total:,}".replace(",", ".") in page
    for kec in regions.kecamatan_list():
        assert f"| {kec.nama} |" in page
    csv_rows = rows(public[f"data-kependudukan/rekap-{latest}.csv"])
    assert len(csv_rows) == 14 and sum(int(r["jumlah"]) for r in csv_rows) == total


# ------------------------------------------------------------------ bad files

@pytest.mark.parametrize("text,line,words", [
    ("tahun: 2026\nperiode: 2026-S2\nstatus: disahkan\n", "baris 1", "nama berkas"),
    ("tahun: 2024\nperiode: 2024-S2\nstatus: disahkan\ndisahkan_oleh: Kepala Dinas\n", "baris", "tanggal_disahkan"),
    ("tahun: 2024\nperiode: 2024-S2\nstatus: selesai\n", "baris 3", "status"),
    ("tahun: 2024\nperiode: 2023-S2\nstatus: rancangan-awal\n", "baris 2", "bukan periode tahun 2024"),
    ("tahun: 2024\nperiode: 2024-S2\nstatus: disahkan\ndisahkan_oleh: Kadis\ntanggal_disahkan: 2025-02-30\n",
     "baris 5", "tanggal_disahkan"),
    ("tahun: 2024\nperiode: 2024-S2\nstatus: rancangan-awal\nlintas_sektor:\n  - judul: A\n    sumber: B\n"
     "    kolom: [x, y]\n    baris:\n      - [1]\n", "baris 8", "2 nilai"),
])
def test_bad_edition_file_names_file_and_line(tmp_path, text, line, words):
    (tmp_path / "data/profil").mkdir(parents=True)
    (tmp_path / "data/profil/2024.yml").write_text(text)
    with pytest.raises(DataError) as err:
        profile.read_editions(tmp_path)
    assert "2024.yml" in str(err.value) and line in str(err.value) and words in str(err.value)


def test_missing_period_data_names_the_edition(tmp_path):
    (tmp_path / "data/profil").mkdir(parents=True)
    (tmp_path / "data/profil/2024.yml").write_text(
        "tahun: 2024\nperiode: 2024-S2\nstatus: disahkan\ndisahkan_oleh: Kadis\ntanggal_disahkan: 2025-03-01\n")
    with pytest.raises(DataError, match=r"2024\.yml, baris 2: data periode 2024-S2 belum ada"):
        profile.generate(tmp_path, preview=False)


def test_bad_figure_names_file_row_and_column(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content / "data/kependudukan/2024-S2", copy / "data/kependudukan/2024-S2")
    path = copy / "data/kependudukan/2024-S2/penduduk.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",seribu"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"penduduk\.csv, baris 4, kolom jumlah"):
        read_period(copy, "2024-S2")


def test_real_data_after_demo_periods_marks_only_the_simulated_ones(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content / "data", copy / "data")
    meta = copy / "data/kependudukan/2024-S2/meta.yml"
    meta.write_text(meta.read_text().replace("contoh: true", "contoh: false").replace(
        demo.SOURCE, "Data SIAK Dispendukcapil Kabupaten Trenggalek"))
    page = profile.Profile(profile.read_editions(copy)[0], Library(copy), profile.read_area(copy)).overview().body
    assert "Halaman ini memuat **data contoh" not in page
    assert "| Semester II 2023 (data contoh) |" in page and "| Semester II 2024 |" in page
    assert '!!! warning "Data contoh"' in page
