"""The Situs area of the staff portal (/pengaduan/staf/situs/): the web team writes pages, news,
materials, the outreach schedule, the office details and the menu; a second member reviews; the
Kepala Dinas approves materials; publishing queues the job (portal.publish.deploy_job).

Parses, calls portal.domain.site_changes / site_forms / site_menu / content_store, renders. Works
without JavaScript (a textarea and a "Pratinjau" button); static/situs-editor.js adds a toolbar.
Who may do what: the portal's policy table (portal.domain.policy, rows situs_*), which
site_changes.STEPS also reads; each step has its own route so that the generated refusal tests
reach it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import markdown
import nh3
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import audit, content_store, site_changes as sc, site_forms, site_menu
from ..publish import drafts, site as pipeline
from ..domain import policy
from . import get_db, now
from .auth import requires

bp = Blueprint("site_editor", __name__, url_prefix="/pengaduan/staf/situs")

KINDS = {"halaman": "Halaman", "berita": "Berita", "materi": "Materi sosialisasi", "jadwal": "Jadwal sosialisasi",
         "kantor": "Data kantor", "menu": "Menu situs"}


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def repo() -> content_store.Repo:
    return content_store.Repo(current_app.config["CONTENT_REPO"])


def _me() -> int:
    return current_user.user.id


def _existing(change_id: int | None = None) -> set[str]:
    files = {p[len(sc.CONTENT):] for p in repo().files()}
    if change_id:
        files |= {f["path"][len(sc.CONTENT):] for f in sc.files_of(get_db(), change_id)}
    return files


def _audit(action: str, change_id: int) -> None:
    audit.record(get_db(), _me(), action, f"perubahan situs {change_id}", now())


# ------------------------------------------------------------------ overview

@bp.route("/")
@requires("situs_lihat")
def index():
    db = get_db()
    pages = [p for p in repo().files("content/") if p.endswith(".md")
             and sc.page_path_problem(p[len(sc.CONTENT):]) is None]
    return render_template("situs/index.html", changes=sc.list_changes(db, open_only=True),
                           recent=[c for c in sc.list_changes(db, limit=15) if not sc.STATES[c.state].open],
                           pages=pages, jobs=sc.jobs(db, 5), kinds=KINDS,
                           can_edit=policy.allowed("situs_ubah", current_user.roles))


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
    kind = "berita" if path.startswith(sc.NEWS) else "materi" if path.startswith(sc.MATERIALS) else "halaman"
    return _editor(None, kind=kind, path=path, text=text, base_blob=repo().blob_id(path), title=_title(text, path))


def _title(text: str, path: str) -> str:
    meta, body = site_forms.decompose(text)
    if meta.get("title"):
        return str(meta["title"])
    heading = re.search(r"^# (.+)$", body, re.MULTILINE)
    return heading.group(1).strip() if heading else path.rsplit("/", 1)[-1]


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
        sc.check_text(path[len(sc.CONTENT):], text, _existing(change_id))
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
    except sc.Conflict as exc:
        _audit("situs_bentrok", exc.change_id)
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
    except sc.StepNotAllowed as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=change.id)) if change else redirect(url_for(".index"))
    _audit("situs_simpan", change_id)
    flash("Draf disimpan. Situs publik belum berubah sampai perubahan ini diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))


@bp.route("/perubahan/<int:change_id>")
@requires("situs_lihat")
def change(change_id):
    db = get_db()
    item = sc.get(db, change_id)
    if item is None:
        abort(404)
    steps = []
    for code, step in sc.STEPS.items():
        if code == "simpan" or sc.SYSTEM in step.roles:
            continue
        try:
            sc.check(code, item.state, current_user.roles, actor_id=_me(), contributors=sc.contributors(db, change_id),
                     needs_approval=item.needs_approval)
            steps.append(step)
        except sc.StepNotAllowed:
            pass
    editor = None
    if item.kind in ("halaman", "berita", "materi") and item.text is not None:
        editor = _editor_context(item, kind=item.kind, path=item.path, text=item.text, base_blob=item.base_blob)
    published = repo().read(item.path) if item.kind != "menu" else None
    return render_template("situs/change.html", **(editor or {}), has_editor=editor is not None,
                           steps=steps, events=sc.events(db, change_id), diff=sc.diff(published, item.text, item.path) if item.kind != "menu" else "",
                           files=sc.files_of(db, change_id), live_url=_live_url(item),
                           **({} if editor else {"change": item, "kinds": KINDS}))


def _live_url(item: sc.Change) -> str | None:
    if not item.path.startswith(sc.CONTENT) or not item.path.endswith(".md"):
        return None
    relpath = item.path[len(sc.CONTENT):-len(".md")]
    if relpath.startswith("berita/posts/"):
        relpath = "berita/" + relpath[len("berita/posts/"):]
    if relpath.endswith("index"):
        relpath = relpath[:-len("index")]
    return "/" + (relpath + "/" if relpath and not relpath.endswith("/") else relpath)


def take(change_id: int, step: str):
    db = get_db()
    item = sc.get(db, change_id)
    if item is None:
        abort(404)
    try:
        if step == "ajukan" and item.text is not None and item.path.endswith(".md"):
            sc.check_text(item.path[len(sc.CONTENT):], item.text, _existing(change_id))
        sc.take_step(db, change_id, step, actor_id=_me(), roles=current_user.roles, now=now(),
                     note=request.form.get("catatan"), current_blob=repo().blob_id,
                     approver_name=f"{current_user.user.display_name} ({current_user.user.username})")
    except (sc.StepNotAllowed, sc.BadInput) as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=change_id)), 303
    _audit(f"situs_{step}", change_id)
    flash({"terbitkan": "Perubahan masuk antrean penerbitan. Situs publik berganti setelah situs selesai dibangun "
                        "(biasanya kurang dari satu menit); muat ulang halaman ini untuk melihat hasilnya."}
          .get(step, f"Langkah \u201c{sc.STEPS[step].label}\u201d dicatat."))
    return redirect(url_for(".change", change_id=change_id)), 303


def _step_view(code: str):
    def view(change_id):
        return take(change_id, code)
    view.__name__ = f"step_{code}"
    return requires(sc.STEPS[code].action)(view)


# One route per step, each guarded by its own row of the policy table.
for _code, _step in sc.STEPS.items():
    if _code != "simpan" and _step.action != sc.SYSTEM:
        bp.add_url_rule(f"/perubahan/<int:change_id>/langkah/{_code}", f"step_{_code}", _step_view(_code),
                        methods=["POST"])


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
    except sc.Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
    except sc.StepNotAllowed as exc:
        flash(str(exc))
    else:
        flash("Gambar ditambahkan di akhir halaman; pindahkan barisnya ke tempat yang diinginkan.")
    return redirect(url_for(".change", change_id=change_id))


# ------------------------------------------------------------------ preview

@lru_cache(maxsize=4)
def _markdown_config(config_text: str) -> tuple[list, dict]:
    import yaml
    config = yaml.load(config_text, Loader=pipeline._Loader)  # noqa: S506 - a SafeLoader
    names, configs = [], {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            names.append(name)
            configs[name] = dict(options or {})
        else:
            names.append(entry)
    return names, configs


def _site_styles() -> list[str]:
    root = Path(current_app.config["SITE_DIR"])
    found = sorted((root / "assets" / "stylesheets").glob("main.*.min.css"))
    extra = root / "assets" / "stylesheets" / "situs.css"
    return [f"/assets/stylesheets/{p.name}" for p in found[:1]] + (
        ["/assets/stylesheets/situs.css"] if extra.is_file() else [])


def render_preview(path: str, text: str) -> str:
    """The page's HTML as the build renders it: the Markdown extensions of mkdocs.yml."""
    names, configs = _markdown_config(repo().read(sc.MENU) or "")
    _, body = drafts.split(text)
    rendered = markdown.markdown(body, extensions=names, extension_configs=configs)
    return nh3.clean(rendered, tags=nh3.ALLOWED_TAGS | {"img", "table", "thead", "tbody", "tr", "th", "td", "div",
                                                         "p", "h1", "h2", "h3", "h4", "pre", "code", "dl", "dt", "dd"},
                     attributes={"*": {"class", "id", "title"}, "a": {"href"}, "img": {"src", "alt"}})


