"""One complaint, for staff: everything on one page, and the step forms this person may use.

The view only parses the form and calls portal.domain.handling; whether the step is allowed
is decided there (workflow.check), again, inside the write transaction.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user

from ..domain import (audit, deadlines, documents, handling, inbox, messages, policy, record, regions, rendering,
                      tracking, users, workflow)
from ..domain import nik as nik_rules
from . import calendar, catalog, get_db, now, params
from .auth import requires

bp = Blueprint("case", __name__, url_prefix="/pengaduan/staf/p")

SIFAT = ("Biasa", "Segera", "Sangat Segera", "Rahasia")


def actor() -> handling.Actor:
    return handling.Actor(current_user.user.id, frozenset(current_user.roles))


def load(ref: str) -> dict:
    complaint = record.by_ref(get_db(), ref)
    if complaint is None:
        abort(404)
    return complaint


def sees_identity(complaint: dict) -> bool:
    return policy.sees_identity(get_db(), complaint["id"], current_user.roles, current_user.user.id)


def _refuse_identity(complaint: dict):
    """Attachments and letters carry the complainant's identity: only for whom the policy allows."""
    if not sees_identity(complaint):
        return render_template("error.html", title="Akses ditolak", message=(
            "Berkas ini memuat data pribadi pengadu. " + policy.refusal("data_pribadi"))), 403
    return None


def _history_sentence(event: dict, person: dict) -> str:
    """One event as the office says it: "Operator Pengaduan Budi menelaah pengaduan: layak
    ditindaklanjuti." Labels from workflow.HISTORY; the time is shown beside it by the page."""
    role = event["actor_role"]
    who = " ".join(part for part in (inbox.staff_title(role, person.get("jabatan")), person.get("display_name"))
                   if part) or workflow.ACTOR_LABELS[workflow.SYSTEM]
    kind = event["kind"]
    if kind == workflow.REGISTERED:
        what = workflow.HISTORY[kind if role != workflow.CITIZEN else f"{kind}:{workflow.CITIZEN}"]
        # The registration's note is the channel it came through.
        return f"{who} {what}" + (f" melalui {event['note']}." if event["note"] else ".")
    what = workflow.HISTORY.get(kind) or (workflow.STEPS[kind].label.lower() if kind in workflow.STEPS else kind)
    return f"{who} {what}."


def _access_lines(db, complaint_id: int) -> list[dict]:
    """The access log grouped by person and day, in words (policy.AUDIT_LABELS)."""
    out = []
    for entry in audit.grouped_for_complaint(db, complaint_id):
        title = inbox.title_at(db, entry["actor_id"], entry["jabatan"], entry["first"])
        who = " ".join(part for part in (title, entry["who"]) if part)
        done = ", ".join(f"{policy.audit_label(action)} {count} kali"
                         for action, count in entry["actions"])
        out.append({**entry, "text": f"{who} {done}"})
    return out


