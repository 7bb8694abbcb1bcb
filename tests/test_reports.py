"""The annual complaint report: a fixed-clock year of complaints taken through the workflow, and
every figure of the report checked against values computed here from the fixture's own plan
(the working-day gaps each step was given), not from the event log the report reads."""

from __future__ import annotations

import io
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from portal.domain.formatting import angka
from openpyxl import load_workbook

from conftest import ROOT, VALID
from conftest import actors, login, portal_config, token
from portal import create_app
from portal.db import prepare, write_transaction
from portal.domain import (catalog as catalog_module, complaints, disclosure, feedback, handling, ikm, regions,
                           report_xlsx, reports, tracking, workflow)
from portal.domain.calendar import Calendar

CATALOG = catalog_module.load(ROOT / "content")
CAL = Calendar.default()
YEAR = 2025
CUTOFF = date(YEAR, 12, 31)
TODAY = date(2026, 3, 2)  # the fixed clock: the report is made in March of the next year
BASE = "http://x"
KECAMATAN = [k.kode for k in regions.kecamatan_list()]

# Counts per channel, category and kecamatan for the 42 complaints of the year: chosen so that
# small cells occur (and, for the categories, one lone small cell that needs a second one hidden).
CHANNELS = ["web"] * 16 + ["whatsapp"] * 11 + ["telepon"] * 8 + ["datang-langsung"] * 4 + ["surat"] + ["sp4n-lapor"] * 2
CATEGORIES = ["ktp-el"] * 14 + ["kk"] * 10 + ["akta-kelahiran"] * 8 + ["akta-kematian"] * 5 + ["pindah-datang"] * 4 + ["kia"]
KEC_COUNTS = [10, 8, 7, 6, 5, 3, 2, 1]
SCENARIOS = (["reply"] * 14 + ["reply_return"] * 4 + ["info_then_reply"] * 3 + ["not_fit"] * 6 + ["withdrawn"] * 3
             + ["reopened"] * 2 + ["late"] * 3 + ["open_late"] * 2 + ["open_2026"] * 3 + ["info_pending"] * 2)
NOT_FIT = ["bukan_wewenang"] * 3 + ["bukan_pengaduan"] * 2 + ["kasar"]
SCORES = [(4, 4, 4), (4, 3, 4), (3, 3, 4), (4, 4, 3), (2, 3, 3), (3, 2, 3), (4, 4, 4), (1, 2, 2)]


@dataclass
class Plan:
    cid: int
    code: str
    received: date
    channel: str
    category: str
    kecamatan: str
    name: str
    email: str
    phone: str
    nik: str
    events: list = field(default_factory=list)  # (kind, date), as taken
    office: dict = field(default_factory=dict)  # SOP step -> working days given (events up to the cut-off)
    rating: tuple | None = None  # (date, scores, solved)

    def upto(self, cutoff=CUTOFF):
        return [(k, d) for k, d in self.events if d <= cutoff]


