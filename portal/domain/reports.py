"""The annual complaint-handling report: aggregates computed from the event log, with honest
small numbers, and the Kepala Dinas's approval.

Everything is recomputed from `complaints`, `events` and `ratings` (nothing about lateness is
stored), as the office stood at the end of the year: events after 31 December are ignored, so
exporting 2026 in January or in June gives the same figures. For the current year the cut-off is
today and the report is marked provisional (`lengkap: false`); only a complete year can be approved.

Small numbers are shown honestly (disclosure.py: "< 3", and cells hidden so that a small one
cannot be recovered from the total). The period and the complaints it reads are in
report_period.py, the index of satisfaction in ikm.py, the workbooks in report_xlsx.py.

The exported JSON (content/data/laporan-pengaduan/<tahun>.json) holds figures only: no names,
contacts, NIK, tracking codes or free text. Plain Python, no Flask.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import date, datetime
from pathlib import Path

from ..db import write_transaction
from . import audit, datafile, deadlines, formatting, policy, regions, report_period, workflow
from .calendar import Calendar
from .formatting import BULAN
from .catalog import Catalog
from .disclosure import DEFAULT_MIN_COUNT, breakdown, share
from .ikm import SKM_ELEMENTS, ikm
from .report_period import Period, ReportError, period

KIND = "laporan-tahunan-penanganan-pengaduan"
VERSION = 1
DATA_SUBDIR = Path("data") / "laporan-pengaduan"


# The SOP's seven steps (workflow.Step.sop_step), as the report names them.
SOP_STEPS = {
    1: "Penerimaan dan pencatatan",
    2: "Telaah",
    3: "Nota dinas kepada Kepala Dinas",
    4: "Disposisi",
    5: "Konsep tanggapan",
    6: "Persetujuan tanggapan",
    7: "Pengiriman tanggapan",
}

# Outcome of each complaint of the year, from its state at the cut-off; the states of each come
# from the workflow's table (its state groups and the steps that close a complaint).
OUTCOMES = (
    ("tanggapan_terkirim", "Ditindaklanjuti, tanggapan terkirim", set(workflow.states_where(lambda s: s.replied))),
    ("dalam_proses", "Ditindaklanjuti, masih diproses", set(workflow.states_where(lambda s: s.in_progress))),
    ("tidak_layak", "Tidak layak ditindaklanjuti", {workflow.STEPS["telaah_tidak_layak"].to_state}),
    ("dicabut", "Dianggap dicabut (informasi tidak dilengkapi)", {workflow.STEPS["dicabut"].to_state}),
    ("ditelaah", "Masih ditelaah atau menunggu informasi pengadu", set(workflow.states_where(lambda s: s.in_review))),
)
# Every state has exactly one outcome: a state added to the workflow must be placed here.
assert sorted(s for _, _, states in OUTCOMES for s in states) == sorted(workflow.STATES), "OUTCOMES and workflow.STATES differ"

# The annual report's status in its exported JSON (stored in content/data/laporan-pengaduan):
# the Kepala Dinas's approval of these figures, not a complaint's state nor a konsep's review.
REPORT_APPROVED = "disetujui"
REPORT_DRAFT = "draft"

# Clocks of deadlines.clocks that measure the office; melengkapi_informasi is the citizen's limit.
NOT_OFFICE_CLOCKS = {"melengkapi_informasi"}


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (the value at rank ceil(p/100 * n)); keeps whole working days whole."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    mid = n // 2
    value = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return int(value) if value == int(value) else value


def compute(db, tahun: int, *, catalog: Catalog, calendar: Calendar, today: date,
            min_count: int = DEFAULT_MIN_COUNT) -> tuple[dict, Period]:
    """The figures of one year (a dict ready for JSON) and its period, as the office stood at the cut-off."""
    if min_count < 1:
        raise ReportError("REPORT_MIN_COUNT harus paling sedikit 1.")
    p = period(tahun, today)
    cal = report_period.MemoCalendar(calendar)
    by_month = [0] * 12
    by_channel: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_kecamatan: dict[str, int] = {}
    outcomes = {code: 0 for code, _, _ in OUTCOMES}
    outcome_of = {state: code for code, _, states in OUTCOMES for state in states}
    reasons: dict[str, int] = {}
    step_days: dict[int, list[int]] = {s: [] for s in SOP_STEPS}
    overall: list[int] = []
    clock_info: dict[str, dict] = {}
    received = 0
    overdue_total = overdue_older = 0
    reopened_complaints = 0

    for complaint, events in report_period.load(db, p):
        state = report_period.state_at(events)
        snapshot = {**complaint, "state": state}
        in_year = complaint["received_at"] >= p.start_iso
        clocks = deadlines.clocks(snapshot, events, catalog=catalog, calendar=cal)
        if not workflow.STATES[state].closed and any(
                c.code not in NOT_OFFICE_CLOCKS and c.deadline is not None and c.met_on is None
                and p.as_of > c.deadline.due for c in clocks):
            overdue_total += 1
            overdue_older += not in_year
        if not in_year:
            continue
        received += 1
        by_month[formatting.day(complaint["received_at"]).month - 1] += 1
        by_channel[complaint["channel"]] = by_channel.get(complaint["channel"], 0) + 1
        by_category[complaint["category"]] = by_category.get(complaint["category"], 0) + 1
        by_kecamatan[complaint["kecamatan"]] = by_kecamatan.get(complaint["kecamatan"], 0) + 1
        outcomes[outcome_of[state]] += 1
        if state == "tidak_layak":
            closing = next(e for e in reversed(events) if e["kind"] == "telaah_tidak_layak")
            reason = json.loads(closing["data"] or "{}").get("alasan", "lainnya")
            reasons[reason] = reasons.get(reason, 0) + 1
        for step, days in report_period.step_days(complaint, events, cal).items():
            step_days[step].append(days)
        days = report_period.overall_days(complaint, events, cal)
        if days is not None:
            overall.append(days)
        if any(e["kind"] == "buka_kembali" for e in events):
            reopened_complaints += 1
        for c in clocks:
            if c.code in NOT_OFFICE_CLOCKS:
                continue
            info = clock_info.setdefault(c.code, {"tepat": 0, "terlambat": 0, "belum_jatuh_tempo": 0, "ditunda": 0})
            if c.deadline is None:
                info["ditunda"] += 1
            elif c.met_on is not None:
                info["tepat" if c.met_on <= c.deadline.due else "terlambat"] += 1
            elif p.as_of > c.deadline.due:
                info["terlambat"] += 1
            else:
                info["belum_jatuh_tempo"] += 1

    reopen_events = db.execute("SELECT count(*), count(DISTINCT complaint_id) FROM events "
                               "WHERE kind = 'buka_kembali' AND at >= ? AND at < ?",
                               [p.start_iso, p.end_iso]).fetchone()

    def names(counts: dict[str, int], known: dict[str, str]) -> list[tuple[str, str, int]]:
        rows = [(code, label, counts.get(code, 0)) for code, label in known.items()]
        rows += [(code, code, n) for code, n in sorted(counts.items()) if code not in known]
        return rows

    kecamatan = {r.kode: r.nama for r in regions.kecamatan_list()}
    rincian = {
        "bulan": breakdown("Pengaduan diterima per bulan",
                           [(f"{i + 1:02d}", BULAN[i], n) for i, n in enumerate(by_month)], min_count),
        "saluran": breakdown("Pengaduan diterima per saluran", names(by_channel, catalog.channels), min_count),
        "kategori": breakdown("Pengaduan diterima per kategori", names(by_category, catalog.categories), min_count),
        "kecamatan": breakdown("Pengaduan diterima per kecamatan", names(by_kecamatan, kecamatan), min_count),
    }
    tidak_layak = breakdown("Pengaduan tidak layak ditindaklanjuti, per alasan",
                            names(reasons, workflow.NOT_FIT_REASONS), min_count)

    lama = []
    for step, label in SOP_STEPS.items():
        values = step_days[step]
        lama.append({"langkah": step, "label": label, "n": len(values), "median": median(values),
                     "p90": percentile(values, 90)})

    ketepatan = []
    for code, rule in catalog.time_standards.items():
        if code in NOT_OFFICE_CLOCKS or code not in clock_info:
            continue
        info = clock_info[code]
        group = "sop" if rule.dasar.upper().startswith("SOP") else (
            "lapor" if code.startswith("lapor") else "peraturan")
        ketepatan.append({"kode": code, "nama": rule.nama, "dasar": rule.dasar, "kelompok": group,
                          "batas": rule.hitungan,
                          **info, "dinilai": info["tepat"] + info["terlambat"],
                          "tepat_waktu": share(info["tepat"], info["tepat"] + info["terlambat"])})

    ratings = db.execute("SELECT penanganan, waktu, perilaku, selesai FROM ratings WHERE at >= ? AND at < ?",
                         [p.start_iso, p.end_iso]).fetchall()
    respondents = len(ratings)
    unsur = []
    columns = {"penanganan": 0, "waktu": 1, "perilaku": 2}
    for key, number, name in SKM_ELEMENTS:
        total = sum(r[columns[key]] for r in ratings)
        unsur.append({"kode": key, "unsur": number, "nama": name,
                      "nrr": round(total / respondents, 3) if respondents else None,
                      "jumlah_nilai": total})
    index = ikm([total_nrr["jumlah_nilai"] / respondents for total_nrr in unsur] if respondents else [])
    for u in unsur:
        u["nrr_tertimbang"] = round(u["nrr"] * index["bobot"], 3) if respondents else None
    kepuasan = {"responden": respondents, "unsur": unsur, **index,
                "selesai": share(sum(r[3] for r in ratings), respondents)}

    return {
        "diterima": received,
        "rincian": rincian,
        "hasil": {"baris": [{"kode": code, "label": label, "jumlah": outcomes[code]} for code, label, _ in OUTCOMES],
                  "total": received,
                  "ditindaklanjuti": outcomes["tanggapan_terkirim"] + outcomes["dalam_proses"]},
        "tidak_layak": tidak_layak,
        "lama": {"satuan": "hari kerja", "langkah": lama,
                 "keseluruhan": {"label": "Keseluruhan: diterima sampai tanggapan dikirim", "n": len(overall),
                                 "median": median(overall), "p90": percentile(overall, 90)}},
        "ketepatan": ketepatan,
        "terlambat_akhir_tahun": {"jumlah": overdue_total, "dari_tahun_sebelumnya": overdue_older},
        "kepuasan": kepuasan,
        "dibuka_kembali": {"pengaduan_tahun_ini": reopened_complaints, "peristiwa": reopen_events[0],
                           "pengaduan": reopen_events[1]},
    }, p


def is_approved(doc: dict) -> bool:
    "Whether an exported report carries the Kepala Dinas's approval of its figures."
    return bool(doc) and doc.get("status") == REPORT_APPROVED


def figures_hash(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def document(tahun: int, p: Period, figures: dict, min_count: int, approval: dict | None) -> dict:
    """The whole JSON file: figures plus status; approval only when it is for these very figures."""
    digest = figures_hash(figures)
    approved = approval is not None and approval["figures_sha256"] == digest
    return {
        "jenis": KIND, "versi": VERSION, "tahun": tahun,
        "judul": f"Laporan Tahunan Penanganan Pengaduan {tahun}",
        "per_tanggal": p.as_of.isoformat(), "lengkap": p.complete, "ambang": min_count,
        "status": REPORT_APPROVED if approved else REPORT_DRAFT,
        "disetujui_oleh": approval["jabatan"] if approved else None,
        "tanggal_disetujui": formatting.day(approval["approved_at"]).isoformat() if approved else None,
        "sidik": digest,
        "angka": figures,
    }


def encode(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def report_dir(content_dir: str | os.PathLike) -> Path:
    return Path(content_dir) / DATA_SUBDIR


def path_for(out_dir: str | os.PathLike, tahun: int) -> Path:
    return Path(out_dir) / f"{tahun}.json"


def read(out_dir: str | os.PathLike, tahun: int) -> dict | None:
    path = path_for(out_dir, tahun)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def latest_approval(db, tahun: int) -> dict | None:
    cursor = db.execute("SELECT a.*, u.display_name FROM report_approvals a LEFT JOIN users u ON u.id = a.approved_by "
                        "WHERE a.tahun = ? ORDER BY a.id DESC LIMIT 1", [tahun])
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row)) if row else None


def export(db, tahun: int, out_dir: str | os.PathLike, *, catalog: Catalog, calendar: Calendar, today: date,
           min_count: int = DEFAULT_MIN_COUNT, actor_id: int | None = None, now: datetime | None = None) -> dict:
    """Compute the year and write <out_dir>/<tahun>.json; approved only if the Kepala Dinas
    approved exactly these figures. Returns the document."""
    figures, p = compute(db, tahun, catalog=catalog, calendar=calendar, today=today, min_count=min_count)
    doc = document(tahun, p, figures, min_count, latest_approval(db, tahun))
    datafile.write_atomic(path_for(out_dir, tahun), encode(doc))
    if now is not None:
        audit.record(db, actor_id, "ekspor_laporan", f"laporan pengaduan {tahun} ({doc['status']})", now)
    return doc


def approve(db, tahun: int, out_dir: str | os.PathLike, *, actor_id: int, roles: frozenset[str] | set[str],
            jabatan: str, expected_hash: str, now: datetime) -> dict:
    """The Kepala Dinas approves the exported figures they saw (`expected_hash`); recorded in
    report_approvals and the audit log, and written into the JSON."""
    doc = read(out_dir, tahun)
    try:
        policy.check("laporan_setujui", roles, subject=doc)
    except policy.Refused as exc:
        raise ReportError(str(exc)) from None
    digest = figures_hash(doc["angka"])
    if digest != doc.get("sidik") or digest != expected_hash:
        raise ReportError("Angka laporan telah berubah sejak halaman dibuka (mungkin diekspor ulang). "
                          "Muat ulang halaman, periksa angkanya, lalu setujui lagi.")
    jabatan = (jabatan or "").strip() or "Kepala Dinas Kependudukan dan Pencatatan Sipil"
    with write_transaction(db):
        db["report_approvals"].insert({"tahun": tahun, "figures_sha256": digest, "approved_by": actor_id,
                                       "jabatan": jabatan, "approved_at": now.isoformat()})
        audit.record(db, actor_id, "setujui_laporan", f"laporan pengaduan {tahun} {digest[:12]}", now)
    doc = {**doc, "status": REPORT_APPROVED, "disetujui_oleh": jabatan, "tanggal_disetujui": now.date().isoformat()}
    datafile.write_atomic(path_for(out_dir, tahun), encode(doc))
    return doc


def years(db, out_dir: str | os.PathLike, today: date) -> list[int]:
    """Years with complaints or an exported report, newest first."""
    found = {int(y) for (y,) in db.execute("SELECT DISTINCT substr(received_at, 1, 4) FROM complaints")
             if y and y.isdigit()}
    found |= {int(p.stem) for p in Path(out_dir).glob("*.json") if p.stem.isdigit()}
    found.add(today.year)
    return sorted((y for y in found if y <= today.year), reverse=True)
