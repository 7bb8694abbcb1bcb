"""What the portal borrows from the public site so that both look like one website: the site's
name, the top-level entries of its menu (mkdocs.yml `nav:`) and its colours (Material's palette,
or the site's own stylesheet where it sets them).

Read from the files the site is built from, so a menu change published by the web team shows in
the portal too; cached per file version (modification time), since every portal page asks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ruamel.yaml import YAML

# Material's default when mkdocs.yml sets no palette.
DEFAULT_PRIMARY = "indigo"
_FALLBACK_COLOUR = "#4051b5"  # Material's indigo, when its stylesheet cannot be read


@dataclass(frozen=True)
class Look:
    site_name: str
    menu: tuple[tuple[str, str], ...]  # (label, address), top-level entries only
    primary: str  # header background (CSS colour)
    primary_text: str  # text on the header


def look(repo_root: str | Path, site_dir: str | Path | None = None) -> Look:
    """The look of the site whose mkdocs.yml is in repo_root. Given the built site (site_dir), the
    menu keeps only the entries the build published: the publishing pipeline leaves out a draft
    page or a generated page with nothing to show, and the site's own menu then lacks it too."""
    root = Path(repo_root)
    built = Path(site_dir).resolve() if site_dir and Path(site_dir).is_dir() else None
    files = (root / "mkdocs.yml", root / "content" / "assets" / "stylesheets" / "situs.css",
             *((built / "index.html",) if built else ()))
    return _look(str(root), str(built) if built else None,
                 tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files))


@functools.lru_cache(maxsize=4)
def _look(root: str, built: str | None, _versions: tuple) -> Look:
    config = YAML().load((Path(root) / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    menu = tuple((str(title), _address(target)) for title, target in _top_level(config.get("nav") or []))
    if built:
        menu = tuple((title, address) for title, address in menu
                     if not address.startswith("/") or (Path(built) / address.lstrip("/") / "index.html").is_file())
    situs_css = Path(root) / "content" / "assets" / "stylesheets" / "situs.css"
    primary = _custom_colour(situs_css) or _palette_colour(_primary_name(config.get("theme") or {}))
    return Look(site_name=str(config.get("site_name") or ""), menu=menu, primary=primary, primary_text="#fff")


def _top_level(nav) -> list[tuple[str, str]]:
    out = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            page = _first_page(value) if isinstance(value, list) else value
            if page:
                out.append((title, page))
    return out


def _first_page(items) -> str | None:
    for item in items:
        if isinstance(item, str):
            return item
        if isinstance(item, dict):
            (_, value), = item.items()
            page = _first_page(value) if isinstance(value, list) else value
            if page:
                return page
    return None


def _address(page: str) -> str:
    """The address MkDocs gives a page (use_directory_urls), from the site root."""
    if re.match(r"^[a-z]+://", page):
        return page
    path = page.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        path = path.removesuffix("index")
    else:
        path += "/"
    return "/" + path.lstrip("/")


def _primary_name(theme) -> str:
    palette = theme.get("palette") if hasattr(theme, "get") else None
    if isinstance(palette, list):  # several schemes (light/dark): the first is the default
        palette = palette[0] if palette else None
    name = palette.get("primary") if hasattr(palette, "get") else None
    return str(name or DEFAULT_PRIMARY).replace(" ", "-").lower()


def _custom_colour(css: Path) -> str | None:
    if not css.exists():
        return None
    found = re.search(r"--md-primary-fg-color\s*:\s*([^;}]+)", css.read_text(encoding="utf-8"))
    return found.group(1).strip() if found else None


def _palette_colour(name: str) -> str:
    try:
        folder = resources.files("material") / "templates" / "assets" / "stylesheets"
        text = "".join(f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.startswith("palette.")
                       and f.name.endswith(".css"))
    except (ModuleNotFoundError, OSError):
        return _FALLBACK_COLOUR
    found = re.search(r"\[data-md-color-primary=" + re.escape(name) + r"\]\{--md-primary-fg-color:([^;}]+)", text)
    return found.group(1).strip() if found else _FALLBACK_COLOUR
