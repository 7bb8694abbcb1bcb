"""Turns content/data/ into pages, SVG, PDF and iCalendar files for the site.

Plain Python, no site-engine import. It never reads the portal's database; it reads files alone.
`portal.publish.site` is the one publishing pipeline that calls it: it stages content/ into a
build folder, runs these generators there, leaves out what is not public, runs the site engine
and checks the result (`python -m portal.publish site ...`). Nothing here writes into content/.

Each generator module has `generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]`,
mapping a path relative to content_dir to the file's content, and `OUTPUTS`: the patterns
(fnmatch; "!" leaves a path out) of every path it may write, so that the site editor refuses to
have them written by hand (`generated`) without a list of its own.
"""

from __future__ import annotations

import importlib
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from . import readiness
from .errors import DataError

GENERATORS = ("portal.publish.sop", "portal.publish.materials", "portal.publish.sessions",
              "portal.publish.news", "portal.publish.complaints_list",
              "portal.publish.profile", "portal.publish.complaint_report",
              "portal.publish.standar", "portal.publish.maklumat", "portal.publish.skm")

__all__ = ["DataError", "GENERATORS", "generate", "generated"]


def generate(content_dir: str | Path, preview: bool = False) -> dict[str, str | bytes]:
    """Every generated file, by path relative to content_dir (nothing is written)."""
    content_dir = Path(content_dir)
    readiness.check(content_dir)  # in production, a placeholder stops the build before anything is made
    outputs: dict[str, str | bytes] = {}
    for name in GENERATORS:
        outputs.update(importlib.import_module(name).generate(content_dir, preview))
    return outputs


def generated(relpath: str) -> bool:
    """Whether a generator writes `relpath` (relative to content/) at every build."""
    patterns = _outputs()
    if any(fnmatchcase(relpath, p[1:]) for p in patterns if p.startswith("!")):
        return False
    return any(fnmatchcase(relpath, p) for p in patterns if not p.startswith("!"))


@lru_cache(maxsize=1)
def _outputs() -> tuple[str, ...]:
    return tuple(p for name in GENERATORS for p in importlib.import_module(name).OUTPUTS)
