"""Staff sign-in with Flask-Login. Roles are read from the database on every request, so a
role granted for a period (Plh/Plt) stops working the moment the period ends. Sessions are
kept on the server (portal.domain.users): signing out, a password change, a reset or a
deactivation ends them whatever copies of the cookie exist."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..domain import passwords, policy, signin, users
from . import get_db, limiter, now

bp = Blueprint("auth", __name__, url_prefix="/pengaduan/staf")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk terlebih dahulu."
login_manager.session_protection = "strong"


class StaffUser:
    """The signed-in account; its id carries the token of its server-side session."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user: users.User, roles: frozenset[str], token: str):
        self.user, self.roles, self.token = user, roles, token
        self.is_active = user.active

    def get_id(self) -> str:
        return f"{self.user.id}:{self.token}"


@login_manager.user_loader
def load_user(user_id: str):
    uid, _, token = user_id.partition(":")
    try:
        uid = int(uid)
    except ValueError:
        return None
    # Sessions end SESSION_HOURS after sign-in, however busy (the cookie's own lifetime is the idle limit).
    user = signin.session_user(get_db(), uid, token, now(), hours=current_app.config["SESSION_HOURS"])
    if user is None:
        return None
    return StaffUser(user, users.roles_of(get_db(), uid, now()), token)


def requires(action: str):
    """Allow the view only to a signed-in account whose roles, right now, may take `action`
    of the policy table (portal.domain.policy); anonymous visitors go to the sign-in page.
    Roles that the table allows only on a complaint naming them pass this door; the view
    then asks the policy with the complaint."""
    policy.ACTIONS[action]  # a misspelt action fails when the module is imported, not on a request

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.user.must_change_password and request.endpoint != "auth.password":
                return redirect(url_for("auth.password"))
            if not policy.reachable(action, current_user.roles):
                return render_template("error.html", title="Akses ditolak", message=(
                    "Akun Anda tidak memiliki peran untuk halaman atau tindakan ini. "
                    + policy.refusal(action))), 403
            return view(*args, **kwargs)
        wrapped.policy_action = action  # read by the generated refusal tests
        return wrapped
    return decorator


# Where a member of staff lands: the first of these pages their roles may open.
HOME = (("lihat_pengaduan", "staff.index"), ("data_kependudukan", "population.index"),
        ("kelola_akun", "admin.index"), ("situs_lihat", "site_editor.index"))


def home_endpoint(roles) -> str:
    return next((endpoint for action, endpoint in HOME if policy.allowed(action, roles)), "staff.index")


def policy_context() -> dict:
    """`can(action)` for templates: whether the signed-in account's roles may open the pages
    of that action, so that the staff menu shows exactly the links the policy allows."""
    def can(action: str) -> bool:
        return bool(current_user and current_user.is_authenticated and policy.reachable(action, current_user.roles))
    return {"can": can}


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Nama pengguna wajib diisi.")])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Kata sandi saat ini", validators=[DataRequired("Kata sandi saat ini wajib diisi.")])
    password = PasswordField("Kata sandi baru", validators=[DataRequired("Kata sandi baru wajib diisi.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[DataRequired("Ulangi kata sandi baru.")])


def _wait_text(seconds: int) -> str:
    amount = f"{seconds} detik" if seconds < 120 else f"{-(-seconds // 60)} menit"
    return (f"Terlalu banyak kata sandi salah untuk akun ini dari perangkat Anda. Tunggu {amount}, "
            "lalu coba lagi. Lupa kata sandi? Minta administrator membuat kata sandi sekali pakai.")


def _failed(username: str) -> int:
    """Count a wrong password for this user name from this address; the wait it imposes."""
    config = current_app.config
    return signin.login_failed(get_db(), username, request.remote_addr, now(),
                               first_delay=config["LOGIN_DELAY_SECONDS"], max_delay=config["LOGIN_DELAY_MAX_SECONDS"])


@bp.route("/masuk", methods=["GET", "POST"])
# Per client address, failed attempts only (any account): colleagues behind one office
# address may all sign in, a guessing address is stopped. The per-account pair is slowed below.
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"],
               deduct_when=lambda response: response.status_code != 302)
def login():
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        db, username, client = get_db(), form.username.data, request.remote_addr
        wait = signin.login_wait(db, username, client, now())
        if wait:
            # The password is not even checked while the pair waits: a guess teaches nothing.
            error, status = _wait_text(wait), 429
            current_app.logger.info("staff login refused: waiting %s s", wait)
        elif (user := signin.authenticate(db, username, form.password.data)) is None:
            wait = _failed(username)
            error = "Nama pengguna atau kata sandi salah." + (" " + _wait_text(wait) if wait else "")
            current_app.logger.info("staff login failed")
        else:
            signin.login_succeeded(db, username, client)
            token = signin.start_session(db, user.id, now(), hours=current_app.config["SESSION_HOURS"])
            session.permanent = True
            roles = users.roles_of(db, user.id, now())
            login_user(StaffUser(user, roles, token))
            current_app.logger.info("staff login: user %s", user.id)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(url_for(home_endpoint(roles)))
    return render_template("staff/login.html", form=form, error=error), status


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    signin.end_session(get_db(), current_user.token)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        me = current_user.user
        wait = signin.login_wait(get_db(), me.username, request.remote_addr, now())
        if wait:
            # The current password is a password guess like any other: same waits as sign-in.
            error = _wait_text(wait)
        elif form.password.data != form.confirm.data:
            error = "Kedua kata sandi tidak sama."
        else:
            try:
                signin.change_password(get_db(), me.id, form.current.data, form.password.data,
                                       keep_session=current_user.token)
            except signin.WrongPassword as exc:
                wait = _failed(me.username)
                error = str(exc) + (" " + _wait_text(wait) if wait else "")
            except users.UserError as exc:
                error = str(exc)
            else:
                signin.login_succeeded(get_db(), me.username, request.remote_addr)
                flash("Kata sandi telah diganti. Sesi lain akun ini telah diakhiri.")
                return redirect(url_for(home_endpoint(current_user.roles)))
    status = 422 if request.method == "POST" and (error or form.errors) else 200
    return render_template("staff/password.html", form=form, error=error, min_length=passwords.MIN_PASSWORD,
                           max_length=passwords.MAX_PASSWORD), status


def init_app(app) -> None:
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_HOURS"])
    login_manager.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(403)
    def forbidden(e):
        return render_template("error.html", title="Akses ditolak",
                               message="Akun Anda tidak memiliki peran untuk halaman atau tindakan ini."), 403
