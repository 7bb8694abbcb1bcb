"""Launch readiness (admin, Kepala Dinas): the placeholders still in content/, the Maklumat's state,
and whether the holiday list reaches every open deadline; and the administrator's form that adds a
year's cuti bersama to the holiday list. The rules live in portal.domain.readiness and
portal.domain.hari_libur; this module parses, calls them, and renders."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import dashboard, hari_libur, maklumat, policy, readiness, skm_demo
from ..domain.calendar import HolidayFileError
from ..domain.errors import DataError
from . import calendar, catalog, get_db, now
from .auth import requires

bp = Blueprint("readiness", __name__, url_prefix="/pengaduan/staf")
FORM_ROWS = 12  # one SKB lists up to about ten cuti bersama days


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def holiday_warning(db=None) -> str | None:
    """The warning shown on the readiness page, the health page and the staff dashboard when the
    holiday list stops short of an open deadline or the next 60 days; None when it does not."""
    path = current_app.config["HOLIDAYS_CSV"]
    try:
        due = dashboard.open_deadlines(db or get_db(), catalog=catalog(), calendar=calendar())
        return hari_libur.warning(hari_libur.missing_years(path, now().date(), due))
    except (OSError, HolidayFileError) as exc:
        return f"Daftar hari libur ({path}) tidak dapat dibaca: {exc}"


@bp.route("/kesiapan")
@requires("kesiapan_lihat")
def index():
    content_dir = current_app.config["CONTENT_DIR"]
    problems = readiness.check_placeholders(content_dir)
    files: dict[str, list[readiness.Problem]] = {}
    for p in problems:
        files.setdefault(p.path, []).append(p)
    try:
        maklumat_message = maklumat.status(content_dir).message
    except DataError as exc:
        maklumat_message = f"Berkas Maklumat belum benar: {exc}"
    return render_template("readiness/index.html", files=files, count=len(problems),
                           production=current_app.config["PRODUCTION"], maklumat_message=maklumat_message,
                           holiday=holiday_warning(), is_admin=policy.allowed("hari_libur_ubah", current_user.roles),
                           skm_contoh=skm_demo.count(get_db()))


@bp.route("/hari-libur", methods=["GET", "POST"])
@requires("hari_libur_ubah")
def holidays():
    path = current_app.config["HOLIDAYS_CSV"]
    errors: dict[int, str] = {}
    rows = [("", "", "cuti_bersama")] * FORM_ROWS
    if request.method == "POST":
        f = request.form
        rows = [(f.get(f"tanggal_{i}", ""), f.get(f"nama_{i}", ""), f.get(f"jenis_{i}", ""))
                for i in range(1, FORM_ROWS + 1)]
        try:
            existing = [e.tanggal for year in hari_libur.by_year(path).values() for e in year]
            entries = hari_libur.parse(rows, existing=existing, today=now().date())
            hari_libur.add(path, entries)
        except hari_libur.InvalidEntries as exc:
            errors = exc.errors
        except (OSError, HolidayFileError) as exc:
            errors = {0: f"Daftar hari libur tidak dapat diubah: {exc}"}
        else:
            flash(f"{len(entries)} tanggal ditambahkan ke daftar hari libur. Batas waktu pengaduan yang masih "
                  "berjalan langsung dihitung ulang.")
            return redirect(url_for("readiness.holidays"), 303)
    try:
        listed = hari_libur.by_year(path)
    except (OSError, HolidayFileError) as exc:
        listed, errors = {}, {**errors, 0: f"Daftar hari libur tidak dapat dibaca: {exc}"}
    return render_template("readiness/holidays.html", listed=listed, rows=rows, errors=errors,
                           kinds=hari_libur.KIND_LABELS, warning=holiday_warning(), skb=hari_libur.SKB), \
        422 if errors else 200
