"""Files that hold personal data are readable by the portal's own user only.

The database (and SQLite's -wal/-shm beside it), the attachments, the secret key and the
backups are created with mode 0600 (directories 0700) by the portal itself, whatever the
umask of whoever started it: systemd's ``UMask=0077`` is not the only guard, since
``scripts/run`` and the CLI start from an ordinary shell (umask 022, world-readable files).
Files made by an older version are tightened when the portal next opens them.

Plain Python, no Flask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_dir(path: str | os.PathLike) -> Path:
    """Create `path` (and missing parents) and make sure it is closed to group and others."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def open_new(path: str | os.PathLike) -> BinaryIO:
    """Open a new file for writing, created 0600 (never an existing one: that is an error)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    return os.fdopen(fd, "wb")


def create_empty(path: str | os.PathLike) -> None:
    """Create `path` as an empty 0600 file unless it exists (SQLite then fills it, and gives
    its -wal and -shm files the same mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except (FileExistsError, FileNotFoundError):  # no directory: SQLite says so in its own words
        pass


def tighten(path: str | os.PathLike) -> None:
    """Drop group and other permissions from an existing file or directory.

    A failure (a file that vanished, a mounted disk whose file system has no modes) is left
    alone: it must not stop the portal or a backup."""
    try:
        mode = os.stat(path).st_mode
        if mode & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & 0o700)
    except OSError:
        pass


def tighten_tree(root: str | os.PathLike) -> None:
    """Tighten `root` and everything under it."""
    tighten(root)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            tighten(os.path.join(folder, name))
