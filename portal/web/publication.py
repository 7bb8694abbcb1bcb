"""Operator pages for the public list: check the redacted version beside the original, approve;
withdraw a published item."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit, handling, publication, tracking
from . import catalog, get_db, now
from .auth import requires
from .case import actor, load

bp = Blueprint("publication", __name__, url_prefix="/pengaduan/staf")


def export_dir() -> Path:
    return Path(current_app.config["PUBLIC_DATA_DIR"])


@bp.route("/publikasi")
@requires("publikasi_ubah")
def index():
    db = get_db()
    return render_template("staff/publication_index.html", waiting=publication.waiting(db),
                           published=publication.staff_items(db, catalog()))


@bp.route("/p/<ref>/publikasi/tarik", methods=["POST"])
@requires("publikasi_tarik")
def withdraw(ref):
    db = get_db()
    complaint = load(ref)
    try:
        number = publication.withdraw(db, complaint["id"], actor(), now())
    except publication.NotPublishable as exc:
        flash(str(exc))
    else:
        publication.export(db, catalog(), export_dir())
        flash(f"Pengaduan publik nomor {number} ditarik dari daftar pengaduan publik. Pengaduan itu hilang dari "
              "situs setelah situs dibangun ulang.")
    return redirect(url_for("publication.index"), 303)


@bp.route("/p/<ref>/publikasi", methods=["GET", "POST"])
@requires("publikasi_ubah")
def edit(ref):
    db = get_db()
    complaint = load(ref)
    if not publication.publishable(db, complaint):
        abort(404)
    error = None
    body, reply = publication.suggestion(db, complaint)
    if request.method == "POST":
        body, reply = request.form.get("body", ""), request.form.get("reply", "")
        try:
            number = publication.approve(db, complaint["id"], actor(), now(), body=body, reply=reply)
        except (publication.NotPublishable, handling.HandlingError) as exc:
            error = str(exc)
        else:
            publication.export(db, catalog(), export_dir())
            flash(f"Disetujui untuk dipublikasikan dengan nomor {number}. Daftar pengaduan publik diperbarui; "
                  "tampil di situs setelah situs dibangun ulang.")
            return redirect(url_for("publication.index"), 303)
    else:
        audit.record(db, current_user.user.id, "lihat_pengaduan", f"pengaduan {complaint['id']} (publikasi)", now())
    original_reply = publication.original_reply(db, complaint["id"])
    return render_template("staff/publication_edit.html", c=complaint, code=tracking.display(complaint["tracking_code"]),
                           body=body, reply=reply, original_reply=original_reply, error=error), 422 if error else 200
