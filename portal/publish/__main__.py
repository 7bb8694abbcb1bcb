"""`python -m portal.publish [--preview] [CONTENT_DIR]`: generate the site's data-driven files
and check every page's front matter (what the MkDocs hook does before a build)."""

import sys
from pathlib import Path

from . import DataError, build, drafts

args = [a for a in sys.argv[1:] if a != "--preview"]
content_dir = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "content"
try:
    written = build(content_dir, preview="--preview" in sys.argv)
    checked = drafts.check_all(content_dir)
except DataError as exc:
    sys.exit(f"Galat data: {exc}")
print(f"{len(written)} berkas dibuat atau diperbarui; front matter {checked} halaman diperiksa.")
