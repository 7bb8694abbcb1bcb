"""Who may do what outside the steps of a complaint: one table, one decision.

`workflow.py` decides the steps of a complaint (telaah, nota dinas, ...). This module decides
every other action: opening a case, entering a complaint, publication, the annual report,
population data, account administration, and who sees a complaint's personal data. The web
layer's `@requires(action)`, the staff menu (`can(action)` in templates), the domain's own
checks and the generated refusal tests all read ACTIONS; none of them keeps a copy of a role
list. Which roles an account holds *now* (Plh/Plt periods) is `users.holdings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import record, redaction, workflow
from .users import ROLES as ROLE_LABELS

# UU 27/2022 and the SOP give a complaint's personal data to these roles, and to the official
# the complaint names (disposisi, tembusan of its nota dinas): see the `data_pribadi` row.
PERSONAL_DATA_ROLES = ("operator", "kabid", "kadis")


@dataclass(frozen=True)
class Action:
    code: str
    label: str  # what the person tried to do, completing "Hanya ... yang dapat <label>."
    roles: tuple[str, ...]
    # Roles allowed only for a complaint that names this person (its disposisi or the
    # tembusan of its nota dinas); the page's door lets them in, the complaint decides.
    named: tuple[str, ...] = ()
    # The state predicate: None when the subject (a complaint, a report) allows the action
    # now, otherwise why not, in Indonesian.
    when: Callable[[dict | None], str | None] | None = None
    # The action shows the personal data of complaints it does not name one by one (an
    # export, a register): only roles that may see every complaint's personal data.
    personal_data: bool = False


def _publishable(complaint: dict | None) -> str | None:
    if complaint and complaint["visibility"] == "publik" and workflow.STATES[complaint["state"]].publishable \
            and complaint["erased_at"] is None:
        return None
    return "Hanya pengaduan bersifat publik yang sudah ditanggapi yang dapat dipublikasikan."


def _report_approvable(doc: dict | None) -> str | None:
    if doc is None:
        return "Laporan belum diekspor; ekspor terlebih dahulu."
    if not doc.get("lengkap"):
        return f"Tahun {doc.get('tahun', '')} belum berakhir; laporan sementara tidak dapat disetujui."
    from .reports import is_approved  # reports asks this table before approving: imported when asked
    if is_approved(doc):
        return "Laporan ini sudah disetujui."
    return None


STAFF = ("operator", "kabid", "kadis", "pejabat", "admin")

ACTIONS = {
    a.code: a
    for a in (
        Action("lihat_pengaduan", "melihat daftar dan berkas pengaduan", STAFF),
        Action("data_pribadi", "melihat data pribadi pengadu", PERSONAL_DATA_ROLES, named=("pejabat",)),
        Action("catat_pengaduan", "mencatat pengaduan dari saluran lain", ("operator",)),
        Action("data_subjek", "mengekspor data pribadi atas permintaan subjek data", ("operator",),
               personal_data=True),
        Action("publikasi_ubah", "memeriksa dan menyunting pengaduan yang akan dipublikasikan", ("operator",),
               when=_publishable, personal_data=True),
        Action("publikasi_setujui", "menyetujui publikasi", ("operator",), when=_publishable),
        Action("publikasi_tarik", "menarik publikasi", ("operator",)),
        Action("laporan_lihat", "melihat dan mengekspor laporan tahunan", ("kadis", "kabid", "operator")),
        Action("laporan_setujui", "menyetujui laporan tahunan", ("kadis",), when=_report_approvable),
        Action("laporan_register", "mengunduh register pengaduan", ("kadis", "kabid", "operator"),
               personal_data=True),
        Action("data_kependudukan", "mengelola data kependudukan", ("data", "kabid")),
        Action("kelola_akun", "mengelola akun petugas", ("admin",)),
        Action("skm_kelola", "mengelola Survei Kepuasan Masyarakat", ("kadis", "kabid", "operator")),
        Action("skm_setujui", "menyetujui rencana tindak lanjut SKM", ("kadis",)),
        Action("maklumat_lihat", "melihat Maklumat Pelayanan dan persetujuannya", ("kadis", "kabid", "operator", "admin")),
        Action("maklumat_setujui", "menyetujui Maklumat Pelayanan", ("kadis",)),
        Action("kesiapan_lihat", "melihat kesiapan peluncuran", ("admin", "kadis")),
        Action("email_tertunda", "melihat e-mail yang belum terkirim ke warga", ("admin", "operator")),
        Action("hari_libur_ubah", "mengubah daftar hari libur dan cuti bersama", ("admin",)),
        # The web team (SOP Pengelolaan Website; materials: SOP Sosialisasi melalui Media Cetak,
        # step 5). The steps of a change (portal.domain.site_changes.STEPS) take their roles here.
        Action("situs_lihat", "melihat perubahan dan riwayat situs", ("web", "kadis")),
        Action("situs_ubah", "menulis dan mengubah isi situs", ("web",)),
        Action("situs_ajukan", "mengajukan perubahan situs untuk ditinjau", ("web",)),
        Action("situs_tinjau", "meninjau perubahan situs", ("web",)),
        Action("situs_setujui", "menyetujui materi sosialisasi", ("kadis",)),
        Action("situs_terbitkan", "menerbitkan perubahan situs", ("web",)),
        Action("situs_kembalikan", "mengembalikan perubahan situs dengan catatan", ("web", "kadis")),
        Action("situs_batalkan", "membatalkan perubahan situs", ("web",)),
        # The service pages are generated from the Standar Pelayanan files; the team edits them
        # through a form (portal.web.site_editor_standar), as drafts reviewed like any change.
        Action("situs_standar", "mengubah Standar Pelayanan layanan di situs", ("web",)),
        Action("situs_layanan_baru", "menambah layanan baru beserta Standar Pelayanannya", ("web",)),
    )
}


# The access log (audit.py) in office words, completing "<jabatan> <name> ...".
AUDIT_LABELS = {
    "lihat_pengaduan": "membuka berkas pengaduan",
    "unduh_lampiran": "mengunduh lampiran",
    "unduh_dokumen": "mengunduh dokumen",
    "unduh_jejak_audit": "mengunduh jejak audit",
    "setujui_publikasi": "menyetujui publikasi",
    "tarik_publikasi": "menarik publikasi",
    # An account's history (accounts.py), on the administrator's account page.
    "buat_akun": "membuat akun",
    "ubah_profil": "mengubah nama dan jabatan",
    "ubah_email": "mengubah alamat e-mail",
    "ubah_peran": "mengubah peran tetap",
    "nonaktifkan": "menonaktifkan akun",
    "aktifkan": "mengaktifkan kembali akun",
    "reset_kata_sandi": "mengatur ulang kata sandi",
    "beri_peran_sementara": "memberi peran sementara",
    "cabut_peran_sementara": "mencabut peran sementara",
}


def audit_label(action: str) -> str:
    """An access-log action in office words; one not in AUDIT_LABELS reads as its words, never as a code."""
    return AUDIT_LABELS.get(action, action.replace("_", " "))


def _consistent() -> None:
    """The table's own invariants, checked on import so that a bad row never runs."""
    for a in ACTIONS.values():
        unknown = set(a.roles) | set(a.named)
        unknown -= set(ROLE_LABELS)
        if unknown:
            raise ValueError(f"policy action {a.code}: unknown roles {sorted(unknown)}")
        if a.personal_data and not set(a.roles) <= set(PERSONAL_DATA_ROLES):
            raise ValueError(f"policy action {a.code} shows personal data to roles outside {PERSONAL_DATA_ROLES}")


