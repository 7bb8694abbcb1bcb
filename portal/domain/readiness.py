"""Launch readiness: the placeholders still in the site's content and the office data.

The starter content carries placeholders where the office must put real facts: "(diisi tim web)",
"(Nama Kepala Dinas)", "(nomor telepon kantor)", sample outreach sessions marked "(contoh)", demo
population files flagged `contoh: true`, demo SKM results exported with `"contoh": true`.
PLACEHOLDERS below is the one definition of what counts as one; the staff readiness page, the
production checks on letters and on the Maklumat, and the site build (portal.publish.readiness) all
ask `check_placeholders`.

Plain Python, no Flask.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# (kind shown to staff, pattern). Matched line by line; YAML comment lines are skipped (a comment is
# never published, and the files' comments explain the placeholders they hold).
PLACEHOLDERS: tuple[tuple[str, re.Pattern], ...] = (
    # The whole bracket when there is one: "(alamat kantor — diisi tim web)", "[diisi tim web]".
    ("isian tim web", re.compile(r"[(\[][^()\[\]\n]*\bdiisi\s+(?:tim\s+web|kantor)\b[^()\[\]\n]*[)\]]"
                                 r"|\bdiisi\s+(?:tim\s+web|kantor)\b", re.IGNORECASE)),
    ("isian dalam kurung", re.compile(r"\((?:nama|nip|nomor|alamat|pangkat|jam layanan)\b[^()\n]*\)",
                                      re.IGNORECASE)),
    ("data contoh", re.compile(r"\([^()\n]*\bcontoh\b[^()\n]*\)|^\s*\"?contoh\"?:\s*true\b|\b(?:data|angka|edisi) contoh\b",
                               re.IGNORECASE)),
)
# Which files are looked at, relative to content/: the pages and the data files. Population CSV files
# hold figures only; scanning them is cheap and keeps the rule simple.
PAGE_GLOB = "**/*.md"
DATA_GLOBS = ("data/**/*.yml", "data/**/*.yaml", "data/**/*.csv",
              "data/skm/*.json")  # the portal's SKM results export: "contoh": true marks simulated ones
# The office data that letters are made from (letterhead, signing official). A letter refuses to be
# produced in production only while these hold a placeholder: a gap on a web page must not hold back a
# reply that the law says is due.
OFFICE_DATA = ("data/dinas.yml",)
GENERATED_MANIFEST = ".generated"  # outputs of the site generators, listed by portal.publish
RECENT_NS = 2_000_000_000  # files changed this recently are read again (see check_placeholders)


@dataclass(frozen=True)
class Problem:
    path: str  # as the web team sees it, e.g. "content/data/dinas.yml"
    line: int
    kind: str
    text: str  # the placeholder as written

    def __str__(self) -> str:
        return f"{self.path} baris {self.line}: {self.text}"


class PlaceholdersRemain(Exception):
    """Production refuses an action while placeholders remain; the message names each file and line."""

    def __init__(self, action: str, problems: list[Problem]):
        self.problems = problems
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"{action} ditolak karena portal berjalan dalam mode produksi dan masih ada "
                         f"{len(problems)} isian sementara yang belum diganti dengan data sebenarnya: {listed}. "
                         "Ganti isian itu, lalu coba lagi.")


def _files(content_dir: Path, only: tuple[str, ...] | None) -> list[Path]:
    if only is not None:
        return [content_dir / name for name in only if (content_dir / name).is_file()]
    manifest = content_dir / GENERATED_MANIFEST
    generated = set(manifest.read_text(encoding="utf-8").split()) if manifest.is_file() else set()
    found = set(content_dir.glob(PAGE_GLOB))
    for pattern in DATA_GLOBS:
        found.update(content_dir.glob(pattern))
    return sorted(p for p in found
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(content_dir).parts)
                  and p.relative_to(content_dir).as_posix() not in generated)


def check_placeholders(content_dir: str | os.PathLike, only: tuple[str, ...] | None = None) -> list[Problem]:
    """Every placeholder in content/ (pages and data files), or in the files `only` names (relative to
    content/), with file and line, in file order."""
    content_dir = Path(content_dir)
    out = []
    for path in _files(content_dir, only):
        shown = (Path(content_dir.name) / path.relative_to(content_dir)).as_posix()
        try:
            stat = path.stat()
        except OSError:
            continue
        # A file written in the last moments may be written again with the same time stamp (the file
        # system's clock is coarse) and size: it is read afresh rather than taken from memory.
        recent = time.time_ns() - stat.st_mtime_ns < RECENT_NS
        scan = _scan.__wrapped__ if recent else _scan
        out.extend(scan(path, shown, stat.st_mtime_ns, stat.st_size))
    return out


@lru_cache(maxsize=2048)
def _scan(path: Path, shown: str, mtime_ns: int, size: int) -> tuple[Problem, ...]:
    """One file's placeholders. Remembered by the file's modification time and size: the readiness
    and Maklumat pages ask on every load, and only a changed file needs reading again."""
    yaml_file = path.suffix in (".yml", ".yaml")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ()  # not text: nothing a reader would see as a placeholder
    out = []
    for number, line in enumerate(lines, start=1):
        if yaml_file and line.lstrip().startswith("#"):
            continue
        for kind, pattern in PLACEHOLDERS:
            match = pattern.search(line)
            if match:
                out.append(Problem(shown, number, kind, match.group(0).strip()))
                break
    return tuple(out)


def refuse_in_production(production: bool, content_dir: str | os.PathLike, action: str,
                         only: tuple[str, ...] | None = None) -> None:
    "Raise PlaceholdersRemain when `production` is on and placeholders remain (in `only`, or anywhere)."
    if production:
        problems = check_placeholders(content_dir, only)
        if problems:
            raise PlaceholdersRemain(action, problems)


def production_from_env(environ=os.environ) -> bool:
    """PORTAL_PRODUCTION read as the portal reads it (JSON: true/false), for the site build, which runs
    without the Flask app."""
    raw = environ.get("PORTAL_PRODUCTION", "false")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if not isinstance(value, bool):
        raise ValueError(f"PORTAL_PRODUCTION must be true or false, not {raw!r}")
    return value
