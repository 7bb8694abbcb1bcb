"""Helpers for the tests that build the site: a copy of the site's sources, and the one command
that builds it (python -m portal.publish site), run as the web team and deployment run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The PDF cache of the checkout: WeasyPrint output by content hash, valid for any copy.
CACHE = ROOT / ".cache" / "publish"
ENV = {k: v for k, v in os.environ.items() if k != "SITE_PREVIEW"}


def copy_sources(target: Path, ignore=None) -> Path:
    """The site's sources (mkdocs.yml, content/, overrides/) in a folder of their own."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("content", "overrides"):
        shutil.copytree(ROOT / name, target / name, symlinks=True,
                        ignore=ignore or shutil.ignore_patterns("__pycache__", ".cache"))
    return target


def build(project: Path, site: Path, *, engine: str = "mkdocs", preview: bool = False,
          extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m portal.publish site` on a copy (the preview through scripts/preview --build)."""
    if preview:
        command = [str(ROOT / "scripts" / "preview"), "--build", str(site)]
    else:
        command = [sys.executable, "-m", "portal.publish", "site", "--out", str(site)]
    command += ["--engine", engine, "--root", str(project), "--cache-dir", str(CACHE)]
    return subprocess.run(command, cwd=ROOT, env={**ENV, **(extra_env or {})}, capture_output=True,
                          text=True, timeout=600)
