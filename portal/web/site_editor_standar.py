"""The Situs area's Standar Pelayanan pages: the list of services, each service's standard as a
form, and a new service. A save is a draft change of content/data/standar-pelayanan/<slug>.yml,
reviewed and published like the schedule and the office details (portal.web.site_editor_forms);
the service's page on the site (layanan/<slug>/) is generated from that file when it is built."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..domain import site_changes as sc, site_menu, site_standar as ss
from . import get_db, now
from .auth import requires
from .site_editor import _audit, _me, bp, repo
from .site_editor_forms import _current, _data_change


def _services() -> list[dict]:
    """Every service: published ones, and new ones still in an open change."""
    db = get_db()
    rows = {}
    for path in repo().files(ss.DIR):
        if ss.slug_of(path):
            rows[path] = {"slug": ss.slug_of(path), "fields": ss.form_of(repo().read(path) or ""), "published": True}
    for change in sc.list_changes(db, open_only=True):
        if change.kind == "layanan" and change.path not in rows and change.text is not None:
            rows[change.path] = {"slug": ss.slug_of(change.path), "fields": ss.form_of(change.text),
                                 "published": False}
    for path, row in rows.items():
        row["draft"] = sc.open_for(db, path)
    return sorted(rows.values(), key=lambda r: (int(r["fields"]["urutan"] or 0), r["slug"]))


def _taken() -> set[str]:
    return set(repo().files()) | {c.path for c in sc.list_changes(get_db(), open_only=True)}


@bp.route("/layanan")
@requires("situs_lihat")
def services():
    return render_template("situs/standar_list.html", services=_services(), error=None, form={},
                           statuses=ss.STATUS_LABELS)


def _form_page(values: dict, *, slug: str, draft, error: sc.BadInput | None = None, new: bool = False,
               status: int = 200):
    return render_template("situs/standar.html", values=values, slug=slug, draft=draft, new=new,
                           error=str(error) if error else None, error_field=getattr(error, "field", None),
                           components=ss.COMPONENTS, statuses=ss.STATUS_LABELS, empty_groups=ss.EMPTY_GROUPS), status


@bp.route("/layanan/<slug>", methods=["GET", "POST"])
@requires("situs_standar")
def standar(slug):
    if not sc.SLUG.match(slug):
        abort(404)
    path = ss.path_of(slug)
    text, draft = _current(path)
    if not text:
        abort(404)
    if request.method == "POST":
        try:
            new_text = ss.set_standar(text, request.form, slug)
        except sc.BadInput as exc:
            return _form_page(ss.form_from_post(request.form), slug=slug, draft=draft, error=exc, status=400)
        nama = " ".join(request.form["nama"].split())
        return _data_change("layanan", path, new_text, f"Standar Pelayanan: {nama}")
    return _form_page(ss.form_of(text), slug=slug, draft=draft)


@bp.route("/layanan/baru", methods=["POST"])
@requires("situs_layanan_baru")
def new_service():
    """A new service in two steps without JavaScript: its short name and name are checked first,
    then the whole form is shown; nothing is kept until the filled form is saved."""
    f = request.form
    slug = (f.get("nama_singkat") or "").strip().lower()
    nama = " ".join((f.get("nama") or "").split())
    problem = ss.slug_problem(slug, _taken()) or (None if nama or "simpan" in f else "Tulis nama layanan.")
    if problem:
        return render_template("situs/standar_list.html", services=_services(), error=problem, form=f,
                               statuses=ss.STATUS_LABELS), 400
    path = ss.path_of(slug)
    urutan = ss.next_urutan([repo().read(p) or "" for p in repo().files(ss.DIR)])
    base = ss.starter(slug, nama, urutan)
    if "simpan" not in f:
        return _form_page(ss.form_of(base), slug=slug, draft=None, new=True)
    try:
        text = ss.set_standar(base, f, slug)
    except sc.BadInput as exc:
        return _form_page(ss.form_from_post(f), slug=slug, draft=None, new=True, error=exc, status=400)
    page = f"layanan/{slug}.md"
    menu = None
    section = next((e["section"] for e in site_menu.entries(repo().read(sc.MENU) or "")
                    if e["page"] and e["page"].startswith("layanan/") and e["section"]), None)
    if section:  # next to the other services in the site menu, once published
        menu = {"op": "tambah", "page": page, "title": " ".join(f["nama"].split()), "section": section}
    change_id = sc.create(get_db(), kind="layanan", path=path, title=f"Layanan baru: {' '.join(f['nama'].split())}",
                          text=text, base_blob=None, actor_id=_me(), now=now(), menu=menu)
    _audit("situs_simpan", change_id)
    flash("Layanan baru disimpan sebagai draf. Halamannya tampil di situs setelah perubahan ini ditinjau "
          "dan diterbitkan.")
    return redirect(url_for(".change", change_id=change_id))
