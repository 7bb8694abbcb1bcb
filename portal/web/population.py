"""Staff pages for population data: template download, report upload with its problem list,
recapitulation and late kecamatan, and the consolidation with SIAK.

For the roles of the policy action `data_kependudukan`. The import runs inside the
request (a full kecamatan file checks and imports in well under a second); the result page
shows the rows read per topic. The rules live in portal.domain.population.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from ..domain import regions
from ..domain.population import recap, schema, siak, store, template
from ..domain.population.layout import label
from ..domain.population.reading import Problem
from . import calendar, catalog, get_db, now, params
from .auth import requires

bp = Blueprint("population", __name__, url_prefix="/pengaduan/staf/data")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def default_period(today: date) -> str:
    """The last semester that has ended: the one being reported now."""
    return f"{today.year - 1}-S2" if today.month <= 6 else f"{today.year}-S1"


def _period_arg(source=None) -> tuple[str, str | None]:
    value = ((source or request.args).get("periode") or "").strip()
    if not value:
        return default_period(now().date()), None
    if not schema.PERIOD.match(value):
        return default_period(now().date()), f"Periode \"{value[:20]}\" tidak dikenal; tulis misalnya 2024-S2 atau 2025-06."
    return value, None


def _by() -> tuple[str, int]:
    user = current_user.user
    return f"{user.display_name} ({user.username})", user.id


def _read_uploads(field: str) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    limit = current_app.config["MAX_FILE_MB"] * 1024 * 1024
    files, problems = [], []
    for f in request.files.getlist(field):
        if not f or not f.filename:
            continue
        data = f.stream.read(limit + 1)
        name = f.filename.replace("\\", "/").rsplit("/", 1)[-1][:120]
        if len(data) > limit:
            problems.append(Problem(name, None, "", f"Berkas lebih besar dari {current_app.config['MAX_FILE_MB']} MB."))
        else:
            files.append((name, data))
    if not files and not problems:
        problems.append(Problem("", None, "", "Pilih berkas laporan (.xlsx, atau satu/lebih berkas .csv)."))
    return files, problems


def _deadline() -> dict:
    "The SOP's report deadline and the office's calendar, as the domain's functions take them."
    return {"rule": catalog().laporan_kependudukan, "calendar": calendar()}


def _index_page(*, problems=None, imported=None, form=None, status=200):
    periode, error = _period_arg(form)
    db = get_db()
    return render_template(
        "population/index.html", periode=periode, period_error=error, kecamatan=regions.kecamatan_list(),
        statuses=recap.status(db, periode, now().date(), **_deadline()), rule=catalog().laporan_kependudukan,
        due=template.deadline(periode, **_deadline()).due,
        history=store.history(db, periode, limit=30), problems=problems, imported=imported, form=form or {},
        topics=schema.TOPICS), status


@bp.route("/")
@requires("data_kependudukan")
def index():
    return _index_page()[0]


@bp.route("/templat")
@requires("data_kependudukan")
def download_template():
    periode, error = _period_arg()
    kode = request.args.get("kecamatan", "")
    region = regions.get(kode)
    if error or region is None or region.jenis != "kecamatan":
        return _index_page(problems=[Problem("", None, "", error or "Pilih kecamatan untuk templat.")],
                           form=request.args, status=400)
    name = f"laporan-kependudukan-{region.nama.lower().replace(' ', '-')}-{periode}.xlsx"
    return Response(template.build(kode, periode, **_deadline()), mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/unggah", methods=["POST"])
@requires("data_kependudukan")
def upload():
    form = request.form
    files, problems = _read_uploads("berkas")
    kecamatan = form.get("kecamatan") or None
    periode = (form.get("periode") or "").strip() or None
    if periode and not schema.PERIOD.match(periode):
        problems.append(Problem("", None, "", f"Periode \"{periode[:20]}\" tidak dikenal; tulis misalnya 2024-S2."))
    if kecamatan and (regions.get(kecamatan) is None or regions.get(kecamatan).jenis != "kecamatan"):
        problems.append(Problem("", None, "", "Kecamatan yang dipilih tidak dikenal."))
    if problems:
        return _index_page(problems=problems, form=form, status=400)
    by, user_id = _by()
    try:
        done = store.import_files(get_db(), files, by=by, user_id=user_id, now=now(), kecamatan=kecamatan,
                                  periode=periode)
    except store.ReportRejected as exc:
        current_app.logger.info("population import rejected: %d problems", len(exc.problems))
        return _index_page(problems=exc.problems, form=form, status=422)
    current_app.logger.info("population import: reports %s by user %s", [d.report_id for d in done], user_id)
    shown = {"periode": done[0].periode} if done else form
    return _index_page(imported=[{"report": d, "nama": regions.get(d.kecamatan).nama,
                                  "rows": [(schema.TOPIC[t].title, n) for t, n in d.row_counts.items()]}
                                 for d in done], form=shown)


@bp.route("/rekap")
@requires("data_kependudukan")
def recap_page():
    periode, error = _period_arg()
    topik = request.args.get("topik", "penduduk")
    topic = schema.TOPIC.get(topik, schema.TOPIC["penduduk"])
    result = recap.recap(get_db(), periode)
    reported = [k for k in regions.kecamatan_list() if k.kode in result.kecamatan]
    return render_template("population/recap.html", periode=periode, period_error=error, topic=topic,
                           topics=schema.TOPICS, result=result, reported=reported, label=label,
                           statuses=recap.status(get_db(), periode, now().date(), **_deadline()))


def _tolerance(source) -> tuple[int, str | None]:
    return params.checked_number(source, "toleransi", low=0, high=params.MAX_TOLERANCE, default=0, label="Toleransi")


@bp.route("/siak", methods=["GET", "POST"])
@requires("data_kependudukan")
def siak_page():
    source = request.form if request.method == "POST" else request.args
    periode, error = _period_arg(source)
    tolerance, tol_error = _tolerance(source)
    problems = [Problem("", None, "", e) for e in (error, tol_error) if e]
    status = 200
    imported = False
    if request.method == "POST" and not problems:
        files, problems = _read_uploads("berkas")
        if not problems:
            name, data = files[0]
            by, user_id = _by()
            try:
                siak.import_file(get_db(), periode, data, name, by=by, user_id=user_id, now=now())
                imported = True
            except siak.SiakRejected as exc:
                problems = exc.problems
        status = 422 if problems else 200
    elif problems:
        status = 400
    result = siak.consolidate(get_db(), periode, tolerance)
    return render_template("population/siak.html", periode=periode, tolerance=tolerance, result=result,
                           problems=problems, imported=imported, fields=list(siak.FIELDS)), status


@bp.route("/siak/selisih.xlsx")
@requires("data_kependudukan")
def siak_download():
    periode, error = _period_arg()
    tolerance, tol_error = _tolerance(request.args)
    if error or tol_error:
        return render_template("error.html", title="Permintaan tidak sah", message=error or tol_error), 400
    result = siak.consolidate(get_db(), periode, tolerance)
    return Response(siak.differences_xlsx(result), mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=selisih-siak-{periode}.xlsx"})
