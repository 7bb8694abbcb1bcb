"""The results of the Survei Kepuasan Masyarakat (skm.py): the index per service and period,
the minimum sample, follow-up plans and the Kepala Dinas's approval, and the export of
aggregates for the site.

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
from datetime import date, datetime
from pathlib import Path

from ..db import write_transaction
from . import audit, datafile, disclosure, formatting, ikm, policy
from .skm import (DATA_SUBDIR, JENIS_KELAMIN, PEKERJAAN, PENDIDIKAN, UMUR_KELOMPOK, UNSUR, UNSUR_BY_NOMOR, Periode,
                  SkmError, periode, periode_of)

# The follow-up plans' status in the exported SKM results: the Kepala Dinas's approval of these
# plans, not a complaint's state, a konsep's review or the annual report's approval.
PLAN_APPROVED = "disetujui"
PLAN_WAITING = "menunggu"
PLAN_NONE = "belum_ada"
PLAN_STATUS_LABELS = {PLAN_APPROVED: "disetujui", PLAN_WAITING: "menunggu persetujuan", PLAN_NONE: "belum ada"}

KIND = "hasil-survei-kepuasan-masyarakat"
VERSION = 1

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

# --------------------------------------------------------------------------- sample size

def sampel_minimal(populasi: int) -> int:
    """The minimum sample for a population, from the table; between two rows the larger
    population's row applies (the safe side), but never more than were served; above the last
    row, 384."""
    if populasi <= 0:
        return 0
    if populasi < KREJCIE_MORGAN[0][0]:
        return populasi  # everyone, when fewer than the table's first row were served
    sizes = [n for n, _ in KREJCIE_MORGAN]
    i = bisect.bisect_left(sizes, populasi)
    return min(populasi, KREJCIE_MORGAN[min(i, len(KREJCIE_MORGAN) - 1)][1])

# --------------------------------------------------------------------------- the index

def hitung(rows: list[tuple[int, ...]]) -> dict:
    """NRR per element and the IKM of a set of responses (each nine scores 1-4)."""
    n = len(rows)
    if not n:
        return {"responden": 0, "unsur": [], "ikm": ikm.ikm([])}
    unsur, nrrs = [], []
    for u in UNSUR:
        total = sum(r[u.nomor - 1] for r in rows)
        nrr = total / n
        nrrs.append(nrr)
        konversi = round(nrr * 25, 2)
        mutu, kinerja = ikm.band(konversi)
        unsur.append({"nomor": u.nomor, "nama": u.nama, "jumlah_nilai": total,
                      "nrr": round(nrr, 3), "konversi": konversi, "mutu": mutu, "kinerja": kinerja,
                      "lemah": mutu in ("C", "D")})
    return {"responden": n, "unsur": unsur, "ikm": ikm.ikm(nrrs)}


def _responses(db, p: Periode, layanan: str | None = None) -> list[dict]:
    sql = "SELECT * FROM skm_responses WHERE tanggal BETWEEN ? AND ?"
    args: list = [p.start.isoformat(), p.end.isoformat()]
    if layanan:
        sql += " AND layanan = ?"
        args.append(layanan)
    return list(db.query(sql + " ORDER BY id", args))


def periode_terisi(db) -> list[Periode]:
    "The semesters that hold responses, newest first (the staff page links to them)."
    months = [row[0] for row in db.execute("SELECT DISTINCT substr(tanggal, 1, 7) FROM skm_responses")]
    return sorted({periode_of(date.fromisoformat(m + "-01")) for m in months}, key=lambda p: p.start, reverse=True)


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
        audit.record(db, actor_id, "populasi_skm", f"SKM {p.kode} {layanan}: {int(text)} penerima layanan", now)


def peringatan_sampel(responden: int, jumlah_populasi: int | None) -> str | None:
    "A plain Indonesian warning when a period has fewer responses than the table asks for."
    if jumlah_populasi is None:
        return ("Jumlah penerima layanan pada periode ini belum diisi, sehingga jumlah responden minimal "
                "belum dapat ditentukan.")
    minimal = sampel_minimal(jumlah_populasi)
    if responden < minimal:
        return (f"Baru {formatting.angka(responden)} responden, padahal untuk {formatting.angka(jumlah_populasi)} "
                f"penerima layanan diperlukan paling sedikit {formatting.angka(minimal)} responden (tabel Krejcie "
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
    out["responden_tampil"] = formatting.angka(n)
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
    return {"responden": n, "responden_tampil": formatting.angka(n), "unsur": unsur, "disembunyikan": False}


def contoh(db, p: Periode, rows: list[dict]) -> bool:
    """Whether a period's figures include simulated data (skm_demo, contoh = 1): then every page and
    export of them says "data contoh"."""
    return any(r["contoh"] for r in rows) or any(
        db.execute(f"SELECT 1 FROM {table} WHERE periode = ? AND contoh = 1 LIMIT 1", [p.kode]).fetchone()
        for table in ("skm_populasi", "skm_tindak_lanjut"))


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
        "contoh": contoh(db, p, rows),
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
        audit.record(db, actor_id, "rencana_skm", f"SKM {p.kode} unsur {nomor} {layanan or 'semua layanan'}", now)


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
        audit.record(db, actor_id, "setujui_tindak_lanjut_skm", f"SKM {p.kode} {digest[:12]}", now)
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
    datafile.write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
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
