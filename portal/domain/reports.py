"""The annual complaint-handling report: aggregates computed from the event log, with honest
small numbers, and the Kepala Dinas's approval.

Everything is recomputed from `complaints`, `events` and `ratings` (nothing about lateness is
stored), as the office stood at the end of the year: events after 31 December are ignored, so
exporting 2026 in January or in June gives the same figures. For the current year the cut-off is
today and the report is marked provisional (`lengkap: false`); only a complete year can be approved.

Small numbers (PermenPANRB-style public statistics, complaints-domain.md section 4): in every
breakdown below the kabupaten (month, channel, category, kecamatan, reason for "not fit") a count
from 1 to REPORT_MIN_COUNT - 1 is shown as "< 3". Because the breakdown's total is shown, one
suppressed cell could be recovered by subtraction; `suppress` therefore hides further cells
("×") until no hidden cell can be derived from the total, or, when that is impossible, shows the
total only. Zeros are shown: they identify nobody.

The exported JSON (content/data/laporan-pengaduan/<tahun>.json) holds figures only: no names,
contacts, NIK, tracking codes or free text. Plain Python, no Flask.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from ..db import write_transaction
from . import audit, deadlines, policy, regions, tracking, workflow
from .calendar import Calendar
from .catalog import Catalog
from .formatting import BULAN, angka

KIND = "laporan-tahunan-penanganan-pengaduan"
VERSION = 1
DEFAULT_MIN_COUNT = 3
# Below this many, a percentage is written with its count: "50 % (2 dari 4)".
SMALL_BASE = 30
HIDDEN = "\u00d7"  # a cell hidden so that a "< 3" cannot be recovered from the total
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
# Events whose time is the citizen's, not the office's: the wait for information they were asked
# for (ends with tambah_informasi or dicabut) and the time between reply and their objection.
CITIZEN_TIME = {"tambah_informasi", "dicabut", "tidak_selesai"}
FINISH_REPLY = "kirim"

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

# The rating form's questions and the SKM elements (unsur) of PermenPANRB 14/2017 they stand for.
SKM_ELEMENTS = (
    ("waktu", 3, "Waktu Penyelesaian"),
    ("perilaku", 7, "Perilaku Pelaksana"),
    ("penanganan", 8, "Penanganan Pengaduan, Saran dan Masukan"),
)
# PermenPANRB 14/2017 (as KepMenPAN 25/2004): the converted index (IKM x 25) and its bands.
BANDS = ((88.31, "A", "Sangat Baik"), (76.61, "B", "Baik"), (65.00, "C", "Kurang Baik"), (25.00, "D", "Tidak Baik"))

# Clocks of deadlines.clocks that measure the office; melengkapi_informasi is the citizen's limit.
NOT_OFFICE_CLOCKS = {"melengkapi_informasi"}


class ReportError(ValueError):
    "The report cannot be made or approved; the message says why, in Indonesian."


# --------------------------------------------------------------------------- small helpers

def share(k: int, n: int) -> dict:
    """A share with its count; on a small base the text carries the count: "50 % (2 dari 4)"."""
    if n == 0:
        return {"k": 0, "n": 0, "persen": None, "teks": "tidak ada data"}
    pct = round(100 * k / n, 1)
    if n < SMALL_BASE:
        return {"k": k, "n": n, "persen": pct, "teks": f"{angka(round(100 * k / n))} % ({k} dari {n})"}
    return {"k": k, "n": n, "persen": pct, "teks": f"{angka(pct, 1)} %"}


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


def band(konversi: float) -> tuple[str, str]:
    """Mutu and kinerja of a converted index (25-100), PermenPANRB 14/2017."""
    value = round(konversi, 2)
    for floor, mutu, kinerja in BANDS:
        if value >= floor:
            return mutu, kinerja
    return BANDS[-1][1], BANDS[-1][2]


def ikm(nrr: list[float]) -> dict:
    """IKM from the elements' NRR (1-4): each element weighs the same (1/number of elements, as
    PermenPANRB 14/2017's 1/9 for nine), IKM = sum of weighted NRR; konversi = IKM x 25."""
    if not nrr:
        return {"ikm": None, "konversi": None, "mutu": None, "kinerja": None, "bobot": None}
    weight = 1 / len(nrr)
    value = sum(v * weight for v in nrr)
    konversi = round(value * 25, 2)
    mutu, kinerja = band(konversi)
    return {"ikm": round(value, 3), "konversi": konversi, "mutu": mutu, "kinerja": kinerja,
            "bobot": round(weight, 3)}


