"""Operations commands: `flask --app portal backup`, `restore`, `error-pages`.

Each parses, calls portal.domain.backup (or renders), and echoes a line. The daily job
(`flask --app portal daily`) calls `scheduled_backup` once a day.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..config import REPO_ROOT
from ..domain import backup, site_forms
from . import now as _now

log = logging.getLogger(__name__)


def _dirs() -> tuple[Path, Path | None]:
    config = current_app.config
    copy_dir = config.get("BACKUP_COPY_DIR")
    return (backup.resolve_dir(config["BACKUP_DIR"], REPO_ROOT),
            backup.resolve_dir(copy_dir, REPO_ROOT) if copy_dir else None)


def run_backup(now: datetime, prune: bool = True) -> tuple[backup.Backup, list[Path]]:
    """Back up DATA_DIR, copy to BACKUP_COPY_DIR when set, and prune both by the schedule."""
    config = current_app.config
    backup_dir, copy_dir = _dirs()
    made = backup.create(config["DATA_DIR"], backup_dir, now, copy_dir=copy_dir)
    removed = []
    if prune:
        for directory in filter(None, (backup_dir, copy_dir)):
            removed += backup.prune(directory, config["BACKUP_KEEP_DAILY"], config["BACKUP_KEEP_MONTHLY"])
    return made, removed


def scheduled_backup(now: datetime) -> str:
    """The daily job's backup and prune. Never raises: a failed backup must not make the daily
    loop restart and repeat the other jobs; it is logged and /pengaduan/sehat shows its age."""
    try:
        made, removed = run_backup(now)
    except Exception as exc:  # disk full, unmounted copy disk, ...
        log.error("daily backup failed: %s", exc)
        return f"Cadangan harian GAGAL: {exc}"
    return f"Cadangan harian {made.path.name}; {len(removed)} cadangan lama dihapus."


@click.command("backup")
@click.option("--no-prune", is_flag=True, help="Keep every older archive this time.")
@with_appcontext
def backup_command(no_prune):
    """Back up the database and uploads (never the secret key) into a dated .tar.gz (safe while serving)."""
    try:
        made, removed = run_backup(_now(), prune=not no_prune)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Cadangan dibuat: {made.path} (sha256 {made.sha256}); {len(removed)} cadangan lama dihapus.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore even if the data directory holds data (moved aside, not deleted).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Restore into this directory instead of PORTAL_DATA_DIR.")
@with_appcontext
def restore_command(archive, force, data_dir):
    """Restore a backup archive into an empty data directory, after checking it. Stop the portal first."""
    target = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        result = backup.restore(archive, target, force=force, now=_now())
    except backup.BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Dipulihkan ke {target}: {result['complaints']} pengaduan, {result['attachments']} lampiran; "
               "integrity_check ok, checksum cocok.")
    if result["moved_aside"]:
        click.echo(f"Data lama dipindahkan ke {result['moved_aside']}.")


@click.command("error-pages")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def error_pages_command(directory):
    """Write the portal's error pages (413 of the form and of the site editor, 50x) as static HTML for nginx."""
    from flask import render_template
    from werkzeug.exceptions import RequestEntityTooLarge

    directory.mkdir(parents=True, exist_ok=True)
    app = current_app._get_current_object()
    # The portal's own 413 handlers, so that nginx's page says what the portal says: the complaint
    # form's limit, and in the web team's editor the editor's own.
    for path, name in (("/pengaduan/", "413.html"), ("/pengaduan/staf/situs/", "413-situs.html")):
        with app.test_request_context(path):
            response = app.make_response(app.handle_user_exception(RequestEntityTooLarge()))
            (directory / name).write_text(response.get_data(as_text=True), encoding="utf-8")
    # The editor's request limit, for nginx's configuration (deploy/nginx/render.py runs with the
    # system's Python, without the portal's dependencies, so it reads the number from here).
    editor_mb = -(-site_forms.REQUEST_MAX_BYTES // (1024 * 1024))
    (directory / "limits.json").write_text(json.dumps({"situs_mb": editor_mb}) + "\n", encoding="utf-8")
    with app.test_request_context("/pengaduan/"):
        html = render_template("error.html", title="Layanan sedang tidak tersedia",
                               message="Portal pengaduan sedang dalam pemeliharaan atau mengalami gangguan. "
                                       "Coba lagi beberapa saat lagi. Pengaduan yang sudah menerima kode "
                                       "pelacakan tetap tersimpan.")
        (directory / "50x.html").write_text(html, encoding="utf-8")
    click.echo(f"Halaman galat ditulis ke {directory} (413.html, 413-situs.html, 50x.html, limits.json).")


COMMANDS = (backup_command, restore_command, error_pages_command)
