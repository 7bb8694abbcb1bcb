"""Staff page for data-subject requests: export everything held about one complainant."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..domain import emails, policy, subject_access
from . import get_db, now
from .auth import requires

bp = Blueprint("privacy", __name__, url_prefix="/pengaduan/staf")


@bp.route("/data-pribadi", methods=["GET", "POST"])
@requires("data_subjek")
def subject_request():
    # POST, so that the e-mail address or phone number searched for never sits in a URL or a log.
    message, status = None, 200
    if request.method == "POST":
        f = request.form
        try:
            found = subject_access.find(get_db(), code=f.get("code", ""), email=f.get("email", ""),
                                        phone=f.get("phone", ""))
        except emails.InvalidEmail as exc:
            return render_template("staff/subject_request.html", message=str(exc)), 422
        ids = [cid for cid in found if policy.sees_identity(get_db(), cid, current_user.roles, current_user.user.id)]
        if ids:
            document = subject_access.export(get_db(), ids, actor_id=current_user.user.id, now=now())
            response = current_app.response_class(document, mimetype="application/json")
            response.headers["Content-Disposition"] = f'attachment; filename="data-pribadi-{now():%Y%m%d-%H%M}.json"'
            return response
        message, status = "Tidak ada pengaduan yang cocok dengan data tersebut.", 404
    return render_template("staff/subject_request.html", message=message), status
