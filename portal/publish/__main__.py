"""`python -m portal.publish [--preview] [CONTENT_DIR]`: generate the site's data-driven files."""

import sys
from pathlib import Path

from . import DataError, build

args = [a for a in sys.argv[1:] if a != "--preview"]
try:
    written = build(Path(args[0]) if args else Path(__file__).resolve().parents[2] / "content",
                    preview="--preview" in sys.argv)
except DataError as exc:
    sys.exit(f"Galat data: {exc}")
print(f"{len(written)} berkas dibuat atau diperbarui.")