class Runner:
    """Takes one complaint through the workflow, each step a number of working days after the last."""

    def __init__(self, db, people, upload_dir, plan: Plan, registered: datetime):
        self.db, self.p, self.upload_dir, self.plan = db, people, upload_dir, plan
        self.day, self.minute = registered.date(), 0
        plan.events.append(("diterima", registered.date()))
        self.count(1, CAL.working_days_between(plan.received, registered.date()), registered.date())

    def count(self, step, days, day):
        if day <= CUTOFF:
            self.plan.office[step] = self.plan.office.get(step, 0) + days

    def at(self) -> datetime:
        self.minute += 1
        return datetime.combine(self.day, datetime.min.time()).replace(hour=9, minute=self.minute)

    def step(self, kind, gap, **kw):
        """Office step `gap` working days after the previous event."""
        self.day = CAL.add_working_days(self.day, gap).due
        self.count(workflow.STEPS[kind].sop_step, gap, self.day)
        self.take(kind, **kw)

    def citizen(self, kind, calendar_days, **kw):
        self.day = self.day + timedelta(days=calendar_days)
        self.take(kind, **kw)

    def take(self, kind, **kw):
        db, p, cid, t = self.db, self.p, self.plan.cid, self.at()
        if kind == "telaah_layak":
            handling.telaah_fit(db, cid, p["ops"], t)
        elif kind == "telaah_tidak_layak":
            handling.telaah_not_fit(db, cid, p["ops"], t, reason=kw["reason"], note="Lihat keterangan.", base_url=BASE)
        elif kind == "minta_informasi":
            handling.request_information(db, cid, p["ops"], t, note="Kirim foto KK.", base_url=BASE)
        elif kind == "tambah_informasi":
            complaints.add_information(db, complaints.get(db, cid), "Foto KK sudah saya kirim.", [],
                                       upload_dir=self.upload_dir, now=t)
        elif kind == "dicabut":
            with write_transaction(db):
                handling.transition(db, cid, "dicabut", handling.Actor(None, frozenset({workflow.SYSTEM})), t,
                                    note="Informasi tidak diterima.")
        elif kind == "nota_dinas":
            handling.create_nota_dinas(db, cid, p["kabid"], t, catalog=CATALOG, sifat="Biasa", hal="Pengaduan",
                                       ringkasan="Ringkasan.", telaah="Layak.", tembusan=[p["pejabat"].id])
        elif kind == "disposisi":
            handling.dispose(db, cid, p["kadis"], t, pejabat_id=p["pejabat"].id, instruksi="Buat konsep.",
                             batas=t.date() + timedelta(days=7))
        elif kind == "ajukan_konsep":
            handling.submit_draft(db, cid, p["pejabat"], t, body="Jawaban rahasia untuk warga.")
        elif kind == "kembalikan":
            handling.return_draft(db, cid, p["kadis"], t, note="Perbaiki.")
        elif kind == "setujui":
            handling.approve(db, cid, p["kadis"], t, catalog=CATALOG)
        elif kind == "kirim":
            handling.send_reply(db, cid, p["ops"], t, base_url=BASE, delivered_by="telepon", delivered_at=t)
        elif kind == "tidak_selesai":
            scores = kw["scores"]
            feedback.rate(db, cid, scores=dict(zip(("penanganan", "waktu", "perilaku"), scores)), solved=False,
                          comment="Belum selesai.", now=t)
            self.plan.rating = (t.date(), scores, False)
        elif kind == "buka_kembali":
            handling.reopen(db, cid, p["ops"], t, note="Ditangani ulang.", base_url=BASE)
        else:
            raise AssertionError(kind)
        self.plan.events.append((kind, self.day))

    def rate(self, calendar_days, scores):
        self.day = self.day + timedelta(days=calendar_days)
        feedback.rate(self.db, self.plan.cid, scores=dict(zip(("penanganan", "waktu", "perilaku"), scores)),
                      solved=True, comment="Terima kasih, Bu Siti Aminah.", now=self.at())
        self.plan.rating = (self.day, scores, True)

    def through(self, kinds_gaps):
        for kind, gap in kinds_gaps:
            self.step(kind, gap)


def people(db):
    return actors(db, {"ops": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"]},
                  now=datetime(2024, 1, 2), jabatan={"ops": None, "kabid": "Kabid PIAK",
                                                     "kadis": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
                                                     "pejabat": "Kabid Pelayanan"})


def _file(db, p, upload_dir, i, received: datetime, registered: datetime, channel, category, kecamatan,
          lapor=None) -> Plan:
    desa = regions.desa_list(kecamatan)[0].kode
    name, email, phone = f"Warga Uji Nomor{i:02d} Sukarame", f"warga{i:02d}@contoh.id", f"08123456{i:04d}"
    nik = VALID["nik"] if i % 5 == 0 else ""
    new = complaints.NewComplaint(
        channel=channel, category=category, kecamatan=kecamatan, desa=desa, visibility="rahasia",
        body=f"Pengaduan nomor {i}: pelayanan terlalu lama, mohon dibantu.", name=name, email="" if i % 3 else email,
        phone=phone, nik=nik, consent=True, lapor_id=lapor or "",
        received_at=None if channel == "web" else received, entered_by=None if channel == "web" else p["ops"].id)
    filed = complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=CAL, upload_dir=upload_dir,
                                      now=registered, base_url=BASE)
    email_kept = email if not i % 3 else ""
    return Plan(filed.id, tracking.normalise(filed.tracking_code), received.date(), channel, category, kecamatan,
                name, email_kept, phone, nik)


REPLY = [("telaah_layak", 2), ("nota_dinas", 1), ("disposisi", 1), ("ajukan_konsep", 3), ("setujui", 1), ("kirim", 1)]


