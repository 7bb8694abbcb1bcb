"""`flask --app portal data ...`: kecamatan templates, import, recap, SIAK consolidation, publish."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain import regions
from ..domain.formatting import angka, tanggal_panjang
from ..domain.population import export, recap, schema, siak, store, template
from ..domain.population.layout import label
from . import calendar as _calendar, connect as _db, now as _now


def _period(ctx, param, value):
    if value is not None and not schema.PERIOD.match(value):
        raise click.BadParameter("tulis misalnya 2024-S2 (semester) atau 2025-06 (bulan).")
    return value


def _kecamatan(ctx, param, value):
    if value is not None:
        region = regions.get(value)
        if region is None or region.jenis != "kecamatan":
            raise click.BadParameter("kode kecamatan tidak dikenal; misalnya 35.03.11.")
    return value


def _deadline() -> dict:
    "The SOP's report deadline and the office's calendar, as the domain's functions take them."
    return {"rule": current_app.extensions["portal.catalog"].laporan_kependudukan,
            "calendar": _calendar()}


def _by(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(f"  - {p}", err=True)


@click.group("data")
def data_group():
    """Population data: kecamatan reports, recap, SIAK consolidation, publication."""


@data_group.command("template")
@with_appcontext
@click.option("--kecamatan", required=True, callback=_kecamatan, help="Kemendagri code, e.g. 35.03.11.")
@click.option("--periode", required=True, callback=_period, help="2024-S2 or 2025-06.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def template_command(kecamatan, periode, output):
    """Write the Excel template for one kecamatan and period."""
    output.write_bytes(template.build(kecamatan, periode, **_deadline()))
    click.echo(f"Templat {regions.get(kecamatan).nama} {periode} ditulis ke {output}.")


@data_group.command("import")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kecamatan", callback=_kecamatan, help="For CSV files (and a check for .xlsx).")
@click.option("--periode", callback=_period, help="For CSV files (and a check for .xlsx).")
@click.option("--oleh", help="Who imports, recorded with the report (default: cli:<OS user>).")
def import_command(files, kecamatan, periode, oleh):
    """Import kecamatan reports: each .xlsx is one report, all .csv files together one report."""
    try:
        done = store.import_files(_db(), [(f.name, f.read_bytes()) for f in files], by=_by(oleh), user_id=None,
                                  now=_now(), kecamatan=kecamatan, periode=periode)
    except store.ReportRejected as exc:
        click.echo(f"Tidak ada yang diimpor: {len(exc.problems)} masalah.", err=True)
        _echo_problems(exc.problems)
        raise SystemExit(1)
    for r in done:
        rows = sum(r.row_counts.values())
        note = f", menggantikan laporan #{r.replaced}" if r.replaced else ""
        click.echo(f"Laporan #{r.report_id}: Kecamatan {regions.get(r.kecamatan).nama} {r.periode}, {rows} baris, "
                   f"{r.figures} angka{note}.")


@data_group.command("recap")
@with_appcontext
@click.option("--periode", required=True, callback=_period)
@click.option("--topik", default="penduduk", type=click.Choice([t.code for t in schema.TOPICS]))
def recap_command(periode, topik):
    """Print the recapitulation per kecamatan and for the kabupaten, and who has not reported."""
    db = _db()
    result = recap.recap(db, periode)
    topic = schema.TOPIC[topik]
    click.echo(f"Rekapitulasi {topic.title}, periode {periode}")
    cells = [(c, f) for c in (topic.categories or ("",)) for f in topic.columns]
    heads = [f"{c} {label(f)}".strip() for c, f in cells]
    click.echo("\t".join(["Kecamatan", *heads]))
    for kec in regions.kecamatan_list():
        if kec.kode in result.kecamatan:
            click.echo("\t".join([kec.nama, *(angka(result.value(topik, f, c, kec.kode)) for c, f in cells)]))
    click.echo("\t".join(["KABUPATEN", *(angka(result.value(topik, f, c)) for c, f in cells)]))
    today = _now().date()
    late = [s for s in recap.status(db, periode, today, **_deadline()) if s.report is None]
    if late:
        click.echo(f"Belum melapor ({len(late)}), batas {tanggal_panjang(late[0].due)}:")
        for s in late:
            click.echo(f"  - {s.nama} ({s.kode}): {s.label}")
    else:
        click.echo("Semua kecamatan sudah melapor.")


@data_group.command("siak")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--periode", required=True, callback=_period)
@click.option("--toleransi", default=0, type=click.IntRange(min=0), help="Differences up to this are not listed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the differences as .xlsx.")
@click.option("--oleh", help="Who imports (default: cli:<OS user>).")
def siak_command(file, periode, toleransi, output, oleh):
    """Import SIAK's aggregate export for a period and report the differences."""
    db = _db()
    try:
        siak.import_file(db, periode, file.read_bytes(), file.name, by=_by(oleh), user_id=None, now=_now())
    except siak.SiakRejected as exc:
        click.echo(f"Berkas SIAK tidak diimpor: {len(exc.problems)} masalah.", err=True)
        _echo_problems(exc.problems)
        raise SystemExit(1)
    result = siak.consolidate(db, periode, toleransi)
    click.echo(f"SIAK {periode} diimpor. {result.compared} angka dibandingkan, {len(result.differences)} selisih "
               f"(toleransi {toleransi}).")
    for d in result.differences[:50]:
        click.echo(f"  {d.kode_desa} {d.nama_desa} ({d.kecamatan}) | {d.indicator} | kecamatan "
                   f"{angka(d.kecamatan_value)} | SIAK {angka(d.siak_value)} | selisih {d.difference:+d}")
    if len(result.differences) > 50:
        click.echo(f"  ... dan {len(result.differences) - 50} lainnya" + (" (lihat berkas .xlsx)" if output else ""))
    if output:
        output.write_bytes(siak.differences_xlsx(result))
        click.echo(f"Daftar selisih ditulis ke {output}.")


@data_group.command("publish")
@with_appcontext
@click.option("--periode", required=True, callback=_period)
@click.option("--sebagian", is_flag=True, help="Publish although some kecamatan have not reported.")
def publish_command(periode, sebagian):
    """Write the period's figures to content/data/kependudukan/<periode>/ for the site."""
    try:
        done = export.publish(_db(), periode, current_app.config["CONTENT_DIR"], partial=sebagian)
    except export.PublishRefused as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Periode {periode} diterbitkan ke {done['path']}: {done['kecamatan']} kecamatan, "
               f"{sum(done['rows'].values())} baris.")
    if done["missing"]:
        click.echo("Belum termasuk: " + ", ".join(k.nama for k in done["missing"]))
