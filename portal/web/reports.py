"""Staff pages for the annual complaint report: view a year's figures, export them for the site,
the Kepala Dinas's approval, and the two workbooks (figures; the register with personal data).

Who may do what is the policy table (portal.domain.policy: laporan_*). The rules live in
portal.domain.reports; this module parses the request, calls it, and renders.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit, policy, report_xlsx, reports
from . import calendar, catalog, get_db, now
from .auth import requires

bp = Blueprint("reports", __name__, url_prefix="/pengaduan/staf/laporan")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _out_dir() -> str:
    return str(reports.report_dir(current_app.config["CONTENT_DIR"]))


def _year(tahun: int) -> int:
    if tahun < 2000 or tahun > now().year:
        abort(404)
    return tahun


@bp.route("/")
@requires("laporan_lihat")
def index():
    out_dir = _out_dir()
    rows = []
    for tahun in reports.years(get_db(), out_dir, now().date()):
        doc = reports.read(out_dir, tahun)
        rows.append({"tahun": tahun, "doc": doc})
    return render_template("reports/index.html", rows=rows, report_approved=reports.is_approved)


@bp.route("/<int:tahun>")
@requires("laporan_lihat")
def show(tahun):
    tahun = _year(tahun)
    doc = reports.read(_out_dir(), tahun)
    approval = reports.latest_approval(get_db(), tahun)
    return render_template("reports/show.html", tahun=tahun, doc=doc, approval=approval,
                           report_approved=reports.is_approved,
                           can_approve=policy.allowed("laporan_setujui", current_user.roles, subject=doc))


@bp.route("/<int:tahun>/ekspor", methods=["POST"])
@requires("laporan_lihat")
def export(tahun):
    tahun = _year(tahun)
    moment = now()
    try:
        doc = reports.export(get_db(), tahun, _out_dir(), catalog=catalog(), calendar=calendar(),
                             today=moment.date(), min_count=current_app.config["REPORT_MIN_COUNT"],
                             actor_id=current_user.user.id, now=moment)
    except reports.ReportError as exc:
        flash(str(exc))
    else:
        flash(f"Angka laporan {tahun} dihitung ulang dari catatan pengaduan dan diekspor "
              f"({'disetujui' if reports.is_approved(doc) else 'draf, menunggu persetujuan Kepala Dinas'}).")
    return redirect(url_for("reports.show", tahun=tahun), 303)


@bp.route("/<int:tahun>/setujui", methods=["POST"])
@requires("laporan_setujui")
def approve(tahun):
    tahun = _year(tahun)
    try:
        reports.approve(get_db(), tahun, _out_dir(), actor_id=current_user.user.id, roles=current_user.roles,
                        jabatan=current_user.user.jabatan or "", expected_hash=request.form.get("sidik", ""),
                        now=now())
    except reports.ReportError as exc:
        flash(str(exc))
    else:
        flash(f"Laporan {tahun} disetujui. Laporan akan tampil di situs pada pembangunan situs berikutnya.")
    return redirect(url_for("reports.show", tahun=tahun), 303)


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:tahun>/angka.xlsx")
@requires("laporan_lihat")
def figures_xlsx(tahun):
    tahun = _year(tahun)
    doc = reports.read(_out_dir(), tahun)
    if doc is None:
        try:
            figures, period = reports.compute(get_db(), tahun, catalog=catalog(), calendar=calendar(),
                                              today=now().date(), min_count=current_app.config["REPORT_MIN_COUNT"])
        except reports.ReportError as exc:
            flash(str(exc))
            return redirect(url_for("reports.show", tahun=tahun), 303)
        doc = reports.document(tahun, period, figures, current_app.config["REPORT_MIN_COUNT"], None)
    return _xlsx(report_xlsx.figures_xlsx(doc), f"laporan-pengaduan-{tahun}.xlsx")


@bp.route("/<int:tahun>/register.xlsx")
@requires("laporan_register")
def register_xlsx(tahun):
    tahun = _year(tahun)
    rows = report_xlsx.register_rows(get_db(), tahun, catalog=catalog())
    # Personal data leaves the portal: UU 27/2022 Ps. 31 asks that it be recorded.
    audit.record(get_db(), current_user.user.id, "unduh_register", f"register pengaduan {tahun} ({len(rows)} baris)",
                 now())
    return _xlsx(report_xlsx.register_xlsx(rows, tahun), f"register-pengaduan-{tahun}.xlsx")