def build_year(db, upload_dir) -> tuple[list[Plan], dict]:
    """42 complaints received in 2025 (and one from 2024 still open), taken through the workflow."""
    rng = random.Random(2025)
    p = people(db)
    channels, categories = CHANNELS[:], CATEGORIES[:]
    kecamatan = [KECAMATAN[i] for i, n in enumerate(KEC_COUNTS) for _ in range(n)]
    rng.shuffle(channels), rng.shuffle(categories), rng.shuffle(kecamatan)
    plans, lapor, scores = [], 0, iter(SCORES * 3)
    not_fit = iter(NOT_FIT)
    for i, scenario in enumerate(SCENARIOS):
        if scenario in ("open_late",):
            received = date(YEAR, 11, 3) + timedelta(days=i % 3)
        elif scenario == "open_2026":
            received = date(YEAR, 12, 15) + timedelta(days=i % 3)
        elif scenario == "info_pending":
            received = date(YEAR, 12, 1) + timedelta(days=i % 4)
        else:
            received = date(YEAR, 1, 6) + timedelta(days=rng.randrange(0, 290))
        channel = channels[i]
        g1 = 0 if channel == "web" else rng.choice([0, 0, 1, 2])
        registered = CAL.add_working_days(received, g1).due if g1 else received
        lapor_id = None
        if channel == "sp4n-lapor":
            lapor += 1
            lapor_id = f"LAPOR-{YEAR}-{lapor:04d}"
        plan = _file(db, p, upload_dir, i, datetime.combine(received, datetime.min.time()).replace(hour=8),
                     datetime.combine(registered, datetime.min.time()).replace(hour=8, minute=30),
                     channel, categories[i], kecamatan[i], lapor_id)
        run = Runner(db, p, upload_dir, plan, datetime.combine(registered, datetime.min.time()))
        if scenario == "reply":
            run.through([(k, g + rng.choice([0, 1])) for k, g in REPLY])
            if i % 2 == 0:
                run.rate(3, next(scores))
        elif scenario == "reply_return":
            run.through(REPLY[:4] + [("kembalikan", 1), ("ajukan_konsep", 2), ("setujui", 1), ("kirim", 0)])
            run.rate(1, next(scores))
        elif scenario == "info_then_reply":
            run.step("minta_informasi", 1)
            run.citizen("tambah_informasi", 6)
            run.through(REPLY)
        elif scenario == "not_fit":
            run.step("telaah_tidak_layak", rng.choice([0, 1, 2]), reason=next(not_fit))
        elif scenario == "withdrawn":
            run.step("minta_informasi", 1)
            run.citizen("dicabut", 31)
        elif scenario == "reopened":
            run.through(REPLY)
            run.citizen("tidak_selesai", 2, scores=(2, 1, 2))
            run.step("buka_kembali", 1)
            run.through(REPLY)
        elif scenario == "late":
            run.through([(k, 4) for k, _ in REPLY])  # 24 working days: the 14-day reply limit is missed
        elif scenario == "open_late":
            run.through(REPLY[:2])  # stuck at nota dinas on 31 December, long past its reply date
        elif scenario == "open_2026":
            run.through(REPLY[:3])
            run.through([("ajukan_konsep", 8), ("setujui", 1), ("kirim", 1)])  # the reply is sent in January 2026
        elif scenario == "info_pending":
            run.step("minta_informasi", 2)
        plans.append(plan)
    # One complaint from December 2024, left at "layak" and still open on 31 December 2025.
    old = _file(db, p, upload_dir, 99, datetime(2024, 12, 2, 8), datetime(2024, 12, 2, 8, 30), "web", "kk",
                KECAMATAN[0])
    Runner(db, p, upload_dir, old, datetime(2024, 12, 2)).step("telaah_layak", 1)
    # A rating given in January 2026 belongs to the 2026 survey, not to 2025's.
    late_rating = next(pl for pl, s in zip(plans, SCENARIOS) if s == "open_2026")
    feedback.rate(db, late_rating.cid, scores={"penanganan": 1, "waktu": 1, "perilaku": 1}, solved=True,
                  comment="", now=datetime(2026, 1, 28, 10))
    return plans, {"people": p, "old": old}


# --------------------------------------------------------------------------- expected values

def _first(plan, kinds, cutoff=CUTOFF):
    return next((d for k, d in plan.upto(cutoff) if k in kinds), None)


def _state(plan):
    state = workflow.INITIAL
    for kind, _ in plan.upto():
        if kind != "diterima":
            state = workflow.STEPS[kind].to_state
    return state


