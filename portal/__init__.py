"""The complaint portal of Dispendukcapil Kabupaten Trenggalek (Flask application factory)."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.update(config.DEFAULTS)
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    config.finalise(app.config)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        REMEMBER_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        WTF_CSRF_TIME_LIMIT=None,  # a citizen may take long to write; the token lives with the session
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        # nginx sets X-Forwarded-For and X-Forwarded-Proto; trust exactly that many hops, so that
        # rate limits count clients, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from . import cli, web
    web.init_app(app)
    cli.init_app(app)
    return app