def _disclosed(cells: list[tuple[int, int]], total: int) -> bool:
    """Whether some hidden cell's value follows from the total. `cells` are the (low, high) bounds a
    reader knows for each hidden cell; the hidden cells sum to `total`. Interval sums of integer
    ranges are contiguous, so a cell is pinned exactly when its feasible range is one value."""
    lo_sum = sum(lo for lo, _ in cells)
    hi_sum = sum(hi for _, hi in cells)
    for lo, hi in cells:
        low = max(lo, total - (hi_sum - hi))
        high = min(hi, total - (lo_sum - lo))
        if low >= high:
            return True
    return False


def suppress(counts: list[int], min_count: int) -> tuple[list[str], bool]:
    """How each cell of a breakdown is shown, and whether only the total may be shown.

    Returns (marks, total_only): marks[i] is "" (shown), "kecil" (1 .. min_count-1: "< 3") or
    "sekunder" (hidden so that a small cell cannot be recovered from the total)."""
    marks = ["kecil" if 0 < c < min_count else "" for c in counts]
    if "kecil" not in marks:
        return marks, False
    total = sum(counts)
    while True:
        hidden = [i for i, m in enumerate(marks) if m]
        bounds = [(1, min_count - 1) if marks[i] == "kecil" else (min_count, total) for i in hidden]
        if not _disclosed(bounds, sum(counts[i] for i in hidden)):
            return marks, False
        candidates = sorted((c, i) for i, c in enumerate(counts) if c > 0 and not marks[i])
        if not candidates:
            return marks, True
        marks[candidates[0][1]] = "sekunder"


def breakdown(title: str, rows: list[tuple[str, str, int]], min_count: int, total_label: str = "Jumlah") -> dict:
    """A breakdown below the kabupaten with its small cells suppressed; raw counts of hidden cells
    are not kept (this dict goes into the public JSON as it is)."""
    counts = [c for _, _, c in rows]
    marks, total_only = suppress(counts, min_count)
    out_rows = []
    for (code, label, count), mark in zip(rows, marks):
        if total_only and count > 0:
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": HIDDEN})
        elif mark == "kecil":
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": f"< {min_count}"})
        elif mark == "sekunder":
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": HIDDEN})
        else:
            out_rows.append({"kode": code, "label": label, "jumlah": count, "tampil": angka(count)})
    notes = []
    if any(marks):
        notes.append(f"Jumlah 1 sampai {min_count - 1} ditampilkan sebagai \u201c< {min_count}\u201d agar "
                     "pengadu tidak dapat dikenali.")
    if "sekunder" in marks and not total_only:
        notes.append(f"Tanda {HIDDEN} menyembunyikan angka lain agar angka \u201c< {min_count}\u201d tidak "
                     "dapat dihitung dari jumlah keseluruhan.")
    if total_only:
        notes.append("Rinciannya tidak ditampilkan karena angkanya terlalu kecil; hanya jumlah keseluruhan "
                     "yang disajikan.")
    return {"judul": title, "baris": out_rows, "total": sum(counts), "total_label": total_label,
            "hanya_total": total_only, "catatan": " ".join(notes) or None}


# --------------------------------------------------------------------------- the period

@dataclass(frozen=True)
class Period:
    tahun: int
    start: date
    as_of: date  # the last day whose events count
    complete: bool

    @property
    def start_iso(self) -> str:
        return self.start.isoformat()

    @property
    def end_iso(self) -> str:
        """Exclusive upper bound for ISO timestamps (naive or with an offset): the day after as_of."""
        return (self.as_of + timedelta(days=1)).isoformat()


def period(tahun: int, today: date) -> Period:
    if not 2000 <= tahun <= 2999:
        raise ReportError("Tahun laporan tidak valid.")
    start, end = date(tahun, 1, 1), date(tahun, 12, 31)
    if today < start:
        raise ReportError(f"Tahun {tahun} belum dimulai; laporan belum dapat dibuat.")
    return Period(tahun, start, min(end, today), today > end)


class _MemoCalendar:
    """The calendar with its pure arithmetic memoised: a year of complaints asks for the same few
    hundred (start, days) deadlines again and again."""

    def __init__(self, calendar: Calendar):
        self._calendar = calendar
        self.add_working_days = lru_cache(maxsize=None)(calendar.add_working_days)
        self.add_calendar_days = lru_cache(maxsize=None)(calendar.add_calendar_days)
        self.working_days_between = lru_cache(maxsize=None)(calendar.working_days_between)
        self.is_working_day = lru_cache(maxsize=None)(calendar.is_working_day)

    def __getattr__(self, name):
        return getattr(self._calendar, name)


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


