"""Staff pages: the complaint list and the operator's entry of complaints from other channels."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain import complaints, outbox, tracking, workflow
from . import calendar, catalog, get_db, now
from .auth import role_required
from .forms import OperatorEntryForm
from .public import limits, read_files

bp = Blueprint("staff", __name__, url_prefix="/pengaduan/staf")

STAFF_ROLES = ("operator", "kabid", "kadis", "pejabat", "admin")


@bp.route("/")
@role_required(*STAFF_ROLES)
def index():
    rows = [
        {"code": tracking.display(r[0]), "received_at": datetime.fromisoformat(r[1]),
         "channel": catalog().channels.get(r[2], r[2]), "category": catalog().categories.get(r[3], r[3]),
         "state": workflow.STATES[r[4]].label}
        for r in get_db().execute(
            "SELECT tracking_code, received_at, channel, category, state FROM complaints "
            "ORDER BY received_at DESC LIMIT 100")
    ]
    return render_template("staff/index.html", rows=rows, backlog=outbox.backlog(get_db()))


@bp.route("/catat", methods=["GET", "POST"])
@role_required("operator")
def entry():
    form = OperatorEntryForm()
    form.fill_choices(catalog())
    if form.validate_on_submit():
        errors = {}
        received = None
        try:
            received = datetime.strptime((form.received_at.data or "").strip(), "%Y-%m-%dT%H:%M").replace(
                tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
        except ValueError:
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
