"""Named values in the site's content: a page or a service-standard file writes
`{{ tenggat.tanggapan }}` where it promises a complaint deadline, and the build puts in the SOP
data's wording ("14 hari kerja"), so that the number is written once, in
content/data/sop/penanganan-pengaduan.yml.

The names are those the portal's templates use (`tenggat.<kode>`, portal.web's `promises`), one per
time standard of portal.domain.catalog, worded by `TimeStandard.lama`. The values are filled into
the staged copy of the sources before the generators and the site engine run (`fill_staged`), so
either engine sees plain text; the web team's editor preview fills the same values (`fill`). An
unknown name stops the build with the file and line, in Indonesian.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..domain import catalog
from .errors import DataError

NAME = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# Where a value may be written: every page, and the service standards the standar generator reads.
FILLED_DATA = ("data/standar-pelayanan",)


def named(time_standards: Mapping[str, catalog.TimeStandard]) -> dict[str, str]:
    "Every name a page may write, with its wording: {'tenggat.tanggapan': '14 hari kerja', ...}."
    return {f"tenggat.{code}": rule.lama for code, rule in time_standards.items()}


def of_content(content_dir: str | Path) -> dict[str, str]:
    "The names and wording that the SOP data under content_dir gives."
    try:
        return named(catalog.time_standards(content_dir))
    except catalog.CatalogError as exc:
        raise DataError(Path(content_dir) / "data" / "sop" / catalog.COMPLAINT_SOP, "", str(exc)) from None


def fill(text: str, values: Mapping[str, str], path: str | Path, first_line: int = 1) -> str:
    """`text` with every `{{ name }}` replaced by its value. DataError naming the line (counted from
    first_line, the line of the file where `text` starts) for an unknown name."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            line = first_line + text.count("\n", 0, match.start())
            raise DataError(path, f"baris {line}", f"nilai '{match.group(0)}' tidak dikenal. Nilai yang dapat "
                                                  f"dipakai: {', '.join('{{ ' + n + ' }}' for n in values)}")
        return values[name]
    return NAME.sub(value, text)


def fill_staged(docs: Path) -> list[Path]:
    """Fill the values into the staged copy `docs` (never into content/); the files changed."""
    docs = Path(docs)
    files = [p for p in sorted(docs.rglob("*.md")) if not any(part.startswith(".") for part in p.relative_to(docs).parts)]
    for folder in FILLED_DATA:
        files += sorted((docs / folder).glob("*.yml"))
    values, changed = None, []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not NAME.search(text):
            continue
        values = values if values is not None else of_content(docs)
        path.write_text(fill(text, values, path), encoding="utf-8")
        changed.append(path)
    return changed
