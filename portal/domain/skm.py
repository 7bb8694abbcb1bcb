"""Survei Kepuasan Masyarakat (SKM), PermenPANRB 14/2017: the questionnaire, the per-visit codes,
the responses, the index per service and period, follow-up plans and the Kepala Dinas's approval,
and the export of aggregates for the site.

Flood protection without a CAPTCHA: a response needs a *kode survei*, a one-use code that the
counter officer hands to the citizen with their document (a printed slip; its QR code opens the
form with the code filled in). A code admits exactly one response and expires after
TOKEN_DAYS days; the web layer adds a rate limit on failed attempts. A response keeps its day
only and no link to its code, so an answer cannot be traced back to a visit.

The index is computed as the annual complaint report computes its satisfaction figures
(portal.domain.ikm.ikm and .band: NRR per element, each element weighing 1/9, IKM 1-4,
konversi = IKM x 25, bands A-D), and small numbers are suppressed by the same rule
(disclosure.breakdown and REPORT_MIN_COUNT). The reply rating of the complaint portal
(portal.domain.feedback: elements 3, 7, 8) is reported beside the survey, never added to it.

Plain Python, no Flask.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any


from ..db import write_transaction
from . import audit, datafile, disclosure, ikm, policy

# The follow-up plans' status in the exported SKM results: the Kepala Dinas's approval of these
# plans, not a complaint's state, a konsep's review or the annual report's approval.
PLAN_APPROVED = "disetujui"
PLAN_WAITING = "menunggu"
PLAN_NONE = "belum_ada"
PLAN_STATUS_LABELS = {PLAN_APPROVED: "disetujui", PLAN_WAITING: "menunggu persetujuan", PLAN_NONE: "belum ada"}

KIND = "hasil-survei-kepuasan-masyarakat"
VERSION = 1
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

# Krejcie and Morgan (1970), the table in the Lampiran of PermenPANRB 14/2017: population N -> sample S.
KREJCIE_MORGAN = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76), (100, 80), (110, 86),
    (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132),
    (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162),
    (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196), (420, 201),
    (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248),
    (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322),
    (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354),
    (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368), (10000, 370), (15000, 375),
    (20000, 377), (30000, 379), (40000, 380), (50000, 381), (75000, 382), (1000000, 384),
)


class SkmError(ValueError):
    "The survey action cannot be done; the message says why, in Indonesian."


class InvalidAnswer(SkmError):
    "The form has problems; `errors` maps field name to an Indonesian message."

    def __init__(self, errors: dict[str, str]):
        super().__init__("Periksa kembali isian Anda.")
        self.errors = errors


# --------------------------------------------------------------------------- sample size

def sampel_minimal(populasi: int) -> int:
    """The minimum sample for a population, from the table; between two rows the larger
    population's row applies (the safe side); above the last row, 384."""
    if populasi <= 0:
        return 0
    if populasi < KREJCIE_MORGAN[0][0]:
        return populasi  # everyone, when fewer than the table's first row were served
    sizes = [n for n, _ in KREJCIE_MORGAN]
    i = bisect.bisect_left(sizes, populasi)
    return KREJCIE_MORGAN[min(i, len(KREJCIE_MORGAN) - 1)][1]


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
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": "kode_skm",
                                "detail": f"{jumlah} kode survei loket {loket.kode}"})
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
        errors["saran"] = f"Saran paling banyak {disclosure.angka(MAX_SARAN)} karakter."
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


# --------------------------------------------------------------------------- the index

def hitung(rows: list[tuple[int, ...]]) -> dict:
    """NRR per element and the IKM of a set of responses (each nine scores 1-4)."""
    n = len(rows)
    if not n:
        return {"responden": 0, "unsur": [], "ikm": ikm.ikm([])}
    unsur = []
    for u in UNSUR:
        nrr = sum(r[u.nomor - 1] for r in rows) / n
        konversi = round(nrr * 25, 2)
        mutu, kinerja = ikm.band(konversi)
        unsur.append({"nomor": u.nomor, "nama": u.nama, "jumlah_nilai": sum(r[u.nomor - 1] for r in rows),
                      "nrr": round(nrr, 3), "konversi": konversi, "mutu": mutu, "kinerja": kinerja,
                      "lemah": mutu in ("C", "D")})
    return {"responden": n, "unsur": unsur,
            "ikm": ikm.ikm([sum(r[u.nomor - 1] for r in rows) / n for u in UNSUR])}


def _responses(db, p: Periode, layanan: str | None = None) -> list[dict]:
    sql = "SELECT * FROM skm_responses WHERE tanggal BETWEEN ? AND ?"
    args: list = [p.start.isoformat(), p.end.isoformat()]
    if layanan:
        sql += " AND layanan = ?"
        args.append(layanan)
    return list(db.query(sql + " ORDER BY id", args))