@bp.route("/pratinjau", methods=["POST"])
@requires("situs_ubah")
def preview():
    f = request.form
    kind = f.get("jenis", "halaman")
    form = {k: f.get(k, "") for k in ("isi", "tanggal", "title", "audiens", "topik")}
    path = f.get("path") or sc.CONTENT + "pratinjau.md"
    try:
        meta = site_forms.decompose(repo().read(path) if f.get("path") else None)[0]
        text = site_forms.compose(kind, meta, form)
    except sc.BadInput as exc:
        text = f"---\n---\n{form['isi']}"
        flash(str(exc))
    body = render_preview(path, text)
    # Images of the change and of the site: shown from the portal (they are not live yet).
    change_id = f.get("change_id", type=int)
    base = Path(path[len(sc.CONTENT):]).parent.as_posix()
    body = re.sub(r'src="(?!https?:|/)([^"]+)"',
                  lambda m: f'src="{url_for(".asset", change_id=change_id or 0, path=_join(base, m.group(1)))}"', body)
    return render_template("situs/preview.html", body=body, styles=_site_styles(), title=form.get("title") or "Pratinjau")


def _join(base: str, link: str) -> str:
    return sc._normalise(Path(base) / html.unescape(link)) or ""


@bp.route("/aset/<int:change_id>/<path:path>")
@requires("situs_lihat")
def asset(change_id, path):
    full = sc.CONTENT + path
    data = sc.file_data(get_db(), change_id).get(full) if change_id else None
    if data is None:
        data = repo().read_bytes(full)
    if data is None:
        abort(404)
    kind = "image/png" if path.endswith(".png") else "image/svg+xml" if path.endswith(".svg") else "image/jpeg"
    return current_app.response_class(data, mimetype=kind)


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
    except sc.Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
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
    kind = "berita" if path.startswith(sc.NEWS) else "materi" if path.startswith(sc.MATERIALS) else "halaman"
    try:
        change_id = sc.create(get_db(), kind=kind, path=path, title=_title(old, path), text=old,
                              base_blob=r.blob_id(path), actor_id=_me(), now=now(), restored_from=sha)
    except sc.Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
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
    try:
        change_id = sc.create(get_db(), kind="halaman", path=path, title=f"Hapus {relpath}", text=None,
                              base_blob=repo().blob_id(path), actor_id=_me(), now=now(), menu=op)
    except sc.Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
    _audit("situs_hapus", change_id)
    flash("Penghapusan dicatat sebagai draf; halaman tetap tampil sampai perubahan ini diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))


# ------------------------------------------------------------------ data forms: schedule, office, menu

def _data_change(kind: str, path: str, new_text: str, title: str):
    db = get_db()
    other = sc.open_for(db, path)
    try:
        if other is not None and other.state in sc.EDITABLE and other.kind == kind:
            sc.save(db, other.id, text=new_text, title=title, version=request.form.get("version", type=int) or 0,
                    actor_id=_me(), roles=current_user.roles, now=now())
            change_id = other.id
        else:
            change_id = sc.create(db, kind=kind, path=path, title=title, text=new_text,
                                  base_blob=repo().blob_id(path), actor_id=_me(), now=now())
    except sc.Conflict as exc:
        flash(str(exc))
        return redirect(url_for(".change", change_id=exc.change_id))
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
            response = _data_change("kantor", sc.OFFICE, new_text, "Data kantor")
            if files:
                item = sc.open_for(get_db(), sc.OFFICE)
                sc.save(get_db(), item.id, text=item.text, title=item.title, version=item.version, actor_id=_me(),
                        roles=current_user.roles, now=now(), files=files)
            return response
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
        except sc.Conflict as exc:
            flash(str(exc))
            return redirect(url_for(".change", change_id=exc.change_id))
        _audit("situs_menu", change_id)
        flash("Perubahan menu dicatat sebagai draf; menu situs berubah setelah diterbitkan.")
        return redirect(url_for(".change", change_id=change_id))
    return render_template("situs/menu.html", entries=site_menu.entries(text), error=None,
                           sections=site_menu.sections(text), pages=_pages())


def _pages() -> list[str]:
    return [p[len(sc.CONTENT):] for p in repo().files() if p.endswith(".md")
            and sc.page_path_problem(p[len(sc.CONTENT):]) is None]
