"""scripts/laporan-website: the website management report from git history, front matter,
session data and a build check, as Markdown and .xlsx."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from portal.domain import website_report

ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args, when: str | None = None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Tim Web", "GIT_AUTHOR_EMAIL": "web@contoh.id",
           "GIT_COMMITTER_NAME": "Tim Web", "GIT_COMMITTER_EMAIL": "web@contoh.id"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when}T10:00:00+07:00"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def write(repo: Path, relative: str, text: str):
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def commit(repo: Path, when: str):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"isi {when}", when=when)


# A material as the generator requires it (the report's build runs the generators too).
MATERIAL = "---\ntitle: {title}\naudiens: Warga\ntopik: Uji\nstatus: terbit\n{approval}---\n\nIsi.\n"


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "situs"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, "mkdocs.yml", "site_name: Uji\ndocs_dir: content\nstrict: true\n")
    write(repo, "content/index.md", "# Beranda\n")
    write(repo, "content/layanan/kk.md", "# KK\n")
    write(repo, "content/tentang/kontak.md", "# Kontak\n")
    commit(repo, "2025-12-20")  # before the period
    write(repo, "content/layanan/kk.md", "# KK\n\nDiubah.\n")
    write(repo, "content/layanan/kia.md", "# KIA\n")
    write(repo, "content/tentang/visi.md", "# Visi\n")
    commit(repo, "2026-02-03")
    (repo / "content/tentang/kontak.md").unlink()
    (repo / "content/index.md").unlink()
    (repo / "content/tentang/visi.md").unlink()  # added and removed within the period: not counted
    write(repo, "content/layanan/sementara.md", "# Sementara\n")
    write(repo, "content/data/catatan.md", "data, bukan halaman\n")
    commit(repo, "2026-05-10")
    (repo / "content/layanan/sementara.md").unlink()
    write(repo, "content/index.md", "# Beranda baru\n")
    commit(repo, "2026-06-01")
    write(repo, "content/layanan/akta.md", "# Akta\n")
    commit(repo, "2027-01-05")  # after the period
    write(repo, "content/sosialisasi/materi/a.md", MATERIAL.format(
        title="Materi A", approval="disetujui_oleh: Kepala Dinas\ntanggal_disetujui: 2026-03-01\n"))
    write(repo, "content/sosialisasi/materi/b.md", MATERIAL.format(title="Materi B", approval=""))
    write(repo, "content/sosialisasi/materi/c.md", MATERIAL.format(
        title="Materi C", approval="disetujui_oleh: Kabid PIAK\ntanggal_disetujui: 2025-11-01\n"))
    session = ('  mulai: "09:00"\n  selesai: "11:00"\n  kecamatan: "35.03.01"\n  audiens: Warga\n'
               "  panitia:\n    - Panitia (contoh)\n")  # what the site's generator requires
    write(repo, "content/data/sosialisasi/jadwal.yml",
          "- tanggal: 2026-03-18\n  tempat: Balai Desa Besuki\n  topik: KK\n" + session +
          "  laporan:\n    peserta: 52\n    ringkasan: Ringkasan.\n"
          "- tanggal: 2026-12-09\n  tempat: Balai Desa Puru\n  topik: Akta\n" + session +
          "- tanggal: 2027-02-01\n  tempat: Di luar periode\n  topik: Lain\n" + session)
    return repo


PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_page_changes_per_section(repo):
    report = website_report.collect(repo, *PERIOD, build=False)
    assert report.commits == 3
    assert report.pages == {
        website_report.ROOT_SECTION: {"A": [], "M": ["index.md"], "D": []},
        "layanan": {"A": ["layanan/kia.md"], "M": ["layanan/kk.md"], "D": []},
        "tentang": {"A": [], "M": [], "D": ["tentang/kontak.md"]},
    }


def test_materials_approved_and_sessions_in_the_period(repo):
    report = website_report.collect(repo, *PERIOD, build=False)
    assert [(m["judul"], m["disetujui_oleh"]) for m in report.materials] == [("Materi A", "Kepala Dinas")]
    assert [(s["tempat"], s["terlaksana"], s["peserta"]) for s in report.sessions] == [
        ("Balai Desa Besuki", True, 52), ("Balai Desa Puru", False, None)]


def test_no_session_data_is_reported_not_fatal(repo):
    (repo / "content/data/sosialisasi/jadwal.yml").unlink()
    report = website_report.collect(repo, *PERIOD, build=False)
    assert report.sessions is None
    assert "belum ada" in website_report.to_markdown(report)


def test_markdown_and_workbook(repo, tmp_path):
    md, xlsx, report = website_report.write(repo, *PERIOD, tmp_path / "keluar")
    text = md.read_text()
    assert md.name == "laporan-website-2026-01-01-2026-12-31.md"
    assert "| layanan | 1 | 1 | 0 |" in text
    assert "Materi A" in text and "Materi B" not in text and "Materi C" not in text
    assert "Build: BERHASIL" in text and "Tautan internal rusak: 0" in text
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Ringkasan", "Halaman", "Penerbitan", "Materi", "Sosialisasi", "Build"]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Halaman ditambah"] == 1 and summary["Halaman dihapus"] == 1
    assert summary["Materi disetujui"] == 1 and summary["Sesi tatap muka terlaksana"] == 1
    assert summary["Build"] == "berhasil"
    rows = list(book["Materi"].iter_rows(values_only=True))
    assert rows[1][:3] == (datetime.datetime(2026, 3, 1), "Materi A", "Kepala Dinas")


def test_a_broken_build_is_reported(repo, tmp_path):
    write(repo, "content/layanan/kk.md", "# KK\n\n[rusak](tidak-ada.md)\n")
    md, _, report = website_report.write(repo, *PERIOD, tmp_path / "keluar")
    assert not report.build_ok
    assert "Build: GAGAL" in md.read_text()
    assert "tidak-ada.md" in report.build_message


def test_broken_links_in_a_built_site(tmp_path):
    write(tmp_path, "index.html", '<a href="a/">a</a> <a href="b/">b</a> <a href="/pengaduan/">p</a>'
                                  ' <a href="https://contoh.id/">x</a> <a href="#atas">t</a>')
    write(tmp_path, "a/index.html", '<a href="../">home</a> <a href="../berkas.pdf">pdf</a>')
    assert website_report.broken_links(tmp_path) == [("/a/index.html", "../berkas.pdf"), ("/index.html", "b/")]


def test_the_command(tmp_path):
    result = subprocess.run([str(ROOT / "scripts" / "laporan-website"), "--dari", "2026-01-01",
                             "--sampai", "2026-12-31", "--keluar", str(tmp_path), "--tanpa-build"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "laporan-website-2026-01-01-2026-12-31.xlsx").exists()
    bad = subprocess.run([str(ROOT / "scripts" / "laporan-website"), "--dari", "2026-12-31",
                          "--sampai", "2026-01-01"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "lebih awal" in bad.stderr
