"""`flask --app portal laporan ...`: the annual complaint-handling report."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as database
from ..domain import reports
from . import calendar, now as _now


@click.group("laporan")
def report_group():
    """The annual complaint-handling report (figures for the website)."""


@report_group.command("export")
@click.option("--tahun", type=int, required=True, help="The report's year, e.g. 2026.")
@click.option("--ke", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for <tahun>.json (default: CONTENT_DIR/data/laporan-pengaduan).")
@with_appcontext
def report_export_command(tahun, out_dir):
    """Recompute a year's figures from the event log and write <tahun>.json (a draft until the
    Kepala Dinas approves exactly these figures in the portal)."""
    target = out_dir or str(reports.report_dir(current_app.config["CONTENT_DIR"]))
    now = _now()
    try:
        doc = reports.export(database.connect(current_app.config["DATABASE"]), tahun, target,
                             catalog=current_app.extensions["portal.catalog"], calendar=calendar(),
                             today=now.date(), min_count=current_app.config["REPORT_MIN_COUNT"], now=now)
    except reports.ReportError as exc:
        raise click.ClickException(str(exc))
    state = "disetujui" if reports.is_approved(doc) else "draf, menunggu persetujuan Kepala Dinas"
    partial = "" if doc["lengkap"] else f" (sementara, keadaan per {doc['per_tanggal']})"
    click.echo(f"Laporan {tahun}{partial}: {doc['angka']['diterima']} pengaduan; {state}; "
               f"ditulis ke {reports.path_for(target, tahun)}.")
