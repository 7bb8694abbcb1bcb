"""The Situs area's data forms: the outreach schedule, the office details and the menu, each saved
as a draft change like a page (portal.web.site_editor)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import site_changes as sc, site_forms, site_menu
from . import get_db, now
from .auth import requires
from .site_editor import _audit, _me, bp, repo


# ------------------------------------------------------------------ data forms: schedule, office, menu

def _data_change(kind: str, path: str, new_text: str, title: str, files: dict | None = None):
    """Save the form's new text (and the files it names) as the file's draft, in one save, so
    that a Conflict keeps them together in the draft the domain makes of the refused text."""
    db = get_db()
    other = sc.open_for(db, path)
    if other is not None and other.state in sc.EDITABLE and other.kind == kind:
        sc.save(db, other.id, text=new_text, title=title, version=request.form.get("version", type=int) or 0,
                actor_id=_me(), roles=current_user.roles, now=now(), files=files)
        change_id = other.id
    else:
        change_id = sc.create(db, kind=kind, path=path, title=title, text=new_text,
                              base_blob=repo().blob_id(path), actor_id=_me(), now=now(), files=files)
    _audit("situs_simpan", change_id)
    flash("Draf disimpan. Situs publik belum berubah sampai perubahan ini diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))


def _current(path: str) -> tuple[str, sc.Change | None]:
    """The text being worked on: an open draft's, else the published one."""
    other = sc.open_for(get_db(), path)
    if other is not None and other.text is not None:
        return other.text, other
    return repo().read(path) or "", None


@bp.route("/jadwal", methods=["GET", "POST"])
@requires("situs_ubah")
def schedule():
    from ..domain import regions
    text, draft = _current(sc.SCHEDULE)
    error, status = None, 200
    if request.method == "POST":
        index = request.form.get("nomor", type=int)
        try:
            new_text = site_forms.set_session(text, index, request.form)
        except sc.BadInput as exc:
            error, status = str(exc), 400
        else:
            return _data_change("jadwal", sc.SCHEDULE, new_text, "Jadwal sosialisasi tatap muka")
    return render_template("situs/schedule.html", sessions=site_forms.sessions(text), draft=draft, error=error,
                           kecamatan=regions.kecamatan_list(), form=request.form if error else {}), status


@bp.route("/kantor", methods=["GET", "POST"])
@requires("situs_ubah")
def office():
    text, draft = _current(sc.OFFICE)
    error, status = None, 200
    if request.method == "POST":
        try:
            logo = None
            upload = request.files.get("logo")
            files = {}
            if upload is not None and upload.filename:
                data, extension = site_forms.web_image(upload.read(), upload.filename)
                logo = f"assets/logo-dinas.{extension}"
                files[sc.CONTENT + logo] = (data, "Logo dinas")
            new_text = site_forms.set_office(text, request.form, logo)
        except sc.BadInput as exc:
            error, status = str(exc), 400
        else:
            return _data_change("kantor", sc.OFFICE, new_text, "Data kantor", files)
    return render_template("situs/office.html", office=site_forms.office(text), draft=draft, error=error,
                           fields=site_forms.OFFICE_FIELDS, head=site_forms.HEAD_FIELDS), status


@bp.route("/menu", methods=["GET", "POST"])
@requires("situs_ubah")
def menu():
    text = repo().read(sc.MENU) or ""
    if request.method == "POST":
        op = {"op": request.form.get("op", ""), "page": request.form.get("page", ""),
              "title": request.form.get("judul", ""), "section": request.form.get("bagian") or None}
        relpath = op["page"]
        try:
            if op["op"] not in ("tambah", "hapus", "naik", "turun"):
                raise sc.BadInput("Pilih tindakan menu.")
            if op["op"] == "tambah" and (sc.CONTENT + relpath) not in repo().files():
                raise sc.BadInput(f"Halaman \u201c{relpath}\u201d tidak ada; terbitkan dulu halamannya.")
            site_menu.apply(text, op)  # refused here, not at publishing time
            labels = {"tambah": "Tambah ke menu", "hapus": "Hapus dari menu", "naik": "Naikkan di menu",
                      "turun": "Turunkan di menu"}
            change_id = sc.create(get_db(), kind="menu", path=sc.MENU, title=f"{labels[op['op']]}: {relpath}",
                                  text=None, base_blob=None, actor_id=_me(), now=now(), menu=op)
        except (sc.BadInput, site_menu.MenuError) as exc:
            return render_template("situs/menu.html", entries=site_menu.entries(text), error=str(exc),
                                   sections=site_menu.sections(text), pages=_pages()), 400
        _audit("situs_menu", change_id)
        flash("Perubahan menu dicatat sebagai draf; menu situs berubah setelah diterbitkan.")
        return redirect(url_for(".change", change_id=change_id))
    return render_template("situs/menu.html", entries=site_menu.entries(text), error=None,
                           sections=site_menu.sections(text), pages=_pages())


def _pages() -> list[str]:
    return [p[len(sc.CONTENT):] for p in repo().files() if p.endswith(".md")
            and sc.page_path_problem(p[len(sc.CONTENT):]) is None]
