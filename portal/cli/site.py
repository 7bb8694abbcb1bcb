"""`flask --app portal situs ...`: the publishing job of the web team's changes, and the
content repository for a new installation."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as database
from . import now as _now


def publish_pass(db) -> list[str]:
    """Publish every queued change, oldest first, then what the portal exported since; one line each."""
    from ..publish import deploy_job
    config = current_app.config
    where = dict(repo_path=config["CONTENT_REPO"], site_dir=config["SITE_DIR"],
                 releases=deploy_job.releases_dir(config["SITE_DIR"], config["SITE_RELEASES_DIR"]),
                 engine=config["SITE_ENGINE"], cache_dir=Path(config["DATA_DIR"]) / "site-cache", now=_now)
    done = []
    while (line := deploy_job.run_one(db, **where)) is not None:
        done.append(line)
    # What the portal exported since (a public complaint approved or withdrawn, a report approved)
    # reaches the live site without a change of the web team.
    if (line := deploy_job.refresh(db, **where)) is not None:
        done.append(line)
    return done


@click.group("situs")
def site_group():
    """The web team's changes to the public site."""


@site_group.command("terbitkan")
@click.option("--loop", is_flag=True, help="Stay running and publish each queued change as it comes.")
@with_appcontext
def publish_command(loop):
    """Publish the queued changes: commit, build into a new release, switch the live site."""
    from .jobs import _job_db, _keep_running
    db = _job_db() if loop else database.connect(current_app.config["DATABASE"])

    def one_pass():
        for line in publish_pass(db):
            click.echo(line)

    if loop:
        _keep_running("situs terbitkan", one_pass, interval=current_app.config["SITE_JOB_INTERVAL"])
    else:
        one_pass()
        click.echo("Antrean penerbitan situs kosong.")


@site_group.command("buat-repo")
@click.argument("folder", type=click.Path(file_okay=False))
@with_appcontext
def init_repo_command(folder):
    """Create a content repository at FOLDER from this project's content/, mkdocs.yml and overrides/."""
    from ..config import REPO_ROOT
    from ..domain import content_store
    content_store.init_repo(folder, REPO_ROOT)
    click.echo(f"Repositori isi situs dibuat di {folder}; setel PORTAL_CONTENT_REPO={folder}.")


COMMANDS = (site_group,)
