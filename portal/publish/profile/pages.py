"""The building blocks of a generated page: the page itself, its charts, tables and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...domain import regions
from .. import charts
from ...domain.formatting import angka, persen
from ..materials import md_text
from ..profile_data import Period
from .edition import DASH

@dataclass
class Page:
    """One generated page: its path (relative to content/), title and body, and its charts."""

    path: str
    title: str
    body: str
    svgs: dict[str, str] = field(default_factory=dict)  # file name (beside the page) -> SVG


def _num(value, decimals: int = 0) -> str:
    return DASH if value is None else angka(value, decimals)


def _pct(value, decimals: int = 2) -> str:
    return DASH if value is None else persen(value, decimals)


def _signed(value: int) -> str:
    return ("+" if value > 0 else "") + angka(value)


_HEADER_CELL = re.compile(r"^\| ([^|]*?) \|", re.MULTILINE)


def focusable(markdown_table: str) -> str:
    """Let a keyboard reach a table that is wider than a phone: Material puts every table in a
    scrolling box without a tab stop (axe: scrollable-region-focusable), so the first header cell
    gets one; with it focused, the arrow keys scroll the box."""
    return _HEADER_CELL.sub(lambda m: f'| <span tabindex="0">{m.group(1)}</span> |', markdown_table, count=1)


def _table(headers: list[str], rows: list[list], text_columns: int = 1) -> str:
    table = charts.table(headers, rows, align_right_from=text_columns)
    # A table wider than the phone gets its "geser ke samping" cue from the site's stylesheet and script.
    return focusable(table) if len(headers) > 2 else table


class Figures:
    """Collects the charts of a page: each call returns the Markdown of the chart and its table."""

    def __init__(self, page: Page):
        self.page = page

    def __call__(self, name: str, svg: str, alt: str, headers: list[str], rows: list[list], caption: str = "", *,
                 text_columns: int = 1) -> str:
        self.page.svgs[f"{name}.svg"] = svg
        return focusable(charts.figure(f"{name}.svg", alt, headers, rows, caption, align_right_from=text_columns))


def kecamatan_slug(kec: regions.Region) -> str:
    return re.sub(r"[^a-z0-9]+", "-", kec.nama.lower()).strip("-")


def contoh_note(period: Period) -> str:
    if not period.contoh:
        return ""
    return ('!!! warning "Data contoh"\n\n'
            f"    Halaman ini memuat **data contoh (simulasi)** untuk {period.label}, bukan data resmi. "
            f"Sumber: {md_text(period.sumber)}.\n\n")


def schema_topic(fld: str) -> str:
    return "kelahiran_kematian" if fld.startswith(("lahir_", "mati_")) else "mutasi"

