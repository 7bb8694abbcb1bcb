"""Staff sign-in with Flask-Login. Roles are read from the database on every request, so a
role granted for a period (Plh/Plt) stops working the moment the period ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..domain import policy, users
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
        ("kelola_akun", "admin.index"))


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
