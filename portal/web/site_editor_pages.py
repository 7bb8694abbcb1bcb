"""The Situs area's pages: the editor (new and existing pages, news, materials), images, Word
import, a file's history, restoring an old version and removing a page (portal.web.site_editor)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import site_changes as sc, site_forms, site_menu
from . import get_db, now
from .auth import requires
from .site_editor import KINDS, _audit, _existing, _kind_of, _me, _title, _value_names, bp, repo


# ------------------------------------------------------------------ the editor

def _editor_context(change: sc.Change | None, *, kind: str, path: str, text: str | None, base_blob: str | None,
                    error: str | None = None, title: str = "", form: dict | None = None) -> dict:
    meta, body = site_forms.decompose(text)
    fields = {"isi": body, "tanggal": str(meta.get("date", "") or ""), "title": meta.get("title", ""),
              "audiens": meta.get("audiens", ""), "topik": meta.get("topik", "")}
    fields.update(form or {})
    return dict(change=change, kind=kind, path=path, fields=fields, base_blob=base_blob or "", error=error,
                title=title or (change.title if change else ""), kinds=KINDS,
                sections=site_menu.sections(repo().read(sc.MENU) or ""),
                editable=change is None or change.state in sc.EDITABLE)


def _editor(change, *, status: int = 200, **kwargs):
    return render_template("situs/editor.html", **_editor_context(change, **kwargs)), status


@bp.route("/halaman")
@requires("situs_ubah")
def edit_page():
    path = request.args.get("path", "")
    if not path.startswith(sc.CONTENT) or sc.page_path_problem(path[len(sc.CONTENT):]):
        abort(404)
    text = repo().read(path)
    if text is None:
        abort(404)
    other = sc.open_for(get_db(), path)
    if other is not None:
        flash(f"Halaman ini sedang diubah dalam perubahan #{other.id}; lanjutkan di sini.")
        return redirect(url_for(".change", change_id=other.id))
    kind = _kind_of(path)
    return _editor(None, kind=kind, path=path, text=text, base_blob=repo().blob_id(path), title=_title(text, path))


@bp.route("/baru", methods=["GET", "POST"])
@requires("situs_ubah")
def new():
    kind = request.values.get("jenis", "halaman")
    if kind not in ("halaman", "berita", "materi"):
        abort(404)
    if request.method == "GET":
        return _editor(None, kind=kind, path="", text=None, base_blob=None)
    return save()


def _target_path(kind: str, form) -> str:
    """Where a new file goes, from its kind and the name or title typed; BadInput when refused."""
    raw = (form.get("nama") or "").strip().lower()
    title = (form.get("judul") or form.get("title") or "").strip()
    if kind == "berita":
        relpath = f"berita/posts/{raw or sc.slugify(title)}.md"
    elif kind == "materi":
        relpath = f"sosialisasi/materi/{raw or sc.slugify(title)}.md"
    else:
        if not raw:
            raise sc.BadInput("Tulis alamat halaman, misalnya layanan/surat-pindah.")
        relpath = raw if raw.endswith(".md") else raw + ".md"
    problem = sc.page_path_problem(relpath)
    if problem:
        raise sc.BadInput(problem)
    return sc.CONTENT + relpath


@bp.route("/simpan", methods=["POST"])
@requires("situs_ubah")
def save():
    db, f = get_db(), request.form
    change_id = f.get("change_id", type=int)
    change = sc.get(db, change_id) if change_id else None
    kind = change.kind if change else f.get("jenis", "halaman")
    if kind not in ("halaman", "berita", "materi"):
        abort(400)
    path = change.path if change else f.get("path", "")
    base_blob = change.base_blob if change else (f.get("base_blob") or None)
    title = (f.get("judul") or f.get("title") or "").strip()
    form = {k: f.get(k, "") for k in ("isi", "tanggal", "title", "audiens", "topik", "nama", "judul", "menu")}
    menu = None
    try:
        if not path:
            path = _target_path(kind, f)
            if repo().read(path) is not None:
                raise sc.BadInput(f"Halaman \u201c{path[len(sc.CONTENT):]}\u201d sudah ada; buka halaman itu dari "
                                  "daftar halaman untuk mengubahnya.")
            section = f.get("menu", "")
            if kind == "halaman" and section:
                menu = {"op": "tambah", "page": path[len(sc.CONTENT):], "title": title or path, "section":
                        None if section == "(atas)" else section}
        elif not path.startswith(sc.CONTENT) or sc.page_path_problem(path[len(sc.CONTENT):]):
            raise sc.BadInput("Berkas ini tidak dapat diubah di sini.")
        base_text = repo().read(path) if change is None else change.text
        text = site_forms.compose(kind, site_forms.decompose(base_text)[0], form)
        sc.check_text(path[len(sc.CONTENT):], text, _existing(change_id), _value_names())
        title = title or _title(text, path)
        if change is None:
            change_id = sc.create(db, kind=kind, path=path, title=title, text=text, base_blob=base_blob,
                                  actor_id=_me(), now=now(), menu=menu)
        else:
            sc.save(db, change.id, text=text, title=title, version=f.get("version", type=int) or 0, actor_id=_me(),
                    roles=current_user.roles, now=now())
    except sc.BadInput as exc:
        return _editor(change, kind=kind, path=path if change else "", text=None, base_blob=base_blob,
                       error=str(exc), status=400, title=title, form=form)
    except sc.StepNotAllowed as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=change.id)) if change else redirect(url_for(".index"))
    _audit("situs_simpan", change_id)
    flash("Draf disimpan. Situs publik belum berubah sampai perubahan ini diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))


@bp.route("/perubahan/<int:change_id>/gambar", methods=["POST"])
@requires("situs_ubah")
def image(change_id):
    db = get_db()
    item = sc.get(db, change_id)
    if item is None or item.text is None:
        abort(404)
    upload = request.files.get("gambar")
    try:
        alt = site_forms.require_alt(request.form.get("alt", ""))
        if upload is None or not upload.filename:
            raise sc.BadInput("Pilih berkas gambar.")
        data, extension = site_forms.web_image(upload.read(), upload.filename)
        path = site_forms.image_path(f"{change_id}-{len(sc.files_of(db, change_id)) + 1}", alt, extension)
        link = site_forms.relative_link(item.path[len(sc.CONTENT):], path[len(sc.CONTENT):])
        text = item.text.rstrip("\n") + f"\n\n![{alt}]({link})\n"
        sc.save(db, change_id, text=text, title=item.title, version=request.form.get("version", type=int) or 0,
                actor_id=_me(), roles=current_user.roles, now=now(), files={path: (data, alt)})
    except sc.BadInput as exc:
        flash(str(exc))
    except sc.StepNotAllowed as exc:
        flash(str(exc))
    else:
        flash("Gambar ditambahkan di akhir halaman; pindahkan barisnya ke tempat yang diinginkan.")
    return redirect(url_for(".change", change_id=change_id))


# ------------------------------------------------------------------ Word

@bp.route("/impor-word", methods=["GET", "POST"])
@requires("situs_ubah")
def import_docx():
    if request.method == "GET":
        return render_template("situs/import.html", error=None)
    f = request.form
    kind = f.get("jenis", "berita")
    upload = request.files.get("berkas")
    db = get_db()
    try:
        if kind not in ("berita", "halaman", "materi"):
            raise sc.BadInput("Pilih jenis tulisan.")
        if upload is None or not upload.filename:
            raise sc.BadInput("Pilih berkas Word (.docx).")
        data = upload.read()
        title = (f.get("judul") or "").strip() or Path(upload.filename).stem
        path = _target_path(kind, {"judul": title, "nama": f.get("nama", "")})
        if repo().read(path) is not None:
            raise sc.BadInput(f"Halaman \u201c{path[len(sc.CONTENT):]}\u201d sudah ada; pilih judul atau nama lain.")
        stem = sc.slugify(title)[:30]
        body, images, warnings = site_forms.docx_to_markdown(data, upload.filename, path[len(sc.CONTENT):], stem)
        fields = {"isi": body, "tanggal": f.get("tanggal") or now().date().isoformat(), "title": title,
                  "audiens": f.get("audiens", ""), "topik": f.get("topik", "")}
        if kind == "berita" and not re.search(r"^# ", body, re.MULTILINE):
            fields["isi"] = f"# {title}\n\n{body}"
        text = site_forms.compose(kind, {}, fields)
        change_id = sc.create(db, kind=kind, path=path, title=title, text=text, base_blob=None, actor_id=_me(),
                              now=now(), files={p: v for p, v in images.items()},
                              note=f"diimpor dari {Path(upload.filename).name}")
    except sc.BadInput as exc:
        return render_template("situs/import.html", error=str(exc)), 400
    _audit("situs_impor_word", change_id)
    flash("Dokumen Word diubah menjadi draf. Periksa hasilnya, lalu simpan." +
          (" " + " ".join(warnings) if warnings else ""))
    return redirect(url_for(".change", change_id=change_id))


# ------------------------------------------------------------------ history and restoring

@bp.route("/riwayat")
@requires("situs_lihat")
def history():
    path = request.args.get("path", "")
    if not path.startswith(sc.CONTENT) and path != sc.MENU:
        abort(404)
    r = repo()
    commits = r.log(path)[:50]
    entries = []
    for commit in commits:
        before = r.read(path, f"{commit.sha}^")
        entries.append({"commit": commit, "diff": sc.diff(before, r.read(path, commit.sha), path)})
    return render_template("situs/history.html", path=path, entries=entries)


@bp.route("/pulihkan", methods=["POST"])
@requires("situs_ubah")
def restore():
    path, sha = request.form.get("path", ""), request.form.get("commit", "")
    if not path.startswith(sc.CONTENT) or not re.fullmatch(r"[0-9a-f]{40}", sha):
        abort(400)
    r = repo()
    old = r.read(path, sha)
    if old is None:
        abort(404)
    kind = _kind_of(path)
    change_id = sc.create(get_db(), kind=kind, path=path, title=_title(old, path), text=old,
                          base_blob=r.blob_id(path), actor_id=_me(), now=now(), restored_from=sha)
    _audit("situs_pulihkan", change_id)
    flash("Versi lama disalin menjadi draf. Ajukan untuk ditinjau; situs berubah setelah diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))


@bp.route("/hapus", methods=["POST"])
@requires("situs_ubah")
def remove():
    path = request.form.get("path", "")
    if not path.startswith(sc.CONTENT) or sc.page_path_problem(path[len(sc.CONTENT):]) or repo().read(path) is None:
        abort(404)
    relpath = path[len(sc.CONTENT):]
    menu_text = repo().read(sc.MENU) or ""
    op = {"op": "hapus", "page": relpath} if site_menu.contains(menu_text, relpath) else None
    change_id = sc.create(get_db(), kind="halaman", path=path, title=f"Hapus {relpath}", text=None,
                          base_blob=repo().blob_id(path), actor_id=_me(), now=now(), menu=op)
    _audit("situs_hapus", change_id)
    flash("Penghapusan dicatat sebagai draf; halaman tetap tampil sampai perubahan ini diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))
