"""The web layer: extensions, the per-request database, security headers, blueprints."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, render_template, request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from .. import clock, db as database
from ..domain import catalog as catalog_module, formatting, policy, uploads
from ..domain.calendar import Calendar

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()


def get_db():
    if "db" not in g:
        g.db = database.connect(current_app.config["DATABASE"])
    return g.db


def close_db(exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def now() -> datetime:
    """The office's local time; days and deadlines are counted in it."""
    return clock.office_now(current_app)


def catalog() -> catalog_module.Catalog:
    return current_app.extensions["portal.catalog"]


def calendar() -> Calendar:
    """The working-day calendar as of the holiday list on disk now."""
    return clock.office_calendar(current_app)


def init_app(app) -> None:
    database.prepare(app.config["DATABASE"]).close()
    uploads.give_back_freed_images()  # keeps the memory bound of image uploads for the process
    app.teardown_appcontext(close_db)
    app.extensions["portal.catalog"] = catalog_module.load(app.config["CONTENT_DIR"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    # Stored ISO text ("2026-11-02T09:15:00+07:00") as well as dates and datetimes.
    app.jinja_env.filters["tanggal"] = formatting.tanggal_panjang
    app.jinja_env.filters["jam"] = formatting.jam
    app.jinja_env.filters["waktu"] = lambda moment: formatting.waktu(moment, clock.office_tz(app.config))
    app.jinja_env.filters["tindakan"] = policy.audit_label  # an audit action in office words
    app.jinja_env.filters["angka"] = lambda n: formatting.angka(n) if isinstance(n, int) else n
    # An index or a score with its decimals: "3,27", "81,84" (a dot would read as thousands).
    app.jinja_env.filters["desimal"] = lambda n, places=2: (formatting.angka(n, places)
                                                            if isinstance(n, (int, float)) else n)

    from . import auth, case, public, site, staff
    auth.init_app(app)
    app.context_processor(auth.policy_context)  # can(action) in templates

    @app.context_processor
    def promises():
        """What the pages promise a citizen, from the SOP data and the settings, never written
        into a template: `tenggat.tanggapan.lama` reads "14 hari kerja"."""
        return {"tenggat": catalog().time_standards, "retensi_tahun": app.config["RETENTION_YEARS"]}
    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(case.bp)
    from . import privacy, publication
    app.register_blueprint(publication.bp)
    app.register_blueprint(privacy.bp)
    from . import health
    health.init_app(app)  # GET /pengaduan/sehat
    from . import population
    app.register_blueprint(population.bp)
    from . import reports
    app.register_blueprint(reports.bp)  # /pengaduan/staf/laporan/
    app.register_blueprint(site.bp)
    from . import admin
    app.register_blueprint(admin.bp)
    from . import skm
    app.register_blueprint(skm.bp)  # /pengaduan/skm/ (survey), /pengaduan/staf/skm/ (staff)
    from . import maklumat, readiness
    app.register_blueprint(maklumat.bp)  # /pengaduan/staf/maklumat
    app.register_blueprint(readiness.bp)  # /pengaduan/staf/kesiapan, /pengaduan/staf/hari-libur
    from . import site_editor
    app.register_blueprint(site_editor.bp)  # /pengaduan/staf/situs/ (the web team)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_template("error.html", title="Sesi formulir kedaluwarsa",
                               message="Formulir tidak dapat diproses karena sesi Anda sudah berakhir "
                                       "atau halaman dibuka terlalu lama. Muat ulang halaman, lalu kirim lagi. "
                                       "Tidak ada data yang disimpan."), 400

    @app.errorhandler(413)
    def too_large(e):
        mb = app.config["MAX_FILE_MB"]
        return render_template("error.html", title="Berkas terlalu besar",
                               message=f"Kiriman Anda melebihi batas ukuran. Setiap lampiran paling besar "
                                       f"{mb} MB. Tidak ada data yang disimpan; kembali dan kirim lagi "
                                       "dengan berkas yang lebih kecil."), 413

    @app.errorhandler(429)
    def too_many(e):
        return render_template("error.html", title="Terlalu banyak permintaan",
                               message="Anda telah mengirim terlalu banyak permintaan dalam waktu singkat. "
                                       "Tunggu beberapa saat, lalu coba lagi. Untuk pengaduan mendesak, "
                                       "hubungi kantor Dispendukcapil secara langsung."), 429

    @app.errorhandler(404)
    def not_found(e):
        return render_template("error.html", title="Halaman tidak ditemukan",
                               message="Alamat yang Anda buka tidak ada."), 404

    @app.errorhandler(500)
    def server_error(e):
        # Flask has logged the exception with its traceback before calling this handler.
        from ..domain import storage
        try:
            if storage.fault_kind(getattr(e, "original_exception", None) or e):
                return render_template(
                    "error.html", title="Layanan sedang terganggu", office=catalog().office,
                    message="Permintaan Anda tidak dapat diselesaikan karena gangguan penyimpanan pada sistem "
                            "kami; yang Anda kirim tidak tersimpan."), 503, {"Retry-After": "300"}
            return render_template(
                "error.html", title="Terjadi kesalahan",
                message="Maaf, terjadi kesalahan pada sistem kami sehingga permintaan Anda tidak dapat "
                        "diproses. Kesalahan ini sudah tercatat. Coba lagi beberapa saat lagi; bila "
                        "masih gagal, hubungi kantor Dispendukcapil."), 500
        except Exception:  # noqa: BLE001 - the page itself failed: answer in Indonesian all the same
            return ("<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Terjadi kesalahan</title>"
                    "<h1>Terjadi kesalahan</h1><p>Permintaan Anda tidak dapat diproses. Coba lagi beberapa "
                    "saat lagi, atau hubungi kantor Dispendukcapil.</p></html>"), 500

    @app.after_request
    def security_headers(response):
        h = response.headers
        if request.blueprint != "site":
            h.setdefault("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("X-Frame-Options", "DENY")
        if request.blueprint in ("public", "staff", "auth", "case", "publication", "admin", "privacy"):
            # Pages with a person's complaint or staff data must not stay in shared caches.
            h["Cache-Control"] = "no-store"
        return response
