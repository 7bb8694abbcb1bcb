"""The Maklumat Pelayanan (content/data/maklumat.yml) and the Kepala Dinas's approval of it.

UU 25/2009 Pasal 15 obliges the office to draw up, set and publish a Maklumat: the head of the
unit's signed statement that the service is delivered by its standard. The file holds the
statement, the free-of-charge notice (UU 24/2013 Pasal 79A) and its sanction (Pasal 95B), the
office's hours and other service places, the mobile recording schedule, the date it was set and
the path of the signed scan; the signing official is the Kepala Dinas of content/data/dinas.yml
(one place for who heads the office).

What the Kepala Dinas approves is `approved_content()`: everything above except the mobile
recording schedule (it changes every week and promises nothing new) and the scan (made after the
approval, by signing the approved text). Its SHA-256 is recorded with the account and the time in
standards_approvals (kind 'maklumat', append-only) and the audit log, and exported to
content/data/maklumat-persetujuan.json, because the site is built from files alone and never reads
the portal's database. The site publishes the Maklumat only while the exported hash matches the
current content (`status`).

Checked by portal.domain.sop's checker: the same Indonesian messages with file and line.
Plain Python, no Flask.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any


from ..db import write_transaction
from . import catalog as catalog_module
from . import audit, datafile, formatting, policy, readiness, regions
from .errors import DataError
from .sop import Pejabat

DATA_FILE = Path("data") / "maklumat.yml"
SCAN_DIR = Path("data") / "maklumat"
APPROVAL_FILE = Path("data") / "maklumat-persetujuan.json"
APPROVAL_KIND = "persetujuan-maklumat-pelayanan"
KIND, SUBJECT = "maklumat", "maklumat"  # standards_approvals.kind / .subject
VERSION = 1
SCAN_TYPES = (".pdf", ".png", ".jpg", ".jpeg")
TOP_FIELDS = ("teks", "bebas_biaya", "sanksi", "jam_layanan", "lokasi_lain", "perekaman_keliling", "tanggal",
              "berkas_tertanda")
# The law each notice must cite: a Maklumat without them would not tell the citizen what the law says.
REQUIRED_CITATIONS = {"bebas_biaya": "79A", "sanksi": "95B"}
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)$")


class MaklumatError(Exception):
    "An action on the Maklumat cannot be done; the message says why, in Indonesian."


@dataclass(frozen=True)
class JamLayanan:
    hari: str
    jam: str


@dataclass(frozen=True)
class Lokasi:
    nama: str
    alamat: str
    keterangan: str = ""


@dataclass(frozen=True)
class Keliling:
    tanggal: date
    mulai: str  # "08.00"
    selesai: str
    tempat: str
    kecamatan: str  # the kecamatan's name

    @property
    def jam(self) -> str:
        return f"{self.mulai}\u2013{self.selesai} WIB"


@dataclass(frozen=True)
class Maklumat:
    path: Path
    teks: str
    bebas_biaya: str
    sanksi: str
    jam_layanan: tuple[JamLayanan, ...]
    kantor: Lokasi  # from dinas.yml
    lokasi_lain: tuple[Lokasi, ...]
    perekaman_keliling: tuple[Keliling, ...]
    penandatangan: Pejabat  # from dinas.yml
    kota: str
    tanggal: date | None
    berkas_tertanda: str | None  # relative to content/

    def approved_content(self) -> dict:
        "What the Kepala Dinas approves: the text as citizens read it, with its signatory and date."
        return {
            "teks": self.teks, "bebas_biaya": self.bebas_biaya, "sanksi": self.sanksi,
            "jam_layanan": [asdict(j) for j in self.jam_layanan], "kantor": asdict(self.kantor),
            "lokasi_lain": [asdict(x) for x in self.lokasi_lain], "penandatangan": asdict(self.penandatangan),
            "kota": self.kota, "tanggal": self.tanggal.isoformat() if self.tanggal else None,
        }

    @cached_property  # asked by the status, the staff page (twice) and the approval
    def sha256(self) -> str:
        data = json.dumps(self.approved_content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- reading

def path_of(content_dir: str | os.PathLike) -> Path:
    return Path(content_dir) / DATA_FILE


def load(content_dir: str | os.PathLike) -> Maklumat | None:
    "The Maklumat, checked; None when the file does not exist. DataError names file and line."
    content_dir = Path(content_dir)
    path = path_of(content_dir)
    if not path.exists():
        return None
    data, lines = datafile.read_yaml(path)
    try:
        office = catalog_module.read_office(content_dir / "data" / "dinas.yml")
    except catalog_module.CatalogError as exc:
        raise DataError(content_dir / "data" / "dinas.yml", "", str(exc)) from None
    return _Checker(path, lines).maklumat(data, office, content_dir)


class _Checker(datafile.Checker):
    "The SOP files' checker, taught the Maklumat's shape."

    def maklumat(self, data: Any, office: catalog_module.Office, content_dir: Path) -> Maklumat:
        if not isinstance(data, dict):
            self.fail((), "isi berkas harus berupa kumpulan kolom (teks, bebas_biaya, sanksi, jam_layanan, ...)")
        self.keys(data, TOP_FIELDS, ())
        texts = {key: " ".join(self.get(data, key, str, ()).split()) for key in ("teks", "bebas_biaya", "sanksi")}
        for key, pasal in REQUIRED_CITATIONS.items():
            if pasal not in texts[key]:
                self.fail((key,), f"pemberitahuan ini wajib menyebut Pasal {pasal} Undang-Undang Nomor 24 Tahun 2013")
        jam = tuple(JamLayanan(**row) for row in self.rows(data, "jam_layanan", ("hari", "jam"), ("hari", "jam")))
        if not jam:
            self.fail(("jam_layanan",), "isi sedikitnya satu baris hari dan jam layanan")
        lain = tuple(Lokasi(**row) for row in self.rows(data, "lokasi_lain", ("nama", "alamat", "keterangan"),
                                                         ("nama", "alamat"), required=False))
        tanggal = self.get(data, "tanggal", date, (), required=False)
        kadis = office.kepala_dinas
        return Maklumat(
            path=self.path, **texts, jam_layanan=jam,
            kantor=Lokasi(f"Kantor {office.nama} {office.kabupaten}", office.alamat),
            lokasi_lain=lain, perekaman_keliling=self.keliling(data),
            penandatangan=Pejabat(office.jabatan_kepala, kadis.nama, pangkat=kadis.pangkat, nip=kadis.nip),
            kota=office.kota, tanggal=tanggal, berkas_tertanda=self.scan(data, content_dir),
        )

    def rows(self, data: dict, key: str, fields: tuple, required_fields: tuple, required: bool = True) -> list[dict]:
        items = self.get(data, key, list, (), required=required) or []
        out = []
        for i, item in enumerate(items):
            where = (key, i)
            if not isinstance(item, dict):
                self.fail(where, f"setiap butir harus berupa kumpulan kolom ({', '.join(fields)}), "
                                 f"bukan {datafile.describe(item)}")
            self.keys(item, fields, where)
            out.append({f: " ".join((self.get(item, f, str, where, required=f in required_fields) or "").split())
                        for f in fields})
        return out

    def keliling(self, data: dict) -> tuple[Keliling, ...]:
        items = self.get(data, "perekaman_keliling", list, (), required=False) or []
        out = []
        fields = ("tanggal", "mulai", "selesai", "tempat", "kecamatan")
        for i, item in enumerate(items):
            where = ("perekaman_keliling", i)
            if not isinstance(item, dict):
                self.fail(where, f"setiap jadwal harus berupa kumpulan kolom ({', '.join(fields)})")
            self.keys(item, fields, where)
            times = []
            for f in ("mulai", "selesai"):
                value = self.get(item, f, str, where)
                match = _HHMM.match(value)
                if not match:
                    self.fail(where + (f,), f"jam ditulis JJ:MM di antara tanda kutip, misalnya \"08:00\", bukan '{value}'")
                times.append(f"{int(match.group(1)):02d}.{match.group(2)}")
            if times[1] <= times[0]:
                self.fail(where + ("selesai",), "jam selesai harus sesudah jam mulai")
            kode = self.get(item, "kecamatan", str, where)
            region = regions.get(kode)
            if region is None or region.jenis != "kecamatan":
                self.fail(where + ("kecamatan",), f"kode kecamatan '{kode}' tidak dikenal; tulis kode Kemendagri "
                                                  "di antara tanda kutip, misalnya \"35.03.01\" (Panggul)")
            out.append(Keliling(self.get(item, "tanggal", date, where), times[0], times[1],
                                self.get(item, "tempat", str, where), region.nama))
        return tuple(sorted(out, key=lambda k: (k.tanggal, k.mulai)))

    def scan(self, data: dict, content_dir: Path) -> str | None:
        value = self.get(data, "berkas_tertanda", str, (), required=False)
        if value is None:
            return None
        relative = Path(value)
        if relative.is_absolute() or ".." in relative.parts or relative.parent != SCAN_DIR:
            self.fail(("berkas_tertanda",), f"simpan hasil pindaian di folder {SCAN_DIR.as_posix()}/ dan tulis "
                                            f"jalurnya, misalnya {SCAN_DIR.as_posix()}/maklumat-2026.pdf")
        if relative.suffix.lower() not in SCAN_TYPES:
            self.fail(("berkas_tertanda",), "hasil pindaian harus berupa PDF, PNG atau JPG")
        if not (content_dir / relative).is_file():
            self.fail(("berkas_tertanda",), f"berkas {value} tidak ditemukan di folder content/")
        return relative.as_posix()


# --------------------------------------------------------------------------- the approval on file

@dataclass(frozen=True)
class Status:
    published: bool
    message: str  # Indonesian, for the web team, the Kepala Dinas and the build log
    maklumat: Maklumat | None
    approval: dict | None  # the exported approval, as read from its file


def read_approval(content_dir: str | os.PathLike) -> dict | None:
    path = Path(content_dir) / APPROVAL_FILE
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, "", f"berkas persetujuan tidak dapat dibaca ({exc}); ekspor ulang dari portal") from None
    if not isinstance(doc, dict) or doc.get("jenis") != APPROVAL_KIND or not isinstance(doc.get("sha256"), str):
        raise DataError(path, "'jenis'", f"berkas ini bukan persetujuan Maklumat (harus '{APPROVAL_KIND}'); "
                                         "ekspor ulang dari portal")
    return doc


def status(content_dir: str | os.PathLike) -> Status:
    "Whether the site may publish the Maklumat now, and why (not)."
    item = load(content_dir)
    if item is None:
        return Status(False, f"Maklumat Pelayanan belum dibuat ({DATA_FILE.as_posix()} tidak ada).", None, None)
    approval = read_approval(content_dir)
    if approval is None:
        return Status(False, "Maklumat Pelayanan belum disetujui Kepala Dinas, sehingga belum tampil di situs. "
                             "Kepala Dinas menyetujuinya di portal, menu Maklumat Pelayanan.", item, None)
    when = _tanggal(approval.get("disetujui_pada"))
    if approval["sha256"] != item.sha256:
        return Status(False, f"Isi Maklumat Pelayanan ({DATA_FILE.as_posix()} atau data/dinas.yml) berubah setelah "
                             f"disetujui Kepala Dinas pada {when}, sehingga Maklumat tidak tampil di situs sampai "
                             "Kepala Dinas menyetujui isi yang baru di portal, menu Maklumat Pelayanan.", item, approval)
    return Status(True, f"Maklumat Pelayanan tampil di situs: disetujui {approval.get('jabatan') or 'Kepala Dinas'} "
                        f"pada {when}.", item, approval)


def _tanggal(iso: str | None) -> str:
    try:
        return formatting.tanggal(iso or "")
    except ValueError:
        return "(tanggal tidak tercatat)"


# --------------------------------------------------------------------------- approving

def latest_approval(db) -> dict | None:
    rows = list(db.query("SELECT a.*, u.display_name FROM standards_approvals a LEFT JOIN users u "
                         "ON u.id = a.approved_by WHERE kind = ? AND subject = ? ORDER BY a.id DESC LIMIT 1",
                         [KIND, SUBJECT]))
    return rows[0] if rows else None


def approve(db, content_dir: str | os.PathLike, *, actor_id: int, roles, jabatan: str, expected_hash: str,
            now: datetime, production: bool) -> dict:
    """The Kepala Dinas approves the Maklumat they saw (`expected_hash`): recorded against the account
    in standards_approvals (append-only) and the audit log, then exported for the site."""
    try:
        policy.check("maklumat_setujui", roles)
    except policy.Refused as exc:
        raise MaklumatError(str(exc)) from None
    try:
        item = load(content_dir)
    except DataError as exc:
        raise MaklumatError(f"Berkas Maklumat belum benar: {exc}") from None
    if item is None:
        raise MaklumatError(f"Maklumat Pelayanan belum dibuat ({DATA_FILE.as_posix()} tidak ada).")
    if item.sha256 != expected_hash:
        raise MaklumatError("Isi Maklumat telah berubah sejak halaman dibuka. Muat ulang halaman, periksa isinya, "
                            "lalu setujui lagi.")
    if item.tanggal is None:
        raise MaklumatError("Tanggal penetapan Maklumat belum diisi (kolom tanggal di data/maklumat.yml). "
                            "Minta tim web mengisinya, lalu setujui.")
    readiness.refuse_in_production(production, content_dir, "Penerbitan Maklumat Pelayanan")
    jabatan = (jabatan or "").strip() or item.penandatangan.jabatan
    with write_transaction(db):
        db["standards_approvals"].insert({"kind": KIND, "subject": SUBJECT, "sha256": item.sha256,
                                          "approved_by": actor_id, "jabatan": jabatan,
                                          "approved_at": now.isoformat()})
        audit.record(db, actor_id, "setujui_maklumat", f"Maklumat Pelayanan {item.sha256[:12]}", now)
    approval = latest_approval(db)
    export(approval, content_dir)
    return approval


def export(approval: dict, content_dir: str | os.PathLike) -> Path:
    """The approval as the site reads it: the hash, the approving office holder and the time. No
    account name or id: those stay in the portal's database."""
    path = Path(content_dir) / APPROVAL_FILE
    doc = {"jenis": APPROVAL_KIND, "versi": VERSION, "sha256": approval["sha256"], "jabatan": approval["jabatan"],
           "disetujui_pada": approval["approved_at"]}
    datafile.write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return path
