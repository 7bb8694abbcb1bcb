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


STATES = {
    s.code: s
    for s in (
        State("diterima", "open", "Diterima, menunggu telaah", "Sedang ditelaah"),
        State("menunggu_informasi", "paused", "Menunggu informasi dari pengadu", "Menunggu informasi dari Anda"),
        State("tidak_layak", "closed", "Tidak layak ditindaklanjuti", "Tidak ditindaklanjuti"),
        State("layak", "open", "Layak ditindaklanjuti", "Sedang diproses"),
        State("nota_dinas", "open", "Dilaporkan dengan nota dinas", "Sedang diproses"),
        State("disposisi", "open", "Didisposisi ke pejabat", "Sedang diproses"),
        State("konsep", "open", "Konsep tanggapan menunggu persetujuan", "Sedang diproses"),
        State("disetujui", "open", "Tanggapan disetujui, siap dikirim", "Sedang diproses"),
        State("selesai", "closed", "Tanggapan terkirim", "Sudah ditanggapi"),
        State("dicabut", "closed", "Dianggap dicabut", "Dianggap dicabut"),
    )
}

INITIAL = "diterima"

CITIZEN = "pengadu"  # the person holding the tracking code; not an account


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    from_states: tuple[str, ...]
    to_state: str
    roles: tuple[str, ...]


# The staff steps of SOP 04 (telaah, nota dinas, disposisi, konsep, approval, sending)
# are added here by the staff workflow; the citizen's own step lives here already.
STEPS = {
    s.code: s
    for s in (
        Step("minta_informasi", "Minta informasi tambahan", ("diterima",), "menunggu_informasi", ("operator",)),
        Step("tambah_informasi", "Menambahkan informasi", ("menunggu_informasi",), "diterima", (CITIZEN,)),
    )
}


class StepNotAllowed(Exception):
    "The step cannot be taken by this role or from this state."


def check(step_code: str, state: str, roles: set[str] | frozenset[str]) -> Step:
    """Return the step if one of `roles` may take it from `state`, else raise StepNotAllowed."""
    step = STEPS[step_code]
    if state not in step.from_states:
        raise StepNotAllowed(
            f"Langkah \u201c{step.label}\u201d tidak dapat dilakukan karena pengaduan "
            f"berstatus \u201c{STATES[state].label}\u201d."
        )
    if not roles & set(step.roles):
        raise StepNotAllowed(f"Anda tidak berwenang melakukan langkah \u201c{step.label}\u201d.")
    return step


def is_open(state: str) -> bool:
    return STATES[state].kind != "closed"
