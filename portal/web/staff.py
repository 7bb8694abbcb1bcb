"""Staff pages: the complaint list and the operator's entry of complaints from other channels."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import dashboard as dashboard_figures
from ..domain import complaints, inbox, regions, tracking, workflow
from . import calendar, catalog, get_db, now, params
from .auth import requires
from .forms import OperatorEntryForm
from .public import limits, read_files

bp = Blueprint("staff", __name__, url_prefix="/pengaduan/staf")


def _filters() -> inbox.Filters:
    a = request.args

    def day(name):
        try:
            return date.fromisoformat(a.get(name, ""))
        except ValueError:
            return None
    page = params.whole_number(a, "halaman", low=1, high=params.MAX_PAGE, default=1)
    state = a.get("status", "")
    return inbox.Filters(state=state if state in workflow.STATES else "", category=a.get("kategori", ""),
                         channel=a.get("saluran", ""), kecamatan=a.get("kecamatan", ""),
                         date_from=day("dari"), date_to=day("sampai"), q=a.get("q", "")[:200],
                         mine=a.get("semua") != "1", page=page)


def _row_view(row: dict) -> dict:
    kec = regions.get(row["kecamatan"])
    return {**row, "code": tracking.display(row["tracking_code"]),
            "received_at": datetime.fromisoformat(row["received_at"]),
            "channel": catalog().channels.get(row["channel"], row["channel"]),
            "category": catalog().categories.get(row["category"], row["category"]),
            "kecamatan": kec.nama if kec else "", "state": workflow.STATES[row["state"]].label}


@bp.route("/")
@requires("lihat_pengaduan")
def index():
    filters = _filters()
    page = inbox.search(get_db(), filters, roles=current_user.roles, user_id=current_user.user.id, now=now())
    args = {k: v for k, v in request.args.items() if k != "halaman"}
    rows = inbox.describe(get_db(), page.rows, catalog=catalog(), calendar=calendar(), now=now())
    return render_template("staff/index.html", rows=[_row_view(r) for r in rows], page=page, f=filters,
                           args=args, mail_notice=inbox.mail_notice(get_db(), current_user.roles),
                           states=workflow.STATES,
                           categories=catalog().categories, channels=catalog().channels,
                           kecamatan=regions.kecamatan_list())


@bp.route("/dasbor")
@requires("lihat_pengaduan")
def dashboard():
    today = now().date()
    per_state, per_person = dashboard_figures.overdue(get_db(), catalog=catalog(), calendar=calendar(), today=today)
    counts = inbox.state_counts(get_db())
    return render_template("staff/dashboard.html", today=today,
                           counts=[(s.label, counts.get(code, 0)) for code, s in workflow.STATES.items()],
                           overdue_state=per_state, overdue_person=per_person,
                           times=dashboard_figures.step_times(get_db(), calendar(), today),
                           stuck=dashboard_figures.stuck(get_db(), now()))


@bp.route("/catat", methods=["GET", "POST"])
@requires("catat_pengaduan")
def entry():
    form = OperatorEntryForm()
    form.fill_choices(catalog())
    if form.validate_on_submit():
        errors = {}
        received = params.moment(form.received_at.data)
        if received is None:
            errors["received_at"] = "Isi tanggal dan jam pengaduan diterima, misalnya 2026-11-25T09:30."
        if received is not None and received > now():
            errors["received_at"] = "Tanggal diterima tidak boleh di masa depan."
        new = complaints.NewComplaint(
            channel=form.channel.data or "", category=form.category.data or "",
            kecamatan=form.kecamatan.data or "", desa=form.desa.data or "",
            visibility=form.visibility.data or "", body=form.body.data or "",
            name=form.name.data or "", email=form.email.data or "", phone=form.phone.data or "",
            nik=form.nik.data or "", lapor_id=form.lapor_id.data or "", received_at=received,
            entered_by=current_user.user.id)
        try:
            new = complaints.validate(new, catalog(), limits(), now().date())
        except complaints.InvalidComplaint as exc:
            errors.update(exc.errors)
        files, file_error = read_files("files")
        if file_error:
            errors["files"] = file_error
        if not errors:
            try:
                filed = complaints.file_complaint(
                    get_db(), new, files, catalog=catalog(), calendar=calendar(),
                    upload_dir=current_app.config["UPLOAD_DIR"], now=now(),
                    base_url=current_app.config["BASE_URL"], limits=limits())
            except complaints.DuplicateLaporId as exc:
                errors["lapor_id"] = str(exc)
            else:
                flash(f"Pengaduan tercatat dengan kode {filed.tracking_code}. "
                      f"Batas tanggapan: {filed.due.explanation[-1]}")
                return redirect(url_for("staff.index"), 303)
        form.show_errors(errors)
    return render_template("staff/entry.html", form=form), 200 if not form.errors else 422
