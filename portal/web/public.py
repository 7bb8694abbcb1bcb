"""The citizen's pages: file a complaint, see it confirmed, follow it by tracking code."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..domain import complaints, feedback, handling, record, storage, tracking, uploads
from . import calendar, catalog, get_db, limiter, now, params
from .forms import AddInformationForm, ComplaintForm, TrackForm

bp = Blueprint("public", __name__, url_prefix="/pengaduan", static_folder="static",
               template_folder="templates")
# Sent with a 503 when the disk or database refused a write: a hint to try again later.
RETRY_AFTER = {"Retry-After": "300"}


def limits() -> complaints.Limits:
    c = current_app.config
    return complaints.Limits(c["MAX_TEXT_CHARS"], c["MAX_FILES"], c["MAX_FILE_MB"] * 1024 * 1024)


def read_files(field_name: str) -> tuple[list[uploads.CleanFile], str | None]:
    """The uploaded files, checked by content; or the first problem as a message."""
    incoming = [f for f in request.files.getlist(field_name) if f and f.filename]
    if len(incoming) > limits().max_files:
        return [], f"Paling banyak {limits().max_files} lampiran."
    cleaned = []
    max_bytes = limits().max_file_bytes
    budget = uploads.PixelBudget()  # shared by the files of this one submission
    for f in incoming:
        try:
            size = f.stream.seek(0, 2)
            f.stream.seek(0)
            uploads.check_size(f.filename, size, max_bytes)
            cleaned.append(uploads.clean(f.read(), f.filename, max_bytes, budget))
        except uploads.InvalidUpload as exc:
            return [], str(exc)
    return cleaned, None


def _not_stored(exc: Exception, what: str) -> bool:
    """Whether the disk or database refused to keep what the citizen sent; logged if so."""
    kind = storage.fault_kind(exc)
    if kind is not None:
        current_app.logger.error("%s not stored (%s): %r", what, kind, exc.__cause__ or exc)
    return kind is not None


# The session key of the token under which the form's accepted attachments are held while the
# citizen corrects the form (uploads.hold).
HELD = "lampiran_ditahan"


def _held_files(remove: bool) -> list[uploads.CleanFile]:
    """The attachments held for this citizen's session; released first when they asked to remove them."""
    held_dir = current_app.config["HELD_UPLOAD_DIR"]
    if remove:
        uploads.release(held_dir, session.pop(HELD, None))
        return []
    files = uploads.held(held_dir, session.get(HELD))
    if not files:
        session.pop(HELD, None)
    return files


def _hold(files: list[uploads.CleanFile]) -> None:
    """Keep the accepted attachments for the next try, replacing what was held before."""
    held_dir = current_app.config["HELD_UPLOAD_DIR"]
    previous = session.pop(HELD, None)
    if files:
        try:
            session[HELD] = uploads.hold(held_dir, files)
        except OSError as exc:  # the citizen is then asked for the files again, as before
            current_app.logger.error("attachments not held: %r", exc)
    uploads.release(held_dir, previous)


def _render_form(form, held, status=200, **extra):
    return render_template("public/form.html", form=form, max_files=limits().max_files,
                           max_mb=current_app.config["MAX_FILE_MB"],
                           held=[f.original_name for f in held], **extra), status


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"], methods=["POST"])
def form():
    form = ComplaintForm()
    form.fill_choices(catalog())
    held = _held_files(remove=request.method == "POST" and request.form.get("hapus_lampiran") == "y")
    if form.validate_on_submit():
        if form.website.data:
            return render_template("error.html", title="Pengaduan tidak dapat diproses",
                                   message="Kiriman ini terdeteksi sebagai kiriman otomatis."), 400
        new = complaints.NewComplaint(
            channel="web", category=form.category.data or "", kecamatan=form.kecamatan.data or "",
            desa=form.desa.data or "", visibility=form.visibility.data or "", body=form.body.data or "",
            name=form.name.data or "", email=form.email.data or "", phone=form.phone.data or "",
            nik=form.nik.data or "", consent=form.consent.data)
        errors = {}
        try:
            new = complaints.validate(new, catalog(), limits(), now().date())
        except complaints.InvalidComplaint as exc:
            errors = exc.errors
        files, file_error = read_files("files")
        files = held + files
        if file_error:
            errors["files"] = file_error
        elif len(files) > limits().max_files:
            errors["files"] = (f"Paling banyak {limits().max_files} lampiran; {len(held)} sudah terlampir. "
                               "Hapus lampiran yang terlampir bila ingin menggantinya.")
        if not errors:
            try:
                filed = complaints.file_complaint(
                    get_db(), new, files, catalog=catalog(), calendar=calendar(),
                    upload_dir=current_app.config["UPLOAD_DIR"], now=now(),
                    base_url=current_app.config["BASE_URL"], limits=limits())
            except Exception as exc:  # opening the database can fail as well as writing to it
                if not _not_stored(exc, "complaint"):
                    raise
                _hold(files)
                return _render_form(form, files, 503, not_received=True, office=catalog().office) \
                    + (RETRY_AFTER,)
            # Stored with the complaint (store/publish): the held copies are no longer needed.
            uploads.release(current_app.config["HELD_UPLOAD_DIR"], session.pop(HELD, None))
            session["filed"] = {"code": filed.tracking_code, "due": filed.due.due.isoformat(),
                                "explanation": filed.due.explanation, "email": bool(new.email)}
            return redirect(url_for("public.confirmation"), 303)
        if "files" not in errors:
            _hold(files)
            held = files
        form.show_errors(errors)
    return _render_form(form, held, 200 if not form.errors else 422)