def _paused(plan):
    """Working days waiting for the citizen (request for information -> answer), up to the reply."""
    total, since = 0, None
    for kind, d in plan.upto():
        if kind == "minta_informasi":
            since = d
        elif kind in ("tambah_informasi", "dicabut") and since:
            total += CAL.working_days_between(since, d)
            since = None
    return total


def expected_clocks(plan):
    """(code, due, met) per office clock, from the SOP data's numbers, written out by hand."""
    finished = _first(plan, {"kirim", "telaah_tidak_layak", "dicabut"})
    paused_now = _state(plan) == "menunggu_informasi" and not finished
    out = [("penerimaan", CAL.add_working_days(plan.received, 1).due, _first(plan, {"diterima"}))]
    out.append(("tanggapan", None if paused_now else CAL.add_working_days(plan.received, 14 + _paused(plan)).due,
                finished))
    start = max([plan.received] + [d for k, d in plan.upto() if k == "tambah_informasi"])
    out.append(("penyelesaian", None if paused_now else CAL.add_calendar_days(start, 60).due, finished))
    if plan.channel == "sp4n-lapor":
        out.append(("lapor_tindak_lanjut", CAL.add_working_days(plan.received, 5).due,
                    _first(plan, {"telaah_layak", "telaah_tidak_layak", "minta_informasi"})))
    return out


