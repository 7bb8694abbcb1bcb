"""The life of a complaint: its states and who may move it from one to the next.

This module is the one place that decides what may happen next. The tables are data:
the web layer, the CLI, deadlines and reports read them; none of them keeps its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str
    kind: str  # "open", "paused" (the clocks stop) or "closed"
    label: str  # what staff see
    public: str  # the phase a citizen sees on the tracking page
    accepted: bool = False  # found fit for follow-up at telaah (SOP step 2) and not sent back to it
    replied: bool = False  # the reply has gone out to the citizen (SOP step 7)

    # The groups of states the rest of the code asks about; ask these, never list state codes.
    @property
    def closed(self) -> bool:
        return self.kind == "closed"

    @property
    def paused(self) -> bool:
        "Waiting for the citizen: the office's clocks stop."
        return self.kind == "paused"

    @property
    def running(self) -> bool:
        "Open and the office's move: the reply clock runs."
        return self.kind == "open"

    @property
    def in_progress(self) -> bool:
        "Accepted and still being handled: nota dinas, disposisi, konsep, approval."
        return self.accepted and not self.replied and not self.closed

    @property
    def in_review(self) -> bool:
        "Not yet decided at telaah (received, or waiting for the citizen's information)."
        return not self.accepted and not self.closed

    @property
    def publishable(self) -> bool:
        "Answered and closed: the redacted complaint and reply may go on the public list."
        return self.replied and self.closed

    @property
    def rateable(self) -> bool:
        "Answered and closed: the citizen may rate the reply."
        return self.replied and self.closed


STATES = {
    s.code: s
    for s in (
        State("diterima", "open", "Diterima, menunggu telaah", "Sedang ditelaah"),
        State("menunggu_informasi", "paused", "Menunggu informasi dari pengadu", "Menunggu informasi dari Anda"),
        State("tidak_layak", "closed", "Tidak layak ditindaklanjuti", "Tidak ditindaklanjuti"),
        State("layak", "open", "Layak ditindaklanjuti", "Sedang diproses", accepted=True),
        State("nota_dinas", "open", "Dilaporkan dengan nota dinas", "Sedang diproses", accepted=True),
        State("disposisi", "open", "Didisposisi ke pejabat", "Sedang diproses", accepted=True),
        State("konsep", "open", "Konsep tanggapan menunggu persetujuan", "Sedang diproses", accepted=True),
        State("disetujui", "open", "Tanggapan disetujui, siap dikirim", "Sedang diproses", accepted=True),
        State("selesai", "closed", "Tanggapan terkirim", "Sudah ditanggapi",
              accepted=True, replied=True),
        State("ditinjau_ulang", "open", "Pengadu menyatakan belum selesai; menunggu keputusan operator",
              "Sedang ditinjau ulang", accepted=True, replied=True),
        State("dicabut", "closed", "Dianggap dicabut", "Dianggap dicabut"),
    )
}

INITIAL = "diterima"

CITIZEN = "pengadu"  # the person holding the tracking code; not an account
SYSTEM = "sistem"  # the daily job (withdrawal after an unanswered request for information)


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # the button a member of staff presses
    from_states: tuple[str, ...]
    to_state: str
    roles: tuple[str, ...]
    sop_step: int  # the step of SOP 04/SOP/DKPS/SKRT/X/2016 this belongs to
    assignee_only: bool = False  # only the official named in the current disposisi
    needs_note: bool = False
    # Only while the official named in the current disposisi no longer holds the pejabat role
    # (an acting period that ended after the disposisi): otherwise nothing could move the complaint.
    assignee_gone: bool = False


# SOP 04/SOP/DKPS/SKRT/X/2016, Penanganan Pengaduan: who may take which step from which state.
STEPS = {
    s.code: s
    for s in (
        Step("telaah_layak", "Telaah: layak ditindaklanjuti", ("diterima",), "layak", ("operator",), 2),
        Step("telaah_tidak_layak", "Telaah: tidak layak ditindaklanjuti", ("diterima",), "tidak_layak",
             ("operator",), 2, needs_note=True),
        Step("minta_informasi", "Minta informasi tambahan", ("diterima",), "menunggu_informasi",
             ("operator",), 2, needs_note=True),
        Step("tambah_informasi", "Menambahkan informasi", ("menunggu_informasi",), "diterima", (CITIZEN,), 2),
        Step("dicabut", "Dianggap dicabut", ("menunggu_informasi",), "dicabut", (SYSTEM,), 2),
        Step("nota_dinas", "Buat nota dinas", ("layak",), "nota_dinas", ("operator", "kabid"), 3),
        Step("disposisi", "Disposisi ke pejabat", ("nota_dinas",), "disposisi", ("kadis",), 4, needs_note=True),
        Step("disposisi_ulang", "Disposisi ulang ke pejabat lain", ("disposisi",), "disposisi", ("kadis",), 4,
             needs_note=True, assignee_gone=True),
        Step("ajukan_konsep", "Ajukan konsep tanggapan", ("disposisi",), "konsep", ("pejabat",), 5,
             assignee_only=True),
        Step("setujui", "Setujui tanggapan", ("konsep",), "disetujui", ("kadis",), 6),
        Step("kembalikan", "Kembalikan untuk diperbaiki", ("konsep",), "disposisi", ("kadis",), 6,
             needs_note=True),
        Step("kirim", "Kirim tanggapan", ("disetujui",), "selesai", ("operator",), 7),
        # After the reply: the citizen may say it did not solve the problem; the operator decides.
        Step("tidak_selesai", "Menyatakan masalah belum selesai", ("selesai",), "ditinjau_ulang", (CITIZEN,), 7),
        Step("buka_kembali", "Buka kembali pengaduan", ("ditinjau_ulang",), "diterima", ("operator",), 2,
             needs_note=True),
        Step("tetap_selesai", "Tetap selesai", ("ditinjau_ulang",), "selesai", ("operator",), 7, needs_note=True),
    )
}

# The event that registers a complaint: its kind is the state it starts in.
REGISTERED = INITIAL

# The step history as office sentences: "<jabatan> <name> <what they did>." One entry per event
# kind; REGISTERED is the registration, by the operator (other channels) or by the citizen (web).
HISTORY = {
    REGISTERED: "mencatat pengaduan yang masuk",
    f"{REGISTERED}:{CITIZEN}": "mengirim pengaduan",
    "telaah_layak": "menelaah pengaduan: layak ditindaklanjuti",
    "telaah_tidak_layak": "menelaah pengaduan: tidak layak ditindaklanjuti",
    "minta_informasi": "meminta informasi tambahan kepada pengadu",
    "tambah_informasi": "menambahkan informasi",
    "dicabut": "menyatakan pengaduan dianggap dicabut karena informasi tidak dikirim sampai batas waktu",
    "nota_dinas": "membuat nota dinas kepada Kepala Dinas",
    "disposisi": "mendisposisikan pengaduan kepada pejabat",
    "ajukan_konsep": "mengajukan konsep tanggapan kepada Kepala Dinas",
    "setujui": "menyetujui tanggapan",
    "kembalikan": "mengembalikan konsep tanggapan untuk diperbaiki",
    "kirim": "mengirim tanggapan kepada pengadu",
    "tidak_selesai": "menyatakan masalahnya belum selesai",
    "buka_kembali": "membuka kembali pengaduan",
    "tetap_selesai": "memutuskan pengaduan tetap selesai",
}

# The same events in the citizen's words, for the tracking page: what happened, never the office's
# step names. One entry per event kind; an event kind missing here is not shown to the citizen.
PUBLIC_HISTORY = {
    REGISTERED: "Pengaduan diterima",
    "telaah_layak": "Pengaduan Anda sudah diperiksa dan akan ditindaklanjuti",
    "telaah_tidak_layak": "Pengaduan Anda sudah diperiksa dan tidak dapat ditindaklanjuti",
    "minta_informasi": "Petugas meminta informasi tambahan dari Anda",
    "tambah_informasi": "Anda menambahkan informasi",
    "dicabut": "Pengaduan dianggap dicabut karena informasi tambahan tidak kami terima sampai batas waktu",
    "nota_dinas": "Pengaduan Anda dilaporkan kepada Kepala Dinas",
    "disposisi": "Kepala Dinas menugaskan pejabat yang berwenang untuk menyiapkan tanggapan",
    "disposisi_ulang": "Kepala Dinas menugaskan pejabat lain yang berwenang untuk menyiapkan tanggapan",
    "ajukan_konsep": "Tanggapan sudah disusun dan diajukan kepada Kepala Dinas untuk disetujui",
    "kembalikan": "Kepala Dinas meminta tanggapan disempurnakan",
    "setujui": "Kepala Dinas menyetujui tanggapan",
    "kirim": "Tanggapan resmi dikirim kepada Anda",
    "tidak_selesai": "Anda menyatakan masalah belum selesai",
    "buka_kembali": "Pengaduan Anda dibuka kembali untuk ditangani ulang",
    "tetap_selesai": "Pengaduan dinyatakan tetap selesai setelah ditinjau ulang",
}

# Who acts for CITIZEN and SYSTEM, as a person reads it.
ACTOR_LABELS = {CITIZEN: "Pengadu", SYSTEM: "Sistem"}

# Why a complaint is not fit for follow-up; the citizen sees the label and the operator's note.
NOT_FIT_REASONS = {
    "bukan_wewenang": "Di luar kewenangan Dispendukcapil",
    "duplikat": "Sama dengan pengaduan lain yang sudah tercatat",
    "bukan_pengaduan": "Bukan pengaduan",
    "kasar": "Berisi kata-kata kasar atau ancaman",
}

# Actions that change no state but belong to a step's owner (saving a draft before submitting it).
EDITS = {"simpan_konsep": "ajukan_konsep"}


class StepNotAllowed(Exception):
    "The step cannot be taken by this role or from this state."


class NotPermitted(StepNotAllowed):
    "This person's roles do not allow the step."


class WrongState(StepNotAllowed):
    "The complaint is not in a state the step starts from."


def check(step_code: str, state: str, roles: set[str] | frozenset[str], *,
          actor_id: int | None = None, assignee_id: int | None = None, assignee_holds: bool = True) -> Step:
    """Return the step if one of `roles` may take it from `state`, else raise StepNotAllowed.

    `assignee_holds`: whether the official named in the current disposisi holds the pejabat
    role now (`users.holds`). The one place that decides; views call it to offer a button and
    again before the write.
    """
    step = STEPS[EDITS.get(step_code, step_code)]
    if not set(roles) & set(step.roles):
        raise NotPermitted(f"Anda tidak berwenang melakukan langkah \u201c{step.label}\u201d.")
    if state not in step.from_states:
        raise WrongState(
            f"Langkah \u201c{step.label}\u201d tidak dapat dilakukan karena pengaduan kini berstatus "
            f"\u201c{STATES[state].label}\u201d. Mungkin petugas lain sudah memprosesnya; muat ulang halaman."
        )
    if step.assignee_only and (actor_id is None or actor_id != assignee_id):
        raise NotPermitted(f"Langkah \u201c{step.label}\u201d hanya untuk pejabat yang ditunjuk dalam disposisi.")
    if step.assignee_gone and assignee_holds:
        raise WrongState(f"Langkah \u201c{step.label}\u201d hanya dapat dilakukan bila pejabat yang ditunjuk "
                         "dalam disposisi tidak lagi menjabat. Pejabat itu masih menjabat; muat ulang halaman.")
    return step


def available(state: str, roles: set[str] | frozenset[str], *, actor_id=None, assignee_id=None,
              assignee_holds: bool = True) -> list[Step]:
    """The steps this person may take now, in SOP order."""
    out = []
    for step in STEPS.values():
        try:
            out.append(check(step.code, state, roles, actor_id=actor_id, assignee_id=assignee_id,
                             assignee_holds=assignee_holds))
        except StepNotAllowed:
            pass
    return out


def owners(state: str) -> set[str]:
    """The roles whose move it is: what fills each role's inbox."""
    return {r for s in STEPS.values() if state in s.from_states for r in s.roles} - {CITIZEN, SYSTEM}


