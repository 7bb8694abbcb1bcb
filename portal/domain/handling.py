"""The staff steps of SOP 04/SOP/DKPS/SKRT/X/2016 after receipt: telaah, nota dinas,
disposisi, konsep tanggapan, approval or return, and sending the reply.

Each function takes the step in one write transaction: it re-reads the complaint's state
under the write lock, asks `workflow.check` whether this person may take the step from that
state, then writes the step's record, its event and any e-mail together. Of two people
pressing the same button at once, the second finds the state already moved and is told so.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from ..db import write_transaction
from . import deadlines, messages, outbox, record, tracking, users, workflow
from .catalog import Catalog
from .complaints import events_of, get as get_complaint


@dataclass(frozen=True)
class Actor:
    id: int | None  # None for the system itself
    roles: frozenset[str]


class HandlingError(ValueError):
    "The step's input is incomplete or wrong; the message says what to fix."


def _complaint(db, complaint_id: int) -> dict:
    complaint = get_complaint(db, complaint_id)
    if complaint is None:
        raise HandlingError("Pengaduan tidak ditemukan.")
    return complaint


def authorise(db, complaint_id: int, step_code: str, actor: Actor, expected_state: str | None = None, *,
              now: datetime) -> dict:
    """Refuse a person who may not take the step before looking at what they typed."""
    complaint = _complaint(db, complaint_id)
    if expected_state and complaint["state"] != expected_state:
        # The page the person acted on is out of date: someone else took a step meanwhile.
        raise workflow.WrongState(
            f"Pengaduan ini sudah diproses petugas lain dan kini berstatus "
            f"\u201c{workflow.STATES[complaint['state']].label}\u201d. Muat ulang halaman.")
    workflow.check(step_code, complaint["state"], actor.roles, actor_id=actor.id,
                   assignee_id=record.current_assignee(db, complaint_id),
                   assignee_holds=record.assignee_holds(db, complaint_id, now))
    return complaint


def transition(db, complaint_id: int, step_code: str, actor: Actor, now: datetime, *,
               note: str | None = None, body: str | None = None, data: dict | None = None,
               expected_state: str | None = None) -> dict:
    """Check and record one step; call inside write_transaction. Returns the complaint as it was."""
    complaint = authorise(db, complaint_id, step_code, actor, expected_state, now=now)
    step = workflow.STEPS[step_code]
    if step.needs_note and not (note or "").strip():
        raise HandlingError(f"Langkah \u201c{step.label}\u201d memerlukan catatan.")
    db["events"].insert({
        "complaint_id": complaint_id, "at": now.isoformat(), "kind": step.code,
        "from_state": complaint["state"], "to_state": step.to_state, "actor_id": actor.id,
        "actor_role": sorted(actor.roles & set(step.roles))[0] if actor.roles & set(step.roles) else None,
        "note": (note or "").strip() or None, "body": body,
        "data": json.dumps(data, ensure_ascii=False) if data else None,
    })
    db.execute("UPDATE complaints SET state = ? WHERE id = ?", [step.to_state, complaint_id])
    return complaint


def _notify(db, complaint: dict, now: datetime, base_url: str, message: tuple[str, ...]) -> None:
    """Queue (subject, text) or (subject, text, html) for the citizen, if they gave an e-mail address."""
    if complaint["email"]:
        subject, body, *html = message
        outbox.enqueue(db, recipient=complaint["email"], subject=subject, body=body, now=now,
                       complaint_id=complaint["id"], domain=messages.mail_domain(base_url),
                       html=html[0] if html else None)


# ---------------------------------------------------------------- step 2: telaah

def telaah_fit(db, complaint_id, actor: Actor, now, *, note=None, expected_state=None) -> None:
    with write_transaction(db):
        transition(db, complaint_id, "telaah_layak", actor, now, note=note, expected_state=expected_state)


def telaah_not_fit(db, complaint_id, actor: Actor, now, *, reason: str, note: str, base_url: str,
                   duplicate_of: str | None = None, expected_state=None) -> None:
    """Close as not fit; `note` is what the citizen reads (for bukan_wewenang: where to go instead)."""
    data = {"alasan": reason}
    with write_transaction(db):
        authorise(db, complaint_id, "telaah_tidak_layak", actor, expected_state, now=now)
        if reason not in workflow.NOT_FIT_REASONS:
            raise HandlingError("Pilih alasan tidak layak dari daftar.")
        if reason == "duplikat":
            original = db.execute("SELECT id, tracking_code FROM complaints WHERE tracking_code = ?",
                                  [tracking.normalise(duplicate_of or "")]).fetchone()
            if original is None or original[0] == complaint_id:
                raise HandlingError("Isi kode pelacakan pengaduan lain yang sama dengan pengaduan ini.")
            data["duplikat_dari"] = tracking.display(original[1])
            db.execute("UPDATE complaints SET duplicate_of = ? WHERE id = ?", [original[0], complaint_id])
        public_note = f"{workflow.NOT_FIT_REASONS[reason]}. {(note or '').strip()}".strip()
        complaint = transition(db, complaint_id, "telaah_tidak_layak", actor, now, note=public_note,
                               data=data, expected_state=expected_state)
        _notify(db, complaint, now, base_url,
                messages.not_fit(tracking.display(complaint["tracking_code"]), public_note, base_url))


def request_information(db, complaint_id, actor: Actor, now, *, note: str, base_url: str,
                        expected_state=None) -> None:
    with write_transaction(db):
        complaint = transition(db, complaint_id, "minta_informasi", actor, now, note=note,
                               expected_state=expected_state)
        _notify(db, complaint, now, base_url,
                messages.information_requested(tracking.display(complaint["tracking_code"]), note, base_url))


def withdraw_unanswered(db, now: datetime, *, catalog: Catalog, calendar, base_url: str) -> int:
    """Close, as withdrawn, each complaint whose request for information went unanswered
    past the SOP data's `melengkapi_informasi` limit; the citizen is told."""
    system = Actor(None, frozenset({workflow.SYSTEM}))
    closed = 0
    waiting = workflow.STEPS["dicabut"].from_states
    where, params = workflow.sql_in("state", waiting)
    for (complaint_id,) in db.execute(f"SELECT id FROM complaints WHERE {where}", params).fetchall():
        with write_transaction(db):
            complaint = _complaint(db, complaint_id)
            if complaint["state"] not in waiting or not deadlines.information_expired(
                    complaint, events_of(db, complaint_id), catalog=catalog, calendar=calendar, today=now.date()):
                continue  # answered in the meantime, or still within the limit
            transition(db, complaint_id, "dicabut", system, now,
                       note="Informasi tambahan yang diminta tidak diterima sampai batas waktu.")
            _notify(db, complaint, now, base_url, messages.withdrawn(tracking.display(complaint["tracking_code"])))
            closed += 1
    return closed


