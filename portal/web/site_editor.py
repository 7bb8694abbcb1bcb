"""The Situs area of the staff portal (/pengaduan/staf/situs/): the web team writes pages, news,
materials, the outreach schedule, the office details and the menu; a second member reviews; the
Kepala Dinas approves materials; publishing queues the job (portal.publish.deploy_job).

Parses, calls portal.domain.site_changes / site_forms / site_menu / content_store, renders. Works
without JavaScript (a textarea and a "Pratinjau" button); static/situs-editor.js adds a toolbar.
Who may do what: the portal's policy table (portal.domain.policy, rows situs_*), which
site_changes.STEPS also reads; each step has its own route so that the generated refusal tests
reach it.

The routes are spread over modules by concept, all on this one blueprint (endpoint names
site_editor.*): site_editor_pages (the page editor, images, Word import, history, restoring,
removing), site_editor_preview (the preview and the assets it shows), site_editor_workflow (a
change and its review steps), site_editor_forms (schedule, office details, menu) and
site_editor_standar (the Standar Pelayanan of each service).
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit, content_store, policy, site_changes as sc, site_forms, site_refresh, site_standar
from ..publish import values
from . import catalog, get_db, now
from .auth import requires

bp = Blueprint("site_editor", __name__, url_prefix="/pengaduan/staf/situs")

KINDS = {"halaman": "Halaman", "berita": "Berita", "materi": "Materi sosialisasi", "jadwal": "Jadwal sosialisasi",
         "kantor": "Data kantor", "menu": "Menu situs", "layanan": "Standar Pelayanan"}


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.url_value_preprocessor
def upload_limit(endpoint, values):
    # Set here because this runs before every before_request, and the CSRF check there is what
    # first reads the form: the editor's own limit, not the complaint form's, decides.
    request.max_content_length = site_forms.REQUEST_MAX_BYTES


@bp.errorhandler(413)
def too_large(exc):
    mb = 1024 * 1024
    return render_template("error.html", title="Berkas terlalu besar", message=(
        f"Kiriman Anda melebihi batas ukuran editor situs: dokumen Word paling besar "
        f"{site_forms.DOCX_MAX_BYTES // mb} MB, gambar paling besar {site_forms.IMAGE_MAX_BYTES // mb} MB. "
        "Tidak ada yang disimpan; kembali dan kirim lagi dengan berkas yang lebih kecil (perkecil foto "
        "di dalam dokumen).")), 413


@bp.errorhandler(sc.Conflict)
def conflict(exc: sc.Conflict):
    """Someone saved the same file first. The domain has already kept this text as its own draft;
    every save of the area then shows that draft with the domain's explanation."""
    _audit("situs_bentrok", exc.change_id)
    flash(str(exc))
    return redirect(url_for(".change", change_id=exc.change_id))


def repo() -> content_store.Repo:
    return content_store.Repo(current_app.config["CONTENT_REPO"])


def _me() -> int:
    return current_user.user.id


def _existing(change_id: int | None = None) -> set[str]:
    files = {p[len(sc.CONTENT):] for p in repo().files()}
    if change_id:
        files |= {f["path"][len(sc.CONTENT):] for f in sc.files_of(get_db(), change_id)}
    return files


def _value_names() -> set[str]:
    "The named values a page may write ({{ tenggat.tanggapan }}), as the build will fill them."
    return set(values.named(catalog().time_standards))


def _audit(action: str, change_id: int) -> None:
    audit.record(get_db(), _me(), action, f"perubahan situs {change_id}", now())


def _title(text: str, path: str) -> str:
    meta, body = site_forms.decompose(text)
    if meta.get("title"):
        return str(meta["title"])
    heading = re.search(r"^# (.+)$", body, re.MULTILINE)
    return heading.group(1).strip() if heading else path.rsplit("/", 1)[-1]


def _kind_of(path: str) -> str:
    """The kind of an existing file, from where it is: a data file's kind is its form's."""
    if path == sc.SCHEDULE:
        return "jadwal"
    if path == sc.OFFICE:
        return "kantor"
    if site_standar.slug_of(path):
        return "layanan"
    return "berita" if path.startswith(sc.NEWS) else "materi" if path.startswith(sc.MATERIALS) else "halaman"


# ------------------------------------------------------------------ overview

@bp.route("/")
@requires("situs_lihat")
def index():
    db = get_db()
    pages = [p for p in repo().files("content/") if p.endswith(".md")
             and sc.page_path_problem(p[len(sc.CONTENT):]) is None]
    return render_template("situs/index.html", changes=sc.list_changes(db, open_only=True),
                           recent=[c for c in sc.list_changes(db, limit=15) if not sc.STATES[c.state].open],
                           pages=pages, jobs=sc.jobs(db, 5), kinds=KINDS, refreshes=site_refresh.recent(db),
                           can_edit=policy.allowed("situs_ubah", current_user.roles))


# The routes of the other concepts join bp when their modules are imported.
from . import site_editor_forms, site_editor_pages, site_editor_preview, site_editor_workflow  # noqa: E402,F401
from . import site_editor_standar  # noqa: E402,F401
