"""The complaint form as a citizen on a 360 px phone sees it: real waitress server, real Chromium.

Required fields are derived from what the server refuses, never listed here by hand.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


def _submit(page):
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.locator("#ringkasan-galat")).to_be_visible()


def _fields_in_error(page) -> set[str]:
    hrefs = page.locator("#ringkasan-galat a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return {h.lstrip("#") for h in hrefs}


def _label_and_hint(page, field_id: str) -> tuple[str, str]:
    label = page.locator(f"label[for='{field_id}']").inner_text()
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    hints = " ".join(page.locator(f"#{i}").inner_text() for i in described.split() if i.endswith("-hint"))
    return label, hints


def test_every_field_the_server_requires_is_marked(page, live_server):
    page.goto(live_server.url + "/pengaduan/")
    _submit(page)
    required = _fields_in_error(page)
    # The desa is checked only once a kecamatan is chosen.
    page.get_by_label("Kecamatan").select_option(label="Trenggalek")
    _submit(page)
    required |= _fields_in_error(page)
    # What an empty anonymous complaint may leave empty is required only in some cases.
    page.get_by_label("Kecamatan").select_option(value="")
    page.get_by_role("radio", name=re.compile("^Anonim")).check()
    _submit(page)
    conditional = required - _fields_in_error(page) - {"desa"}  # desa: asked once a kecamatan is chosen
    assert {"name", "email", "category", "kecamatan", "body", "consent", "desa"} <= required
    assert conditional >= {"name", "email"}
    for field_id in sorted(required):
        label, hint = _label_and_hint(page, field_id)
        assert "*" in label, f"{field_id}: no * in its label {label!r}"
        if field_id in conditional:
            assert "wajib" in hint.lower(), f"{field_id}: its hint does not say when it is required: {hint!r}"
