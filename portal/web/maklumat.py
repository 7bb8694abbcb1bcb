"""The Maklumat Pelayanan in the staff portal: the text as the site will show it, whether the site
shows it, and the Kepala Dinas's approval (which also writes the file the site reads). The rules
live in portal.domain.maklumat; this module parses, calls it, and renders."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import maklumat, policy, readiness
from ..domain.errors import DataError
from . import get_db, now
from .auth import requires

bp = Blueprint("maklumat", __name__, url_prefix="/pengaduan/staf")


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/maklumat")
@requires("maklumat_lihat")
def page():
    content_dir = current_app.config["CONTENT_DIR"]
    state, error = None, None
    try:
        state = maklumat.status(content_dir)
    except DataError as exc:
        error = str(exc)
    production = current_app.config["PRODUCTION"]
    return render_template("maklumat/staff.html", state=state, error=error, production=production,
                           placeholders=readiness.check_placeholders(content_dir) if production else [],
                           recorded=maklumat.latest_approval(get_db()), can_approve=policy.allowed("maklumat_setujui", current_user.roles))


@bp.route("/maklumat/setujui", methods=["POST"])
@requires("maklumat_setujui")
def approve():
    try:
        maklumat.approve(get_db(), current_app.config["CONTENT_DIR"], actor_id=current_user.user.id,
                         roles=current_user.roles, jabatan=current_user.user.jabatan or "",
                         expected_hash=request.form.get("sidik", ""), now=now(),
                         production=current_app.config["PRODUCTION"])
    except (maklumat.MaklumatError, readiness.PlaceholdersRemain) as exc:
        flash(str(exc))
    else:
        flash("Maklumat Pelayanan disetujui. Maklumat tampil di situs pada pembangunan situs berikutnya.")
    return redirect(url_for("maklumat.page"), 303)
