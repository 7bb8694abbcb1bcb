"""Backups taken while complaints keep arriving, restored into a fresh directory; refusals;
pruning; the health page.

The writer is a separate process filing complaints through portal.domain.complaints on the
same database file, as the web server would: the backup must not stop it and must contain
every complaint it had confirmed before the backup began.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.domain import backup

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Jakarta")

WRITER = textwrap.dedent("""
    import io, os, sys, time
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from portal import db as database
    from portal.config import REPO_ROOT
    from portal.domain import catalog as catalog_module, complaints, uploads
    from portal.domain.calendar import Calendar
    from pypdf import PdfWriter

    data_dir, stop = sys.argv[1], sys.argv[2]
    db = database.connect(os.path.join(data_dir, "portal.db"))
    catalog = catalog_module.load(REPO_ROOT / "content")
    calendar = Calendar.default(extra_csv=REPO_ROOT / "portal" / "data" / "hari-libur.csv")
    n = 0
    while not os.path.exists(stop):
        n += 1
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_metadata({"/Title": f"Bukti {n} " + os.urandom(8).hex()})
        out = io.BytesIO()
        writer.write(out)
        pdf = uploads.clean(out.getvalue(), f"bukti-{n}.pdf", 5 << 20)
        new = complaints.NewComplaint(
            channel="web", category="ktp-el", kecamatan="35.03.11", desa="35.03.11.2001",
            visibility="rahasia", name="Penulis Uji", email=f"warga{n}@contoh.id", phone="081234567890",
            body=f"Pengaduan nomor {n} dari proses penulis selama pencadangan.", consent=True)
        filed = complaints.file_complaint(
            db, new, [pdf], catalog=catalog, calendar=calendar, upload_dir=os.path.join(data_dir, "uploads"),
            now=datetime.now(ZoneInfo("Asia/Jakarta")).replace(microsecond=0), base_url="http://127.0.0.1")
        # Confirmed: the transaction has committed before this line is written.
        print(filed.id, time.time(), flush=True)
