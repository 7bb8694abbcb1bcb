"""The seven steps in the domain: every rule checked against the workflow table itself."""

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from portal.db import connect, prepare
from portal.domain import catalog as catalog_module, complaints, handling, workflow
from portal.domain.calendar import Calendar
from conftest import ROOT, VALID, actors

CATALOG = catalog_module.load(ROOT / "content")
NOW = datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def db(tmp_path):
    database = prepare(str(tmp_path / "portal.db"))
    database.path = str(tmp_path / "portal.db")
    return database


@pytest.fixture
def people(db):
    accounts = {"ops": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"],
                "pejabat2": ["pejabat"]}
    return actors(db, accounts, now=NOW, display=str.title, jabatan=dict.fromkeys(accounts))


def file(db, tmp_path, **extra):
    new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti",
                                  email="siti@contoh.id", consent=True, **extra)
    return complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=Calendar.default(),
                                     upload_dir=str(tmp_path), now=NOW, base_url="http://x").id


def state(db, cid):
    return db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0]


def through_disposisi(db, cid, p):
    handling.telaah_fit(db, cid, p["ops"], NOW)
    nomor = handling.create_nota_dinas(db, cid, p["kabid"], NOW, catalog=CATALOG, sifat="Segera",
                                       hal="Pengaduan KTP-el", ringkasan="KTP-el belum jadi.",
                                       telaah="Layak ditindaklanjuti.", tembusan=[p["pejabat"].id])
    handling.dispose(db, cid, p["kadis"], NOW, pejabat_id=p["pejabat"].id, instruksi="Buat konsep.",
                     batas=NOW.date() + timedelta(days=3))
    return nomor


def test_the_seven_steps_with_one_return(db, tmp_path, people):
    cid = file(db, tmp_path)
    nomor = through_disposisi(db, cid, people)
    assert nomor == CATALOG.office.nomor_nota_dinas.format(seq=1, year=2026)
    handling.save_draft(db, cid, people["pejabat"], NOW, body="Konsep pertama.")
    handling.submit_draft(db, cid, people["pejabat"], NOW)
    handling.return_draft(db, cid, people["kadis"], NOW, note="Sebutkan jadwal pengambilan.")
    assert state(db, cid) == "disposisi"
    handling.submit_draft(db, cid, people["pejabat"], NOW, body="KTP-el Anda dapat diambil Senin.")
    surat = handling.approve(db, cid, people["kadis"], NOW, catalog=CATALOG)
    handling.send_reply(db, cid, people["ops"], NOW, base_url="http://x")
    assert state(db, cid) == "selesai"
    rounds = db.execute("SELECT round, review, review_note FROM konsep ORDER BY round").fetchall()
    assert rounds == [(1, "dikembalikan", "Sebutkan jadwal pengambilan."), (2, "disetujui", None)]
    assert surat == CATALOG.office.nomor_surat_tanggapan.format(seq=1, year=2026)  # its own sequence
    reply_mail = db.execute("SELECT subject, body FROM outbox ORDER BY id DESC LIMIT 1").fetchone()
    assert "Tanggapan" in reply_mail[0] and "KTP-el Anda dapat diambil Senin." in reply_mail[1]
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE complaint_id = ? ORDER BY id", [cid])]
    assert kinds == ["diterima", "telaah_layak", "nota_dinas", "disposisi", "ajukan_konsep", "kembalikan",
                     "ajukan_konsep", "setujui", "kirim"]


@pytest.mark.parametrize("step", list(workflow.STEPS.values()), ids=lambda s: s.code)
def test_every_other_role_is_refused(step):
    state_from = step.from_states[0]
    for role in {"operator", "kabid", "kadis", "pejabat", "admin", workflow.CITIZEN, workflow.SYSTEM} - set(step.roles):
        with pytest.raises(workflow.StepNotAllowed, match="tidak berwenang"):
            workflow.check(step.code, state_from, {role}, actor_id=1, assignee_id=1)


@pytest.mark.parametrize("step", list(workflow.STEPS.values()), ids=lambda s: s.code)
def test_every_wrong_state_is_refused(step):
    for state_code in set(workflow.STATES) - set(step.from_states):
        with pytest.raises(workflow.StepNotAllowed, match="tidak dapat dilakukan"):
            workflow.check(step.code, state_code, set(step.roles), actor_id=1, assignee_id=1)


def test_only_the_assigned_official_may_draft(db, tmp_path, people):
    cid = file(db, tmp_path)
    through_disposisi(db, cid, people)
    with pytest.raises(workflow.StepNotAllowed, match="pejabat yang ditunjuk"):
        handling.save_draft(db, cid, people["pejabat2"], NOW, body="Bukan tugas saya.")
    assert db["konsep"].count == 0


def test_not_fit_as_duplicate_links_the_original(db, tmp_path, people):
    first, second = file(db, tmp_path), file(db, tmp_path)
    code = db.execute("SELECT tracking_code FROM complaints WHERE id = ?", [first]).fetchone()[0]
    handling.telaah_not_fit(db, second, people["ops"], NOW, reason="duplikat", note="", duplicate_of=code,
                            base_url="http://x")
    assert db.execute("SELECT duplicate_of, state FROM complaints WHERE id = ?", [second]).fetchone() == (
        first, "tidak_layak")
    assert "Sama dengan pengaduan lain" in db.execute("SELECT subject, body FROM outbox ORDER BY id DESC").fetchone()[1]


def test_a_stale_page_is_refused(db, tmp_path, people):
    cid = file(db, tmp_path)
    handling.telaah_fit(db, cid, people["ops"], NOW)
    with pytest.raises(workflow.StepNotAllowed, match="sudah diproses petugas lain"):
        handling.telaah_fit(db, cid, people["ops"], NOW, expected_state="diterima")
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'telaah_layak'").fetchone()[0] == 1