def case_context(complaint: dict) -> dict:
    db = get_db()
    cid = complaint["id"]
    identity = sees_identity(complaint)
    # Without the right to the personal data, every text on the page is masked the same way.
    text = (lambda value: value) if identity else (lambda value: policy.mask_text(value, complaint))
    file = record.load(db, cid)
    events = file.events
    names = record.staff_names(db)
    for e in events:
        e["who"] = (names.get(e["actor_id"], {}).get("display_name")
                    or workflow.ACTOR_LABELS.get(e["actor_role"], ""))
        e["data"] = json.loads(e["data"]) if e["data"] else {}
        e["label"] = workflow.STEPS[e["kind"]].label if e["kind"] in workflow.STEPS else "Pengaduan diterima"
        e["at_dt"] = datetime.fromisoformat(e["at"])
        e["note"], e["body"] = text(e["note"]), text(e["body"])
        e["sentence"] = _history_sentence(e, names.get(e["actor_id"], {}))
        e["registration"] = e["kind"] == workflow.REGISTERED
    nota = [file.nota_dinas] if file.nota_dinas else []
    tembusan = file.tembusan
    disposisi = file.disposisi
    drafts = file.konsep
    approved = file.approved_konsep
    approved = (text(approved["body"]), approved["nomor_surat"]) if approved else None
    for d in drafts:
        d["body"] = text(d["body"])
        d["html"] = rendering.render_reply(d["body"])
        d["approved"], d["returned"] = d["review"] == record.KONSEP_APPROVED, d["review"] == record.KONSEP_RETURNED
    open_draft = file.open_draft
    assignee = file.assignee_id
    steps = workflow.available(complaint["state"], current_user.roles, actor_id=current_user.user.id,
                               assignee_id=assignee, assignee_holds=record.assignee_holds(db, cid, now()))
    pejabat = users.holders(db, "pejabat", now())
    templates = catalog().templates_for(complaint["category"])
    clocks = deadlines.clocks(complaint, events, catalog=catalog(), calendar=calendar())
    # Photos and scans cannot be masked: without the right to the personal data, none are listed.
    attachments = file.attachments if identity else []
    for n in nota:
        n["hal"], n["ringkasan"] = text(n["hal"]), text(n["ringkasan"])
        n["tanggal_date"] = date.fromisoformat(n["tanggal"])
    for d in disposisi:
        d["instruksi"] = text(d["instruksi"])
        d["batas_date"] = date.fromisoformat(d["batas"])
    rating = file.rating
    if rating:
        rating["komentar"] = text(rating["komentar"])
    shown = complaint if identity else policy.without_identity(complaint)
    kec, desa = regions.get(complaint["kecamatan"]), regions.get(shown["desa"] or "")
    default_batas = calendar().add_working_days(now().date(), current_app.config["DISPOSISI_DAYS"]).due
    return dict(
        c=shown, identity=identity, identity_rule=policy.refusal("data_pribadi"),
        code=tracking.display(complaint["tracking_code"]), events=events, nota=nota[0] if nota else None,
        tembusan=tembusan, disposisi=disposisi, drafts=drafts, open_draft=open_draft, steps=steps,
        step_codes={s.code for s in steps}, pejabat=pejabat, templates=templates,
        draft_text=open_draft["body"] if open_draft else (drafts[-1]["body"] if drafts else ""),
        clocks=clocks,
        today=now().date(), attachments=attachments, state=workflow.STATES[complaint["state"]],
        region=f"{desa.nama + ', ' if desa else ''}Kecamatan {kec.nama if kec else ''}",
        nik_masked=nik_rules.mask(shown["nik"]) if shown["nik"] else None,
        category=catalog().categories.get(complaint["category"], complaint["category"]),
        channel=catalog().channels.get(complaint["channel"], complaint["channel"]),
        reasons=workflow.NOT_FIT_REASONS, sifat=SIFAT, delivery_means=handling.DELIVERY_MEANS,
        default_batas=default_batas, approved=approved,
        reply_html=rendering.render_reply(approved[0] if approved else ""),
        # A complaint that came by WhatsApp or phone is answered by WhatsApp: the chat opens with
        # the approved reply and the tracking address written, the operator presses send.
        whatsapp_url=messages.whatsapp_link(complaint["phone"], tracking.display(complaint["tracking_code"]),
                                            approved[0], approved[1], current_app.config["BASE_URL"])
        if approved and identity and complaint["channel"] in messages.WHATSAPP_CHANNELS and complaint["phone"]
        else None,
        sent_now=now().strftime(params.LOCAL_MOMENT),
        audit_rows=audit.for_complaint(db, cid), access_lines=_access_lines(db, cid), roles=users.ROLES,
        received_at=datetime.fromisoformat(complaint["received_at"]),
        rating=rating,
    )


@bp.route("/<ref>")
@requires("lihat_pengaduan")
def show(ref):
    complaint = load(ref)
    # Opening a complaint shows personal data; UU 27/2022 Ps. 31 asks that it be recorded.
    audit.record(get_db(), current_user.user.id, "lihat_pengaduan", f"pengaduan {complaint['id']}", now())
    return render_template("staff/case.html", **case_context(complaint))


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


