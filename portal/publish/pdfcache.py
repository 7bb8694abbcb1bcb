"""Print PDFs rendered once per content: WeasyPrint takes seconds per document, and a build
whose inputs did not change must write identical files (a live preview would loop otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def cached(cache_dir: Path, stem: str, key: str, render: Callable[[], bytes]) -> bytes:
    """The PDF `stem` for inputs hashed to `key`: from the cache, or rendered and cached,
    replacing the PDFs of that stem rendered from older inputs."""
    target = Path(cache_dir) / f"{stem}.{key}.pdf"
    if target.is_file():
        return target.read_bytes()
    pdf = render()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob(f"{stem}.*.pdf"):
            old.unlink(missing_ok=True)
        target.write_bytes(pdf)
    except OSError:
        pass  # a read-only checkout still builds; it just renders every time
    return pdf
