"""The workflow of a change to the public site (portal.domain.site_changes): its states, its steps
and `check()`, the one place that decides who may take which step from which state (as in
portal.domain.workflow for complaints).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import policy


@dataclass(frozen=True)
class State:
    code: str
    label: str
    open: bool  # still someone's work (not published)


STATES = {
    s.code: s
    for s in (
        State("draf", "Draf", True),
        State("diajukan", "Diajukan, menunggu tinjauan anggota tim lain", True),
        State("ditinjau", "Sudah ditinjau", True),
        State("disetujui", "Disetujui Kepala Dinas", True),
        State("dikembalikan", "Dikembalikan untuk diperbaiki", True),
        State("antre", "Sedang diterbitkan", True),
        State("gagal", "Gagal diterbitkan", True),
        State("terbit", "Sudah terbit", False),
        State("dibatalkan", "Dibatalkan", False),
    )
}

SYSTEM = "sistem"  # the publishing job


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: the state does not change (saving the text)
    action: str  # the row of the portal's policy table that says who may take it; SYSTEM: the job
    needs_note: bool = False
    not_contributor: bool = False  # a second pair of eyes: never someone who wrote the text
    approval: str | None = None  # "required": only for changes that need the Kepala Dinas;
    #                              "done": not possible before his approval when it is needed

    @property
    def roles(self) -> tuple[str, ...]:
        return (SYSTEM,) if self.action == SYSTEM else policy.ACTIONS[self.action].roles


EDITABLE = ("draf", "dikembalikan", "gagal")

STEPS = {
    s.code: s
    for s in (
        Step("simpan", "Simpan draf", EDITABLE, "draf", "situs_ubah"),
        Step("ajukan", "Ajukan untuk ditinjau", EDITABLE, "diajukan", "situs_ajukan"),
        Step("tinjau", "Tandai sudah ditinjau", ("diajukan",), "ditinjau", "situs_tinjau", not_contributor=True),
        Step("setujui", "Setujui (Kepala Dinas)", ("ditinjau",), "disetujui", "situs_setujui", approval="required"),
        Step("terbitkan", "Terbitkan", ("ditinjau", "disetujui"), "antre", "situs_terbitkan", approval="done"),
        Step("kembalikan", "Kembalikan dengan catatan", ("diajukan", "ditinjau", "disetujui", "gagal"),
             "dikembalikan", "situs_kembalikan", needs_note=True),
        Step("batalkan", "Batalkan perubahan", EDITABLE + ("diajukan",), "dibatalkan", "situs_batalkan"),
        Step("berhasil", "Terbit", ("antre",), "terbit", SYSTEM),
        Step("gagal", "Gagal diterbitkan", ("antre",), "gagal", SYSTEM),
    )
}

class StepNotAllowed(Exception):
    "The step cannot be taken by this person or from this state."


class Stale(StepNotAllowed):
    "The file changed on the site since the change was started."


def check(step_code: str, state: str, roles, *, actor_id: int | None = None,
          contributors: set[int] = frozenset(), needs_approval: bool = False) -> Step:
    """Return the step if this person may take it now, else raise StepNotAllowed."""
    step = STEPS[step_code]
    if not set(roles) & set(step.roles):
        raise StepNotAllowed(f"Anda tidak berwenang melakukan langkah \u201c{step.label}\u201d.")
    if state not in step.from_states:
        raise StepNotAllowed(f"Langkah \u201c{step.label}\u201d tidak dapat dilakukan karena perubahan ini "
                             f"berstatus \u201c{STATES[state].label}\u201d. Mungkin anggota tim lain sudah "
                             "memprosesnya; muat ulang halaman.")
    if step.not_contributor and actor_id in contributors:
        raise StepNotAllowed("Perubahan yang Anda tulis sendiri harus ditinjau anggota tim lain.")
    if step.approval == "required" and not needs_approval:
        raise StepNotAllowed("Perubahan ini tidak memerlukan persetujuan Kepala Dinas.")
    if step.approval == "done" and needs_approval and state != "disetujui":
        raise StepNotAllowed("Materi ini harus disetujui Kepala Dinas sebelum diterbitkan "
                             "(SOP Sosialisasi melalui Media Cetak, langkah 5).")
    return step


def role_allows(step_code: str, roles) -> bool:
    """Whether the roles could ever take the step (a refusal by role, not by state)."""
    return bool(set(roles) & set(STEPS[step_code].roles))
