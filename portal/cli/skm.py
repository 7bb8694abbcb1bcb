"""`flask --app portal skm ...`: the Survei Kepuasan Masyarakat's demo data (data contoh)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain import skm_demo, standar
from ..domain.formatting import angka
from . import connect, now as _now


@click.group("skm")
def skm_group():
    """Survei Kepuasan Masyarakat: demo data for a demonstration portal, and its removal."""


@skm_group.command("contoh")
@with_appcontext
def demo_command():
    """Write simulated SKM results (data contoh: two semesters of responses, numbers served, a
    follow-up plan) and export them for the site, only when the SKM tables are empty."""
    content_dir = current_app.config["CONTENT_DIR"]
    now = _now()
    done = skm_demo.seed(connect(), content_dir, services=standar.names(content_dir), today=now.date(), now=now,
                         min_count=current_app.config["REPORT_MIN_COUNT"])
    if done is None:
        click.echo("Data SKM sudah ada; data contoh tidak ditulis.")
    else:
        click.echo(f"Data contoh SKM ditulis: {angka(done['responden'])} jawaban simulasi, periode "
                   f"{', '.join(done['periode'])}.")


@skm_group.command("hapus-contoh")
@with_appcontext
def remove_demo_command():
    """Remove the simulated SKM results (rows marked contoh) and their exported files; real
    responses stay. Run before launch; then rebuild the site."""
    removed = skm_demo.remove(connect(), current_app.config["CONTENT_DIR"], actor_id=None, now=_now())
    click.echo(f"Data contoh SKM dihapus: {angka(removed['skm_responses'])} jawaban, "
               f"{angka(removed['skm_populasi'])} jumlah penerima layanan, "
               f"{angka(removed['skm_tindak_lanjut'])} rencana tindak lanjut, "
               f"{len(removed['berkas'])} berkas hasil ({', '.join(removed['berkas']) or '-'}).")


COMMANDS = (skm_group,)