_consistent()


class Refused(Exception):
    "The action may not be taken; the message says why, in Indonesian."


class NotPermitted(Refused):
    "This person's roles (now) do not allow the action."


class WrongState(Refused):
    "The roles allow it, but not on this complaint or report as it is now."


_NO_SUBJECT = object()


def check(action: str, roles, *, user_id: int | None = None, named=(), subject=_NO_SUBJECT) -> Action:
    """Return the action if `roles` (held now) allow it, else raise Refused.

    `named`: the accounts the complaint names (`record.named_on`), for the actions some roles
    may take only on such a complaint. `subject`: the complaint or report the state predicate
    looks at; without it only the roles are checked. The one place that decides; views ask it
    to offer a link or button and again before the write.
    """
    rule = ACTIONS[action]
    roles = set(roles)
    if not (roles & set(rule.roles) or (roles & set(rule.named) and user_id is not None and user_id in set(named))):
        raise NotPermitted(refusal(action))
    if rule.when is not None and subject is not _NO_SUBJECT:
        reason = rule.when(subject)
        if reason:
            raise WrongState(reason)
    return rule


def refusal(action: str) -> str:
    """Why the action is refused to someone without the roles, in Indonesian."""
    rule = ACTIONS[action]
    who = [ROLE_LABELS[r] for r in rule.roles] + [f"{ROLE_LABELS[r]} yang ditunjuk pada pengaduan itu"
                                                  for r in rule.named]
    listed = who[0] if len(who) == 1 else ", ".join(who[:-1]) + f"{',' if len(who) > 2 else ''} atau {who[-1]}"
    return f"Hanya {listed} yang dapat {rule.label}."


