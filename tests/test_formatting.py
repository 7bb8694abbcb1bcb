"""Dates and numbers read the same in pages, letters, e-mails and files: one formatting module."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.domain import formatting


def test_dates_name_the_month_without_padding_the_day():
    day = date(2027, 1, 1)
    for _ in range(800):
        assert formatting.tanggal(day) == f"{day.day} {formatting.BULAN[day.month - 1]} {day.year}"
        assert formatting.tanggal_panjang(day).endswith(", " + formatting.tanggal(day))
        day += timedelta(days=1)
    assert formatting.tanggal("2026-11-25T14:00:00+07:00") == formatting.tanggal(date(2026, 11, 25))


def test_numbers_group_thousands_with_a_dot_and_decimals_with_a_comma():
    assert formatting.angka(1234567) == "1.234.567"
    assert formatting.angka(-1234567) == "-1.234.567"
    assert formatting.angka(1.5, 2) == "1,50"
    assert formatting.persen(12.25, 1) == formatting.angka(12.25, 1) + " %"


def test_templates_format_stored_times_as_the_domain_does(app):
    stored = "2026-11-02T09:05:00+07:00"
    with app.app_context():
        rendered = app.jinja_env.from_string("{{ t|tanggal }} {{ t|jam }} {{ n|angka }} {{ s|angka }}").render(
            t=stored, n=50000, s="-")
    moment = datetime.fromisoformat(stored)
    assert rendered == f"{formatting.tanggal_panjang(moment)} {formatting.jam(moment)} {formatting.angka(50000)} -"


def test_a_moment_stored_in_utc_reads_in_office_time(app):
    """The site editor stores UTC, the portal's clock office time: both read as office time."""
    with app.app_context():
        render = app.jinja_env.from_string("{{ t|waktu }}").render
        assert render(t="2026-11-29T08:53:00+00:00") == "Minggu, 29 November 2026 pukul 15.53 WIB"
        assert render(t="2026-11-29T15:53:00+07:00") == "Minggu, 29 November 2026 pukul 15.53 WIB"
    assert formatting.waktu(datetime(2026, 11, 29, 15, 53)) == "Minggu, 29 November 2026 pukul 15.53"
