"""GET /pengaduan/sehat: is the portal healthy? For the ADB and for a monitor.

Answers JSON (``/pengaduan/sehat.json``, or ``Accept: application/json``) or a small page:
the database can be read and its file and directory can be written, the e-mail outbox
backlog and the age of its oldest unsent message, the age of the last good backup, and the
free space on the data and backup disks. No personal data and no version numbers. The status
is ``ok``, ``peringatan`` (a warning: answered 200) or ``gagal`` (the database cannot be read,
or its files cannot be written: answered 503, so that a monitor alerts).

The page is public, so it is cheap and harmless: one read-only connection (``mode=ro`` and
``query_only``) and one small query. It never takes the write lock, so a long write elsewhere
neither delays it nor is delayed by it, and it is rate-limited per client
(``PORTAL_RATELIMIT_HEALTH``).

(ProxyFix for TRUSTED_PROXIES is set up by the app factory, portal/__init__.py.)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template_string, request

from .. import db as database
from ..clock import office_now, office_tz
from ..config import REPO_ROOT
from ..domain import backup, outbox
from . import limiter

bp = Blueprint("health", __name__, url_prefix="/pengaduan")

OUTBOX_WARN_SECONDS = 3600  # the sender passes every OUTBOX_INTERVAL seconds; an hour means it is stuck

PAGE = """{% extends "base.html" %}
{% block title %}Kesehatan sistem{% endblock %}
{% block content %}
<h1>Kesehatan sistem: {{ r.status }}</h1>
<table>
<tr><th scope="row">Basis data dapat dibaca</th><td>{{ "ya" if r.database.readable else "TIDAK" }}</td></tr>
<tr><th scope="row">Berkas basis data dapat ditulis</th><td>{{ "ya" if r.database.writable else "TIDAK" }}</td></tr>
<tr><th scope="row">E-mail belum terkirim</th><td>{{ r.outbox.unsent }}{% if r.outbox.oldest_age_seconds is not none %}
  (tertua {{ (r.outbox.oldest_age_seconds / 60) | round(0) | int }} menit){% endif %}</td></tr>
<tr><th scope="row">Cadangan baik terakhir</th><td>{% if r.backup.last_age_hours is none %}belum ada{% else %}
  {{ r.backup.last_age_hours }} jam lalu{% endif %}</td></tr>
{% for d in r.disk %}<tr><th scope="row">Ruang kosong ({{ d.name }})</th><td>{{ d.free_mb }} MB</td></tr>{% endfor %}
</table>
{% if r.warnings %}<ul>{% for w in r.warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}
{% endblock %}"""


def _outbox(path: str) -> dict:
    """Unsent e-mail and the creation time of the oldest, on a read-only connection: no write,
    no wait for a writer."""
    db = database.connect_readonly(path)
    try:
        return outbox.backlog(db)
    finally:
        db.close()


def _files_writable(path: str) -> bool:
    """The portal's user may write the database and its directory (the -wal and -shm files):
    file permissions and a read-only mount, from the inode alone."""
    return all(os.access(p, os.R_OK | os.W_OK) for p in (path, os.path.dirname(path) or "."))


def report() -> dict:
    config = current_app.config
    now = office_now(current_app)  # aware: the outbox's and the backup's times subtract from it
    warnings = []
    unsent, oldest_age = None, None
    try:
        backlog = _outbox(config["DATABASE"])
        unsent, oldest = backlog["unsent"], backlog["oldest"]
        readable = True
    except sqlite3.Error as exc:
        readable = False
        warnings.append(f"Basis data tidak dapat dibaca ({type(exc).__name__}).")
    else:
        if oldest:
            oldest_age = max(0, int((now - datetime.fromisoformat(oldest)).total_seconds()))
            if oldest_age > OUTBOX_WARN_SECONDS:
                warnings.append("Ada e-mail yang belum terkirim lebih dari satu jam; periksa layanan pengirim "
                                "dan server SMTP.")
    writable = _files_writable(config["DATABASE"])
    if not writable:
        warnings.append("Berkas basis data atau direktorinya tidak dapat ditulis oleh portal; periksa izin "
                        "direktori data.")

    backup_dir = backup.resolve_dir(config["BACKUP_DIR"], REPO_ROOT)
    last = backup.last_good(backup_dir)
    last_age = None
    if last is None:
        warnings.append("Belum ada cadangan yang baik.")
    else:
        taken = last.taken_at.replace(tzinfo=office_tz(config))  # named in office time
        last_age = round(max(0.0, (now - taken).total_seconds() / 3600), 1)
        if last_age > config["BACKUP_MAX_AGE_HOURS"]:
            warnings.append(f"Cadangan baik terakhir berumur {last_age} jam.")

    disks = []
    for name, path in (("data", Path(config["DATA_DIR"])), ("cadangan", backup_dir)):
        if not path.exists():
            continue
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
        disks.append({"name": name, "free_mb": free_mb})
        if free_mb < config["MIN_FREE_DISK_MB"]:
            warnings.append(f"Ruang disk {name} tinggal {free_mb} MB.")

    if readable:
        from .readiness import holiday_warning  # cuti bersama must be listed for every year a deadline reaches
        ro = database.connect_readonly(config["DATABASE"])
        try:
            holiday = holiday_warning(ro)
        finally:
            ro.close()
        if holiday:
            warnings.append(holiday)

    status = "gagal" if not (readable and writable) else ("peringatan" if warnings else "ok")
    return {
        "status": status,
        "database": {"readable": readable, "writable": writable},
        "outbox": {"unsent": unsent, "oldest_age_seconds": oldest_age},
        "backup": {"last_age_hours": last_age},
        "disk": disks,
        "warnings": warnings,
    }


def _respond(as_json: bool):
    result = report()
    code = 503 if result["status"] == "gagal" else 200
    if as_json:
        response = jsonify(result)
    else:
        response = current_app.make_response(render_template_string(PAGE, r=result))
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


# One count for the page and its JSON form: each hit still reads the database and the disks.
health_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_HEALTH"], scope="sehat")


@bp.get("/sehat")
@health_limit
def page():
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return _respond(best == "application/json")


@bp.get("/sehat.json")
@health_limit
def as_json():
    return _respond(True)


def init_app(app) -> None:
    app.register_blueprint(bp)