def _take(step: str, complaint: dict):
    """Parse the step's form and call the domain; returns a message for the person."""
    db, me, moment, f = get_db(), actor(), now(), request.form
    expected = f.get("expected_state") or None
    base_url = current_app.config["BASE_URL"]
    cid = complaint["id"]
    if step == "telaah_layak":
        handling.telaah_fit(db, cid, me, moment, note=f.get("note"), expected_state=expected)
        return "Pengaduan dinyatakan layak ditindaklanjuti."
    if step == "telaah_tidak_layak":
        handling.telaah_not_fit(db, cid, me, moment, reason=f.get("reason", ""), note=f.get("note", ""),
                                duplicate_of=f.get("duplicate_of"), base_url=base_url, expected_state=expected)
        return "Pengaduan ditutup sebagai tidak layak; pengadu diberi tahu alasannya."
    if step == "minta_informasi":
        handling.request_information(db, cid, me, moment, note=f.get("note", ""), base_url=base_url,
                                     expected_state=expected)
        return "Permintaan informasi tambahan dikirim kepada pengadu."
    if step == "nota_dinas":
        tembusan = params.whole_numbers(f, "tembusan", low=1, high=params.MAX_ID)
        nomor = handling.create_nota_dinas(db, cid, me, moment, catalog=catalog(), sifat=f.get("sifat", ""),
                                           hal=f.get("hal", ""), ringkasan=f.get("ringkasan", ""),
                                           telaah=f.get("telaah", ""), tembusan=tembusan, expected_state=expected)
        return f"Nota dinas nomor {nomor} dibuat dan dilaporkan kepada Kepala Dinas."
    if step in ("disposisi", "disposisi_ulang"):
        batas = _date("batas")
        if batas is None:
            raise handling.HandlingError("Isi batas waktu disposisi.")
        pejabat_id = params.whole_number(f, "pejabat_id", low=1, high=params.MAX_ID) or 0
        # The same form names the official the first time and again when the first no longer holds the role.
        send = handling.dispose if step == "disposisi" else handling.redispose
        send(db, cid, me, moment, pejabat_id=pejabat_id, instruksi=f.get("instruksi", ""), batas=batas,
             expected_state=expected)
        return "Disposisi dikirim kepada pejabat." if step == "disposisi" else "Disposisi ulang dikirim kepada pejabat."
    if step == "simpan_konsep":
        handling.save_draft(db, cid, me, moment, body=f.get("body", ""))
        return "Konsep tanggapan disimpan."
    if step == "ajukan_konsep":
        handling.submit_draft(db, cid, me, moment, body=f.get("body"), expected_state=expected)
        return "Konsep tanggapan diajukan kepada Kepala Dinas."
    if step == "setujui":
        nomor = handling.approve(db, cid, me, moment, catalog=catalog(), note=f.get("note"), expected_state=expected)
        return f"Tanggapan disetujui dengan nomor surat {nomor}."
    if step == "kembalikan":
        handling.return_draft(db, cid, me, moment, note=f.get("note", ""), expected_state=expected)
        return "Konsep tanggapan dikembalikan kepada pejabat untuk diperbaiki."
    if step == "kirim":
        handling.send_reply(db, cid, me, moment, base_url=base_url, delivered_by=f.get("delivered_by"),
                            delivered_at=params.moment(f.get("delivered_at")), expected_state=expected)
        return "Tanggapan dikirim kepada pengadu."
    if step == "buka_kembali":
        handling.reopen(db, cid, me, moment, note=f.get("note", ""), base_url=base_url, expected_state=expected)
        return "Pengaduan dibuka kembali dan kembali ke tahap telaah."
    if step == "tetap_selesai":
        handling.keep_closed(db, cid, me, moment, note=f.get("note", ""), base_url=base_url,
                             expected_state=expected)
        return "Pengaduan tetap selesai; pengadu diberi tahu alasannya."
    abort(404)


@bp.route("/<ref>/langkah/<step>", methods=["POST"])
@requires("lihat_pengaduan")
def take(ref, step):
    complaint = load(ref)
    if step not in workflow.STEPS and step not in workflow.EDITS:
        abort(404)
    try:
        message = _take(step, complaint)
    except workflow.NotPermitted as exc:
        current_app.logger.warning("refused step %s on complaint %s for user %s", step, complaint["id"],
                                   current_user.user.id)
        return render_template("error.html", title="Akses ditolak", message=str(exc)), 403
    except workflow.WrongState as exc:
        return render_template("error.html", title="Langkah tidak dapat dilakukan", message=str(exc)), 409
    except handling.HandlingError as exc:
        context = case_context(load(ref))
        if "body" in request.form:  # what the official typed stays in the box
            context["draft_text"] = request.form["body"]
        return render_template("staff/case.html", error=str(exc), form=request.form, failed_step=step,
                               **context), 422
    flash(message)
    return redirect(url_for("case.show", ref=ref), 303)