# ---------------------------------------------------------------- letter numbers

def allocate_number(db, kind: str, pattern: str, complaint_id: int, on: date) -> str:
    """The next number of this kind of letter this year; call inside the write transaction."""
    seq = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM letter_numbers WHERE kind = ? AND year = ?",
                     [kind, on.year]).fetchone()[0]
    nomor = pattern.format(seq=seq, year=on.year)
    if db.execute("SELECT 1 FROM letter_numbers WHERE nomor = ?", [nomor]).fetchone():
        # The database's unique index would refuse it too; this says why, in words staff can act on.
        raise HandlingError(f"Nomor {nomor} sudah dipakai surat lain. Minta admin memeriksa pola nomor surat "
                            "(nomor_nota_dinas, nomor_surat_tanggapan) di content/data/dinas.yml.")
    db["letter_numbers"].insert({"kind": kind, "year": on.year, "seq": seq, "nomor": nomor,
                                 "complaint_id": complaint_id})
    return nomor


# ---------------------------------------------------------------- step 3: nota dinas

def create_nota_dinas(db, complaint_id, actor: Actor, now, *, catalog: Catalog, sifat: str, hal: str,
                      ringkasan: str, telaah: str, tembusan: list[int], expected_state=None) -> str:
    with write_transaction(db):
        authorise(db, complaint_id, "nota_dinas", actor, expected_state, now=now)
        missing = [label for label, value in (("sifat", sifat), ("hal", hal), ("ringkasan pengaduan", ringkasan),
                                              ("hasil telaah", telaah)) if not (value or "").strip()]
        if missing:
            raise HandlingError(f"Isi {', '.join(missing)} nota dinas.")
        if not tembusan:
            raise HandlingError("Pilih paling sedikit satu pejabat sebagai tembusan.")
        transition(db, complaint_id, "nota_dinas", actor, now, expected_state=expected_state)
        nomor = allocate_number(db, "nota_dinas", catalog.office.nomor_nota_dinas, complaint_id, now.date())
        nota_id = db["nota_dinas"].insert({
            "complaint_id": complaint_id, "nomor": nomor, "tanggal": now.date().isoformat(),
            "sifat": sifat.strip(), "hal": hal.strip(), "ringkasan": ringkasan.strip(),
            "telaah": telaah.strip(), "created_by": actor.id, "created_at": now.isoformat()}).last_pk
        for user_id in sorted(set(tembusan)):
            db["nota_dinas_tembusan"].insert({"nota_dinas_id": nota_id, "user_id": user_id})
    return nomor


# ---------------------------------------------------------------- step 4: disposisi