# --------------------------------------------------------------------------- computing

_COMPLAINT_COLUMNS = ("id", "received_at", "channel", "category", "kecamatan", "state")
_EVENT_COLUMNS = ("complaint_id", "at", "kind", "from_state", "to_state", "data")


def _candidates_sql(closed: list[str]) -> str:
    placeholders = ", ".join("?" for _ in closed)
    # Complaints of the year, and older ones that may still have been open at the cut-off.
    return (f"SELECT id FROM complaints WHERE received_at >= ? AND received_at < ? "
            f"UNION SELECT id FROM complaints WHERE received_at < ? AND state NOT IN ({placeholders}) "
            f"UNION SELECT e.complaint_id FROM events e JOIN complaints c ON c.id = e.complaint_id "
            f"WHERE c.received_at < ? AND e.at >= ?")


def _load(db, p: Period):
    """(complaint, events up to the cut-off) for every complaint that matters, in id order."""
    closed = list(workflow.states_where(lambda s: s.closed))
    cand = _candidates_sql(closed)
    params = [p.start_iso, p.end_iso, p.start_iso, *closed, p.start_iso, p.start_iso]
    complaints = db.execute(
        f"SELECT {', '.join(_COMPLAINT_COLUMNS)} FROM complaints WHERE id IN ({cand}) AND received_at < ? ORDER BY id",
        [*params, p.end_iso])
    events = db.execute(
        f"SELECT {', '.join('e.' + c for c in _EVENT_COLUMNS)} FROM events e WHERE e.complaint_id IN ({cand}) "
        f"AND e.at < ? ORDER BY e.complaint_id, e.at, e.id", [*params, p.end_iso])
    pending = next(events, None)
    for row in complaints:
        complaint = dict(zip(_COMPLAINT_COLUMNS, row))
        own = []
        while pending is not None and pending[0] < complaint["id"]:
            pending = next(events, None)
        while pending is not None and pending[0] == complaint["id"]:
            own.append(dict(zip(_EVENT_COLUMNS, pending)))
            pending = next(events, None)
        yield complaint, own


def _state_at(events: list[dict]) -> str:
    state = workflow.INITIAL
    for e in events:
        if e["to_state"]:
            state = e["to_state"]
    return state


def _step_days(complaint: dict, events: list[dict], calendar) -> dict[int, int]:
    """Working days the office spent on each SOP step of one complaint (summed over rounds)."""
    out: dict[int, int] = {}
    received = _day(complaint["received_at"])
    since = None
    for e in events:
        day = _day(e["at"])
        if e["kind"] == "diterima":
            out[1] = out.get(1, 0) + max(0, calendar.working_days_between(received, day))
            since = day
            continue
        if not e["to_state"] or e["kind"] not in workflow.STEPS:
            continue
        if since is not None and e["kind"] not in CITIZEN_TIME:
            step = workflow.STEPS[e["kind"]].sop_step
            out[step] = out.get(step, 0) + max(0, calendar.working_days_between(since, day))
        since = day
    return out


def _overall_days(complaint: dict, events: list[dict], calendar) -> int | None:
    """Working days from receipt to the first reply sent, without the wait for the citizen."""
    for i, e in enumerate(events):
        if e["kind"] == FINISH_REPLY:
            upto = events[:i + 1]
            gross = calendar.working_days_between(_day(complaint["received_at"]), _day(e["at"]))
            return max(0, gross - deadlines.paused_days(upto, calendar, "kerja"))
    return None


def compute(db, tahun: int, *, catalog: Catalog, calendar: Calendar, today: date,
            min_count: int = DEFAULT_MIN_COUNT) -> tuple[dict, Period]:
    """The figures of one year (a dict ready for JSON) and its period, as the office stood at the cut-off."""
    if min_count < 1:
        raise ReportError("REPORT_MIN_COUNT harus paling sedikit 1.")
    p = period(tahun, today)
    cal = _MemoCalendar(calendar)
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

    for complaint, events in _load(db, p):
        state = _state_at(events)
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
        by_month[_day(complaint["received_at"]).month - 1] += 1
        by_channel[complaint["channel"]] = by_channel.get(complaint["channel"], 0) + 1
        by_category[complaint["category"]] = by_category.get(complaint["category"], 0) + 1
        by_kecamatan[complaint["kecamatan"]] = by_kecamatan.get(complaint["kecamatan"], 0) + 1
        outcomes[outcome_of[state]] += 1
        if state == "tidak_layak":
            closing = next(e for e in reversed(events) if e["kind"] == "telaah_tidak_layak")
            reason = json.loads(closing["data"] or "{}").get("alasan", "lainnya")
            reasons[reason] = reasons.get(reason, 0) + 1
        for step, days in _step_days(complaint, events, cal).items():
            step_days[step].append(days)
        days = _overall_days(complaint, events, cal)
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
                          "batas": f"{rule.hari} hari {'kerja' if rule.jenis == 'kerja' else 'kalender'}",
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
        "tanggal_disetujui": _day(approval["approved_at"]).isoformat() if approved else None,
        "sidik": digest,
        "angka": figures,
    }


