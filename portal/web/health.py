"""GET /pengaduan/sehat: is the portal healthy? For the ADB and for a monitor.

Answers JSON (``/pengaduan/sehat.json``, or ``Accept: application/json``) or a small page:
the database is writable (a write in a transaction that is rolled back), the e-mail outbox
backlog and the age of its oldest unsent message, the age of the last good backup, and the
free space on the data and backup disks. No personal data and no version numbers. The status
is ``ok``, ``peringatan`` (a warning: answered 200) or ``gagal`` (the database cannot be
written: answered 503, so that a monitor alerts).

(ProxyFix for TRUSTED_PROXIES is set up by the app factory, portal/__init__.py.)
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, render_template_string, request

from ..config import REPO_ROOT
from ..domain import backup

bp = Blueprint("health", __name__, url_prefix="/pengaduan")

OUTBOX_WARN_SECONDS = 3600  # the sender passes every OUTBOX_INTERVAL seconds; an hour means it is stuck

PAGE = """{% extends "base.html" %}
{% block title %}Kesehatan sistem{% endblock %}
{% block content %}
<h1>Kesehatan sistem: {{ r.status }}</h1>
<table>
<tr><th scope="row">Basis data dapat ditulis</th><td>{{ "ya" if r.database.writable else "TIDAK" }}</td></tr>
<tr><th scope="row">E-mail belum terkirim</th><td>{{ r.outbox.unsent }}{% if r.outbox.oldest_age_seconds is not none %}
  (tertua {{ (r.outbox.oldest_age_seconds / 60) | round(0) | int }} menit){% endif %}</td></tr>
<tr><th scope="row">Cadangan baik terakhir</th><td>{% if r.backup.last_age_hours is none %}belum ada{% else %}
  {{ r.backup.last_age_hours }} jam lalu{% endif %}</td></tr>
{% for d in r.disk %}<tr><th scope="row">Ruang kosong ({{ d.name }})</th><td>{{ d.free_mb }} MB</td></tr>{% endfor %}
</table>
{% if r.warnings %}<ul>{% for w in r.warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}
{% endblock %}"""


def _database_writable(path: str) -> tuple[bool, str | None]:
    try:
        conn = sqlite3.connect(path, timeout=2)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO job_runs (name, day, at) VALUES ('sehat', '-', '-')")
            conn.rollback()
        finally:
            conn.close()
        return True, None
    except sqlite3.Error as exc:
        return False, type(exc).__name__


def report() -> dict:
    config = current_app.config
    now = datetime.now(timezone.utc)
    warnings = []
    writable, error = _database_writable(config["DATABASE"])
    if not writable:
        warnings.append(f"Basis data tidak dapat ditulis ({error}).")

    unsent, oldest_age = None, None
    try:
        conn = sqlite3.connect(f"file:{config['DATABASE']}?mode=ro", uri=True, timeout=2)
        try:
            unsent, oldest = conn.execute(
                "SELECT count(*), min(created_at) FROM outbox WHERE status != 'sent'").fetchone()
        finally:
            conn.close()
        if oldest:
            oldest_age = max(0, int((now - datetime.fromisoformat(oldest)).total_seconds()))
            if oldest_age > OUTBOX_WARN_SECONDS:
                warnings.append("Ada e-mail yang belum terkirim lebih dari satu jam; periksa layanan pengirim "
                                "dan server SMTP.")
    except sqlite3.Error:
        pass

    backup_dir = backup.resolve_dir(config["BACKUP_DIR"], REPO_ROOT)
    last = backup.last_good(backup_dir)
    last_age = None
    if last is None:
        warnings.append("Belum ada cadangan yang baik.")
    else:
        taken = last.taken_at.replace(tzinfo=ZoneInfo(config["TIMEZONE"]))  # named in office time
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

    if writable:
        from .readiness import holiday_warning  # cuti bersama must be listed for every year a deadline reaches
        holiday = holiday_warning()
        if holiday:
            warnings.append(holiday)

    status = "gagal" if not writable else ("peringatan" if warnings else "ok")
    return {
        "status": status,
        "database": {"writable": writable},
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


@bp.get("/sehat")
def page():
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return _respond(best == "application/json")


@bp.get("/sehat.json")
def as_json():
    return _respond(True)


def init_app(app) -> None:
    app.register_blueprint(bp)
