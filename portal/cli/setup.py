"""Setting up: `migrate`, `init-admin`, `user create`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db as database
from ..domain import users
from . import connect as _db, now as _now


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Create the database or bring its schema up to date."""
    database.prepare(current_app.config["DATABASE"]).close()
    click.echo("Basis data siap (skema terbaru).")


@click.command("init-admin")
@with_appcontext
def init_admin_command():
    """On a fresh install, create the `admin` account and print its one-time password."""
    password = users.ensure_first_admin(_db(), _now())
    if password is None:
        click.echo("Akun admin sudah ada; tidak ada yang diubah.")
    else:
        # Printed to the terminal once, never logged: the admin must change it at first login.
        click.echo(f"Akun admin dibuat. Kata sandi sekali pakai: {password}")
        click.echo("Ganti kata sandi ini saat pertama kali masuk di /pengaduan/staf/masuk")


@click.group("user")
def user_group():
    """Staff accounts."""


@user_group.command("create")
@with_appcontext
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(sorted(users.ROLES)), help="Role; repeat for several.")
@click.option("--name", "display_name", default="", help="Full name shown in the portal.")
@click.option("--jabatan", default=None, help="Official position, e.g. Kabid PIAK.")
@click.option("--email", default="", help="Address for the daily digest of waiting complaints.")
@click.password_option(help="Password (asked when not given).")
def user_create_command(username, roles, display_name, jabatan, email, password):
    """Create a staff account."""
    db = _db()
    try:
        users.create_user(db, username, password, display_name=display_name, roles=list(roles),
                          jabatan=jabatan, now=_now(), email=email)
    except users.UserError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Akun {username} dibuat dengan peran {', '.join(roles)}.")


COMMANDS = (migrate_command, init_admin_command, user_group)