@bp.route("/<ref>/konsep/templat", methods=["POST"])
@requires("lihat_pengaduan")
def insert_template(ref):
    """A reply template chosen without JavaScript: the page again, with what the official typed
    kept and the template added after it. Nothing is saved; the draft is saved by its buttons."""
    complaint = load(ref)
    try:
        workflow.check("simpan_konsep", complaint["state"], current_user.roles, actor_id=current_user.user.id,
                       assignee_id=record.current_assignee(get_db(), complaint["id"]))
    except workflow.NotPermitted as exc:
        return render_template("error.html", title="Akses ditolak", message=str(exc)), 403
    except workflow.WrongState as exc:
        return render_template("error.html", title="Langkah tidak dapat dilakukan", message=str(exc)), 409
    templates = catalog().templates_for(complaint["category"])
    chosen = params.whole_number(request.form, "templat", low=0, high=len(templates) - 1)
    typed = request.form.get("body", "")
    # Not logged again as a view: the official opened this page (logged) to get the form.
    context = case_context(complaint)
    if chosen is None:
        context["draft_text"] = typed
    else:
        title, template = templates[chosen][0], templates[chosen][1].strip()
        context["draft_text"] = f"{typed.rstrip()}\n\n{template}" if typed.strip() else template
        context["template_note"] = (f"Templat \u201c{title}\u201d ditambahkan di akhir teks. "
                                    "Teks belum disimpan; tekan \u201cSimpan konsep\u201d untuk menyimpannya.")
    return render_template("staff/case.html", **context)


@bp.route("/<ref>/jejak.csv")
@requires("lihat_pengaduan")
def audit_export(ref):
    """The complaint's whole record of steps and staff access, as CSV for the office's files."""
    complaint = load(ref)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["waktu", "jenis", "langkah_atau_tindakan", "oleh", "dari_status", "ke_status", "catatan"])
    context = case_context(complaint)
    for e in context["events"]:
        writer.writerow([e["at"], "langkah", e["kind"], e["who"], e["from_state"] or "", e["to_state"] or "",
                         e["note"] or ""])
    for a in context["audit_rows"]:
        writer.writerow([a["at"], "akses", a["action"], a["who"] or "", "", "", ""])
    audit.record(get_db(), current_user.user.id, "unduh_jejak_audit", f"pengaduan {complaint['id']}", now())
    response = current_app.response_class(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="jejak-{tracking.display(complaint["tracking_code"])}.csv"'
    return response


@bp.route("/<ref>/lampiran/<stored_name>")
@requires("data_pribadi")
def attachment(ref, stored_name):
    complaint = load(ref)
    refused = _refuse_identity(complaint)
    if refused:
        return refused
    row = record.attachment(get_db(), complaint["id"], stored_name)
    if row is None:
        abort(404)
    audit.record(get_db(), current_user.user.id, "unduh_lampiran", f"pengaduan {complaint['id']} {stored_name}", now())
    return send_file(Path(current_app.config["UPLOAD_DIR"]) / stored_name, mimetype=row["mime"],
                     as_attachment=row["mime"] == "application/pdf", download_name=row["original_name"], max_age=0)


@bp.route("/<ref>/dokumen/<kind>.<fmt>")
@requires("data_pribadi")
def document(ref, kind, fmt):
    complaint = load(ref)
    refused = _refuse_identity(complaint)
    if refused:
        return refused
    if kind not in documents.KINDS or fmt not in ("html", "pdf", "docx"):
        abort(404)
    try:
        content, mimetype, filename = documents.render(get_db(), complaint["id"], kind, fmt, catalog().office,
                                                       content_dir=current_app.config["CONTENT_DIR"],
                                                       production=current_app.config["PRODUCTION"])
    except documents.DocumentNotReady as exc:
        return render_template("error.html", title="Dokumen belum tersedia", message=str(exc)), 404
    audit.record(get_db(), current_user.user.id, "unduh_dokumen", f"pengaduan {complaint['id']} {kind}.{fmt}", now())
    response = current_app.response_class(content, mimetype=mimetype)
    if fmt == "html":
        # A self-contained printable page: its own inline styles and embedded logo only.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    else:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
