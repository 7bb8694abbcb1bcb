"""Account administration: create accounts, set roles and jabatan, deactivate, reset a
password, and give a role for a period to an acting official (Plh/Plt).

Every route is for the `admin` role only and every change is a POST (CSRF-protected by the
global CSRFProtect). Accounts are addressed by user name, not by their sequential id.
The rules themselves (last administrator, periods, audit rows) live in portal.domain.users.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain import accounts, passwords, users
from . import get_db, now, params
from .auth import requires

bp = Blueprint("admin", __name__, url_prefix="/pengaduan/staf/admin")


@bp.after_request
def no_store(response):
    # Pages here show staff data and, once, a new password: never keep them in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _account(username: str) -> users.User:
    user = users.get_by_username(get_db(), username)
    if user is None:
        abort(404)
    return user


def _me() -> int:
    return current_user.user.id


def _moment(name: str) -> datetime | None:
    """A datetime-local input (2026-11-25T09:30) in the office's time zone; None when empty."""
    value = request.form.get(name, "").strip()
    if not value:
        return None
    parsed = params.moment(value)
    if parsed is None:
        raise accounts.InvalidPeriod("Isi tanggal dan jam dengan benar, misalnya 2026-11-25T09:30.")
    return parsed


def _edit_page(user: users.User, *, error: str | None = None, status: int = 200, form=None):
    db = get_db()
    return render_template("admin/edit.html", a=accounts.account(db, user.id, now()), roles=users.ROLES,
                           statuses=accounts.ACTING_STATUS, history=accounts.history(db, user.id)[:50],
                           email=accounts.email_of(db, user.id), error=error, form=form or {}, me=_me()), status


def _password_page(user: users.User, password: str, *, created: bool):
    return render_template("admin/password.html", user=user, password=password, created=created,
                           min_length=passwords.MIN_PASSWORD)


@bp.route("/")
@requires("kelola_akun")
def index():
    return render_template("admin/index.html", accounts=accounts.list_users(get_db(), now()), roles=users.ROLES,
                           statuses=accounts.ACTING_STATUS)


@bp.route("/akun-baru", methods=["GET", "POST"])
@requires("kelola_akun")
def create():
    error = None
    if request.method == "POST":
        f = request.form
        try:
            user_id, password = accounts.create_account(
                get_db(), f.get("username", ""), display_name=f.get("display_name", ""),
                jabatan=f.get("jabatan", ""), roles=f.getlist("roles"), by=_me(), now=now())
        except users.UserError as exc:
            error = str(exc)
        else:
            current_app.logger.info("account %s created by user %s", user_id, _me())
            return _password_page(users.get(get_db(), user_id), password, created=True)
    return render_template("admin/create.html", roles=users.ROLES, error=error,
                           form=request.form), 422 if error else 200


@bp.route("/akun/<username>")
@requires("kelola_akun")
def edit(username):
    return _edit_page(_account(username))


def _change(username: str, action, message: str):
    """Run one change on the account; on a refusal show the edit page with the reason."""
    user = _account(username)
    try:
        action(get_db(), user)
    except users.UserError as exc:
        return _edit_page(user, error=str(exc), status=422, form=request.form)
    flash(message)
    return redirect(url_for("admin.edit", username=user.username), 303)


@bp.route("/akun/<username>/profil", methods=["POST"])
@requires("kelola_akun")
def profile(username):
    return _change(username, lambda db, u: accounts.set_profile(
        db, u.id, request.form.get("display_name", ""), request.form.get("jabatan", ""), by=_me(), now=now()),
        "Nama dan jabatan disimpan.")


@bp.route("/akun/<username>/email", methods=["POST"])
@requires("kelola_akun")
def email(username):
    return _change(username, lambda db, u: accounts.set_email(db, u.id, request.form.get("email", ""), by=_me(),
                                                              now=now()), "Alamat e-mail disimpan.")


@bp.route("/akun/<username>/peran", methods=["POST"])
@requires("kelola_akun")
def roles(username):
    return _change(username, lambda db, u: accounts.set_roles(
        db, u.id, request.form.getlist("roles"), by=_me(), now=now()), "Peran tetap disimpan.")


@bp.route("/akun/<username>/nonaktifkan", methods=["POST"])
@requires("kelola_akun")
def deactivate(username):
    return _change(username, lambda db, u: accounts.deactivate(db, u.id, by=_me(), now=now()),
                   "Akun dinonaktifkan. Semua sesi akun ini telah diakhiri.")


@bp.route("/akun/<username>/aktifkan", methods=["POST"])
@requires("kelola_akun")
def reactivate(username):
    return _change(username, lambda db, u: accounts.reactivate(db, u.id, by=_me(), now=now()),
                   "Akun diaktifkan kembali.")


@bp.route("/akun/<username>/reset-kata-sandi", methods=["POST"])
@requires("kelola_akun")
def reset_password(username):
    user = _account(username)
    try:
        password = accounts.reset_password(get_db(), user.id, by=_me(), now=now())
    except users.UserError as exc:
        return _edit_page(user, error=str(exc), status=422)
    current_app.logger.info("password of account %s reset by user %s", user.id, _me())
    return _password_page(user, password, created=False)


@bp.route("/akun/<username>/peran-sementara", methods=["POST"])
@requires("kelola_akun")
def grant(username):
    def action(db, u):
        accounts.grant_acting(db, u.id, request.form.get("role", ""), _moment("valid_from"), _moment("valid_until"),
                              by=_me(), now=now(), note=request.form.get("note", ""))
    return _change(username, action, "Peran sementara (Plh/Plt) diberikan. Peran itu berakhir dengan "
                                     "sendirinya pada akhir masa berlakunya.")


@bp.route("/akun/<username>/peran-sementara/cabut", methods=["POST"])
@requires("kelola_akun")
def revoke(username):
    def action(db, u):
        grant_id = params.whole_number(request.form, "grant_id", low=1, high=params.MAX_ID)
        if grant_id is None:
            raise accounts.UnknownGrant("Peran sementara itu tidak ditemukan pada akun ini.")
        accounts.revoke_grant(db, u.id, grant_id, by=_me(), now=now())
    return _change(username, action, "Peran sementara dicabut; akun itu tidak lagi memegangnya.")