""")


def now(**delta) -> datetime:
    return datetime.now(TZ).replace(microsecond=0) + timedelta(**delta)


def confirmed(path: Path) -> list[tuple[int, float]]:
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            rows.append((int(parts[0]), float(parts[1])))
    return rows


def test_backup_while_filing_restores_every_confirmed_complaint(app, tmp_path):
    data_dir = Path(app.config["DATA_DIR"])
    log, stop = tmp_path / "writer.log", tmp_path / "stop"
    with open(log, "w") as out:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), str(stop)], cwd=ROOT,
                                  stdout=out, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while len(confirmed(log)) < 30:
            assert writer.poll() is None, writer.stderr.read()
            assert time.time() < deadline, "the writer confirmed too few complaints"
            time.sleep(0.05)
        began = time.time()
        made = backup.create(data_dir, tmp_path / "backups", now())
        count_at_end = len(confirmed(log))
        time.sleep(0.3)  # the writer goes on after the backup
    finally:
        stop.touch()
        writer.wait(30)
    assert writer.returncode == 0, writer.stderr.read()
    rows = confirmed(log)
    before = {cid for cid, at in rows if at < began}
    assert len(before) >= 30 and len(rows) > count_at_end, "filing went on during and after the backup"

    fresh = tmp_path / "fresh"
    result = backup.restore(made.path, fresh)
    assert result["moved_aside"] is None
    conn = sqlite3.connect(fresh / "portal.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = {r[0] for r in conn.execute("SELECT id FROM complaints")}
        assert before <= restored
        # Every restored complaint is whole: its event and its attachment came with it.
        assert conn.execute("SELECT count(*) FROM complaints c WHERE NOT EXISTS "
                            "(SELECT 1 FROM events e WHERE e.complaint_id = c.id)").fetchone()[0] == 0
        attachments = conn.execute("SELECT complaint_id, stored_name, sha256 FROM attachments").fetchall()
    finally:
        conn.close()
    assert {a[0] for a in attachments} == restored
    for _, stored_name, digest in attachments:
        assert hashlib.sha256((fresh / "uploads" / stored_name).read_bytes()).hexdigest() == digest
    assert not (fresh / "secret_key").exists()  # the key stays on its machine; the restored portal makes its own
    assert not (fresh / "portal.db-wal").exists() or (fresh / "portal.db-wal").stat().st_size == 0


@pytest.fixture
def filed_backup(app, client, csrf, tmp_path):
    from conftest import VALID
    response = client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()})
    assert response.status_code == 303
    return backup.create(app.config["DATA_DIR"], tmp_path / "backups", now())


def test_restore_refuses_a_data_dir_that_holds_data_unless_forced(app, filed_backup, tmp_path):
    runner = app.test_cli_runner()
    data_dir = Path(app.config["DATA_DIR"])
    key = (data_dir / "secret_key").read_text()
    result = runner.invoke(args=["restore", str(filed_backup.path)])
    assert result.exit_code != 0
    assert "tidak kosong" in result.output and "--force" in result.output

    other = tmp_path / "other"
    other.mkdir()
    (other / "catatan.txt").write_text("bukan data portal")
    result = runner.invoke(args=["restore", str(filed_backup.path), "--data-dir", str(other)])
    assert result.exit_code != 0 and (other / "catatan.txt").exists()

    result = runner.invoke(args=["restore", str(filed_backup.path), "--force"])
    assert result.exit_code == 0, result.output
    aside = [p for p in data_dir.iterdir() if p.name.startswith(".sebelum-pemulihan-")]
    assert len(aside) == 1 and (aside[0] / "portal.db").exists()
    assert not (aside[0] / "secret_key").exists() and (data_dir / "secret_key").read_text() == key
    assert "dipindahkan" in result.output
    assert sqlite3.connect(data_dir / "portal.db").execute("SELECT count(*) FROM complaints").fetchone()[0] == 1


def test_restore_into_a_freshly_started_data_dir_needs_no_force(app, filed_backup, tmp_path, smtp):
    from conftest import portal_config
    from portal import create_app
    fresh_app = create_app(portal_config(tmp_path / "fresh", smtp.port))  # empty database and a new key
    own_key = (tmp_path / "fresh" / "secret_key").read_text()
    result = fresh_app.test_cli_runner().invoke(args=["restore", str(filed_backup.path)])
    assert result.exit_code == 0, result.output
    assert "1 pengaduan" in result.output
    # The new machine keeps its own key (the office's is never in a backup): staff sign in again.
    assert (tmp_path / "fresh" / "secret_key").read_text() == own_key != Path(app.config["DATA_DIR"], "secret_key").read_text()


def test_corrupted_archive_is_refused_by_its_checksum(app, filed_backup, tmp_path):
    damaged = tmp_path / "rusak" / filed_backup.path.name
    damaged.parent.mkdir()
    data = bytearray(filed_backup.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    (damaged.parent / (damaged.name + ".sha256")).write_bytes(
        Path(str(filed_backup.path) + ".sha256").read_bytes())
    with pytest.raises(backup.BackupError, match="Checksum"):
        backup.restore(damaged, tmp_path / "target")
    assert not (tmp_path / "target" / "portal.db").exists()
    result = app.test_cli_runner().invoke(args=["restore", str(damaged), "--data-dir", str(tmp_path / "t2")])
    assert result.exit_code != 0 and "Checksum" in result.output

    (damaged.parent / (damaged.name + ".sha256")).unlink()
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore(damaged, tmp_path / "target")


def _fake(directory: Path, moment: datetime, good: bool = True) -> Path:
    path = directory / f"portal-{moment.strftime('%Y%m%d-%H%M%S')}.tar.gz"
    path.write_bytes(b"x")
    if good:
        Path(str(path) + ".sha256").write_text(f"{hashlib.sha256(b'x').hexdigest()}  {path.name}\n")
    return path


def test_pruning_keeps_14_daily_and_12_monthly(tmp_path):
    day = datetime(2025, 1, 1, 2, 0)
    while day <= datetime(2026, 3, 31, 2, 0):
        _fake(tmp_path, day)
        day += timedelta(days=1)
    _fake(tmp_path, datetime(2026, 3, 31, 14, 0))                  # a second backup on the last day
    _fake(tmp_path, datetime(2026, 3, 31, 15, 0), good=False)      # one being written right now
    _fake(tmp_path, datetime(2026, 3, 10, 3, 0), good=False)       # an old unfinished one
    backup.prune(tmp_path, keep_daily=14, keep_monthly=12)

    kept = sorted(p.name for p in tmp_path.glob("*.tar.gz"))
    daily = [f"portal-202603{d:02d}-020000.tar.gz" for d in range(18, 31)] + ["portal-20260331-140000.tar.gz"]
    monthly = ["portal-20250430-020000.tar.gz", "portal-20250531-020000.tar.gz", "portal-20250630-020000.tar.gz",
               "portal-20250731-020000.tar.gz", "portal-20250831-020000.tar.gz", "portal-20250930-020000.tar.gz",
               "portal-20251031-020000.tar.gz", "portal-20251130-020000.tar.gz", "portal-20251231-020000.tar.gz",
               "portal-20260131-020000.tar.gz", "portal-20260228-020000.tar.gz"]
    assert kept == sorted(daily + monthly + ["portal-20260331-150000.tar.gz"])
    # Checksum files go with their archives.
    assert sorted(p.name[:-len(".sha256")] for p in tmp_path.glob("*.sha256")) == sorted(daily + monthly)
    # Pruning again changes nothing.
    assert backup.prune(tmp_path, keep_daily=14, keep_monthly=12) == []


def test_backup_command_copies_to_the_second_destination_and_prunes(app, tmp_path):
    app.config.update(BACKUP_DIR=str(tmp_path / "b1"), BACKUP_COPY_DIR=str(tmp_path / "b2"),
                      BACKUP_KEEP_DAILY=1, BACKUP_KEEP_MONTHLY=1)
    (tmp_path / "b1").mkdir()
    old = _fake(tmp_path / "b1", datetime(2020, 1, 1, 2, 0))
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    (made,) = list((tmp_path / "b1").glob("*.tar.gz"))
    assert not old.exists()
    copy = tmp_path / "b2" / made.name
    assert copy.read_bytes() == made.read_bytes()
    assert backup.verify(copy) == backup.read_checksum(made)


def test_daily_job_takes_the_backup_once(app, tmp_path):
    app.config.update(BACKUP_DIR=str(tmp_path / "harian"), DAILY_HOUR=0)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["daily"])
    assert first.exit_code == 0 and "Cadangan harian" in first.output, first.output
    assert runner.invoke(args=["daily"]).exit_code == 0
    assert len(list((tmp_path / "harian").glob("*.tar.gz"))) == 1


def test_health_page_reports_without_personal_data(app, client, csrf, tmp_path):
    from conftest import VALID
    app.config.update(BACKUP_DIR=str(tmp_path / "sehat-backups"))
    assert client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}).status_code == 303
    report = client.get("/pengaduan/sehat.json").get_json()
    assert report["status"] == "peringatan"  # no backup yet
    assert report["database"] == {"readable": True, "writable": True}
    assert report["outbox"]["unsent"] == 1 and report["outbox"]["oldest_age_seconds"] < 120
    assert report["backup"]["last_age_hours"] is None
    assert {d["name"] for d in report["disk"]} == {"data"}

    backup.create(app.config["DATA_DIR"], tmp_path / "sehat-backups", now(hours=-3))
    response = client.get("/pengaduan/sehat", headers={"Accept": "application/json"})
    assert response.is_json and 2.9 <= response.get_json()["backup"]["last_age_hours"] <= 3.1
    page = client.get("/pengaduan/sehat")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kesehatan sistem" in html and "Content-Security-Policy" in page.headers
    assert page.headers["Cache-Control"] == "no-store"
    for value in (VALID["name"], VALID["email"], VALID["phone"], VALID["nik"]):
        assert value not in html and value not in response.get_data(as_text=True)


def test_health_page_fails_when_the_database_cannot_be_read(app, client, tmp_path):
    # A damaged database file (its header overwritten), as after a disk fault.
    damaged = tmp_path / "rusak.db"
    damaged.write_bytes(b"bukan basis data SQLite" * 100)
    live = app.config["DATABASE"]
    app.config["DATABASE"] = str(damaged)
    try:
        response = client.get("/pengaduan/sehat.json")
    finally:
        app.config["DATABASE"] = live
    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "gagal" and report["database"]["readable"] is False
    assert client.get("/pengaduan/sehat.json").status_code == 200


def test_health_page_counts_the_outbox_age_on_the_office_clock(app, client):
    """The sender and the page read one clock: a message queued two hours before the office's now
    is two hours old, and an hour is the point at which the page warns that sending is stuck."""
    from portal.db import connect
    from portal.domain import outbox
    moment = datetime(2020, 1, 6, 10, 0, tzinfo=ZoneInfo(app.config["TIMEZONE"]))
    app.extensions["portal.clock"] = lambda: moment
    db = connect(app.config["DATABASE"])
    outbox.enqueue(db, recipient="siti@contoh.id", subject="Uji", body="Uji", now=moment - timedelta(hours=2))
    db.close()
    report = client.get("/pengaduan/sehat.json").get_json()
    assert report["outbox"] == {"unsent": 1, "oldest_age_seconds": 7200}
    assert any("belum terkirim lebih dari satu jam" in w for w in report["warnings"])
