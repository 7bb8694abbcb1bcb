"""Survei Kepuasan Masyarakat: the citizen's survey (reached from the counter's poster or the slip
handed out with the document) and the staff page (codes, results, population, follow-up, approval,
export). The rules live in portal.domain.skm; this module parses, calls it, and renders.

Flood protection: every response spends a one-use code from the counter (see portal.domain.skm);
failed attempts are rate-limited per client (PORTAL_RATELIMIT_SUBMIT), successful ones are not, so
a crowd behind one shared address (office Wi-Fi, a mobile operator's NAT) can still answer.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import policy, skm, skm_results, standar
from ..domain.errors import DataError
from . import get_db, limiter, now, params
from .auth import requires

bp = Blueprint("skm", __name__, url_prefix="/pengaduan")


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _services() -> dict[str, str]:
    return standar.names(current_app.config["CONTENT_DIR"])


def _loket(services: dict[str, str]) -> dict[str, skm.Loket]:
    return {item.kode: item for item in skm.load_loket(current_app.config["CONTENT_DIR"], services)}


def _failed(response) -> bool:
    return response.status_code >= 400


# --------------------------------------------------------------------------- the citizen

@bp.route("/skm/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"], methods=["POST"], deduct_when=_failed)
def survey():
    services = _services()
    lokets = _loket(services)
    source = request.form if request.method == "POST" else request.args
    loket = lokets.get(source.get("loket", ""))
    choices = {s: services[s] for s in loket.layanan} if loket else services
    errors: dict[str, str] = {}
    if request.method == "POST":
        typed = request.form.get("kode", "")
        try:
            token = skm.check_token(get_db(), typed, now().date())
        except skm.SkmError as exc:
            errors["kode"] = str(exc)
            token = None
        fixed = token.layanan if token else None
        if token and not fixed and token.loket in lokets:
            choices = {s: services[s] for s in lokets[token.loket].layanan}
        try:
            jawaban = skm.validate(request.form, services=choices, fixed_layanan=fixed)
        except skm.InvalidAnswer as exc:
            errors.update(exc.errors)
        if not errors:
            try:
                skm.submit(get_db(), typed, jawaban, now().date())
            except skm.SkmError as exc:
                errors["kode"] = str(exc)
            else:
                return redirect(url_for("skm.thanks"), 303)
    return render_template("skm/form.html", unsur=skm.UNSUR, choices=choices, loket=loket, errors=errors,
                           form=source, jenis_kelamin=skm.JENIS_KELAMIN, pendidikan=skm.PENDIDIKAN,
                           pekerjaan=skm.PEKERJAAN), 422 if errors else 200


@bp.route("/skm/terima-kasih")
def thanks():
    return render_template("skm/thanks.html")


# --------------------------------------------------------------------------- staff

def _periode(text: str | None) -> skm.Periode:
    try:
        return skm.periode(text) if text else skm.periode_of(now().date())
    except skm.SkmError:
        abort(404)


@bp.route("/staf/skm/")
@requires("skm_kelola")
def staff():
    p = _periode(request.args.get("periode"))
    services = _services()
    try:
        lokets = _loket(services)
    except DataError as exc:
        flash(str(exc))
        lokets = {}
    db = get_db()
    figures = skm_results.compute(db, p.kode, services=services, today=now().date(),
                                  min_count=current_app.config["REPORT_MIN_COUNT"])
    plans = skm_results.rencana(db, p.kode)
    public_plans = skm_results.public_plans(plans, services)
    approval = skm_results.latest_approval(db, "skm", p.kode)
    approved = bool(plans) and approval is not None and approval["sha256"] == skm_results.plans_hash(public_plans)
    return render_template(
        "skm/staff.html", p=p, figures=figures, services=services, lokets=lokets, unsur=skm.UNSUR, days=skm.TOKEN_DAYS,
        plans=plans, approval=approval, approved=approved, plans_hash=skm_results.plans_hash(public_plans),
        missing=skm_results.missing_plans(figures, public_plans), saran=skm_results.saran(db, p.kode),
        populasi=skm_results.populasi(db, p.kode), terisi=skm_results.periode_terisi(db),
        can_approve=policy.allowed("skm_setujui", current_user.roles))


def _back(p: skm.Periode):
    return redirect(url_for("skm.staff", periode=p.kode), 303)


@bp.route("/staf/skm/kode", methods=["POST"])
@requires("skm_kelola")
def issue():
    services = _services()
    loket = _loket(services).get(request.form.get("loket", ""))
    if loket is None:
        flash("Pilih loket.")
        return redirect(url_for("skm.staff"), 303)
    # Out of bounds or not a number: 0, which the domain refuses in its own words.
    jumlah = params.whole_number(request.form, "jumlah", low=1, high=skm.MAX_TOKENS, default=0)
    try:
        codes = skm.issue_tokens(get_db(), jumlah, loket=loket, layanan=request.form.get("layanan") or None,
                                 actor_id=current_user.user.id, now=now())
    except skm.SkmError as exc:
        flash(str(exc))
        return redirect(url_for("skm.staff"), 303)
    base = current_app.config["BASE_URL"].rstrip("/")
    slips = [(skm.display_kode(c), f"{base}{url_for('skm.survey', kode=skm.display_kode(c))}") for c in codes]
    return render_template("skm/slips.html", slips=slips, loket=loket, services=services,
                           layanan=request.form.get("layanan") or None, days=skm.TOKEN_DAYS, qr=_qr)


def _qr(text: str) -> str:
    import segno
    return segno.make(text, error="m").svg_data_uri(scale=3, border=1)


@bp.route("/staf/skm/<periode>/populasi", methods=["POST"])
@requires("skm_kelola")
def set_populasi(periode):
    p = _periode(periode)
    try:
        skm_results.set_populasi(get_db(), p.kode, request.form.get("layanan", ""), request.form.get("jumlah", ""),
                                 services=_services(), actor_id=current_user.user.id, now=now())
    except skm.SkmError as exc:
        flash(str(exc))
    else:
        flash("Jumlah penerima layanan disimpan.")
    return _back(p)


@bp.route("/staf/skm/<periode>/rencana", methods=["POST"])
@requires("skm_kelola")
def add_rencana(periode):
    p = _periode(periode)
    f = request.form
    try:
        skm_results.add_rencana(get_db(), p.kode, layanan=f.get("layanan", ""), unsur=f.get("unsur"),
                                teks=f.get("rencana", ""), penanggung_jawab=f.get("penanggung_jawab", ""),
                                target=f.get("target", ""), services=_services(), actor_id=current_user.user.id,
                                now=now())
    except skm.SkmError as exc:
        flash(str(exc))
    else:
        flash("Rencana tindak lanjut disimpan; perlu disetujui Kepala Dinas.")
    return _back(p)


@bp.route("/staf/skm/<periode>/setujui", methods=["POST"])
@requires("skm_setujui")
def approve(periode):
    p = _periode(periode)
    try:
        skm_results.approve(get_db(), p.kode, services=_services(), actor_id=current_user.user.id,
                            roles=current_user.roles, jabatan=current_user.user.jabatan or "",
                            expected_hash=request.form.get("sidik", ""), today=now().date(), now=now(),
                            min_count=current_app.config["REPORT_MIN_COUNT"])
    except skm.SkmError as exc:
        flash(str(exc))
    else:
        flash("Rencana tindak lanjut disetujui. Ekspor hasil agar tampil di situs.")
    return _back(p)


@bp.route("/staf/skm/<periode>/ekspor", methods=["POST"])
@requires("skm_kelola")
def export(periode):
    p = _periode(periode)
    doc = skm_results.export(get_db(), p.kode, current_app.config["CONTENT_DIR"], services=_services(),
                             today=now().date(), min_count=current_app.config["REPORT_MIN_COUNT"],
                             actor_id=current_user.user.id, now=now())
    flash(f"Hasil SKM {p.label} diekspor untuk situs (tindak lanjut: "
          f"{skm_results.PLAN_STATUS_LABELS[doc['tindak_lanjut']['status']]}).")
    return _back(p)
