"""The site menu (`nav:` of mkdocs.yml, which both site engines read): add a page, move it,
remove it, without anyone editing the file by hand.

Written through ruamel.yaml's round trip, so the comments, the order and the layout of the rest
of mkdocs.yml stay as they were. A menu change is stored as an operation, not as a copy of the
file, and applied to mkdocs.yml as it is when the change is published: two menu changes never
overwrite each other.
"""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq


class MenuError(ValueError):
    "The menu cannot be changed as asked; the message says why, in Indonesian."


def _yaml() -> YAML:
    y = YAML()  # round trip
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _load(text: str):
    data = _yaml().load(text)
    nav = data.get("nav")
    if nav is None:
        nav = CommentedSeq()
        data["nav"] = nav
    return data, nav


def _dump(data) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def entries(text: str) -> list[dict]:
    """Every menu entry: section, title, page, depth, in menu order (for the menu page)."""
    _, nav = _load(text)
    out: list[dict] = []

    def walk(items, section, depth):
        for item in items:
            if isinstance(item, str):
                out.append({"section": section, "title": "(halaman depan bagian)", "page": item, "depth": depth})
            elif isinstance(item, dict):
                (title, value), = item.items()
                if isinstance(value, list):
                    out.append({"section": section, "title": title, "page": None, "depth": depth})
                    walk(value, title, depth + 1)
                else:
                    out.append({"section": section, "title": title, "page": value, "depth": depth})
    walk(nav, None, 0)
    return out


def sections(text: str) -> list[str]:
    return [e["title"] for e in entries(text) if e["page"] is None]


def _find(items, page):
    """(list, index) of the entry that names `page`, searching sections too."""
    for i, item in enumerate(items):
        if item == page:
            return items, i
        if isinstance(item, dict):
            (_, value), = item.items()
            if value == page:
                return items, i
            if isinstance(value, list):
                found = _find(value, page)
                if found:
                    return found
    return None


def _section_list(nav, section: str | None):
    if not section:
        return nav
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if title == section and isinstance(value, list):
                return value
    raise MenuError(f"Bagian menu \u201c{section}\u201d tidak ada.")


def apply(text: str, op: dict) -> str:
    """mkdocs.yml `text` with one operation applied:
    {"op": "tambah", "page": "layanan/x.md", "title": "...", "section": "Layanan" | None}
    {"op": "hapus", "page": ...}   {"op": "naik" | "turun", "page": ...}"""
    data, nav = _load(text)
    page = op["page"]
    kind = op["op"]
    if kind == "tambah":
        if _find(nav, page):
            return text  # already in the menu: adding it again changes nothing
        title = (op.get("title") or "").strip()
        if not title:
            raise MenuError("Tulis judul halaman untuk menu.")
        entry = CommentedMap()
        entry[title] = page
        _section_list(nav, op.get("section")).append(entry)
    elif kind == "hapus":
        found = _find(nav, page)
        if not found:
            return text
        items, i = found
        del items[i]
    elif kind in ("naik", "turun"):
        found = _find(nav, page)
        if not found:
            raise MenuError(f"Halaman \u201c{page}\u201d tidak ada di menu.")
        items, i = found
        j = i - 1 if kind == "naik" else i + 1
        if 0 <= j < len(items):
            items[i], items[j] = items[j], items[i]
    else:
        raise MenuError(f"Perintah menu tidak dikenal: {kind}")
    return _dump(data)


def contains(text: str, page: str) -> bool:
    _, nav = _load(text)
    return _find(nav, page) is not None
