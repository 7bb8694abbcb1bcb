"""Backups of everything the portal keeps, taken while it serves, and their restore.

A backup is one dated ``portal-YYYYMMDD-HHMMSS.tar.gz`` holding

- ``portal.db``: a consistent snapshot made with SQLite's online backup API in one step
  (a read transaction: in WAL mode writers go on while it is taken),
- ``uploads/``: the attachments, copied *after* the snapshot (a file is written before the
  transaction that records it commits, so every attachment the snapshot names is there),
- ``MANIFEST.json``: when it was taken and what it holds (counts only, no personal data),

but never the ``secret_key``: an archive that leaves the machine (a USB disk, another server)
must not carry what signs staff sessions. A restored portal keeps the key of the machine it is
restored on, or makes a new one on its first start; signed-in staff then sign in again, nothing
else changes. Archives and everything in them are readable by the portal's user only (0600,
directories 0700), as are the restored files.

and, next to it, ``<archive>.sha256`` in ``sha256sum`` format, written last: an archive
without it is unfinished and neither counts as a good backup nor is restored.

Pruning keeps, like restic's ``--keep-daily``/``--keep-monthly``, the newest archive of each
of the ``keep_daily`` most recent days that have one, and the newest of each of the
``keep_monthly`` most recent months; the newest archive is always kept.

Restore verifies the checksum, unpacks next to the target, runs ``PRAGMA integrity_check``
and checks every attachment against its sha256 in the ``attachments`` table before anything
is moved into place. It writes only into an empty data directory (one that does not exist,
is empty, or holds only what a first start creates: a database without rows, an empty
``uploads/`` and a secret key); with ``force`` the existing data are moved aside into
``<data dir>/.sebelum-pemulihan-<time>/`` (same disk, no copy, writable by the portal's user),
never deleted: remove that directory by hand once the restored portal is checked. The data
directory's ``secret_key`` stays where it is; a ``secret_key`` in an archive made by an older
version is not restored.

Plain Python, no Flask: the CLI, the daily job and the tests call it alike.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import HELD_DIR_NAME
from . import private

NAME = re.compile(r"^portal-(\d{8})-(\d{6})\.tar\.gz$")
DB_NAME = "portal.db"
ASIDE = ".sebelum-pemulihan-"
# Tables a first start leaves empty; a data directory whose database has rows in any of them
# holds real data.
DATA_TABLES = ("users", "complaints", "events", "attachments", "outbox", "audit_log")


class BackupError(Exception):
    "A backup or restore could not be done; the message says why (in Indonesian, for the ADB)."


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # from the file name (office time, naive)
    sha256: str | None  # None: no checksum file, so unfinished or damaged

    @property
    def good(self) -> bool:
        return self.sha256 is not None


# ---------------------------------------------------------------- helpers

def resolve_dir(value: str | os.PathLike, root: Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def read_checksum(archive: Path) -> str | None:
    try:
        text = _checksum_path(archive).read_text().split()
    except FileNotFoundError:
        return None
    return text[0].lower() if text and re.fullmatch(r"[0-9a-fA-F]{64}", text[0]) else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)  # left by a crash
    with private.open_new(tmp) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def integrity(db_path: Path) -> str:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(r[0] for r in rows)


# ---------------------------------------------------------------- backup

def snapshot(db_path: Path, target: Path) -> None:
    """Copy the live database into `target` with SQLite's online backup API, in one step."""
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest, pages=-1)  # one step: one read transaction, one consistent state
        dest.execute("PRAGMA journal_mode = DELETE")  # the archive holds one self-contained file
    finally:
        dest.close()
        source.close()


def _private_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = private.DIR_MODE if info.isdir() else private.FILE_MODE
    return info


