"""Print PDFs rendered once per content: WeasyPrint takes seconds per document, and a build
whose inputs did not change must write identical files (a live preview would loop otherwise).

The cache key names the libraries' versions without importing them: loading WeasyPrint (Pango)
costs about half a second, which a build whose PDFs are all cached should not pay."""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable

# Libraries whose version changes a PDF's bytes: the renderer, the QR codes, the Markdown.
LIBRARIES = ("weasyprint", "segno", "markdown")


@functools.cache
def _versions() -> tuple[str, ...]:
    return tuple(version(name) for name in LIBRARIES)


def key(*parts: str) -> str:
    "The cache key of a PDF made from `parts` (a layout version, the HTML) by the libraries installed."
    h = hashlib.sha256()
    for part in (*_versions(), *parts):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def css_string(text: str) -> str:
    "Text inside a CSS string (content: \"...\"): quotes and backslashes escaped, on one line."
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def running_page(header: str, footer: str, *, margin: str, small_pt: float) -> str:
    """The @page rules of a printed document of several pages: A4 with `margin`, `header` at the
    top of every page but the first, `footer` at the bottom left and "Hal. n / m" at the right."""
    header, footer = css_string(header), css_string(footer)
    return (f"@page {{ size: A4; margin: {margin};\n"
            f'  @top-center {{ content: "{header}"; font-size: {small_pt}pt; color: #555; }}\n'
            f'  @bottom-left {{ content: "{footer}"; font-size: {small_pt}pt; color: #333; width: 80%; }}\n'
            f'  @bottom-right {{ content: "Hal. " counter(page) " / " counter(pages); font-size: {small_pt}pt; '
            "color: #555; } }\n"
            "@page :first { @top-center { content: none; } }\n")


def render(html_text: str, base_url: str | None = None) -> bytes:
    "The PDF of one HTML document."
    import weasyprint  # imported late: loading Pango costs time when there is nothing to print

    return weasyprint.HTML(string=html_text, base_url=base_url).write_pdf()


def render_one_page(versions: Iterable[str]) -> bytes | None:
    """The PDF of the first of `versions` (the same page, smaller and smaller) that fits on one
    page, or None when none does."""
    import weasyprint

    for html_text in versions:
        document = weasyprint.HTML(string=html_text).render()
        if len(document.pages) == 1:
            return document.write_pdf()
    return None


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