def allowed(action: str, roles, *, user_id: int | None = None, named=(), subject=_NO_SUBJECT) -> bool:
    try:
        check(action, roles, user_id=user_id, named=named, subject=subject)
    except Refused:
        return False
    return True


def reachable(action: str, roles) -> bool:
    """Whether some complaint could allow the action to these roles: the page's door. Roles
    allowed only on a complaint that names them pass here; the page then asks `check`."""
    rule = ACTIONS[action]
    return bool(set(roles) & (set(rule.roles) | set(rule.named)))


def in_state(action: str, subject) -> bool:
    """Whether the subject allows the action now, whoever asks."""
    rule = ACTIONS[action]
    return rule.when is None or not rule.when(subject)


# ---------------------------------------------------------------- personal data of a complaint

def sees_identity(db, complaint_id: int, roles, user_id: int | None) -> bool:
    """The personal-data rule: whether this person may see who made this complaint (name,
    NIK, contact, address, attachments, letters)."""
    return allowed("data_pribadi", roles, user_id=user_id, named=record.named_on(db, complaint_id))


def identity_sql(roles, user_id: int | None, column: str = "c.id") -> tuple[str, list]:
    """The same rule as an SQL condition on a complaint id column, for lists of complaints."""
    rule = ACTIONS["data_pribadi"]
    if set(roles) & set(rule.roles):
        return "1", []
    if set(roles) & set(rule.named) and user_id is not None:
        return f"{column} IN (SELECT complaint_id FROM ({record.NAMED}) WHERE user_id = ?)", [user_id]
    return "0", []


IDENTITY_FIELDS = ("name", "email", "phone", "nik", "desa", "lapor_id")
HIDDEN = "disembunyikan"


def mask_text(text: str | None, complaint: dict) -> str | None:
    """Free text (the complaint, notes, drafts) without the complainant's identity: their
    name, NIK, telephone and e-mail wherever they appear, and anything shaped like personal data."""
    if not text:
        return text
    known = [complaint.get(k) for k in ("name", "email", "phone", "nik") if complaint.get(k)]
    return redaction.redact(text, known=known)


def without_identity(complaint: dict) -> dict:
    """The complaint as shown to someone the personal-data rule refuses."""
    masked = {**complaint, **{k: None for k in IDENTITY_FIELDS if k in complaint}}
    masked["body"] = mask_text(complaint.get("body"), complaint)
    return masked
