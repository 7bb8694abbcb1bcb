"""What a printable document of a complaint shows, read from the record into a plain dict.

`gather` reads everything a document shows; the renderers (document_html.py, document_docx.py)
only lay that dict out. No document ever shows the complainant's NIK, telephone number or e-mail
address: they are not read into the context, and if staff typed them into a text field they are
masked.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from . import record, tracking
from .catalog import Office
from .formatting import tanggal
from .rendering import render_reply

KINDS = {"nota-dinas": "Nota Dinas", "lembar-disposisi": "Lembar Disposisi", "surat-tanggapan": "Surat Tanggapan"}

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
MASK = "[data pribadi disamarkan]"
ANONYMOUS_ADDRESSEE = "Bapak/Ibu Pengadu"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".svg": "image/svg+xml"}


class DocumentNotReady(Exception):
    "The step that produces this document has not been taken for this complaint yet."


# ---------------------------------------------------------------- gathering

def _row(db, sql: str, params: list) -> dict | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], row))


def _user(db, user_id: int | None) -> dict:
    row = _row(db, "SELECT display_name, jabatan FROM users WHERE id = ?", [user_id]) if user_id else None
    if row is None:
        return {"nama": "", "jabatan": "", "label": ""}
    jabatan = (row["jabatan"] or "").strip()
    return {"nama": row["display_name"], "jabatan": jabatan, "label": jabatan or row["display_name"]}


def _paragraphs(text: str | None) -> list[str]:
    """Staff-typed text as paragraphs: a blank line or a line break starts a new one."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _letterhead(office: Office, content_dir: Path) -> dict:
    kontak = [f"Telepon {office.telepon}" if office.telepon else "",
              f"E-mail {office.email}" if office.email else "",
              f"Laman {office.laman}" if office.laman else ""]
    return {"pemerintah": office.pemerintah.upper(), "dinas": office.nama.upper(), "alamat": office.alamat,
            "kontak": [k for k in kontak if k], "logo": _logo(office, content_dir)}


def _logo(office: Office, content_dir: Path) -> dict | None:
    if not office.logo:
        return None
    path = (content_dir / office.logo).resolve()
    mime = LOGO_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    data = path.read_bytes()
    return {"mime": mime, "data": data, "uri": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"}


def _kepala_dinas(office: Office) -> dict:
    k = office.kepala_dinas
    return {"jabatan": office.jabatan_kepala, "nama": k.nama, "pangkat": k.pangkat,
            "nip": k.nip}


def _nota(db, complaint_id: int, nota_id: int | None = None) -> dict:
    nota = record.latest_nota_dinas(db, complaint_id) if nota_id is None else record.nota_dinas(db, nota_id)
    if nota is None:
        raise DocumentNotReady("Nota dinas belum dibuat untuk pengaduan ini.")
    dari = _user(db, nota["created_by"])
    tembusan = [_user(db, r["id"])["label"] for r in record.tembusan(db, nota["id"])]
    return {"nomor": nota["nomor"], "tanggal": tanggal(nota["tanggal"]), "sifat": nota["sifat"],
            "hal": nota["hal"], "lampiran": "-", "ringkasan": _paragraphs(nota["ringkasan"]),
            "telaah": _paragraphs(nota["telaah"]), "kepada": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
            "dari": dari["label"], "tembusan": tembusan,
            "penandatangan": {"jabatan": dari["jabatan"], "nama": dari["nama"], "pangkat": "", "nip": ""}}


def gather(db, complaint_id: int, kind: str, office: Office, *, content_dir: str | Path | None = None) -> dict:
    """Everything the document of this kind shows, read from the complaint's record.

    Raises DocumentNotReady when the step that produces the document has not been taken,
    ValueError for an unknown kind. `content_dir` is where `office.logo` is looked up
    (the portal's CONTENT_DIR; the repository's content/ by default).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    complaint = _row(db, "SELECT id, tracking_code, received_at, visibility, name, email, phone, nik "
                         "FROM complaints WHERE id = ?", [complaint_id])
    if complaint is None:
        raise DocumentNotReady("Pengaduan tidak ditemukan.")
    context = {
        "kind": kind, "judul": KINDS[kind].upper(), "kop": _letterhead(office, Path(content_dir or DEFAULT_CONTENT_DIR)),
        "kota": office.kota, "kode_pengaduan": tracking.display(complaint["tracking_code"]),
        "diterima": tanggal(complaint["received_at"]),
    }
    if kind == "nota-dinas":
        nota = _nota(db, complaint_id)
        context.update(nota)
    elif kind == "lembar-disposisi":
        disposisi = record.current_disposisi(db, complaint_id)
        if disposisi is None:
            raise DocumentNotReady("Disposisi Kepala Dinas belum diberikan untuk pengaduan ini.")
        nota = _nota(db, complaint_id, disposisi["nota_dinas_id"])
        pejabat = _user(db, disposisi["pejabat_id"])
        context.update({
            "nomor": nota["nomor"], "nota": nota, "tanggal": tanggal(disposisi["created_at"]),
            "diteruskan_kepada": (f"{pejabat['jabatan']} ({pejabat['nama']})" if pejabat["jabatan"]
                                  else pejabat["nama"]),
            "instruksi": _paragraphs(disposisi["instruksi"]), "batas": tanggal(disposisi["batas"]),
            "penandatangan": _kepala_dinas(office),
        })
    else:
        konsep = record.approved_konsep(db, complaint_id)
        if konsep is None:
            raise DocumentNotReady("Konsep tanggapan belum disetujui Kepala Dinas untuk pengaduan ini.")
        anonymous = complaint["visibility"] == "anonim" or not (complaint["name"] or "").strip()
        context.update({
            "nomor": konsep["nomor_surat"], "tanggal": tanggal(konsep["reviewed_at"]), "sifat": "Biasa",
            "lampiran": "-", "hal": "Tanggapan atas pengaduan",
            "kepada": ANONYMOUS_ADDRESSEE if anonymous else f"Sdr. {' '.join(complaint['name'].split())}",
            "sapaan": "Bapak/Ibu" if anonymous else "Saudara",
            "balasan": konsep["body"],
            "penandatangan": _kepala_dinas(office),
        })
    kop = context.pop("kop")
    context = _mask(context, _personal_patterns(complaint))
    context["kop"] = kop
    if kind == "surat-tanggapan":
        context["balasan_html"] = render_reply(context["balasan"])
    return context


# ---------------------------------------------------------------- keeping personal data off paper

def _digits_pattern(digits: str) -> str:
    return r"[\s.\-]*".join(digits)


def _personal_patterns(complaint: dict) -> list[re.Pattern]:
    """The complainant's NIK, e-mail and telephone number, as typed in any usual spacing."""
    patterns = []
    nik = re.sub(r"\D", "", complaint["nik"] or "")
    if nik:
        patterns.append(re.compile(r"(?<!\d)" + _digits_pattern(nik) + r"(?!\d)"))
    if complaint["email"]:
        patterns.append(re.compile(re.escape(complaint["email"].strip()), re.IGNORECASE))
    phone = re.sub(r"\D", "", complaint["phone"] or "")
    if phone:
        national = re.sub(r"^(62|0)", "", phone)
        patterns.append(re.compile(r"(?<!\d)(?:\+?[\s]*62|0)?[\s.\-]*\(?" + _digits_pattern(national) + r"(?!\d)"))
    return patterns


def _mask(value, patterns: list[re.Pattern]):
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(MASK, value)
        return value
    if isinstance(value, dict):
        return {k: (v if isinstance(v, bytes) else _mask(v, patterns)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, patterns) for v in value]
    return value
