"""The site build's launch check: in production, a placeholder anywhere in content/ fails the build.

The pipeline calls `check(content_dir)` before its generators; outside production it does nothing.
What counts as a placeholder is defined once, in portal.domain.readiness.
"""

from __future__ import annotations

from pathlib import Path

from ..domain import readiness
from .errors import DataError


def check(content_dir: str | Path, production: bool | None = None) -> None:
    """Raise DataError naming the file and line of every placeholder, when `production` is on
    (default: the PORTAL_PRODUCTION setting, read from the environment as the portal reads it)."""
    if production is None:
        production = readiness.production_from_env()
    if not production:
        return
    problems = readiness.check_placeholders(content_dir)
    if problems:
        raise DataError(content_dir, "", f"situs produksi tidak dibangun karena masih ada {len(problems)} isian "
                                         "sementara yang harus diganti dengan data sebenarnya:\n"
                                         + "\n".join(f"- {p}" for p in problems))
