"""Turns content/data/ into pages, SVG, PDF and iCalendar files for the site.

Plain Python, no site-engine import. It never reads the portal's database; it reads files alone.
`portal.publish.site` is the one publishing pipeline that calls it: it stages content/ into a
build folder, runs these generators there, leaves out what is not public, runs the site engine
and checks the result (`python -m portal.publish site ...`). Nothing here writes into content/.

Each generator module has `generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]`,
mapping a path relative to content_dir to the file's content.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from . import readiness
from .errors import DataError

GENERATORS = ("portal.publish.sop", "portal.publish.materials", "portal.publish.sessions",
              "portal.publish.news", "portal.publish.complaints_list",
              "portal.publish.profile", "portal.publish.complaint_report",
              "portal.publish.standar", "portal.publish.maklumat", "portal.publish.skm")

__all__ = ["DataError", "GENERATORS", "generate"]


def generate(content_dir: str | Path, preview: bool = False) -> dict[str, str | bytes]:
    """Every generated file, by path relative to content_dir (nothing is written)."""
    content_dir = Path(content_dir)
    readiness.check(content_dir)  # in production, a placeholder stops the build before anything is made
    outputs: dict[str, str | bytes] = {}
    for name in GENERATORS:
        outputs.update(importlib.import_module(name).generate(content_dir, preview))
    return outputs
