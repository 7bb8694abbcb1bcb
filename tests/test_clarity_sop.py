"""An SOP page where only some executors were inferred marks those steps with * and explains the
mark once; the step's own reason stays inside the folded step."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import markdown

from portal.publish import sop as sop_pages

ROOT = Path(__file__).resolve().parent.parent
SLUG = "backup-data-hasil-pelayanan-siak"


def test_some_inferred_steps_are_starred_and_explained_once(tmp_path):
    shutil.copytree(ROOT / "content" / "data" / "sop", tmp_path / "data" / "sop")
    path = tmp_path / "data" / "sop" / f"{SLUG}.yml"
    text = path.read_text(encoding="utf-8")
    step = "- nomor: 2\n  kegiatan: Script berjalan sesuai program\n"
    assert step in text
    path.write_text(text.replace(step, step + "  pelaksana_disimpulkan: true\n"
                                 "  dasar_pelaksana: Contoh dasar penyimpulan.\n"), encoding="utf-8")
    page = sop_pages.generate(tmp_path, preview=False)[f"sop/{SLUG}.md"]
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=["attr_list", "md_in_html", "def_list",
                                                                     "admonition", "toc"])
    plain = re.sub(r"<[^>]+>", "", html)
    assert plain.count("disimpulkan dari teks kegiatan") == 1
    assert "Pelaksana yang bertanda *" in plain
    starred = re.findall(r"Pelaksana: ([^<]*\*)</span>", html)
    assert len(starred) == 1
    assert "Contoh dasar penyimpulan." in plain and "Output" not in plain and "Hasil" in plain