def populasi(db, kode_periode: str) -> dict[str, int]:
    return {r["layanan"]: r["jumlah"] for r in
            db.query("SELECT layanan, jumlah FROM skm_populasi WHERE periode = ?", [kode_periode])}


def set_populasi(db, kode_periode: str, layanan: str, jumlah: str | int, *, services: dict[str, str],
                 actor_id: int | None, now: datetime) -> None:
    p = periode(kode_periode)
    if layanan not in services:
        raise SkmError("Layanan tidak dikenal.")
    text = str(jumlah).strip().replace(".", "")
    if not text.isdigit():
        raise SkmError("Jumlah penerima layanan harus bilangan bulat, misalnya 1250.")
    with write_transaction(db):
        db["skm_populasi"].upsert({"periode": p.kode, "layanan": layanan, "jumlah": int(text),
                                   "entered_by": actor_id, "entered_at": now.isoformat()},
                                  pk=("periode", "layanan"))
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": "populasi_skm",
                                "detail": f"SKM {p.kode} {layanan}: {int(text)} penerima layanan"})


def peringatan_sampel(responden: int, jumlah_populasi: int | None) -> str | None:
    "A plain Indonesian warning when a period has fewer responses than the table asks for."
    if jumlah_populasi is None:
        return ("Jumlah penerima layanan pada periode ini belum diisi, sehingga jumlah responden minimal "
                "belum dapat ditentukan.")
    minimal = sampel_minimal(jumlah_populasi)
    if responden < minimal:
        return (f"Baru {disclosure.angka(responden)} responden, padahal untuk {disclosure.angka(jumlah_populasi)} "
                f"penerima layanan diperlukan paling sedikit {disclosure.angka(minimal)} responden (tabel Krejcie "
                "dan Morgan, PermenPANRB 14/2017). Hasil ini belum dapat dianggap mewakili seluruh penerima "
                "layanan.")
    return None


def _result(rows: list[dict], jumlah_populasi: int | None, min_count: int, mark: str = "") -> dict:
    """One service's (or the unit's) figures; `mark` is disclosure.suppress's verdict on its count:
    "kecil" (fewer than min_count: "< 3"), "sekunder" (hidden so that a small count elsewhere cannot
    be recovered from the total: "×")."""
    n = len(rows)
    mark = mark or ("kecil" if 0 < n < min_count else "")
    out = {"responden": n, "populasi": jumlah_populasi,
           "sampel_minimal": sampel_minimal(jumlah_populasi) if jumlah_populasi is not None else None,
           "peringatan": peringatan_sampel(n, jumlah_populasi), "disembunyikan": bool(mark)}
    if mark:
        shown = f"< {min_count}" if mark == "kecil" else disclosure.HIDDEN
        out.update({"responden": None, "responden_tampil": shown, "unsur": [], "ikm": ikm.ikm([]),
                    "peringatan": None})
        return out
    out.update(hitung([tuple(r[f"u{u.nomor}"] for u in UNSUR) for r in rows]))
    out["responden_tampil"] = disclosure.angka(n)
    return out


def _umur_kelompok(umur: int) -> str:
    return [label for floor, label in UMUR_KELOMPOK if umur >= floor][-1]


def _profil(rows: list[dict], min_count: int) -> list[dict]:
    "The respondents' facts as breakdowns with small cells suppressed (disclosure.breakdown)."
    out = []
    umur = [_umur_kelompok(r["umur"]) for r in rows if r["umur"] is not None]
    out.append(disclosure.breakdown("Umur", [(label, label, umur.count(label)) for _, label in UMUR_KELOMPOK]
                                 + [("-", "Tidak diisi", len(rows) - len(umur))], min_count))
    for key, title, options in (("jenis_kelamin", "Jenis kelamin", JENIS_KELAMIN),
                                ("pendidikan", "Pendidikan", PENDIDIKAN), ("pekerjaan", "Pekerjaan", PEKERJAAN)):
        values = [r[key] for r in rows]
        out.append(disclosure.breakdown(title, [(k, v, values.count(k)) for k, v in options.items()]
                                     + [("-", "Tidak diisi", values.count(None))], min_count))
    return out


def penilaian_pengaduan(db, p: Periode, min_count: int) -> dict:
    """The complaint portal's reply ratings in the period (elements 3, 7, 8), reported beside the
    survey: other respondents (complainants), other questions, so never merged into the IKM."""
    rows = list(db.query("SELECT * FROM ratings WHERE substr(at, 1, 10) BETWEEN ? AND ?",
                         [p.start.isoformat(), p.end.isoformat()]))
    n = len(rows)
    if 0 < n < min_count:
        return {"responden": None, "responden_tampil": f"< {min_count}", "unsur": [], "disembunyikan": True}
    unsur = []
    for key, nomor, nama in ikm.SKM_ELEMENTS:
        nrr = sum(r[key] for r in rows) / n if n else None
        unsur.append({"nomor": nomor, "nama": nama, "nrr": round(nrr, 3) if nrr is not None else None,
                      "konversi": round(nrr * 25, 2) if nrr is not None else None})
    return {"responden": n, "responden_tampil": disclosure.angka(n), "unsur": unsur, "disembunyikan": False}


