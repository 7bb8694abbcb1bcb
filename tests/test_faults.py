"""The portal process killed with SIGKILL at random moments, over and over, while citizens file
complaints and staff take workflow steps through HTTP.

After each restart: every submission the citizen saw confirmed (a 303 to the confirmation page)
is in the database with its event, attachment and acknowledgment; no transition is half done
(each complaint's state is the last event's to_state; each nota dinas, disposisi, submitted
draft and approval has its event and its number). At the end, the outbox delivers each message
exactly once to a real SMTP server (counted by Message-ID).

Bounded: MIN_KILLS kills, each once the stream has made progress since the last restart
(about 30 s in all; HARD_LIMIT only stops a starved run). Nothing asserts on speed.

Below it, storage faults as a citizen meets them: a full disk, a read-only data directory, a
database locked by another writer, and an unexpected error, each answered with an Indonesian page.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import http.cookies
import io
import os
import random
import re
import sqlite3
import subprocess
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from conftest import VALID, LiveServer, form_token
from portal import db as database
from portal.domain import handling, users

MIN_KILLS = 20
HARD_LIMIT = 240  # seconds: a safety stop on a starved machine; a normal run takes about 30 s
PASSWORD = "kata-sandi-panjang"
HAPPY_PATH = {  # state -> (step, role)
    "diterima": ("telaah_layak", "operator"), "layak": ("nota_dinas", "kabid"),
    "nota_dinas": ("disposisi", "kadis"), "disposisi": ("ajukan_konsep", "pejabat"),
    "konsep": ("setujui", "kadis"), "disetujui": ("kirim", "operator"),
}


def small_pdf(marker: str) -> bytes:
    """A real one-page PDF, different for each marker."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"Bukti {marker}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Down(Exception):
    "The server is not answering (being killed or restarted)."