def test_unanswered_request_for_information_withdraws_the_complaint(db, tmp_path, people):
    cid = file(db, tmp_path)
    handling.request_information(db, cid, people["ops"], NOW, note="Kirim foto KK.", base_url="http://x")
    cal = Calendar.default()
    # 30 calendar days from 2 November 2026 is 2 December; the day after, it is withdrawn.
    assert handling.withdraw_unanswered(db, datetime(2026, 12, 2, 23, 0), catalog=CATALOG, calendar=cal,
                                        base_url="http://x") == 0
    assert state(db, cid) == "menunggu_informasi"
    assert handling.withdraw_unanswered(db, datetime(2026, 12, 3, 0, 5), catalog=CATALOG, calendar=cal,
                                        base_url="http://x") == 1
    assert state(db, cid) == "dicabut"
    assert "dianggap dicabut" in db.execute("SELECT subject FROM outbox ORDER BY id DESC").fetchone()[0]


def test_audit_tables_refuse_update_and_delete(db, tmp_path, people):
    cid = file(db, tmp_path)
    db["audit_log"].insert({"at": NOW.isoformat(), "actor_id": people["ops"].id, "action": "lihat", "detail": str(cid)})
    for sql in ("UPDATE events SET note = 'x'", "DELETE FROM events", "UPDATE audit_log SET action = 'x'",
                "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)


# Each worker prints "start <ns>" just before its work and "end <ns>" after it, on a clock that
# all processes share (CLOCK_MONOTONIC).
WORKER_CLOCK = """
import time
def mark(what):
    print(what, time.monotonic_ns(), flush=True)
"""

CONCURRENT_APPROVAL = WORKER_CLOCK + """
import sys, datetime
from portal.db import connect
from portal.domain import catalog, handling, workflow
db = connect(sys.argv[1])
c = catalog.load(sys.argv[3])
mark("start")
try:
    handling.approve(db, int(sys.argv[2]), handling.Actor(int(sys.argv[4]), frozenset({"kadis"})),
                     datetime.datetime(2026, 11, 2, 10), catalog=c)
    print("ok")
except workflow.StepNotAllowed as exc:
    print("refused:", exc)
mark("end")
"""


def run_overlapping(db_path: str, commands: list[list[str]]) -> list[list[str]]:
    """Run the workers so that they are provably in flight together; each one's output lines.

    The test holds the database's write lock until every worker has printed "start", so none
    can finish its write before all have begun: the number of workers in flight reaches their
    count. Their start/end marks, taken on one clock, must show the same overlap."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT) for cmd in commands]
    try:
        starts = [p.stdout.readline().split() for p in procs]
        in_flight = sum(1 for line, p in zip(starts, procs) if line[:1] == ["start"] and p.poll() is None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    outputs = [[" ".join(line)] + p.communicate(timeout=60)[0].splitlines() for line, p in zip(starts, procs)]
    assert in_flight == len(commands), outputs
    def is_mark(line):
        return line.split()[:1] in (["start"], ["end"])
    marks = [dict(line.split() for line in out if is_mark(line)) for out in outputs]
    assert max(int(m["start"]) for m in marks) < min(int(m["end"]) for m in marks), "the workers did not overlap"
    return [[line for line in out if not is_mark(line)] for out in outputs]


def test_two_concurrent_approvals_leave_one_transition(db, tmp_path, people):
    cid = file(db, tmp_path)
    through_disposisi(db, cid, people)
    handling.submit_draft(db, cid, people["pejabat"], NOW, body="Tanggapan.")
    args = [db.path, str(cid), str(ROOT / "content"), str(people["kadis"].id)]
    outputs = sorted(out[0] for out in run_overlapping(
        db.path, [[sys.executable, "-c", CONCURRENT_APPROVAL, *args] for _ in range(2)]))
    assert outputs[0] == "ok" and outputs[1].startswith("refused:")
    check = connect(db.path)
    assert check.execute("SELECT count(*) FROM events WHERE kind = 'setujui'").fetchone()[0] == 1
    assert check.execute("SELECT count(*) FROM letter_numbers WHERE kind = 'surat_tanggapan'").fetchone()[0] == 1


def test_concurrent_nota_dinas_get_consecutive_numbers(db, tmp_path, people):
    ids = [file(db, tmp_path) for _ in range(6)]
    for cid in ids:
        handling.telaah_fit(db, cid, people["ops"], NOW)
    script = WORKER_CLOCK + """
import sys, datetime
from portal.db import connect
from portal.domain import catalog, handling
db = connect(sys.argv[1]); c = catalog.load(sys.argv[2])
mark("start")
for cid in sys.argv[4:]:
    print(handling.create_nota_dinas(db, int(cid), handling.Actor(int(sys.argv[3]), frozenset({"operator"})),
          datetime.datetime(2026, 11, 3, 9), catalog=c, sifat="Biasa", hal="h", ringkasan="r", telaah="t",
          tembusan=[int(sys.argv[3])]))
mark("end")
"""
    outputs = run_overlapping(db.path, [[sys.executable, "-c", script, db.path, str(ROOT / "content"),
                                         str(people["ops"].id), *map(str, part)] for part in (ids[:3], ids[3:])])
    numbers = [line for out in outputs for line in out]
    issued = {CATALOG.office.nomor_nota_dinas.format(seq=seq, year=2026): seq for seq in range(1, 7)}
    seqs = sorted(issued[n] for n in numbers)
    assert seqs == [1, 2, 3, 4, 5, 6]
