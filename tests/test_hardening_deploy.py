"""Deployment hardening: personal data files closed to other users on every path, the secret
key kept out of backups, and a health page that is cheap, read-only and throttled."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import stat
import tarfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import VALID, photo_bytes
from conftest import portal_config, token
from portal import create_app
from portal.domain import backup


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Jakarta")).replace(microsecond=0)


@pytest.fixture
def shell_umask():
    """The umask of an ordinary login shell, as scripts/run and the CLI have it (not systemd's 0077)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def file_complaint(app) -> None:
    client = app.test_client()
    response = client.post("/pengaduan/", data={**VALID, "csrf_token": token(client, "/pengaduan/"),
                                                "files": [(io.BytesIO(photo_bytes()), "foto.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 303


def private_tree(root: Path) -> dict[str, str]:
    """Every file and directory under root that others could read, with its mode."""
    found = {}
    for path in [root, *root.rglob("*")]:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            found[str(path.relative_to(root.parent))] = mode(path)
    return found


# ---------------------------------------------------------------- item 14: file modes, no key in backups

def test_data_backups_and_restores_are_private_under_an_ordinary_umask(shell_umask, tmp_path, smtp):
    data_dir = tmp_path / "data"
    app = create_app({**portal_config(data_dir, smtp.port), "BACKUP_DIR": str(tmp_path / "cadangan")})
    file_complaint(app)
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 0, result.output

    # What a citizen sent: the database (with its WAL files) and the photo, and the secret key.
    assert (data_dir / "portal.db-wal").exists() and len(list((data_dir / "uploads").iterdir())) == 1
    assert private_tree(data_dir) == {}
    assert private_tree(tmp_path / "cadangan") == {}

    (archive,) = (tmp_path / "cadangan").glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert "portal.db" in members
    assert {name: oct(m.mode) for name, m in members.items() if m.mode & 0o077} == {}

    restored = tmp_path / "pulih"
    backup.restore(archive, restored)
    assert len(list((restored / "uploads").iterdir())) == 1
    assert private_tree(restored) == {}


def test_a_data_directory_made_world_readable_by_an_older_version_is_closed_on_start(shell_umask, tmp_path, smtp):
    data_dir = tmp_path / "data"
    file_complaint(create_app(portal_config(data_dir, smtp.port)))
    for path in [data_dir, *data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert private_tree(data_dir)

    create_app(portal_config(data_dir, smtp.port))
    left = private_tree(data_dir)
    # The attachments themselves sit in a closed directory; the rest is closed one by one.
    assert {k: v for k, v in left.items() if not k.startswith("data/uploads/")} == {}


def test_the_secret_key_is_never_in_a_backup_and_a_restore_keeps_the_machines_own(tmp_path, smtp):
    source = create_app(portal_config(tmp_path / "kantor", smtp.port))
    file_complaint(source)
    made = backup.create(source.config["DATA_DIR"], tmp_path / "cadangan", now())
    with tarfile.open(made.path) as tar:
        names = tar.getnames()
    assert "secret_key" not in names
    key = (tmp_path / "kantor" / "secret_key").read_text()
    with tarfile.open(made.path) as tar:
        for member in tar.getmembers():
            if member.isfile():
                assert key.encode() not in tar.extractfile(member).read(), member.name

    # A new machine: a first start made its own key; the restore brings the data, not the key.
    fresh = create_app(portal_config(tmp_path / "baru", smtp.port))
    own_key = (tmp_path / "baru" / "secret_key").read_text()
    result = fresh.test_cli_runner().invoke(args=["restore", str(made.path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "baru" / "secret_key").read_text() == own_key != key
    assert sqlite3.connect(tmp_path / "baru" / "portal.db").execute("SELECT count(*) FROM complaints").fetchone() == (1,)


def test_a_key_in_an_archive_from_an_older_version_is_not_restored(tmp_path, smtp):
    source = create_app(portal_config(tmp_path / "kantor", smtp.port))
    file_complaint(source)
    made = backup.create(source.config["DATA_DIR"], tmp_path / "cadangan", now())
    # An archive as older versions wrote it, with the key inside.
    old = tmp_path / "lama" / made.path.name
    old.parent.mkdir()
    with tarfile.open(made.path) as src, tarfile.open(old, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        dst.add(tmp_path / "kantor" / "secret_key", arcname="secret_key")
    Path(str(old) + ".sha256").write_text(f"{backup.file_sha256(old)}  {old.name}\n")

    target = tmp_path / "baru"
    backup.restore(old, target)
    assert (target / "portal.db").exists() and not (target / "secret_key").exists()
    # On its first start the restored portal makes a key of its own (sessions simply end).
    create_app(portal_config(target, smtp.port))
    assert (target / "secret_key").read_text() != (tmp_path / "kantor" / "secret_key").read_text()


# ---------------------------------------------------------------- item 15: the health page

def test_health_page_answers_while_a_writer_holds_the_lock(app, client):
    holder = sqlite3.connect(app.config["DATABASE"])
    holder.execute("BEGIN IMMEDIATE")  # a long write in progress (another request, the daily job)
    try:
        response = client.get("/pengaduan/sehat.json")
        page = client.get("/pengaduan/sehat")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 200 and page.status_code == 200
    report = response.get_json()
    assert report["status"] != "gagal"
    assert report["database"] == {"readable": True, "writable": True}
    assert "Kesehatan sistem" in page.get_data(as_text=True)


def test_health_page_makes_no_write(app, client, monkeypatch):
    statements = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    assert client.get("/pengaduan/sehat.json").status_code == 200
    assert statements, "the health page reads the database"
    writes = [s for s in statements
              if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|BEGIN\s+(IMMEDIATE|EXCLUSIVE))",
                          s, re.IGNORECASE)]
    assert writes == []


def test_health_page_is_rate_limited(tmp_path, smtp):
    app = create_app({**portal_config(tmp_path / "data", smtp.port), "RATELIMIT_HEALTH": "3 per minute"})
    client = app.test_client()
    codes = [client.get(path).status_code
             for path in ("/pengaduan/sehat", "/pengaduan/sehat.json", "/pengaduan/sehat", "/pengaduan/sehat.json")]
    assert codes == [200, 200, 200, 429]
