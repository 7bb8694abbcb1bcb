"""A sosialisasi material is published only on an approval that has happened: an approval date
still to come is a data error naming the file and the line, like every other one."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.publish import DataError, materials
from test_materials import APPROVED


def write(content: Path, approved_on: date) -> Path:
    path = content / "sosialisasi" / "materi" / "ktp-el.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(APPROVED.replace("tanggal_disetujui: 2026-11-25", f"tanggal_disetujui: {approved_on.isoformat()}"),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("preview", [False, True])
def test_an_approval_dated_in_the_future_is_refused_with_file_and_line(tmp_path, monkeypatch, preview):
    monkeypatch.delenv("SITE_TODAY", raising=False)
    tomorrow = date.today() + timedelta(days=1)
    path = write(tmp_path, tomorrow)
    with pytest.raises(DataError) as caught:
        materials.generate(tmp_path, preview=preview)
    error = caught.value
    assert error.path == str(path) and error.position == "baris 7"
    assert tomorrow.isoformat() in error.message and "belum tiba" in error.message
    assert not (tmp_path / ".cache" / "materi").exists() or not any((tmp_path / ".cache" / "materi").iterdir())


def test_the_build_day_decides_and_an_approval_of_that_day_is_published(tmp_path, monkeypatch):
    approved_on = date(2026, 11, 25)
    write(tmp_path, approved_on)
    monkeypatch.setenv("SITE_TODAY", (approved_on - timedelta(days=1)).isoformat())
    with pytest.raises(DataError, match="belum tiba"):
        materials.generate(tmp_path, preview=False)
    monkeypatch.setenv("SITE_TODAY", approved_on.isoformat())
    out = materials.generate(tmp_path, preview=False)
    assert "sosialisasi/materi/ktp-el.pdf" in out
    assert "25 November 2026" in out["sosialisasi/materi/index.md"]