def nearest_rank(values, p):
    values = sorted(values)
    k = -(-p * len(values) // 100)
    return values[max(1, k) - 1]


def shown(count, m=3):
    return f"< {m}" if 0 < count < m else str(count)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("year")
    db = prepare(str(tmp / "portal.db"))
    (tmp / "uploads").mkdir()
    plans, extra = build_year(db, str(tmp / "uploads"))
    figures, period = reports.compute(db, YEAR, catalog=CATALOG, calendar=CAL, today=TODAY)
    return {"db": db, "plans": plans, "extra": extra, "figures": figures, "period": period, "tmp": tmp}


def rows_of(b):
    return {r["kode"]: r["tampil"] for r in b["baris"]}


# --------------------------------------------------------------------------- figures

def test_received_by_month_channel_category_kecamatan(year):
    f, plans = year["figures"], year["plans"]
    assert f["diterima"] == len(plans) == 42
    months = [sum(p.received.month == m for p in plans) for m in range(1, 13)]
    for row, n in zip(f["rincian"]["bulan"]["baris"], months):
        if row["jumlah"] is not None:
            assert row["jumlah"] == n
        elif row["tampil"] == "< 3":
            assert 0 < n < 3
        else:
            assert row["tampil"] == disclosure.HIDDEN and n >= 3
    channel = rows_of(f["rincian"]["saluran"])
    for code in CATALOG.channels:
        assert channel[code] == shown(CHANNELS.count(code)), code
    assert channel["surat"] == "< 3" and channel["sp4n-lapor"] == "< 3" and channel["web"] == "16"
    kec = rows_of(f["rincian"]["kecamatan"])
    for i, n in enumerate(KEC_COUNTS):
        assert kec[KECAMATAN[i]] == shown(n)
    assert kec[KECAMATAN[10]] == "0"
    for b in f["rincian"].values():
        assert b["total"] == 42


def test_a_lone_small_cell_takes_a_second_cell_with_it(year):
    cat = year["figures"]["rincian"]["kategori"]
    rows = rows_of(cat)
    assert rows["kia"] == "< 3"
    # kia (1) alone would be 42 minus the others: the smallest other non-zero cell is hidden too.
    assert rows["pindah-datang"] == disclosure.HIDDEN
    assert rows["ktp-el"] == "14" and rows["akta-kematian"] == "5" and rows["lainnya"] == "0"
    assert "tidak dapat dihitung" in cat["catatan"]
    visible = sum(r["jumlah"] for r in cat["baris"] if r["jumlah"] is not None)
    assert cat["total"] - visible == 5  # kia and pindah-datang together: 1+4, 2+3 both fit


def test_outcomes_and_reasons(year):
    f, plans = year["figures"], year["plans"]
    states = [_state(p) for p in plans]
    outcome = {r["kode"]: r["jumlah"] for r in f["hasil"]["baris"]}
    assert outcome["tanggapan_terkirim"] == sum(s in ("selesai", "ditinjau_ulang") for s in states)
    assert outcome["tidak_layak"] == 6 and outcome["dicabut"] == 3
    assert outcome["dalam_proses"] == sum(s in ("layak", "nota_dinas", "disposisi", "konsep", "disetujui")
                                          for s in states) >= 2 + 3  # stuck at nota dinas; crossing the year
    assert outcome["ditelaah"] == sum(s in ("diterima", "menunggu_informasi") for s in states) == 2
    assert sum(outcome.values()) == 42 and f["hasil"]["ditindaklanjuti"] == 42 - 6 - 3 - 2
    reasons = rows_of(f["tidak_layak"])
    assert reasons["bukan_wewenang"] == "3"
    # bukan_pengaduan 2 and kasar 1 are both small; together 3 (1+2 or 2+1): nothing more to hide.
    assert reasons["bukan_pengaduan"] == "< 3" and reasons["kasar"] == "< 3" and reasons["duplikat"] == "0"


def test_working_days_per_step_and_overall(year):
    f, plans = year["figures"], year["plans"]
    for row in f["lama"]["langkah"]:
        values = [p.office[row["langkah"]] for p in plans if row["langkah"] in p.office]
        assert row["n"] == len(values), row
        assert row["median"] == (sorted(values)[len(values) // 2] if len(values) % 2 else
                                 sum(sorted(values)[len(values) // 2 - 1:len(values) // 2 + 1]) / 2), row
        assert row["p90"] == nearest_rank(values, 90), row
    overall = [CAL.working_days_between(p.received, _first(p, {"kirim"})) - _paused(p)
               for p in plans if _first(p, {"kirim"})]
    assert f["lama"]["keseluruhan"]["n"] == len(overall) == 14 + 4 + 3 + 2 + 3
    assert f["lama"]["keseluruhan"]["p90"] == nearest_rank(overall, 90)


def test_overall_equals_the_gaps_given(year):
    # For complaints replied once and never reopened, the overall time is the sum of the gaps the
    # fixture gave the office's steps (step 1 included): an independent check of the subtraction.
    f, plans = year["figures"], year["plans"]
    sums = sorted(sum(p.office.values()) for p, s in zip(plans, SCENARIOS)
                  if s in ("reply", "reply_return", "info_then_reply", "late"))
    assert len(sums) == 24
    overall = sorted(CAL.working_days_between(p.received, _first(p, {"kirim"})) - _paused(p)
                     for p, s in zip(plans, SCENARIOS) if s in ("reply", "reply_return", "info_then_reply", "late"))
    assert sums == overall


def test_share_within_time_standards(year):
    f, plans = year["figures"], year["plans"]
    by_code = {k["kode"]: k for k in f["ketepatan"]}
    for code in ("penerimaan", "tanggapan", "penyelesaian", "lapor_tindak_lanjut"):
        met = late = pending = paused = 0
        for p in plans:
            for c, due, done in expected_clocks(p):
                if c != code:
                    continue
                if due is None:
                    paused += 1
                elif done is not None:
                    met += done <= due
                    late += done > due
                elif CUTOFF > due:
                    late += 1
                else:
                    pending += 1
        k = by_code[code]
        assert (k["tepat"], k["terlambat"], k["belum_jatuh_tempo"], k["ditunda"]) == (met, late, pending, paused), code
        assert k["tepat_waktu"]["k"] == met and k["tepat_waktu"]["n"] == met + late
    assert by_code["penerimaan"]["kelompok"] == "sop" and by_code["tanggapan"]["kelompok"] == "peraturan"
    assert by_code["tanggapan"]["terlambat"] >= 3 + 2  # the three late ones and the two stuck at nota dinas
    lapor = by_code["lapor_tindak_lanjut"]["tepat_waktu"]
    assert re.fullmatch(r"\d+ % \(\d dari 2\)", lapor["teks"])  # a small base carries its count


def test_overdue_at_year_end(year):
    f, plans = year["figures"], year["plans"]
    expected = 0
    for p in plans + [year["extra"]["old"]]:
        if not workflow.is_open(_state(p)):
            continue
        expected += any(due is not None and done is None and CUTOFF > due for _, due, done in expected_clocks(p))
    assert f["terlambat_akhir_tahun"] == {"jumlah": expected, "dari_tahun_sebelumnya": 1}
    assert expected == 2 + 1  # the two stuck at nota dinas and the one from 2024


def test_satisfaction_and_ikm(year):
    f, plans = year["figures"], year["plans"]
    rated = [p.rating for p in plans if p.rating and p.rating[0] <= CUTOFF]
    k = f["kepuasan"]
    assert k["responden"] == len(rated) and len(rated) >= 8
    nrr = {}
    for idx, key in enumerate(("penanganan", "waktu", "perilaku")):
        nrr[key] = sum(r[1][idx] for r in rated) / len(rated)
    assert {u["kode"]: u["nrr"] for u in k["unsur"]} == {key: round(v, 3) for key, v in nrr.items()}
    assert {u["kode"]: u["unsur"] for u in k["unsur"]} == {"waktu": 3, "perilaku": 7, "penanganan": 8}
    mean = sum(nrr.values()) / 3
    assert k["ikm"] == round(mean, 3) and k["konversi"] == round(mean * 25, 2)
    assert (k["mutu"], k["kinerja"]) == ikm.band(mean * 25)
    assert k["selesai"]["k"] == sum(r[2] for r in rated)


def test_ikm_on_hand_made_examples():
    assert ikm.ikm([4, 4, 4]) == {"ikm": 4.0, "konversi": 100.0, "mutu": "A", "kinerja": "Sangat Baik",
                                      "bobot": 0.333}
    assert ikm.ikm([1, 1, 1])["konversi"] == 25.0 and ikm.ikm([1, 1, 1])["mutu"] == "D"
    # 3, 3, 3.5 -> IKM 3.1667, konversi 79.17: B, Baik
    assert ikm.ikm([3, 3, 3.5])["konversi"] == 79.17 and ikm.ikm([3, 3, 3.5])["kinerja"] == "Baik"
    # the band edges of PermenPANRB 14/2017
    assert [ikm.band(v) for v in (64.99, 65.0, 76.60, 76.61, 88.30, 88.31)] == [
        ("D", "Tidak Baik"), ("C", "Kurang Baik"), ("C", "Kurang Baik"), ("B", "Baik"), ("B", "Baik"),
        ("A", "Sangat Baik")]
    # nine elements weigh 1/9 each, as the regulation's 0,111
    assert ikm.ikm([4] * 9)["bobot"] == 0.111


def test_reopened(year):
    d = year["figures"]["dibuka_kembali"]
    assert d == {"pengaduan_tahun_ini": 2, "peristiwa": 2, "pengaduan": 2}


def test_share_text_carries_its_count():
    assert disclosure.share(2, 4)["teks"] == "50 % (2 dari 4)"
    assert disclosure.share(45, 60)["teks"] == "75,0 %"
    assert disclosure.share(0, 0)["teks"] == "tidak ada data"


@pytest.mark.parametrize("counts,marks,total_only", [
    ([5, 1, 7], ["", "kecil", ""], None),
    ([1, 3, 9], ["kecil", "sekunder", "sekunder"], False),
    ([1, 1, 10], ["kecil", "kecil", "sekunder"], False),
    ([2, 0, 0], None, True),
    ([1, 2, 10], ["kecil", "kecil", ""], False),
    ([0, 0, 0], ["", "", ""], False),
])
def test_suppression_never_lets_the_total_reveal_a_small_cell(counts, marks, total_only):
    got, only = disclosure.suppress(counts, 3)
    if total_only:
        assert only
        return
    assert not only
    if marks == ["", "kecil", ""]:
        assert got == ["sekunder", "kecil", ""]
    else:
        assert got == marks
    # brute force: every assignment a reader would think possible, given what is shown
    hidden = [i for i, m in enumerate(got) if m]
    if hidden:
        s = sum(counts[i] for i in hidden)
        ranges = [range(1, 3) if got[i] == "kecil" else range(3, sum(counts) + 1) for i in hidden]
        import itertools
        options = [combo for combo in itertools.product(*ranges) if sum(combo) == s]
        for pos in range(len(hidden)):
            assert len({o[pos] for o in options}) > 1


def test_recomputation_is_stable_and_ignores_what_came_later(year, tmp_path):
    db = year["db"]
    again, _ = reports.compute(db, YEAR, catalog=CATALOG, calendar=CAL, today=date(2027, 8, 1))
    assert reports.figures_hash(again) == reports.figures_hash(year["figures"])
    out = tmp_path / "out"
    first = reports.export(db, YEAR, out, catalog=CATALOG, calendar=CAL, today=TODAY)
    text = (out / f"{YEAR}.json").read_text()
    second = reports.export(db, YEAR, out, catalog=CATALOG, calendar=CAL, today=TODAY)
    assert (out / f"{YEAR}.json").read_text() == text and first == second
    assert first["status"] == "draft" and first["lengkap"] and first["per_tanggal"] == "2025-12-31"


def test_a_year_in_progress_is_provisional(year):
    figures, period = reports.compute(year["db"], YEAR, catalog=CATALOG, calendar=CAL, today=date(YEAR, 6, 30))
    assert not period.complete and period.as_of == date(YEAR, 6, 30)
    assert figures["diterima"] == sum(p.received <= date(YEAR, 6, 30) for p in year["plans"])
    with pytest.raises(reports.ReportError, match="belum dimulai"):
        reports.compute(year["db"], 2031, catalog=CATALOG, calendar=CAL, today=TODAY)


def test_the_json_holds_no_personal_data(year, tmp_path):
    doc = reports.export(year["db"], YEAR, tmp_path, catalog=CATALOG, calendar=CAL, today=TODAY)
    text = (tmp_path / f"{YEAR}.json").read_text()
    assert json.loads(text) == doc
    for p in year["plans"]:
        for secret in (p.name, "Nomor", "Sukarame", p.phone, p.phone[-8:], p.code, tracking.display(p.code),
                       "contoh.id", "Siti", "Jawaban rahasia", "Foto KK", "pelayanan terlalu lama"):
            assert secret not in text, secret
        if p.nik:
            assert p.nik not in text and p.nik[:6] not in text
    assert not re.search(r"(?<![0-9a-f])\d{16}(?![0-9a-f])", text) and "@" not in text


def test_figures_workbook_matches_the_json(year):
    figures, period = year["figures"], year["period"]
    doc = reports.document(YEAR, period, figures, 3, None)
    wb = load_workbook(io.BytesIO(report_xlsx.figures_xlsx(doc)))
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Pengaduan diterima"] == 42 and summary["Status"].startswith("DRAF")
    cat = {r[0]: r[1] for r in wb["Per kategori"].iter_rows(min_row=2, values_only=True)}
    assert cat["KIA (Kartu Identitas Anak)"] == "< 3" and cat["KTP-el"] == 14
    assert report_xlsx.figures_xlsx(doc) == report_xlsx.figures_xlsx(doc)


# --------------------------------------------------------------------------- portal: approval and register

@pytest.fixture
def portal(tmp_path, smtp):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data",
                    ignore=shutil.ignore_patterns("laporan-pengaduan", "pengaduan"))
    app = create_app({**portal_config(tmp_path / "data", smtp.port), "CONTENT_DIR": str(content)})
    db = prepare(app.config["DATABASE"])
    (tmp_path / "up").mkdir()
    plans, extra = build_year(db, str(tmp_path / "up"))
    yield app, db, plans, content
    db.close()


def test_cli_export(portal):
    app, db, plans, content = portal
    result = app.test_cli_runner().invoke(args=["laporan", "export", "--tahun", str(YEAR)])
    assert result.exit_code == 0, result.output
    assert "42 pengaduan" in result.output and "draf" in result.output
    doc = json.loads((content / "data" / "laporan-pengaduan" / f"{YEAR}.json").read_text())
    assert doc["status"] == "draft" and doc["disetujui_oleh"] is None
    assert db.execute("SELECT action FROM audit_log WHERE action = 'ekspor_laporan'").fetchone()
    bad = app.test_cli_runner().invoke(args=["laporan", "export", "--tahun", "2999"])
    assert bad.exit_code != 0 and "belum dimulai" in bad.output


def test_only_the_kepala_dinas_approves(portal):
    app, db, plans, content = portal
    client = app.test_client()
    path = f"/pengaduan/staf/laporan/{YEAR}"
    login(client, "ops")
    assert "Laporan tahunan" in client.get("/pengaduan/staf/laporan/").get_data(as_text=True)
    response = client.post(path + "/ekspor", data={"csrf_token": token(client, path)})
    assert response.status_code == 303
    doc = json.loads((content / "data" / "laporan-pengaduan" / f"{YEAR}.json").read_text())
    assert doc["status"] == "draft"
    page = client.get(path).get_data(as_text=True)
    assert "Setujui laporan" not in page and "Draf" in page
    satisfaction = doc["angka"]["kepuasan"]
    assert satisfaction["responden"] > 0  # the fixture has ratings: the IKM is shown
    if satisfaction.get("ikm") is not None:  # written the Indonesian way: "3,17", never "3.167"
        assert f"<td>{angka(satisfaction['ikm'], 2)} (konversi {angka(satisfaction['konversi'], 2)};" in page
    for who in ("ops", "kabid", "pejabat"):
        login(client, who)
        t = token(client, "/pengaduan/staf/laporan/" if who != "pejabat" else "/pengaduan/staf/")
        assert client.post(path + "/setujui", data={"csrf_token": t, "sidik": doc["sidik"]}).status_code == 403
    assert db["report_approvals"].count == 0
    login(client, "kadis")
    # without the CSRF token nothing happens
    assert client.post(path + "/setujui", data={"sidik": doc["sidik"]}).status_code == 400
    # figures other than those on the page are refused
    client.post(path + "/setujui", data={"csrf_token": token(client, path), "sidik": "0" * 64})
    assert db["report_approvals"].count == 0
    page = client.get(path).get_data(as_text=True)
    assert "Setujui laporan" in page
    response = client.post(path + "/setujui", data={"csrf_token": token(client, path), "sidik": doc["sidik"]})
    assert response.status_code == 303
    approved = json.loads((content / "data" / "laporan-pengaduan" / f"{YEAR}.json").read_text())
    assert approved["status"] == "disetujui"
    assert approved["disetujui_oleh"] == "Kepala Dinas Kependudukan dan Pencatatan Sipil"
    assert approved["angka"] == doc["angka"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", approved["tanggal_disetujui"])
    row = db.execute("SELECT tahun, figures_sha256, jabatan FROM report_approvals").fetchone()
    assert row == (YEAR, doc["sidik"], "Kepala Dinas Kependudukan dan Pencatatan Sipil")
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'setujui_laporan'").fetchone()[0] == 1
    # A re-export with the same figures stays approved; the approval is not lost by recomputing.
    result = app.test_cli_runner().invoke(args=["laporan", "export", "--tahun", str(YEAR)])
    assert "disetujui" in result.output
    again = json.loads((content / "data" / "laporan-pengaduan" / f"{YEAR}.json").read_text())
    assert again == approved


def test_approval_in_the_domain_requires_kadis_and_a_complete_year(portal, tmp_path):
    app, db, plans, content = portal
    out = tmp_path / "o"
    doc = reports.export(db, YEAR, out, catalog=CATALOG, calendar=CAL, today=TODAY)
    with pytest.raises(reports.ReportError, match="Hanya Kepala Dinas"):
        reports.approve(db, YEAR, out, actor_id=1, roles={"kabid"}, jabatan="x", expected_hash=doc["sidik"],
                        now=datetime(2026, 3, 3))
    partial = reports.export(db, YEAR, out, catalog=CATALOG, calendar=CAL, today=date(YEAR, 7, 1))
    with pytest.raises(reports.ReportError, match="belum berakhir"):
        reports.approve(db, YEAR, out, actor_id=1, roles={"kadis"}, jabatan="x", expected_hash=partial["sidik"],
                        now=datetime(YEAR, 7, 1))


def test_register_download_is_audited_and_has_personal_data(portal):
    app, db, plans, content = portal
    client = app.test_client()
    login(client, "kabid")
    before = db.execute("SELECT count(*) FROM audit_log WHERE action = 'unduh_register'").fetchone()[0]
    response = client.get(f"/pengaduan/staf/laporan/{YEAR}/register.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2, values_only=True))
    codes = {r[0] for r in rows if r[0] and "-" in str(r[0])}
    assert codes == {tracking.display(p.code) for p in plans}
    by_code = {r[0]: r for r in rows}
    some = plans[0]
    assert by_code[tracking.display(some.code)][9] == some.name
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'unduh_register'").fetchone()[0] == before + 1
    actor = db.execute("SELECT actor_id FROM audit_log WHERE action = 'unduh_register' ORDER BY id DESC").fetchone()[0]
    assert actor == db.execute("SELECT id FROM users WHERE username = 'kabid'").fetchone()[0]
    # the figures workbook needs no export first
    assert client.get(f"/pengaduan/staf/laporan/{YEAR}/angka.xlsx").status_code == 200
    # another role, and an anonymous visitor, get nothing
    login(client, "pejabat")
    assert client.get(f"/pengaduan/staf/laporan/{YEAR}/register.xlsx").status_code == 403
    anon = app.test_client()
    assert anon.get(f"/pengaduan/staf/laporan/{YEAR}/register.xlsx").status_code == 302
