"""The Situs area's preview: a draft rendered as the site's build renders it, with the images of the
change and of the site served from the portal (portal.web.site_editor)."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import markdown
import nh3
from flask import abort, current_app, flash, render_template, request, url_for

from ..domain import site_changes as sc, site_forms
from ..publish import DataError, drafts, site as pipeline, values
from . import catalog, get_db
from .auth import requires
from .site_editor import bp, repo


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
    """The page's HTML as the build renders it: the named values filled in (`{{ tenggat.tanggapan }}`,
    DataError for an unknown one, as the build stops), then the Markdown extensions of mkdocs.yml."""
    front, body = drafts.split(text)
    return _html(values.fill(body, values.named(catalog().time_standards), path, first_line=front.count("\n") + 1))


def _html(body: str) -> str:
    names, configs = _markdown_config(repo().read(sc.MENU) or "")
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
    problem = None
    try:
        body = render_preview(path, text)
    except DataError as exc:  # shown as the build would stop, with the page as written
        problem = f"Situs tidak dapat dibangun dengan halaman ini: {exc}"
        body = _html(drafts.split(text)[1])
    # Images of the change and of the site: shown from the portal (they are not live yet).
    change_id = f.get("change_id", type=int)
    base = Path(path[len(sc.CONTENT):]).parent.as_posix()
    body = re.sub(r'src="(?!https?:|/)([^"]+)"',
                  lambda m: f'src="{url_for(".asset", change_id=change_id or 0, path=_join(base, m.group(1)))}"', body)
    return render_template("situs/preview.html", body=body, styles=_site_styles(), title=form.get("title") or "Pratinjau",
                           problem=problem)


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
