"""Numeric request parameters, each read with a lower and an upper bound; and the moment typed
in a datetime-local field.

A number in a URL or form comes from whoever sent it: an unbounded page number overflowed
SQLite's 64-bit integer (a 500), and a negative index picked a template from the end of the
list. Every numeric query or form parameter of the web layer is read here.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app

from ..clock import office_tz
from ..domain.formatting import angka

# SQLite's INTEGER, and so every row id, is a signed 64-bit number.
MAX_ID = 2**63 - 1
# The inbox shows 25 complaints a page: 100.000 pages is far beyond any real list.
MAX_PAGE = 100_000
# A difference between a kecamatan's figure and SIAK's larger than a million people is no
# tolerance any more (the kabupaten has about 750.000).
MAX_TOLERANCE = 1_000_000
# Digits only (no "1e9", "2.0", "٣" or "1_000"); at most 19, so int() never sees a long string.
_WHOLE = re.compile(r"[+-]?[0-9]{1,19}")


def parse(raw: str | None, *, low: int, high: int) -> int | None:
    """The whole number written in raw if it lies in [low, high], else None."""
    raw = (raw or "").strip()
    if not _WHOLE.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def whole_number(source, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
    """Parameter `name` of source (request.args or request.form) as a whole number in
    [low, high]; default when it is absent, not a whole number or out of bounds.

    For parameters with a natural fallback: a page number, an optional choice, or an id that
    the domain then reports as unknown in its own words."""
    value = parse(source.get(name), low=low, high=high)
    return default if value is None else value


def whole_numbers(source, name: str, *, low: int, high: int) -> list[int]:
    """Every value of a repeated parameter (several checkboxes) that is a whole number in
    [low, high]; the others are left out."""
    return [v for v in (parse(raw, low=low, high=high) for raw in source.getlist(name)) if v is not None]


def checked_number(source, name: str, *, low: int, high: int, default: int, label: str) -> tuple[int, str | None]:
    """(value, None) for a whole number in [low, high] or an absent parameter (then default);
    (default, message) otherwise, the message in Indonesian for the page's 400 answer."""
    raw = (source.get(name) or "").strip()
    if not raw:
        return default, None
    value = parse(raw, low=low, high=high)
    if value is None:
        return default, f"{label} harus bilangan bulat dari {angka(low)} sampai {angka(high)}."
    return value, None


# What an <input type="datetime-local"> sends and shows: 2026-11-25T09:30.
LOCAL_MOMENT = "%Y-%m-%dT%H:%M"


def moment(raw: str | None) -> datetime | None:
    """The moment typed in a datetime-local field, in the office's time zone; None when empty
    or not such a value."""
    try:
        parsed = datetime.strptime((raw or "").strip(), LOCAL_MOMENT)
    except ValueError:
        return None
    return parsed.replace(tzinfo=office_tz(current_app.config))