def dispose(db, complaint_id, actor: Actor, now, *, pejabat_id: int, instruksi: str, batas: date,
            expected_state=None) -> None:
    with write_transaction(db):
        authorise(db, complaint_id, "disposisi", actor, expected_state, now=now)
        _check_disposisi(db, pejabat_id, batas, now)
        transition(db, complaint_id, "disposisi", actor, now, note=instruksi, expected_state=expected_state)
        _record_disposisi(db, complaint_id, actor, now, pejabat_id=pejabat_id, instruksi=instruksi, batas=batas)


def redispose(db, complaint_id, actor: Actor, now, *, pejabat_id: int, instruksi: str, batas: date,
              expected_state=None) -> None:
    """The Kepala Dinas names another official when the one of the current disposisi no longer
    holds the pejabat role (an acting period that ended): the complaint would be stuck otherwise."""
    with write_transaction(db):
        authorise(db, complaint_id, "disposisi_ulang", actor, expected_state, now=now)
        _check_disposisi(db, pejabat_id, batas, now)
        transition(db, complaint_id, "disposisi_ulang", actor, now, note=instruksi, expected_state=expected_state,
                   data={"sebelumnya": record.current_assignee(db, complaint_id), "kepada": pejabat_id})
        _record_disposisi(db, complaint_id, actor, now, pejabat_id=pejabat_id, instruksi=instruksi, batas=batas)


def _check_disposisi(db, pejabat_id: int, batas: date, now: datetime) -> None:
    if batas < now.date():
        raise HandlingError("Batas waktu disposisi tidak boleh sebelum hari ini.")
    # Held now: an acting official whose period has ended could never take the next step.
    if not users.holds(db, pejabat_id, record.PEJABAT, now):
        raise HandlingError("Pilih pejabat yang akan membuat konsep tanggapan.")


def _record_disposisi(db, complaint_id, actor: Actor, now, *, pejabat_id: int, instruksi: str, batas: date) -> None:
    nota = record.latest_nota_dinas(db, complaint_id)
    db["disposisi"].insert({"complaint_id": complaint_id, "nota_dinas_id": nota["id"], "pejabat_id": pejabat_id,
                            "instruksi": instruksi.strip(), "batas": batas.isoformat(),
                            "created_by": actor.id, "created_at": now.isoformat()})


def stuck_on_ended_official(db, complaint_id: int, state: str, now: datetime) -> bool:
    """Whether the complaint waits for an official who no longer holds the pejabat role, so
    that only the Kepala Dinas's disposisi ulang can move it."""
    return state in workflow.assignee_states() and not record.assignee_holds(db, complaint_id, now)


# ---------------------------------------------------------------- step 5: konsep tanggapan

# A reply template (content/data/templat-tanggapan.yml) marks each part to be filled in for the
# complaint in square brackets, e.g. "[tanggal]". Text in square brackets directly followed by "("
# is a Markdown link, not a placeholder.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\](?!\()")


def placeholders(text: str) -> list[str]:
    """The template parts still left in a draft, in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in PLACEHOLDER.finditer(text or "")))


def _refuse_placeholders(body: str) -> None:
    left = placeholders(body)
    if left:
        named = ", ".join(f"\u201c{p}\u201d" for p in left)
        raise HandlingError(
            f"Konsep tanggapan masih berisi bagian templat yang belum diisi: {named}. Ganti bagian dalam "
            "kurung siku itu dengan isi yang sebenarnya, atau hapus bila tidak diperlukan.")


def save_draft(db, complaint_id, actor: Actor, now, *, body: str) -> None:
    """Keep the official's draft without submitting it (no state change)."""
    with write_transaction(db):
        authorise(db, complaint_id, "simpan_konsep", actor, now=now)
        if not (body or "").strip():
            raise HandlingError("Konsep tanggapan masih kosong.")
        draft = record.open_draft(db, complaint_id)
        if draft:
            db.execute("UPDATE konsep SET body = ?, updated_at = ?, author_id = ? WHERE id = ?",
                       [body.strip(), now.isoformat(), actor.id, draft["id"]])
        else:
            last_round = record.last_round(db, complaint_id)
            disposisi = record.current_disposisi(db, complaint_id)
            db["konsep"].insert({"complaint_id": complaint_id, "disposisi_id": disposisi["id"] if disposisi else None,
                                 "round": last_round + 1,
                                 "body": body.strip(), "author_id": actor.id, "updated_at": now.isoformat()})


def submit_draft(db, complaint_id, actor: Actor, now, *, body: str | None = None, expected_state=None) -> None:
    with write_transaction(db):
        authorise(db, complaint_id, "ajukan_konsep", actor, expected_state, now=now)
        if body is not None:
            save_draft(db, complaint_id, actor, now, body=body)
        draft = record.open_draft(db, complaint_id)
        if draft is None:
            raise HandlingError("Simpan konsep tanggapan terlebih dahulu.")
        _refuse_placeholders(draft["body"])
        transition(db, complaint_id, "ajukan_konsep", actor, now, body=draft["body"],
                   data={"putaran": draft["round"]}, expected_state=expected_state)
        db.execute("UPDATE konsep SET submitted_at = ? WHERE id = ?", [now.isoformat(), draft["id"]])


