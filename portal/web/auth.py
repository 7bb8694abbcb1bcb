"""Staff sign-in with Flask-Login. Roles are read from the database on every request, so a
role granted for a period (Plh/Plt) stops working the moment the period ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..domain import users
from . import get_db, limiter, now

bp = Blueprint("auth", __name__, url_prefix="/pengaduan/staf")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk terlebih dahulu."
login_manager.session_protection = "strong"


class StaffUser:
    """The signed-in account; its id carries the session version so that a password change
    or a deactivation ends every other session."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user: users.User, roles: frozenset[str]):
        self.user, self.roles = user, roles
        self.is_active = user.active

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"


@login_manager.user_loader
def load_user(user_id: str):
    try:
        uid, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    user = users.get(get_db(), uid)
    if user is None or not user.active or user.session_version != version:
        return None
    # Sessions end SESSION_HOURS after sign-in, however busy (the cookie's own lifetime is the idle limit).
    signed_in = session.get("signed_in_at")
    if signed_in is None or now() - datetime.fromisoformat(signed_in) > timedelta(
            hours=current_app.config["SESSION_HOURS"]):
        return None
    return StaffUser(user, users.roles_of(get_db(), uid, now()))


def role_required(*roles: str):
    """Allow the view only to a signed-in account that holds one of `roles` right now."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.user.must_change_password and request.endpoint != "auth.password":
                return redirect(url_for("auth.password"))
            if not current_user.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def home_endpoint(roles) -> str:
    """Where a member of staff lands: the complaint inbox, or the population data for an
    account that only handles population data."""
    if roles and not set(roles) - {"web"}:
        return "site_editor.index"  # the web team only
    return "population.index" if roles and not set(roles) - {"data"} else "staff.index"


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Nama pengguna wajib diisi.")])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi.")])


class PasswordForm(FlaskForm):
    password = PasswordField("Kata sandi baru", validators=[DataRequired("Kata sandi baru wajib diisi.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[DataRequired("Ulangi kata sandi baru.")])


def _account_key() -> str:
    return "akun:" + request.form.get("username", "").strip().lower()


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], key_func=_account_key)
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = users.authenticate(get_db(), form.username.data, form.password.data)
        if user is None:
            error = "Nama pengguna atau kata sandi salah."
            current_app.logger.info("staff login failed")
        else:
            session.permanent = True
            session["signed_in_at"] = now().isoformat()
            login_user(StaffUser(user, users.roles_of(get_db(), user.id, now())))
            current_app.logger.info("staff login: user %s", user.id)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(url_for(home_endpoint(users.roles_of(get_db(), user.id, now()))))
    return render_template("staff/login.html", form=form, error=error)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            error = "Kedua kata sandi tidak sama."
        else:
            try:
                users.change_password(get_db(), current_user.user.id, form.password.data)
            except users.UserError as exc:
                error = str(exc)
            else:
                login_user(StaffUser(users.get(get_db(), current_user.user.id), current_user.roles))
                flash("Kata sandi telah diganti.")
                return redirect(url_for(home_endpoint(current_user.roles)))
    return render_template("staff/password.html", form=form, error=error)


def init_app(app) -> None:
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_HOURS"])
    login_manager.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(403)
    def forbidden(e):
        return render_template("error.html", title="Akses ditolak",
                               message="Akun Anda tidak memiliki peran untuk halaman atau tindakan ini."), 403