def compute(db, kode_periode: str, *, services: dict[str, str], today: date,
            min_count: int = disclosure.DEFAULT_MIN_COUNT) -> dict:
    """A period's figures: per service, the whole unit, the respondents' profile, the reply ratings."""
    p = periode(kode_periode)
    pop = populasi(db, p.kode)
    rows = _responses(db, p)
    mine = {slug: [r for r in rows if r["layanan"] == slug] for slug in services}
    # The annual report's disclosure control: a small count, and any count it could be derived from.
    marks, total_only = disclosure.suppress([len(mine[s]) for s in services], min_count)
    per_layanan = []
    for (slug, nama), mark in zip(services.items(), marks):
        mark = mark or ("sekunder" if total_only and mine[slug] else "")
        per_layanan.append({"layanan": slug, "nama": nama, **_result(mine[slug], pop.get(slug), min_count, mark)})
    total_pop = sum(pop[s] for s in services) if all(s in pop for s in services) else None
    return {
        "periode": p.kode, "label": p.label, "mulai": p.start.isoformat(), "akhir": p.end.isoformat(),
        "per_tanggal": min(p.end, today).isoformat(), "lengkap": today > p.end, "ambang": min_count,
        "layanan": per_layanan,
        "keseluruhan": _result(rows, total_pop, min_count),
        "profil": _profil(rows, min_count) if len(rows) >= min_count else [],
        "penilaian_pengaduan": penilaian_pengaduan(db, p, min_count),
    }


def lemah(figures: dict) -> list[tuple[str, int]]:
    "(layanan or '' for the whole unit, element) of every weak element shown in the figures."
    out = [("", u["nomor"]) for u in figures["keseluruhan"].get("unsur", []) if u["lemah"]]
    for item in figures["layanan"]:
        out += [(item["layanan"], u["nomor"]) for u in item.get("unsur", []) if u["lemah"]]
    return out


# --------------------------------------------------------------------------- follow-up and approval

def rencana(db, kode_periode: str) -> list[dict]:
    return list(db.query("SELECT t.*, u.display_name FROM skm_tindak_lanjut t LEFT JOIN users u "
                         "ON u.id = t.created_by WHERE periode = ? ORDER BY layanan, unsur, t.id", [kode_periode]))


def add_rencana(db, kode_periode: str, *, layanan: str, unsur: str | int, teks: str, penanggung_jawab: str,
                target: str, services: dict[str, str], actor_id: int | None, now: datetime) -> None:
    p = periode(kode_periode)
    if layanan and layanan not in services:
        raise SkmError("Layanan tidak dikenal.")
    try:
        nomor = int(unsur)
    except (TypeError, ValueError):
        nomor = 0
    if nomor not in UNSUR_BY_NOMOR:
        raise SkmError("Pilih unsur yang akan ditindaklanjuti.")
    teks = (teks or "").strip()
    if not teks:
        raise SkmError("Tulis rencana tindak lanjutnya.")
    if len(teks) > 2000:
        raise SkmError("Rencana tindak lanjut paling banyak 2.000 karakter.")
    with write_transaction(db):
        db["skm_tindak_lanjut"].insert({
            "periode": p.kode, "layanan": layanan or "", "unsur": nomor, "rencana": teks,
            "penanggung_jawab": (penanggung_jawab or "").strip()[:200], "target": (target or "").strip()[:200],
            "created_by": actor_id, "created_at": now.isoformat()})
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": "rencana_skm",
                                "detail": f"SKM {p.kode} unsur {nomor} {layanan or 'semua layanan'}"})


def public_plans(plans: list[dict], services: dict[str, str]) -> list[dict]:
    return [{"layanan": p["layanan"], "nama_layanan": services.get(p["layanan"], "Semua layanan"),
             "unsur": p["unsur"], "nama_unsur": UNSUR_BY_NOMOR[p["unsur"]].nama, "rencana": p["rencana"],
             "penanggung_jawab": p["penanggung_jawab"], "target": p["target"]} for p in plans]