class Browser:
    """One person's cookies; a new connection per request, as a phone on a flaky network."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise Down(str(exc)) from exc
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def token(self, path):
        status, _, html = self.request("GET", path)
        if status != 200 or 'name="csrf_token"' not in html:
            raise Down(f"no form at {path} ({status})")
        return form_token(html)

    def post_form(self, path, fields, files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, mime, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class Stream:
    """Citizens filing and staff stepping, until told to stop; records what was confirmed."""

    def __init__(self, server: LiveServer, staff_ids: dict):
        self.server, self.staff_ids = server, staff_ids
        self.stop = threading.Event()
        self.confirmed: list[tuple[str, str]] = []  # (marker in the complaint's text, attachment sha256)
        self.steps_confirmed: list[tuple[int, str]] = []
        self.unexpected: list[str] = []
        self.db_path = server.data_dir / "portal.db"

    def citizen(self):
        while not self.stop.is_set():
            marker = uuid.uuid4().hex
            pdf = small_pdf(marker)
            person = Browser(self.server.port)
            try:
                token = person.token("/pengaduan/")
                status, headers, _ = person.post_form(
                    "/pengaduan/", {**VALID, "body": f"Uji gangguan {marker}: KTP-el belum jadi.", "csrf_token": token},
                    files=[("files", "bukti.pdf", "application/pdf", pdf)])
            except Down:
                time.sleep(0.05)
                continue
            if status == 303 and headers["Location"].endswith("/pengaduan/terkirim"):
                self.confirmed.append((marker, hashlib.sha256(pdf).hexdigest()))
            else:
                self.unexpected.append(f"submission answered {status}")
            time.sleep(0.03)

    def staff(self, seed: int):
        rng = random.Random(seed)
        people = {role: Browser(self.server.port) for role in ("operator", "kabid", "kadis", "pejabat")}
        for role, person in people.items():
            while not self.stop.is_set():
                try:
                    token = person.token("/pengaduan/staf/masuk")
                    status, _, _ = person.post_form("/pengaduan/staf/masuk",
                                                    {"username": role, "password": PASSWORD, "csrf_token": token})
                    if status == 302:
                        break
                    self.unexpected.append(f"login answered {status}")
                    return
                except Down:
                    time.sleep(0.05)
        while not self.stop.is_set():
            conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
            try:
                rows = conn.execute("SELECT id, ref, state FROM complaints WHERE state IN (%s)"
                                    % ",".join("?" * len(HAPPY_PATH)), list(HAPPY_PATH)).fetchall()
            except sqlite3.OperationalError:
                rows = []
            finally:
                conn.close()
            if not rows:
                time.sleep(0.05)
                continue
            cid, ref, state = rng.choice(rows)
            step, role = HAPPY_PATH[state]
            fields = {
                "nota_dinas": {"sifat": "Segera", "hal": "Pengaduan KTP-el", "ringkasan": "KTP-el belum jadi.",
                               "telaah": "Layak.", "tembusan": str(self.staff_ids["pejabat"])},
                "disposisi": {"pejabat_id": str(self.staff_ids["pejabat"]), "instruksi": "Buat konsep.",
                              "batas": (date.today() + timedelta(days=5)).isoformat()},
                "ajukan_konsep": {"body": "KTP-el Anda sudah dicetak; ambil di kantor kecamatan."},
            }.get(step, {"note": "Layak."} if step == "telaah_layak" else {})
            person = people[role]
            try:
                token = person.token(f"/pengaduan/staf/p/{ref}")
                status, _, _ = person.post_form(f"/pengaduan/staf/p/{ref}/langkah/{step}",
                                                {**fields, "expected_state": state, "csrf_token": token})
            except Down:
                time.sleep(0.05)
                continue
            if status == 303:
                self.steps_confirmed.append((cid, step))
            elif status != 409:  # 409: another member of staff was first (or a retry after a crash)
                self.unexpected.append(f"step {step} answered {status}")


def check_consistency(db_path: Path, upload_dir: Path, confirmed: list[tuple[str, str]],
                      steps: list[tuple[int, str]]) -> dict:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=15)
    try:
        conn.execute("BEGIN")  # one snapshot for all the checks
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bodies = {}
        for cid, body in conn.execute("SELECT id, body FROM complaints"):
            match = re.search(r"Uji gangguan ([0-9a-f]{32})", body)
            if match:
                bodies[match.group(1)] = cid
        missing = [m for m, _ in confirmed if m not in bodies]
        assert missing == [], f"{len(missing)} confirmed submissions lost"
        # Each confirmed complaint has its attachment, intact, and its acknowledgment queued.
        for marker, digest in confirmed:
            cid = bodies[marker]
            (stored, sha), = conn.execute("SELECT stored_name, sha256 FROM attachments WHERE complaint_id = ?",
                                          [cid]).fetchall()
            assert sha == digest
            assert hashlib.sha256((upload_dir / stored).read_bytes()).hexdigest() == digest
            assert conn.execute("SELECT count(*) FROM outbox WHERE complaint_id = ?", [cid]).fetchone()[0] >= 1
        # No half-done transition.
        half = conn.execute("""
            SELECT c.id, c.state, (SELECT e.to_state FROM events e WHERE e.complaint_id = c.id
                                   AND e.to_state IS NOT NULL ORDER BY e.id DESC LIMIT 1) AS last
            FROM complaints c WHERE last IS NULL OR last != c.state""").fetchall()
        assert half == [], f"state differs from the last event: {half[:5]}"
        for kind, table, extra in (("nota_dinas", "nota_dinas", ""), ("disposisi", "disposisi", ""),
                                   ("ajukan_konsep", "konsep", "AND t.submitted_at IS NOT NULL"),
                                   ("setujui", "konsep", "AND t.review = 'disetujui'")):
            bad = conn.execute(f"""
                SELECT c.id FROM complaints c
                WHERE (SELECT count(*) FROM events e WHERE e.complaint_id = c.id AND e.kind = ?)
                   != (SELECT count(*) FROM {table} t WHERE t.complaint_id = c.id {extra})""", [kind]).fetchall()
            assert bad == [], f"{kind}: events and {table} rows differ for {bad[:5]}"
        numbers = conn.execute("SELECT seq FROM letter_numbers WHERE kind = 'nota_dinas' ORDER BY year, seq").fetchall()
        assert [n[0] for n in numbers] == list(range(1, len(numbers) + 1)), "nota dinas numbers have gaps"
        assert len(numbers) == conn.execute("SELECT count(*) FROM nota_dinas").fetchone()[0]
        # Every step the member of staff saw done is recorded.
        done = {(cid, kind) for cid, kind in conn.execute("SELECT complaint_id, kind FROM events")}
        assert [s for s in steps if s not in done] == []
        counts = {"complaints": len(bodies),
                  "steps": conn.execute("SELECT count(*) FROM events WHERE kind != 'diterima'").fetchone()[0]}
        conn.rollback()
        return counts
    finally:
        conn.close()


@pytest.fixture
def server(tmp_path, smtp):
    server = LiveServer(tmp_path, smtp)
    server.env.update({"PORTAL_RATELIMIT_LOGIN": "100000 per hour", "PORTAL_RATELIMIT_SUBMIT": "100000 per hour",
                       "PORTAL_OUTBOX_RETRY_SECONDS": "0"})
    assert server.flask("migrate").returncode == 0
    yield server
    server.stop()


def test_sigkill_during_submissions_and_steps_loses_nothing_and_mails_once(server, smtp):
    db = database.connect(str(server.data_dir / "portal.db"))
    staff_ids = {role: users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role],
                                         jabatan="Kabid Pelayanan Pendaftaran Penduduk" if role == "pejabat" else None,
                                         now=datetime.now()) for role in ("operator", "kabid", "kadis", "pejabat")}
    db.close()
    server.start()
    stream = Stream(server, staff_ids)
    threads = [threading.Thread(target=stream.citizen, daemon=True)] + \
              [threading.Thread(target=stream.staff, args=(seed,), daemon=True) for seed in (1, 2)]
    for t in threads:
        t.start()
    rng = random.Random(20260501)
    started, kills = time.time(), 0
    try:
        while kills < MIN_KILLS:
            assert time.time() - started < HARD_LIMIT, f"only {kills} kills before the safety limit"
            # Kill while the stream is flowing: after something new was confirmed since the restart.
            progress = len(stream.confirmed) + len(stream.steps_confirmed)
            deadline = time.time() + 15
            while len(stream.confirmed) + len(stream.steps_confirmed) == progress and time.time() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.4))
            server.kill(9)  # SIGKILL: no cleanup, no atexit, mid-request
            kills += 1
            server.start()
            check_consistency(server.data_dir / "portal.db", server.data_dir / "uploads",
                              list(stream.confirmed), list(stream.steps_confirmed))
    finally:
        stream.stop.set()
        for t in threads:
            t.join(30)
    assert stream.unexpected == []
    counts = check_consistency(server.data_dir / "portal.db", server.data_dir / "uploads",
                               stream.confirmed, stream.steps_confirmed)
    assert stream.confirmed and stream.steps_confirmed, counts
    assert len(stream.confirmed) + len(stream.steps_confirmed) >= kills, counts
    server.stop()

    # The outbox: every message delivered exactly once.
    for _ in range(3):
        assert server.flask("outbox", "send").returncode == 0
    conn = sqlite3.connect(server.data_dir / "portal.db")
    try:
        queued = [r[0] for r in conn.execute("SELECT message_id FROM outbox")]
        unsent = conn.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
    finally:
        conn.close()
    assert unsent == 0
    received = [m["Message-ID"] for m in smtp.inbox.messages]
    assert sorted(received) == sorted(queued)
    assert len(set(received)) == len(received)
    print(f"{kills} kills in {time.time() - started:.0f} s; {counts['complaints']} complaints, "
          f"{counts['steps']} steps, {len(received)} messages each delivered once")


# ---------------------------------------------------------------- storage faults seen by the citizen
#
# Real faults, no mocks: a small tmpfs as the data directory, filled up or remounted read-only;
# a write lock held by another connection. Each time the citizen must get an Indonesian page
# (503) saying the complaint was NOT received and what to do, and nothing may be left behind:
# no complaint row, no upload file (finished, truncated or hidden).

NOT_RECEIVED = "Pengaduan Anda BELUM kami terima"


def padded_pdf(size: int) -> bytes:
    """A real one-page PDF of about `size` bytes (an uncompressed content stream of comments)."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    content = DecodedStreamObject()
    lines = b"".join(b"% " + os.urandom(48).hex().encode() + b"\n" for _ in range(size // 100))
    content.set_data(lines + b"BT ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def everything_in(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def complaints_in(server) -> int:
    conn = sqlite3.connect(server.data_dir / "portal.db", timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
    finally:
        conn.close()


def file_complaint(server, marker: str, files=()) -> tuple[int, str, float]:
    person = Browser(server.port)
    token = person.token("/pengaduan/")
    started = time.monotonic()
    status, _, html = person.post_form(
        "/pengaduan/", {**VALID, "body": f"Uji penyimpanan {marker}: KTP-el belum jadi.", "csrf_token": token},
        files=[("files", name, "application/pdf", data) for name, data in files])
    return status, html, time.monotonic() - started


def assert_not_received(status: int, html: str, marker: str) -> None:
    assert status == 503, html[:3000]
    assert NOT_RECEIVED in html
    assert "belum mendapat kode pelacakan" in html
    assert "Coba kirim lagi beberapa menit kemudian" in html
    for channel in ("telepon", "WhatsApp", "datang langsung ke kantor"):
        assert channel in html
    assert f"Uji penyimpanan {marker}" in html  # what the citizen typed is still in the form
    assert "Internal Server Error" not in html


@pytest.fixture
def small_disk(tmp_path, smtp):
    """The portal with its data directory on a 12 MB tmpfs of its own."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", str(data_dir)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    server = LiveServer(tmp_path, smtp)
    server.env["PORTAL_RATELIMIT_SUBMIT"] = "100000 per hour"
    try:
        assert server.flask("migrate").returncode == 0
        server.start()
        yield server
    finally:
        server.stop()
        subprocess.run(["umount", "-l", str(data_dir)], check=False)


def fill(directory: Path, leave: int) -> Path:
    """Fill the filesystem of `directory` to the last byte, then free about `leave` bytes."""
    filler = directory / "pengisi"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)
    return filler


PAGE = 4096
SHM = 32768


def pages(size: int) -> int:
    return -(-size // PAGE) * PAGE


@pytest.mark.parametrize("room", ["none", "first-file-only", "files-but-not-the-rows"])
def test_disk_full_tells_the_citizen_and_leaves_nothing_behind(small_disk, room):
    server = small_disk
    uploads_dir = server.data_dir / "uploads"
    files = [(f"bukti{i}.pdf", padded_pdf(300_000)) for i in (1, 2, 3)]
    # The database's shared-memory file (32 kB) is made when the request first opens it.
    leave = {"none": 0, "first-file-only": SHM + pages(len(files[0][1])) + PAGE,
             "files-but-not-the-rows": SHM + sum(pages(len(d)) for _, d in files) + 2 * PAGE}[room]
    before = everything_in(uploads_dir)
    filler = fill(server.data_dir, leave)

    status, html, seconds = file_complaint(server, "penuh", files)
    print(f"disk full ({room}): {status} after {seconds:.2f} s")
    assert_not_received(status, html, "penuh")
    assert everything_in(uploads_dir) == before
    refused = re.findall(r"complaint not stored \([^)]+\): (\w+)", server.log_path.read_text())
    assert refused == [{"none": "OperationalError", "first-file-only": "OSError",
                        "files-but-not-the-rows": "OperationalError"}[room]]

    filler.unlink()
    assert complaints_in(server) == 0
    # Once there is room again, the same submission goes through.
    status, _, _ = file_complaint(server, "lega", files)
    assert status == 303
    assert complaints_in(server) == 1
    assert len(everything_in(uploads_dir)) == len(before) + 3


def test_read_only_data_directory_tells_the_citizen(small_disk):
    server = small_disk
    uploads_dir = server.data_dir / "uploads"
    assert subprocess.run(["mount", "-o", "remount,ro", str(server.data_dir)]).returncode == 0
    try:
        for files in ([], [("bukti.pdf", padded_pdf(20_000))]):
            status, html, seconds = file_complaint(server, "baca-saja", files)
            print(f"read-only, {len(files)} file(s): {status} after {seconds:.2f} s")
            assert_not_received(status, html, "baca-saja")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(server.data_dir)], check=True)
    assert complaints_in(server) == 0
    assert everything_in(uploads_dir) == []


@pytest.fixture
def started(server):
    server.start()
    return server


def test_locked_database_tells_the_citizen_within_the_busy_timeout(started):
    server = started
    uploads_dir = server.data_dir / "uploads"
    status, _, _ = file_complaint(server, "pertama")
    assert status == 303
    db = database.connect(str(server.data_dir / "portal.db"))
    (complaint_id, code), = db.execute("SELECT id, tracking_code FROM complaints").fetchall()
    ops = users.create_user(db, "ops", PASSWORD, display_name="Operator", roles=["operator"], now=datetime.now())
    handling.request_information(db, complaint_id, handling.Actor(ops, frozenset({"operator"})), datetime.now(),
                                 note="Mohon lampirkan foto KK.", base_url=server.url)
    db.close()

    holder = sqlite3.connect(server.data_dir / "portal.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer keeps the lock, far longer than the bound
    try:
        status, html, seconds = file_complaint(server, "terkunci", [("bukti.pdf", padded_pdf(20_000))])
        print(f"locked database, new complaint: {status} after {seconds:.2f} s")
        assert_not_received(status, html, "terkunci")
        assert everything_in(uploads_dir) == []

        person = Browser(server.port)
        token = person.token("/pengaduan/lacak")
        started_at = time.monotonic()
        status, _, html = person.post_form("/pengaduan/lacak/informasi", {
            "csrf_token": token, "code": code, "body": "Foto KK terlampir."},
            files=[("files", "kk.pdf", "application/pdf", padded_pdf(20_000))])
        print(f"locked database, added information: {status} after {time.monotonic() - started_at:.2f} s")
        assert status == 503
        assert "Informasi tambahan Anda BELUM kami terima" in html
        assert everything_in(uploads_dir) == []
    finally:
        holder.rollback()
        holder.close()
    assert complaints_in(server) == 1
    status, _, _ = file_complaint(server, "kedua", [("bukti.pdf", padded_pdf(20_000))])
    assert status == 303
    assert len(everything_in(uploads_dir)) == 1


def test_unexpected_error_gets_an_indonesian_page(started):
    server = started
    status, _, _ = file_complaint(server, "rusak")
    assert status == 303
    conn = sqlite3.connect(server.data_dir / "portal.db")
    code = conn.execute("SELECT tracking_code FROM complaints").fetchone()[0]
    conn.execute("ALTER TABLE events RENAME TO events_hilang")  # a damaged schema: a fault of ours
    conn.commit()
    conn.close()
    person = Browser(server.port)
    token = person.token("/pengaduan/lacak")
    status, _, html = person.post_form("/pengaduan/lacak", {"csrf_token": token, "code": code})
    assert status == 500
    assert "Terjadi kesalahan" in html
    assert "Kesalahan ini sudah tercatat" in html
    assert "Internal Server Error" not in html
    assert "no such table" in server.log_path.read_text()  # the cause is in the log, not on the page