def encode(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def report_dir(content_dir: str | os.PathLike) -> Path:
    return Path(content_dir) / DATA_SUBDIR


def path_for(out_dir: str | os.PathLike, tahun: int) -> Path:
    return Path(out_dir) / f"{tahun}.json"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


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
    _write(path_for(out_dir, tahun), encode(doc))
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
        db["audit_log"].insert({"at": now.isoformat(), "actor_id": actor_id, "action": "setujui_laporan",
                                "detail": f"laporan pengaduan {tahun} {digest[:12]}"})
    doc = {**doc, "status": REPORT_APPROVED, "disetujui_oleh": jabatan, "tanggal_disetujui": now.date().isoformat()}
    _write(path_for(out_dir, tahun), encode(doc))
    return doc


def years(db, out_dir: str | os.PathLike, today: date) -> list[int]:
    """Years with complaints or an exported report, newest first."""
    found = {int(y) for (y,) in db.execute("SELECT DISTINCT substr(received_at, 1, 4) FROM complaints")
             if y and y.isdigit()}
    found |= {int(p.stem) for p in Path(out_dir).glob("*.json") if p.stem.isdigit()}
    found.add(today.year)
    return sorted((y for y in found if y <= today.year), reverse=True)


# --------------------------------------------------------------------------- spreadsheets

def _workbook():
    from openpyxl import Workbook
    return Workbook()


def _save(wb) -> bytes:
    out = io.BytesIO()
    # Fixed document properties, so that the same figures give the same file.
    fixed = datetime(2000, 1, 1)
    wb.properties.creator = "Portal Pengaduan Dispendukcapil Kabupaten Trenggalek"
    wb.properties.created = wb.properties.modified = fixed
    wb.save(out)
    # openpyxl stamps the save time into docProps/core.xml and into each zip entry; replace both
    # with the fixed time, or two exports of the same figures differ when seconds tick between them.
    stable = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, \
            zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(entry, data)
    return stable.getvalue()


def _sheet(wb, title: str, headers: list[str], rows: list[list], first: bool = False):
    from openpyxl.styles import Font
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None] + [8])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)
    ws.freeze_panes = "A2"
    return ws


def _cell(row: dict):
    return row["jumlah"] if row["jumlah"] is not None else row["tampil"]