def plans_hash(plans: list[dict]) -> str:
    return hashlib.sha256(json.dumps(plans, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def latest_approval(db, kind: str, subject: str) -> dict | None:
    rows = list(db.query("SELECT a.*, u.display_name FROM standards_approvals a LEFT JOIN users u "
                         "ON u.id = a.approved_by WHERE kind = ? AND subject = ? ORDER BY a.id DESC LIMIT 1",
                         [kind, subject]))
    return rows[0] if rows else None


def missing_plans(figures: dict, plans: list[dict]) -> list[tuple[str, int]]:
    """Weak elements without a plan. A plan for '' (every service) covers the element everywhere;
    the whole unit's weak element is covered by any plan for that element."""
    covered = {(p["layanan"], p["unsur"]) for p in plans}
    anywhere = {p["unsur"] for p in plans}
    return [(s, u) for s, u in lemah(figures)
            if not ((s, u) in covered or ("", u) in covered or (s == "" and u in anywhere))]


def approve(db, kode_periode: str, *, services: dict[str, str], actor_id: int, roles, jabatan: str,
            expected_hash: str, today: date, now: datetime, min_count: int = disclosure.DEFAULT_MIN_COUNT) -> dict:
    """The Kepala Dinas approves the follow-up plans they saw (`expected_hash`): recorded in
    standards_approvals (append-only) and the audit log."""
    try:
        policy.check("skm_setujui", roles)
    except policy.Refused as exc:
        raise SkmError(str(exc)) from None
    p = periode(kode_periode)
    plans = public_plans(rencana(db, p.kode), services)
    if not plans:
        raise SkmError("Belum ada rencana tindak lanjut untuk periode ini.")
    digest = plans_hash(plans)
    if digest != expected_hash:
        raise SkmError("Rencana tindak lanjut telah berubah sejak halaman dibuka. Muat ulang halaman, periksa, "
                       "lalu setujui lagi.")
    missing = missing_plans(compute(db, p.kode, services=services, today=today, min_count=min_count), plans)
    if missing:
        names = ", ".join(f"unsur {u} ({services.get(s, 'keseluruhan')})" for s, u in missing)
        raise SkmError(f"Unsur yang nilainya kurang baik belum memiliki rencana tindak lanjut: {names}.")
    jabatan = (jabatan or "").strip() or "Kepala Dinas Kependudukan dan Pencatatan Sipil"
    with write_transaction(db):
        db["standards_approvals"].insert({"kind": "skm", "subject": p.kode, "sha256": digest,
                                          "approved_by": actor_id, "jabatan": jabatan,
                                          "approved_at": now.isoformat()})
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": "setujui_tindak_lanjut_skm",
                                "detail": f"SKM {p.kode} {digest[:12]}"})
    return latest_approval(db, "skm", p.kode)


# --------------------------------------------------------------------------- export for the site

def export_dir(content_dir: str | os.PathLike) -> Path:
    return Path(content_dir) / DATA_SUBDIR


def document(db, kode_periode: str, *, services: dict[str, str], today: date,
             min_count: int = disclosure.DEFAULT_MIN_COUNT) -> dict:
    """The public file: aggregates only (no free text, no codes, no single response), and the
    follow-up plans only when the Kepala Dinas approved exactly these plans."""
    figures = compute(db, kode_periode, services=services, today=today, min_count=min_count)
    plans = public_plans(rencana(db, figures["periode"]), services)
    approval = latest_approval(db, "skm", figures["periode"])
    approved = bool(plans) and approval is not None and approval["sha256"] == plans_hash(plans)
    for item in [figures["keseluruhan"], *figures["layanan"]]:
        for u in item.get("unsur", []):
            u.pop("jumlah_nilai", None)  # with the NRR it would give the exact number of respondents back
    return {
        "jenis": KIND, "versi": VERSION, **figures,
        "tindak_lanjut": {
            "status": PLAN_APPROVED if approved else (PLAN_WAITING if plans else PLAN_NONE),
            "disetujui_oleh": approval["jabatan"] if approved else None,
            "tanggal_disetujui": approval["approved_at"][:10] if approved else None,
            "rencana": plans if approved else [],
        },
    }


def export(db, kode_periode: str, content_dir: str | os.PathLike, *, services: dict[str, str], today: date,
           min_count: int = disclosure.DEFAULT_MIN_COUNT, actor_id: int | None = None,
           now: datetime | None = None) -> dict:
    doc = document(db, kode_periode, services=services, today=today, min_count=min_count)
    path = export_dir(content_dir) / f"{doc['periode']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    if now is not None:
        audit.record(db, actor_id, "ekspor_skm", f"hasil SKM {doc['periode']} ({doc['tindak_lanjut']['status']})",
                     now)
    return doc


def saran(db, kode_periode: str) -> list[dict]:
    "The respondents' suggestions of a period, for staff only (never exported)."
    p = periode(kode_periode)
    return list(db.query("SELECT tanggal, layanan, saran FROM skm_responses WHERE saran IS NOT NULL AND "
                         "tanggal BETWEEN ? AND ? ORDER BY tanggal DESC, id DESC", [p.start.isoformat(),
                                                                                  p.end.isoformat()]))