def holders(state: str) -> tuple[str, ...]:
    """Who has the complaint now, as the citizen is told it: the owning roles in SOP order
    (operator, kabid, kadis, pejabat), or CITIZEN while the office waits for them; () when closed."""
    if STATES[state].closed:
        return ()
    roles = {r for s in STEPS.values() if state in s.from_states for r in s.roles} - {SYSTEM}
    if CITIZEN in roles and STATES[state].paused:
        return (CITIZEN,)
    order = ("operator", "kabid", "kadis", "pejabat")
    return tuple(r for r in order if r in roles)


def is_open(state: str) -> bool:
    return not STATES[state].closed


def states_where(predicate) -> tuple[str, ...]:
    """The codes of the states for which `predicate(State)` holds, in table order."""
    return tuple(code for code, s in STATES.items() if predicate(s))


def sql_in(column: str, states) -> tuple[str, list[str]]:
    """An SQL condition `column IN (?, ...)` on these state codes, with its parameters; for the
    domain's queries, so that no SQL string names a state."""
    states = list(states)
    if not states:
        return "0", []
    return f"{column} IN ({', '.join('?' * len(states))})", states


def assignee_states() -> tuple[str, ...]:
    """The states in which the official named in the current disposisi has the next move."""
    return tuple(code for code in STATES if any(code in s.from_states and s.assignee_only for s in STEPS.values()))