@bp.route("/terkirim")
def confirmation():
    filed = session.get("filed")
    if not filed:
        return redirect(url_for("public.track"))
    return render_template("public/confirmation.html", filed=filed, due=date.fromisoformat(filed["due"]))


@bp.route("/terkirim/bukti")
def receipt():
    """A receipt to print or save as PDF: for the many citizens without e-mail, the one record
    of their code. Read from the session, like the confirmation, so the code is in no URL."""
    filed = session.get("filed")
    complaint = complaints.find_by_code(get_db(), filed["code"]) if filed else None
    if complaint is None:
        return redirect(url_for("public.track"))
    return render_template("public/receipt.html", filed=filed, due=date.fromisoformat(filed["due"]),
                           received_at=datetime.fromisoformat(complaint["received_at"]),
                           track_url=current_app.config["BASE_URL"].rstrip("/") + url_for("public.track"))


@bp.route("/lacak", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_TRACK"], methods=["POST"])
def track():
    form = TrackForm()
    if form.validate_on_submit():
        view, message = _look_up(form.code.data or "")
        if view is not None:
            # Post/redirect/get: reloading the result does not send the form again, and the code
            # stays out of the address bar, history and server logs.
            session["tracked"] = view.tracking_code
            return redirect(url_for("public.track_result"), 303)
        return render_template("public/track.html", form=form, view=None, message=message,
                               info_form=AddInformationForm()), 404
    return render_template("public/track.html", form=form, view=None, message=None,
                           info_form=AddInformationForm())


@bp.route("/lacak/hasil")
def track_result():
    code = session.get("tracked")
    view = _look_up(code)[0] if code else None
    if view is None:
        return redirect(url_for("public.track"))
    return render_template("public/track.html", form=TrackForm(formdata=None), view=view, message=None,
                           added=session.pop("added", False), info_form=AddInformationForm(code=code))


def _look_up(typed: str):
    code_status, shown = tracking.check(typed)
    # Look the code up whatever its shape, so a wrong code answers no faster than a right one.
    complaint = complaints.find_by_code(get_db(), typed)
    if code_status is tracking.CodeStatus.MALFORMED:
        return None, ("Kode pelacakan terdiri atas 12 huruf dan angka, misalnya K7QM-2XHD-9PWR. "
                      "Periksa kembali kode pada halaman konfirmasi atau e-mail Anda.")
    if code_status is tracking.CodeStatus.MISTYPED:
        return None, (f"Kode {shown} tampaknya salah ketik: huruf terakhirnya tidak cocok. "
                      "Periksa kembali setiap huruf dan angka.")
    if complaint is None:
        return None, f"Tidak ada pengaduan dengan kode {shown}. Periksa kembali kode Anda."
    view = complaints.public_view(get_db(), complaint, catalog=catalog(), calendar=calendar())
    if feedback.can_rate(get_db(), complaint):
        view.rating_token = complaint["feedback_token"]
    return view, None


@bp.route("/lacak/informasi", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"])
def add_information():
    info_form = AddInformationForm()
    form = TrackForm(code=info_form.code.data)
    view, message = _look_up(info_form.code.data or "")
    if view is None or not info_form.validate_on_submit():
        return render_template("public/track.html", form=form, view=view, message=message,
                               info_form=info_form), 404 if view is None else 400
    files, error = read_files("files")
    if error is None:
        try:
            complaints.add_information(
                get_db(), complaints.find_by_code(get_db(), info_form.code.data), info_form.body.data,
                files, upload_dir=current_app.config["UPLOAD_DIR"], now=now(), limits=limits())
        except (complaints.InvalidComplaint, complaints.NotWaitingForInformation) as exc:
            error = str(exc)
        except Exception as exc:
            if not _not_stored(exc, "information"):
                raise
            return render_template("public/track.html", form=form, view=view, not_received=True,
                                   office=catalog().office, info_form=info_form), 503, RETRY_AFTER
    if error:
        # Shown next to the field when the form is on the page, else as the page's message.
        info_form.body.errors = [error]
        message = None if view.waiting_for_citizen else error
        return render_template("public/track.html", form=form, view=view, message=message,
                               info_form=info_form), 422
    session["tracked"], session["added"] = view.tracking_code, True
    return redirect(url_for("public.track_result"), 303)


@bp.route("/nilai/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SUBMIT"], methods=["POST"])
def rate(token):
    """The rating form, reached from the link in the reply e-mail or from the tracking page."""
    complaint = record.by_feedback_token(get_db(), token) if len(token) < 64 else None
    if complaint is None:
        return render_template("error.html", title="Tautan penilaian tidak dikenal",
                               message="Tautan ini tidak dikenal. Buka halaman pelacakan dan masukkan kode "
                                       "pengaduan Anda."), 404
    error = None
    if request.method == "POST":
        form = request.form
        scores = {k: params.whole_number(form, k, low=min(feedback.SCALE), high=max(feedback.SCALE))
                  for k in feedback.QUESTIONS}
        try:
            feedback.rate(get_db(), complaint["id"], scores=scores, solved=form.get("selesai") == "ya",
                          comment=form.get("komentar", ""), now=now())
        except feedback.AlreadyRated as exc:
            error = str(exc)
        except handling.HandlingError as exc:
            error = str(exc)
        else:
            return render_template("public/rated.html", solved=form.get("selesai") == "ya")
    rated = not feedback.can_rate(get_db(), complaint) and error is None
    return render_template("public/rate.html", token=token, questions=feedback.QUESTIONS, scale=feedback.SCALE,
                           error=error, rated=rated, code=tracking.display(complaint["tracking_code"]),
                           form=request.form), 422 if error else 200


@bp.route("/privasi")
def privacy():
    return render_template("public/privacy.html")