def create(data_dir: str | os.PathLike, backup_dir: str | os.PathLike, now: datetime,
           copy_dir: str | os.PathLike | None = None) -> Backup:
    """Back up DATA_DIR (database and uploads, not the secret key) into a dated archive in backup_dir."""
    data_dir, backup_dir = Path(data_dir), Path(backup_dir)
    db_path = data_dir / DB_NAME
    if not db_path.is_file():
        raise BackupError(f"Tidak ada basis data di {db_path}.")
    private.make_dir(backup_dir)
    name = f"portal-{now.strftime('%Y%m%d-%H%M%S')}.tar.gz"
    archive = backup_dir / name
    if archive.exists():
        raise BackupError(f"Cadangan {name} sudah ada; tunggu satu detik dan ulangi.")
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=backup_dir) as tmp:
        copy = Path(tmp) / DB_NAME
        snapshot(db_path, copy)
        check = integrity(copy)
        if check != "ok":
            raise BackupError(f"Salinan basis data rusak menurut PRAGMA integrity_check: {check}")
        conn = sqlite3.connect(copy)
        try:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("complaints", "events", "attachments", "outbox")}
        finally:
            conn.close()
        uploads = sorted(p for p in (data_dir / "uploads").glob("*") if p.is_file()) \
            if (data_dir / "uploads").is_dir() else []
        manifest = {"format": 1, "taken_at": now.isoformat(), "counts": counts, "uploads": len(uploads)}
        partial = archive.with_name(name + ".partial")
        partial.unlink(missing_ok=True)  # left by a crash
        # compresslevel 6: most of gzip's gain at a fraction of level 9's time.
        with private.open_new(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("MANIFEST.json")
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), private.FILE_MODE
            tar.addfile(info, io.BytesIO(data))
            tar.add(copy, arcname=DB_NAME, filter=_private_member)
            info = tarfile.TarInfo("uploads")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, private.DIR_MODE, int(now.timestamp())
            tar.addfile(info)
            for path in uploads:
                try:
                    tar.add(path, arcname=f"uploads/{path.name}", filter=_private_member)
                except FileNotFoundError:  # removed since listed: a submission that failed
                    pass
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        digest = file_sha256(partial)
        os.replace(partial, archive)
        _write_durably(_checksum_path(archive), f"{digest}  {name}\n".encode())
        _fsync_dir(backup_dir)
    if copy_dir:
        copy_to(archive, Path(copy_dir))
    return Backup(archive, _taken_at(name), digest)


def copy_to(archive: Path, copy_dir: Path) -> Path:
    """Copy a finished archive and its checksum to a second destination (a mounted disk)."""
    private.make_dir(copy_dir)
    target = copy_dir / archive.name
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by a crash
    with open(archive, "rb") as src, private.open_new(partial) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    if file_sha256(partial) != read_checksum(archive):
        partial.unlink()
        raise BackupError(f"Salinan ke {copy_dir} tidak sama dengan aslinya; periksa disk tujuan.")
    os.replace(partial, target)
    _write_durably(_checksum_path(target), _checksum_path(archive).read_bytes())
    return target


def _taken_at(name: str) -> datetime:
    m = NAME.match(name)
    return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")


def listing(backup_dir: str | os.PathLike) -> list[Backup]:
    """The archives in backup_dir, newest first."""
    backup_dir = Path(backup_dir)
    if not backup_dir.is_dir():
        return []
    found = [Backup(p, _taken_at(p.name), read_checksum(p))
             for p in backup_dir.iterdir() if NAME.match(p.name) and p.is_file()]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def last_good(backup_dir: str | os.PathLike) -> Backup | None:
    return next((b for b in listing(backup_dir) if b.good), None)


def to_keep(backups: list[Backup], keep_daily: int, keep_monthly: int) -> set[Path]:
    """Which archives the schedule keeps: the newest of each of the last keep_daily days and of
    each of the last keep_monthly months (days and months that have a backup)."""
    ordered = sorted((b for b in backups if b.good), key=lambda b: b.taken_at, reverse=True)
    keep: set[Path] = set()
    days: set = set()
    months: set = set()
    for b in ordered:
        day, month = b.taken_at.date(), (b.taken_at.year, b.taken_at.month)
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(b.path)
        if month not in months and len(months) < keep_monthly:
            months.add(month)
            keep.add(b.path)
    if ordered:
        keep.add(ordered[0].path)
    return keep


