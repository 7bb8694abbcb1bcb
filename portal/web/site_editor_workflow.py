"""The Situs area's workflow: one change, its history and differences, and its review steps, one
route per step (portal.web.site_editor)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import site_changes as sc
from . import get_db, now
from .auth import requires
from .site_editor import KINDS, _audit, _existing, _me, _value_names, bp, repo
from .site_editor_pages import _editor_context


# ------------------------------------------------------------------ one change and its steps

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
            sc.check_text(item.path[len(sc.CONTENT):], item.text, _existing(change_id), _value_names())
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
