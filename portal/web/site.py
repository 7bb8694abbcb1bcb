"""Serves the built static site (site/) at / when the portal runs without a web server in front.

In production nginx serves site/ itself; this keeps `scripts/run` a single process.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from importlib import resources

from flask import Blueprint, abort, current_app, make_response, render_template_string, request

from ..domain import site_look

bp = Blueprint("site", __name__)


def _look() -> site_look.Look:
    return site_look.look(current_app.config["CONTENT_REPO"], current_app.config["SITE_DIR"])


@bp.app_context_processor
def the_site():
    """Every portal page wears the public site's header, menu and colours (base.html)."""
    return {"site": _look()}


# The site's colours for portal.css, as a stylesheet: the portal's policy allows no inline style.
_COLOURS = ":root{--brand:{{ site.primary }};--on-brand:{{ site.primary_text }}}\n"


@bp.route("/pengaduan/situs-warna.css")
def colours():
    response = make_response(render_template_string(_COLOURS, site=_look()))
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/favicon.ico")
@bp.route("/pengaduan/favicon.ico")
def favicon():
    """The site's icon: the one the built site carries (overrides may replace it), else Material's."""
    built = Path(current_app.config["SITE_DIR"]) / "assets" / "images" / "favicon.png"
    if built.is_file():
        data = built.read_bytes()
    else:
        data = (resources.files("material") / "templates" / "assets" / "images" / "favicon.png").read_bytes()
    response = make_response(data)
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>")
def page(path: str):
    root = Path(current_app.config["SITE_DIR"]).resolve()
    target = (root / path).resolve()
    if root not in target.parents and target != root:
        abort(404)
    if target.is_dir():
        if path and not path.endswith("/"):
            return make_response("", 301, {"Location": request.path + "/"})
        target = target / "index.html"
    if not target.is_file():
        missing = root / "404.html"
        if missing.is_file():
            return _file(missing, 404)
        abort(404)
    return _file(target, 200)


def _file(target: Path, status: int):
    response = make_response(target.read_bytes(), status)
    response.mimetype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    # Material fingerprints its bundles (assets/...<hash>.min.js), so they may be cached long.
    long_lived = "/assets/" in target.as_posix() and ".min." in target.name
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if long_lived else "no-cache"
    response.add_etag()
    return response.make_conditional(request)
