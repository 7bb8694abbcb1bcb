"""Turns content/data/ into pages, SVG, PDF and iCalendar files for the site.

Plain Python, no MkDocs import: any site engine can run it as a step before its build
(`python -m portal.publish`), and the MkDocs hook in scripts/mkdocs_hooks.py only calls it.
It never reads the portal's database; it reads files alone.

Each generator module has `generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]`,
mapping a path relative to content_dir to the file's content. The outputs are written only
when they changed (so a live preview does not rebuild in a loop), and generated files that a
generator no longer produces are removed (content/.generated lists what the last run wrote).
Generated files are build output: each generator writes only to paths that .gitignore lists.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .errors import DataError

GENERATORS = ("portal.publish.sop", "portal.publish.materials", "portal.publish.sessions",
              "portal.publish.news", "portal.publish.complaints_list",
              "portal.publish.profile", "portal.publish.complaint_report")
MANIFEST = ".generated"

__all__ = ["DataError", "build"]


def build(content_dir: str | Path, preview: bool = False) -> list[Path]:
    content_dir = Path(content_dir)
    outputs: dict[str, str | bytes] = {}
    for name in GENERATORS:
        outputs.update(importlib.import_module(name).generate(content_dir, preview))
    manifest = content_dir / MANIFEST
    previous = set(manifest.read_text().split()) if manifest.exists() else set()
    for stale in previous - set(outputs):
        (content_dir / stale).unlink(missing_ok=True)
    written = []
    for relative, content in sorted(outputs.items()):
        target = content_dir / relative
        data = content.encode() if isinstance(content, str) else content
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
    listing = "\n".join(sorted(outputs)) + "\n"
    if not manifest.exists() or manifest.read_text() != listing:
        manifest.write_text(listing)
    return written
