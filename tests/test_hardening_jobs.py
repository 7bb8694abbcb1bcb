"""The background jobs of `scripts/run` (the e-mail sender and the daily jobs) keep running
through transient errors, and each e-mail reaches the real SMTP server once, with one
Message-ID.

Each test runs the real `flask --app portal ... --loop` process, holds the database write
lock from another connection for longer than the job's busy timeout, releases it, and checks
what a user would notice: the process is still there and the work gets done. Loop intervals,
busy timeout and back-off come from settings, so nothing here sleeps for long; the deadlines
below only stop a hung run and are never asserted as durations.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import Inbox, SmtpServer
from portal.db import connect, prepare, write_transaction
from portal.domain import outbox

DEADLINE = 90  # seconds: a safety stop for a starved machine, not a measurement
LOCKED = "database is locked"


class Job:
    """One `flask --app portal ...` process on a temporary data directory."""

    def __init__(self, tmp_path: Path, mail_port: int):
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir(parents=True)
        self.db_path = str(self.data_dir / "portal.db")
        prepare(self.db_path).close()
        self.backup_dir = tmp_path / "cadangan"
        self.log_path = tmp_path / "job.log"
        self.env = {**os.environ, "PORTAL_DATA_DIR": str(self.data_dir), "PORTAL_MAIL_SERVER": "127.0.0.1",
                    "PORTAL_MAIL_PORT": str(mail_port), "PORTAL_MAIL_DEFAULT_SENDER": "pengaduan@contoh.id",
                    "PORTAL_MAIL_TIMEOUT": "60",  # a loaded machine must not turn a send into a failure
                    "PORTAL_BACKUP_DIR": str(self.backup_dir), "PORTAL_PUBLIC_DATA_DIR": str(tmp_path / "publik"),
                    "PORTAL_DAILY_HOUR": "0",
                    # Short intervals so that the test waits for events, not for the clock.
                    "PORTAL_OUTBOX_INTERVAL": "0.05", "PORTAL_DAILY_INTERVAL": "0.05",
                    "PORTAL_JOB_BUSY_TIMEOUT": "0.2", "PORTAL_JOB_RETRY_SECONDS": "0.05",
                    "PORTAL_JOB_RETRY_MAX_SECONDS": "0.4"}
        self.process = None

    def start(self, *args):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", *args],
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_until(self, condition, what: str):
        stop = time.monotonic() + DEADLINE
        while not condition():
            if not self.alive():
                pytest.fail(f"the job died while waiting for {what}:\n{self.output()}")
            if time.monotonic() > stop:
                pytest.fail(f"gave up waiting for {what}:\n{self.output()}")
            time.sleep(0.05)

    def stop(self):
        if self.alive():
            self.process.terminate()
            self.process.wait(10)

    def backlog(self) -> int:
        db = connect(self.db_path)
        try:
            return outbox.backlog(db)["unsent"]
        finally:
            db.close()


@pytest.fixture
def job(tmp_path, smtp):
    started = Job(tmp_path, smtp.port)
    yield started
    started.stop()


def queue(db_path: str, n: int = 1) -> list[str]:
    """Queue messages as the portal does; return their Message-IDs."""
    db = connect(db_path)
    with write_transaction(db):
        ids = [outbox.enqueue(db, recipient=f"warga{i}@contoh.id", subject=f"Pengaduan {i}", body="Isi",
                              now=datetime.now(timezone.utc), domain="contoh.id") for i in range(n)]
    message_ids = [db.execute("SELECT message_id FROM outbox WHERE id = ?", [i]).fetchone()[0] for i in ids]
    db.close()
    return message_ids


class WriteLock:
    """The database write lock, held by another connection (as a long write by the portal would)."""

    def __init__(self, db_path: str):
        self.conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)

    def take(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def release(self):
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self):
        self.release()
        self.conn.close()


@contextlib.contextmanager
def held(db_path: str):
    lock = WriteLock(db_path).take()
    try:
        yield lock
    finally:
        lock.close()


# ---------------------------------------------------------------- Message-ID

def test_each_message_reaches_the_smtp_server_with_exactly_one_message_id(job, smtp):
    (message_id,) = queue(job.db_path)
    job.start("outbox", "send")
    assert job.process.wait(DEADLINE) == 0, job.output()
    assert "Terkirim 1, gagal 0" in job.output(), job.output()
    (message,) = smtp.inbox.messages
    assert message.get_all("Message-ID") == [message_id]


# ---------------------------------------------------------------- the e-mail sender

def test_sender_survives_a_locked_database_then_delivers_each_message_once(job, smtp):
    message_ids = queue(job.db_path, n=2)
    with held(job.db_path):
        job.start("outbox", "send", "--loop")
        # Two failed passes: the lock outlasted the busy timeout twice and the sender went on.
        job.wait_until(lambda: job.output().count(LOCKED) >= 2, "two passes that found the database locked")
        assert job.alive()
        assert smtp.inbox.messages == []
    job.wait_until(lambda: job.backlog() == 0, "the queued e-mail to be sent after the lock was released")
    assert job.alive()
    received = smtp.inbox.messages
    assert sorted(m["Message-ID"] for m in received) == sorted(message_ids)
    assert all(m.get_all("Message-ID") == [m["Message-ID"]] for m in received)


class LockingInbox(Inbox):
    """Takes the database write lock while accepting the first message, so that the sender
    finds the database locked just after the server accepted the message."""

    def __init__(self, db_path: str):
        super().__init__()
        self.lock = WriteLock(db_path)

    async def handle_DATA(self, server, session, envelope):
        if not self.envelopes:
            self.lock.take()
        return await super().handle_DATA(server, session, envelope)


def test_message_accepted_while_the_database_is_locked_is_recorded_and_not_sent_again(tmp_path):
    server = SmtpServer()
    job = Job(tmp_path, server.port)
    server.inbox = LockingInbox(job.db_path)
    server.start()
    try:
        (message_id,) = queue(job.db_path)
        job.start("outbox", "send", "--loop")
        job.wait_until(lambda: job.output().count(LOCKED) >= 2, "the sender to find the database locked after sending")
        assert job.alive()
        server.inbox.lock.release()
        job.wait_until(lambda: job.backlog() == 0, "the delivery to be recorded after the lock was released")
        assert job.alive()
        assert [m["Message-ID"] for m in server.inbox.messages] == [message_id]
    finally:
        job.stop()
        server.inbox.lock.close()
        server.stop()


# ---------------------------------------------------------------- the daily jobs

def test_daily_loop_survives_a_locked_database_then_does_the_days_jobs(job):
    with held(job.db_path):
        job.start("daily", "--loop")
        job.wait_until(lambda: job.output().count(LOCKED) >= 2, "two daily passes that found the database locked")
        assert job.alive()
    db = connect(job.db_path)
    job.wait_until(lambda: db.execute("SELECT count(*) FROM job_runs WHERE name = 'daily'").fetchone()[0] == 1,
                   "the daily jobs to run after the lock was released")
    job.wait_until(lambda: list(job.backup_dir.glob("portal-*.tar.gz")), "the daily backup")
    assert job.alive()
    assert job.output().count("Tugas harian") == 1
    db.close()


# ---------------------------------------------------------------- numeric request parameters
#
# Every numeric query or form parameter the web layer reads is sent huge, negative, non-numeric
# and fractional values; none may answer 500, a refused POST changes nothing, and a valid value
# still works (so the case really reaches the parameter). The cases are checked against the
# parameters the code reads through portal/web/params.py, so a new one cannot be left out.

import re  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import timedelta  # noqa: E402

from conftest import ROOT, VALID, table_counts  # noqa: E402
from portal.domain import accounts, feedback  # noqa: E402
from conftest import login  # noqa: E402
from test_case_web import act, form_for  # noqa: E402
from test_feedback import answered, rating_link  # noqa: E402,F401  (fixture)

HUGE = "99999999999999999999"
BAD_NUMBERS = [HUGE, "-" + HUGE, str(2**63), "-1", "abc", "1.5", "1e3", "0x10", "", "٣"]


@dataclass
class Case:
    params: tuple[str, ...]
    method: str
    path: str  # {ref} and {token} are filled in
    role: str | None  # None: a citizen, not signed in
    steps: tuple[str, ...] = ()  # workflow steps taken first, each by its usual role
    form: dict = field(default_factory=dict)
    valid: object = "1"  # a value that works, or a function of the test's context giving one
    ok: int = 200


STEP_ROLE = {"telaah_layak": "operator", "nota_dinas": "kabid", "disposisi": "kadis"}
NOTA_DINAS = {k: v for k, v in form_for("nota_dinas", {"pejabat": 0}).items() if k != "tembusan"}
DISPOSISI = {k: v for k, v in form_for("disposisi", {"pejabat": 0}).items() if k != "pejabat_id"}
CASES = [
    Case(("halaman",), "GET", "/pengaduan/staf/", "operator"),
    Case(("templat",), "POST", "/pengaduan/staf/p/{ref}/konsep/templat", "pejabat",
         ("telaah_layak", "nota_dinas", "disposisi"), valid="0"),
    Case(("tembusan",), "POST", "/pengaduan/staf/p/{ref}/langkah/nota_dinas", "kabid", ("telaah_layak",),
         form=NOTA_DINAS, valid=lambda ctx: str(ctx["staff"]["pejabat"]), ok=303),
    Case(("pejabat_id",), "POST", "/pengaduan/staf/p/{ref}/langkah/disposisi", "kadis", ("telaah_layak", "nota_dinas"),
         form=DISPOSISI, valid=lambda ctx: str(ctx["staff"]["pejabat"]), ok=303),
    Case(("grant_id",), "POST", "/pengaduan/staf/admin/akun/pejabat/peran-sementara/cabut", "admin",
         valid=lambda ctx: str(ctx["grant"]), ok=303),
    Case(("toleransi",), "GET", "/pengaduan/staf/data/siak", "kabid", valid="0"),
    Case(("toleransi",), "GET", "/pengaduan/staf/data/siak/selisih.xlsx", "kabid", valid="0"),
    Case(("toleransi",), "POST", "/pengaduan/staf/data/siak", "kabid", valid="0", ok=422),  # 422: no file chosen
    Case(("jumlah",), "POST", "/pengaduan/staf/skm/kode", "operator", form={"loket": "1"}),
    Case(tuple(feedback.QUESTIONS), "POST", "/pengaduan/nilai/{token}", None, form={"selesai": "ya"}, valid="4"),
]


def numeric_params_in_code() -> set[str]:
    """The parameter names portal/web reads through params.py."""
    names = set()
    for path in (ROOT / "portal" / "web").glob("*.py"):
        for literal, variable in re.findall(r'params\.\w+\(\s*[\w.]+,\s*(?:"(\w+)"|(\w+))', path.read_text()):
            # The rating form is the one place that reads its names from a list: the SKM questions.
            names |= {literal} if literal else set(feedback.QUESTIONS)
    return names


def test_every_numeric_parameter_is_read_with_bounds_and_has_a_case():
    in_code = numeric_params_in_code()
    assert {"halaman", "templat", "tembusan", "pejabat_id", "grant_id", "toleransi"} <= in_code
    assert in_code == {name for case in CASES for name in case.params}
    # No numeric parsing of request data outside params.py.
    for path in (ROOT / "portal" / "web").glob("*.py"):
        if path.name != "params.py":
            assert not re.search(r"\bint\((request|form|f|a|source|raw)\b|\.isdigit\(\)", path.read_text()), path.name


def textarea(html: str) -> str:
    return re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', html, re.S).group(1).strip()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path} {'+'.join(c.params)}")
def test_numeric_parameter_out_of_bounds_is_never_a_server_error(case, request, client, csrf, db, staff):
    ctx = {"staff": staff}
    if "{token}" in case.path:
        request.getfixturevalue("answered")
        case_path = rating_link(db)
    else:
        client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}, content_type="multipart/form-data")
        (ref,) = db.execute("SELECT ref FROM complaints").fetchone()
        for step in case.steps:
            login(client, STEP_ROLE[step])
            assert act(client, ref, step, form_for(step, staff)).status_code == 303, step
        case_path = case.path.format(ref=ref)
    if "grant_id" in case.params:
        now = datetime.now(timezone.utc)
        ctx["grant"] = accounts.grant_acting(db, staff["pejabat"], "kadis", now - timedelta(hours=1),
                                             now + timedelta(days=2), by=staff["admin"], now=now, note="SP Plh 800/1")
    if case.role:
        login(client, case.role)
    else:
        client.post("/pengaduan/staf/keluar", data={"csrf_token": csrf()})
    token = csrf()

    def send(value):
        values = {name: value for name in case.params}
        if case.method == "GET":
            return client.get(case_path, query_string=values)
        return client.post(case_path, data={**case.form, **values, "csrf_token": token})

    for value in BAD_NUMBERS:
        before = table_counts(db)
        response = send(value)
        assert response.status_code < 500, (value, response.get_data(as_text=True)[:2000])
        if case.method == "POST":
            assert table_counts(db) == before, value
        if case.params == ("templat",):
            assert textarea(response.get_data(as_text=True)) == "", value  # no template picked by a bad number
    valid = case.valid(ctx) if callable(case.valid) else case.valid
    response = send(valid)
    assert response.status_code == case.ok, response.get_data(as_text=True)[:2000]
    if case.params == ("templat",):
        assert textarea(response.get_data(as_text=True)).startswith("Terima kasih")