def figures_xlsx(doc: dict) -> bytes:
    """The report's figures (as published, small cells suppressed) as a workbook for the office."""
    a = doc["angka"]
    wb = _workbook()
    status = "Disetujui" if is_approved(doc) else "DRAF (belum disetujui)"
    _sheet(wb, "Ringkasan", ["Uraian", "Nilai"], [
        ["Judul", doc["judul"]], ["Keadaan per tanggal", doc["per_tanggal"]],
        ["Tahun lengkap", "ya" if doc["lengkap"] else "tidak (sementara)"], ["Status", status],
        ["Disetujui oleh", doc["disetujui_oleh"] or ""], ["Tanggal disetujui", doc["tanggal_disetujui"] or ""],
        ["Pengaduan diterima", a["diterima"]],
        ["Ditindaklanjuti", a["hasil"]["ditindaklanjuti"]],
        ["Terlambat pada akhir periode (masih terbuka)", a["terlambat_akhir_tahun"]["jumlah"]],
        ["Pengaduan dibuka kembali (peristiwa pada tahun ini)", a["dibuka_kembali"]["peristiwa"]],
        ["Responden penilaian", a["kepuasan"]["responden"]],
        ["IKM (1-4)", a["kepuasan"]["ikm"]], ["Nilai konversi (x25)", a["kepuasan"]["konversi"]],
        ["Mutu pelayanan", a["kepuasan"]["mutu"] or ""], ["Kinerja", a["kepuasan"]["kinerja"] or ""],
        ["Ambang angka kecil", doc["ambang"]],
    ], first=True)
    for key, sheet in (("bulan", "Per bulan"), ("saluran", "Per saluran"), ("kategori", "Per kategori"),
                       ("kecamatan", "Per kecamatan")):
        b = a["rincian"][key]
        _sheet(wb, sheet, [sheet.replace("Per ", "").capitalize(), "Jumlah"],
               [[r["label"], _cell(r)] for r in b["baris"]] + [["Jumlah", b["total"]]]
               + ([["Catatan: " + b["catatan"], None]] if b["catatan"] else []))
    _sheet(wb, "Hasil", ["Hasil", "Jumlah"], [[r["label"], r["jumlah"]] for r in a["hasil"]["baris"]]
           + [["Jumlah", a["hasil"]["total"]]])
    b = a["tidak_layak"]
    _sheet(wb, "Tidak layak", ["Alasan", "Jumlah"], [[r["label"], _cell(r)] for r in b["baris"]]
           + [["Jumlah", b["total"]]] + ([["Catatan: " + b["catatan"], None]] if b["catatan"] else []))
    lama = a["lama"]
    _sheet(wb, "Lama penanganan", ["Langkah", "Pengaduan", "Median (hari kerja)", "Persentil 90 (hari kerja)"],
           [[f"{s['langkah']}. {s['label']}", s["n"], s["median"], s["p90"]] for s in lama["langkah"]]
           + [[lama["keseluruhan"]["label"], lama["keseluruhan"]["n"], lama["keseluruhan"]["median"],
               lama["keseluruhan"]["p90"]]])
    _sheet(wb, "Ketepatan waktu", ["Batas waktu", "Dasar", "Batas", "Dinilai", "Tepat waktu", "Terlambat",
                                   "Belum jatuh tempo", "Ditunda", "Persen tepat waktu"],
           [[k["nama"], k["dasar"], k["batas"], k["dinilai"], k["tepat"], k["terlambat"], k["belum_jatuh_tempo"],
             k["ditunda"], k["tepat_waktu"]["persen"]] for k in a["ketepatan"]])
    _sheet(wb, "Kepuasan", ["Unsur SKM", "NRR", "NRR tertimbang"],
           [[f"U{u['unsur']} {u['nama']}", u["nrr"], u["nrr_tertimbang"]] for u in a["kepuasan"]["unsur"]]
           + [["IKM", a["kepuasan"]["ikm"], None], ["Konversi", a["kepuasan"]["konversi"], None],
              ["Responden", a["kepuasan"]["responden"], None]])
    return _save(wb)


REGISTER_HEADERS = ["Kode pelacakan", "Tanggal diterima", "Tanggal tanggapan dikirim", "Tanggal ditutup",
                    "Saluran", "Kategori", "Kecamatan", "Status", "Sifat", "Nama", "E-mail", "Telepon"]


def register_rows(db, tahun: int, *, catalog: Catalog) -> list[list]:
    """The staff-only register: one row per complaint received in the year, with personal data."""
    start, end = f"{tahun}-01-01", f"{tahun + 1}-01-01"
    closing, closed = workflow.sql_in("e.to_state", workflow.states_where(lambda s: s.closed))
    cursor = db.execute(
        "SELECT c.id, c.tracking_code, c.received_at, c.channel, c.category, c.kecamatan, c.state, c.visibility, "
        "c.name, c.email, c.phone, "
        "(SELECT min(at) FROM events e WHERE e.complaint_id = c.id AND e.kind = 'kirim'), "
        f"(SELECT max(at) FROM events e WHERE e.complaint_id = c.id AND {closing}) "
        "FROM complaints c WHERE c.received_at >= ? AND c.received_at < ? ORDER BY c.received_at, c.id",
        [*closed, start, end])
    rows = []
    for (_, code, received, channel, category, kec, state, visibility, name, email, phone, replied,
         closed) in cursor:
        region = regions.get(kec)
        rows.append([tracking.display(code), _day(received).isoformat(), _day(replied).isoformat() if replied else "",
                     _day(closed).isoformat() if closed and not workflow.is_open(state) else "",
                     catalog.channels.get(channel, channel), catalog.categories.get(category, category),
                     region.nama if region else kec, workflow.STATES[state].label, visibility,
                     name or "", email or "", phone or ""])
    return rows


def register_xlsx(rows: list[list], tahun: int) -> bytes:
    wb = _workbook()
    ws = _sheet(wb, f"Register {tahun}", REGISTER_HEADERS, rows, first=True)
    ws.append([])
    ws.append(["RAHASIA: berisi data pribadi (UU 27/2022). Jangan diteruskan atau diunggah ke tempat umum."])
    return _save(wb)