# ---------------------------------------------------------------- step 6: approval

def approve(db, complaint_id, actor: Actor, now, *, catalog: Catalog, note: str | None = None,
            expected_state=None) -> str:
    with write_transaction(db):
        transition(db, complaint_id, "setujui", actor, now, note=note, expected_state=expected_state)
        draft = record.submitted_draft(db, complaint_id)
        # A draft submitted before this check existed may still carry a template part.
        _refuse_placeholders(draft["body"])
        nomor = allocate_number(db, "surat_tanggapan", catalog.office.nomor_surat_tanggapan, complaint_id,
                                now.date())
        db.execute("UPDATE konsep SET review = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, "
                   "nomor_surat = ? WHERE id = ?",
                   [record.KONSEP_APPROVED, note, actor.id, now.isoformat(), nomor, draft["id"]])
    return nomor


def return_draft(db, complaint_id, actor: Actor, now, *, note: str, expected_state=None) -> None:
    with write_transaction(db):
        transition(db, complaint_id, "kembalikan", actor, now, note=note, expected_state=expected_state)
        draft = record.submitted_draft(db, complaint_id)
        db.execute("UPDATE konsep SET review = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                   [record.KONSEP_RETURNED, note.strip(), actor.id, now.isoformat(), draft["id"]])


def approved_reply(db, complaint_id) -> tuple[str, str] | None:
    """The approved reply's text and letter number, if any."""
    konsep = record.approved_konsep(db, complaint_id)
    return (konsep["body"], konsep["nomor_surat"]) if konsep else None


# ---------------------------------------------------------------- step 7: sending

DELIVERY_MEANS = {
    "email": "E-mail", "whatsapp": "WhatsApp", "telepon": "Telepon", "surat": "Surat tercatat/pos",
    "diambil": "Diambil langsung di kantor", "sp4n-lapor": "Balasan di SP4N-LAPOR!", "media-sosial": "Media sosial",
    "pelacakan": "Hanya di halaman pelacakan (pengadu tanpa kontak)",
}


def send_reply(db, complaint_id, actor: Actor, now, *, base_url: str, delivered_by: str | None = None,
               delivered_at: datetime | None = None, expected_state=None) -> None:
    """Send the approved reply: by e-mail through the outbox when the citizen gave an address,
    otherwise record how and when the operator delivered it through the complaint's channel."""
    with write_transaction(db):
        complaint = authorise(db, complaint_id, "kirim", actor, expected_state, now=now)
        reply = approved_reply(db, complaint_id)
        if reply is None:
            raise HandlingError("Belum ada tanggapan yang disetujui.")
        if complaint["email"]:
            data = {"cara": "email", "waktu": now.isoformat()}
        else:
            if delivered_by not in DELIVERY_MEANS or delivered_at is None:
                raise HandlingError("Pilih cara penyampaian tanggapan dan isi waktu penyampaiannya.")
            if delivered_at > now:
                raise HandlingError("Waktu penyampaian tidak boleh di masa depan.")
            data = {"cara": delivered_by, "waktu": delivered_at.isoformat()}
        transition(db, complaint_id, "kirim", actor, now, body=reply[0], data={**data, "nomor_surat": reply[1]},
                   expected_state=expected_state)
        token = secrets.token_urlsafe(16)
        db.execute("UPDATE complaints SET feedback_token = ? WHERE id = ?", [token, complaint_id])
        _notify(db, complaint, now, base_url,
                messages.reply(tracking.display(complaint["tracking_code"]), reply[0], reply[1], base_url,
                               f"{base_url.rstrip('/')}/pengaduan/nilai/{token}"))


# ---------------------------------------------------------------- after the reply

def reopen(db, complaint_id, actor: Actor, now, *, note: str, base_url: str, expected_state=None) -> None:
    """The citizen said the problem is not solved and the operator agrees: handle it again."""
    with write_transaction(db):
        complaint = transition(db, complaint_id, "buka_kembali", actor, now, note=note, expected_state=expected_state)
        _notify(db, complaint, now, base_url,
                messages.reopened(tracking.display(complaint["tracking_code"]), note, base_url))


def keep_closed(db, complaint_id, actor: Actor, now, *, note: str, base_url: str, expected_state=None) -> None:
    """The operator keeps the complaint closed and tells the citizen why."""
    with write_transaction(db):
        complaint = transition(db, complaint_id, "tetap_selesai", actor, now, note=note, expected_state=expected_state)
        _notify(db, complaint, now, base_url,
                messages.kept_closed(tracking.display(complaint["tracking_code"]), note, base_url))