def prune(backup_dir: str | os.PathLike, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the archives the schedule no longer keeps; return what was deleted.

    Unfinished archives (no checksum file) are left alone unless a newer good one exists,
    so a backup running right now is never touched."""
    backups = listing(backup_dir)
    keep = to_keep(backups, keep_daily, keep_monthly)
    newest_good = max((b.taken_at for b in backups if b.good), default=None)
    removed = []
    for b in backups:
        if b.path in keep or (not b.good and (newest_good is None or b.taken_at >= newest_good)):
            continue
        b.path.unlink(missing_ok=True)
        _checksum_path(b.path).unlink(missing_ok=True)
        removed.append(b.path)
    return removed


# ---------------------------------------------------------------- restore

def holds_data(data_dir: Path) -> list[str]:
    """What in data_dir is real data (empty list: safe to restore into)."""
    if not data_dir.exists():
        return []
    found = []
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith(ASIDE):
            continue  # data set aside by an earlier restore: kept, never live
        if entry.name == "secret_key":
            continue  # this machine's own key: never data, never replaced by a restore
        if entry.name == HELD_DIR_NAME:
            continue  # attachments of forms not yet sent again: temporary, removed after a day
        if entry.name == "uploads" and entry.is_dir():
            if any(entry.iterdir()):
                found.append("uploads/ berisi lampiran")
            continue
        if entry.name == DB_NAME:
            try:
                conn = sqlite3.connect(f"file:{entry}?mode=ro", uri=True)
                try:
                    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                    rows = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                               for t in DATA_TABLES if t in tables)
                finally:
                    conn.close()
            except sqlite3.DatabaseError:
                rows = 1
            if rows:
                found.append(f"{DB_NAME} berisi data")
            continue
        if entry.name in (DB_NAME + "-wal", DB_NAME + "-shm"):
            continue  # judged with the database itself
        found.append(entry.name)
    return found


def verify(archive: Path) -> str:
    """Check the archive against its recorded sha256; return the digest."""
    expected = read_checksum(archive)
    if expected is None:
        raise BackupError(f"Berkas checksum {_checksum_path(archive).name} tidak ada atau tidak terbaca; "
                          "arsip tidak dipulihkan.")
    actual = file_sha256(archive)
    if actual != expected:
        raise BackupError(f"Checksum arsip tidak cocok (tercatat {expected[:12]}…, dihitung {actual[:12]}…): "
                          "arsip rusak atau berubah; tidak dipulihkan.")
    return actual


def _check_unpacked(root: Path) -> dict:
    db_path = root / DB_NAME
    if not db_path.is_file():
        raise BackupError("Arsip tidak berisi portal.db.")
    check = integrity(db_path)
    if check != "ok":
        raise BackupError(f"Basis data di arsip rusak menurut PRAGMA integrity_check: {check}")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        attachments = conn.execute("SELECT stored_name, sha256 FROM attachments").fetchall()
        complaints = conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
    finally:
        conn.close()
    bad = []
    for stored_name, digest in attachments:
        path = root / "uploads" / stored_name
        if not path.is_file() or file_sha256(path) != digest:
            bad.append(stored_name)
    if bad:
        raise BackupError(f"{len(bad)} lampiran hilang atau berubah di arsip; tidak dipulihkan.")
    return {"complaints": complaints, "attachments": len(attachments)}


def restore(archive: str | os.PathLike, data_dir: str | os.PathLike, *, force: bool = False,
            now: datetime | None = None) -> dict:
    """Restore an archive into data_dir; return counts. Stop the portal and its jobs first."""
    archive, data_dir = Path(archive), Path(data_dir)
    if not archive.is_file():
        raise BackupError(f"Arsip {archive} tidak ada.")
    occupied = holds_data(data_dir)
    if occupied and not force:
        raise BackupError(f"Direktori data {data_dir} tidak kosong ({', '.join(occupied)}). "
                          "Pemulihan hanya ke direktori kosong; pakai --force untuk memindahkan data yang ada "
                          "ke samping (tidak dihapus).")
    verify(archive)
    private.make_dir(data_dir)
    # Unpacked inside the target (same file system, even when it is a mount point), checked,
    # and only then moved into place.
    with tempfile.TemporaryDirectory(prefix=".pemulihan-", dir=data_dir) as tmp:
        root = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            # An archive from an older version may hold a secret_key: it is left in the archive.
            members = [m for m in tar.getmembers()
                       if m.name in (DB_NAME, "MANIFEST.json", "uploads")
                       or re.fullmatch(r"uploads/[^/]+", m.name)]
            tar.extractall(root, members=members, filter="data")
        counts = _check_unpacked(root)
        (root / "MANIFEST.json").unlink(missing_ok=True)
        (root / "uploads").mkdir(exist_ok=True)
        private.tighten_tree(root)  # older archives stored 0644 members
        existing = [e for e in data_dir.iterdir()
                    if e != root and not e.name.startswith(ASIDE) and e.name != "secret_key"]
        moved_aside = None
        if occupied:
            stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
            moved_aside = data_dir / f"{ASIDE}{stamp}"
            moved_aside.mkdir(mode=private.DIR_MODE)
            for entry in existing:
                os.replace(entry, moved_aside / entry.name)
        else:  # only what a first start makes (an empty database, a key): nothing worth keeping
            for entry in existing:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        for entry in root.iterdir():
            os.replace(entry, data_dir / entry.name)
        _fsync_dir(data_dir)
    return {**counts, "moved_aside": str(moved_aside) if moved_aside else None}
