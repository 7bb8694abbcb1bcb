"""Survei Kepuasan Masyarakat (SKM), PermenPANRB 14/2017: the questionnaire, the periods, the
counters (loket), the per-visit codes and the responses. The index per service and period, the
follow-up plans, their approval and the export for the site are in skm_results.py.

Flood protection without a CAPTCHA: a response needs a *kode survei*, a one-use code that the
counter officer hands to the citizen with their document (a printed slip; its QR code opens the
form with the code filled in). A code admits exactly one response and expires after
TOKEN_DAYS days; the web layer adds a rate limit on failed attempts. A response keeps its day
only and no link to its code, so an answer cannot be traced back to a visit.

Plain Python, no Flask.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..db import write_transaction
from . import audit, datafile, formatting

DATA_SUBDIR = Path("data") / "skm"
LOKET_FILE = DATA_SUBDIR / "loket.yml"
TOKEN_DAYS = 30
MAX_TOKENS = 200  # slips per batch
# Code alphabet without look-alikes (0/O, 1/I/L): read off a slip and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LEN = 8
MAX_SARAN = 1000


@dataclass(frozen=True)
class Unsur:
    nomor: int
    nama: str
    pertanyaan: str
    pilihan: tuple[str, str, str, str]  # answers scoring 1, 2, 3, 4


# The nine elements (Lampiran PermenPANRB 14/2017) and the questions of its sample questionnaire.
UNSUR = (
    Unsur(1, "Persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
          "jenis pelayanannya?", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur(2, "Sistem, Mekanisme, dan Prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur "
          "pelayanan di unit ini?", ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    Unsur(3, "Waktu Penyelesaian", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan "
          "pelayanan?", ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    Unsur(4, "Biaya/Tarif", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
          ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    Unsur(5, "Produk Spesifikasi Jenis Pelayanan", "Bagaimana pendapat Saudara tentang kesesuaian produk "
          "pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
          ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    Unsur(6, "Kompetensi Pelaksana", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas "
          "dalam pelayanan?", ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    Unsur(7, "Perilaku Pelaksana", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan "
          "terkait kesopanan dan keramahan?",
          ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    Unsur(8, "Penanganan Pengaduan, Saran dan Masukan", "Bagaimana pendapat Saudara tentang penanganan "
          "pengaduan pengguna layanan?",
          ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik")),
    Unsur(9, "Sarana dan Prasarana", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
          ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
UNSUR_BY_NOMOR = {u.nomor: u for u in UNSUR}

# The respondent's facts the questionnaire asks for; all optional.
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}
PENDIDIKAN = {"sd": "SD ke bawah", "smp": "SMP", "sma": "SMA/SMK", "diploma": "D1/D2/D3",
              "sarjana": "D4/S1", "pascasarjana": "S2/S3"}
PEKERJAAN = {"pns": "PNS", "tni": "TNI", "polri": "POLRI", "swasta": "Pegawai swasta",
             "wirausaha": "Wirausaha", "lainnya": "Lainnya"}
UMUR_MIN, UMUR_MAX = 10, 120
UMUR_KELOMPOK = ((0, "di bawah 20 tahun"), (20, "20\u201329 tahun"), (30, "30\u201339 tahun"),
                 (40, "40\u201349 tahun"), (50, "50\u201359 tahun"), (60, "60 tahun ke atas"))


class SkmError(ValueError):
    "The survey action cannot be done; the message says why, in Indonesian."


class InvalidAnswer(SkmError):
    "The form has problems; `errors` maps field name to an Indonesian message."

    def __init__(self, errors: dict[str, str]):
        super().__init__("Periksa kembali isian Anda.")
        self.errors = errors

# --------------------------------------------------------------------------- periods

@dataclass(frozen=True)
class Periode:
    kode: str  # "2026", "2026-S1", "2026-T3"
    label: str
    start: date
    end: date  # inclusive


ROMAWI = ("I", "II", "III", "IV")


def periode(kode: str) -> Periode:
    """A survey period: a year ("2026"), a semester ("2026-S1") or a quarter ("2026-T2")."""
    m = re.fullmatch(r"(\d{4})(?:-([ST])([1-4]))?", (kode or "").strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2999 or (m.group(2) == "S" and int(m.group(3)) > 2):
        raise SkmError("Periode tidak dikenal. Tulis tahun (2026), semester (2026-S1) atau triwulan (2026-T1).")
    tahun = int(m.group(1))
    if not m.group(2):
        return Periode(str(tahun), f"Tahun {tahun}", date(tahun, 1, 1), date(tahun, 12, 31))
    n = int(m.group(3))
    months = 6 if m.group(2) == "S" else 3
    first = (n - 1) * months + 1
    start = date(tahun, first, 1)
    end = (date(tahun + 1, 1, 1) if first + months > 12 else date(tahun, first + months, 1)) - timedelta(days=1)
    label = f"{'Semester' if m.group(2) == 'S' else 'Triwulan'} {ROMAWI[n - 1]} {tahun}"
    return Periode(f"{tahun}-{m.group(2)}{n}", label, start, end)


def periode_of(day: date, kind: str = "S") -> Periode:
    "The semester (or year 'Y', quarter 'T') that a day falls in."
    if kind == "Y":
        return periode(str(day.year))
    size = 6 if kind == "S" else 3
    return periode(f"{day.year}-{kind}{(day.month - 1) // size + 1}")


# --------------------------------------------------------------------------- counters (loket)

@dataclass(frozen=True)
class Loket:
    kode: str
    nama: str
    layanan: tuple[str, ...]  # slugs of content/data/standar-pelayanan/


def load_loket(content_dir: str | Path, services: dict[str, str]) -> list[Loket]:
    """content/data/skm/loket.yml, checked like the SOP files (file and line on a problem)."""
    path = Path(content_dir) / LOKET_FILE
    if not path.exists():
        return []
    data, lines = datafile.read_yaml(path)
    check = datafile.Checker(path, lines)
    if not isinstance(data, dict):
        check.fail((), "isi berkas harus berupa kumpulan kolom dengan kolom 'loket'")
    check.keys(data, ("loket",), ())
    out, seen = [], set()
    for i, item in enumerate(check.get(data, "loket", list, ()) or []):
        w = ("loket", i)
        if not isinstance(item, dict):
            check.fail(w, "setiap loket harus berupa kumpulan kolom (kode, nama, layanan)")
        check.keys(item, ("kode", "nama", "layanan"), w)
        raw = item.get("kode")
        kode = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else check.get(item, "kode", str, w)
        if not re.fullmatch(r"[a-z0-9-]{1,20}", kode or ""):
            check.fail(w + ("kode",), "kode loket hanya boleh huruf kecil, angka dan tanda hubung, misalnya '1'")
        if kode in seen:
            check.fail(w + ("kode",), f"kode loket '{kode}' dipakai dua kali")
        seen.add(kode)
        layanan = check.texts(item, "layanan", w)
        for j, slug in enumerate(layanan):
            if slug not in services:
                check.fail(w + ("layanan", j), f"layanan '{slug}' tidak ada di content/data/standar-pelayanan/ "
                                               f"({', '.join(services)})")
        out.append(Loket(kode, check.get(item, "nama", str, w), layanan))
    return out


# --------------------------------------------------------------------------- codes

def normalise_kode(typed: str) -> str | None:
    "The code as stored (upper case, no dash or space), or None when it cannot be one."
    text = re.sub(r"[\s-]", "", (typed or "")).upper()
    return text if len(text) == TOKEN_LEN and all(c in ALPHABET for c in text) else None


def display_kode(kode: str) -> str:
    return f"{kode[:4]}-{kode[4:]}"


def issue_tokens(db, jumlah: int, *, loket: Loket, layanan: str | None, actor_id: int | None,
                 now: datetime) -> list[str]:
    """A batch of fresh one-use codes for a counter (and optionally one of its services)."""
    if not 1 <= jumlah <= MAX_TOKENS:
        raise SkmError(f"Jumlah kode harus 1 sampai {MAX_TOKENS}.")
    if layanan and layanan not in loket.layanan:
        raise SkmError("Layanan itu tidak dilayani di loket ini.")
    expires = (now.date() + timedelta(days=TOKEN_DAYS)).isoformat()
    codes = []
    with write_transaction(db):
        while len(codes) < jumlah:
            kode = "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LEN))
            if db.execute("SELECT 1 FROM skm_tokens WHERE kode = ?", [kode]).fetchone():
                continue
            db["skm_tokens"].insert({"kode": kode, "loket": loket.kode, "layanan": layanan or None,
                                     "issued_at": now.isoformat(), "issued_by": actor_id, "expires_on": expires})
            codes.append(kode)
        audit.record(db, actor_id, "kode_skm", f"{jumlah} kode survei loket {loket.kode}", now)
    return codes


@dataclass(frozen=True)
class Token:
    kode: str
    loket: str
    layanan: str | None


def check_token(db, typed: str, today: date) -> Token:
    "The code if it may still be used; else SkmError with the reason, in Indonesian."
    kode = normalise_kode(typed)
    if kode is None:
        raise SkmError("Kode survei terdiri atas 8 huruf dan angka, misalnya KT7M-2XHD. Periksa kembali kode "
                       "pada lembar yang Anda terima dari petugas loket.")
    row = db.execute("SELECT kode, loket, layanan, expires_on, used_at FROM skm_tokens WHERE kode = ?",
                     [kode]).fetchone()
    if row is None:
        raise SkmError(f"Kode survei {display_kode(kode)} tidak dikenal. Periksa kembali setiap huruf dan angka.")
    if row[4]:
        raise SkmError(f"Kode survei {display_kode(kode)} sudah dipakai. Setiap kode hanya untuk satu kali "
                       "pengisian. Terima kasih atas penilaian Anda.")
    if row[3] < today.isoformat():
        raise SkmError(f"Kode survei {display_kode(kode)} sudah kedaluwarsa (berlaku {TOKEN_DAYS} hari). "
                       "Mintalah kode baru di loket pada kunjungan berikutnya.")
    return Token(row[0], row[1], row[2])


# --------------------------------------------------------------------------- answers

@dataclass(frozen=True)
class Jawaban:
    layanan: str
    nilai: tuple[int, ...]  # nine scores, element 1 first
    umur: int | None = None
    jenis_kelamin: str | None = None
    pendidikan: str | None = None
    pekerjaan: str | None = None
    saran: str | None = None


def validate(form: dict[str, Any], *, services: dict[str, str], fixed_layanan: str | None = None) -> Jawaban:
    """The survey form's fields, checked; InvalidAnswer with one Indonesian message per field."""
    errors: dict[str, str] = {}
    layanan = fixed_layanan or str(form.get("layanan") or "")
    if layanan not in services:
        errors["layanan"] = "Pilih layanan yang Anda terima."
    nilai = []
    for u in UNSUR:
        raw = str(form.get(f"u{u.nomor}") or "")
        if raw not in ("1", "2", "3", "4"):
            errors[f"u{u.nomor}"] = f"Pilih salah satu jawaban untuk pertanyaan {u.nomor} ({u.nama})."
        else:
            nilai.append(int(raw))
    umur = None
    raw_umur = str(form.get("umur") or "").strip()
    if raw_umur:
        if not raw_umur.isdigit() or not UMUR_MIN <= int(raw_umur) <= UMUR_MAX:
            errors["umur"] = f"Tulis umur dalam tahun, dengan angka {UMUR_MIN} sampai {UMUR_MAX}, atau kosongkan."
        else:
            umur = int(raw_umur)
    facts = {}
    for key, options, label in (("jenis_kelamin", JENIS_KELAMIN, "jenis kelamin"),
                                ("pendidikan", PENDIDIKAN, "pendidikan"), ("pekerjaan", PEKERJAAN, "pekerjaan")):
        value = str(form.get(key) or "")
        if value and value not in options:
            errors[key] = f"Pilihan {label} tidak dikenal; pilih dari daftar atau kosongkan."
        facts[key] = value or None
    saran = str(form.get("saran") or "").strip()
    if len(saran) > MAX_SARAN:
        errors["saran"] = f"Saran paling banyak {formatting.angka(MAX_SARAN)} karakter."
    if errors:
        raise InvalidAnswer(errors)
    return Jawaban(layanan, tuple(nilai), umur, saran=saran or None, **facts)


def submit(db, typed_kode: str, jawaban: Jawaban, today: date) -> None:
    """Spend the code and store the response, in one transaction: either both happen or neither."""
    token = check_token(db, typed_kode, today)
    if token.layanan and token.layanan != jawaban.layanan:
        raise SkmError("Kode survei ini untuk layanan lain.")
    with write_transaction(db):
        spent = db.execute("UPDATE skm_tokens SET used_at = ? WHERE kode = ? AND used_at IS NULL",
                           [today.isoformat(), token.kode]).rowcount
        if spent != 1:  # another request spent it between the check and now
            raise SkmError(f"Kode survei {display_kode(token.kode)} sudah dipakai.")
        db["skm_responses"].insert({
            "tanggal": today.isoformat(), "layanan": jawaban.layanan, "loket": token.loket,
            **{f"u{i}": v for i, v in enumerate(jawaban.nilai, 1)},
            "umur": jawaban.umur, "jenis_kelamin": jawaban.jenis_kelamin, "pendidikan": jawaban.pendidikan,
            "pekerjaan": jawaban.pekerjaan, "saran": jawaban.saran,
        })
