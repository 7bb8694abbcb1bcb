"""Serves the built static site (site/) at / when the portal runs without a web server in front.

In production nginx serves site/ itself; this keeps `scripts/run` a single process.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, request

bp = Blueprint("site", __name__)


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
