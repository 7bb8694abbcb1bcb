"""Fixtures: a portal on a temporary data directory, a real SMTP server on loopback, and
(for the end-to-end tests) the real waitress server in a subprocess with Debian's Chromium."""

from __future__ import annotations

import email
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from PIL import Image
from playwright.sync_api import expect

from portal import create_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require(tool: str, available: bool, why: str) -> None:
    """A tool scripts/test installs must be there: a missing one fails the test, saying why, unless
    the run names it in TESTS_WITHOUT (e.g. TESTS_WITHOUT="lighthouse nginx"); then it is skipped."""
    if available:
        return
    if tool in os.environ.get("TESTS_WITHOUT", "").replace(",", " ").split():
        pytest.skip(why)
    pytest.fail(f"{why}; set TESTS_WITHOUT={tool} to skip these tests on a machine without it")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content) for e in self.envelopes]


class SmtpServer:
    """A real SMTP server on loopback that can be stopped and started on the same port."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def portal_config(data_dir, mail_port) -> dict:
    return {
        "TESTING": True, "MAIL_SUPPRESS_SEND": False, "DATA_DIR": str(data_dir), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_port,
        "MAIL_DEFAULT_SENDER": "pengaduan@contoh.id", "RATELIMIT_SUBMIT": "1000 per hour",
        "RATELIMIT_TRACK": "1000 per hour", "RATELIMIT_LOGIN": "1000 per hour",
        "OUTBOX_RETRY_SECONDS": 0, "PUBLIC_DATA_DIR": str(data_dir / "publik"),
        "BACKUP_DIR": str(data_dir / "cadangan"),
    }


@pytest.fixture
def app(tmp_path, smtp):
    return create_app(portal_config(tmp_path / "data", smtp.port))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    from portal.db import connect
    database = connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def csrf(client):
    """The CSRF token of a page of this client (default: the complaint form)."""
    return lambda path="/pengaduan/": token(client, path)


# ---------------------------------------------------------------- staff accounts and sign-in

LOGIN = "/pengaduan/staf/masuk"
PASSWORD = "kata-sandi-panjang-1"  # every test account's password, unless a test says otherwise
JABATAN = {"pejabat": "Kabid Pelayanan Pendaftaran Penduduk",
           "kadis": "Kepala Dinas Kependudukan dan Pencatatan Sipil"}
_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_token(html: str) -> str:
    """The CSRF token in a page's form (for a page the test already has, or one not fetched by a Flask client)."""
    return _CSRF_FIELD.search(html).group(1)


def token(client, path=LOGIN, **kwargs) -> str:
    """The CSRF token a browser showing `path` would send (the sign-in page opens for anyone).
    `kwargs` go to the request, e.g. environ_base for the client's address."""
    return form_token(client.get(path, **kwargs).get_data(as_text=True))


def login(client, username, password=PASSWORD, *, expect: int | None = 302, **kwargs):
    """Sign in through the sign-in form and return the response. It must answer `expect`
    (302: signed in; give 200 or 429 for a refusal, None to check nothing yourself)."""
    response = client.post(LOGIN, data={"username": username, "password": password,
                                        "csrf_token": token(client, LOGIN, **kwargs)}, **kwargs)
    if expect is not None:
        assert response.status_code == expect, response.get_data(as_text=True)[:2000]
    return response


def sign_in(page, base_url: str, username: str, password: str = PASSWORD):
    """Sign in through the sign-in page in the browser, as a person does; returns the page, on the
    first staff page (its heading shown)."""
    page.goto(base_url + LOGIN)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def wib() -> datetime:
    """Now, in the office's time zone (Asia/Jakarta), to the second."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).replace(microsecond=0)


def make_staff(db, accounts=None, *, jabatan=None, now=None, display=None) -> dict[str, int]:
    """Staff accounts; user name -> id. `accounts` maps user names to their roles, or lists
    roles that each get one account named after the role (default: every role). Display name
    display(name) (default "Petugas <name>"), password PASSWORD, jabatan from `jabatan`
    (name -> text or None) or else JABATAN for the account's first role."""
    from portal.domain import users
    accounts = accounts or list(users.ROLES)
    if not isinstance(accounts, dict):
        accounts = {role: [role] for role in accounts}
    jabatan = jabatan or {}
    display = display or (lambda name: f"Petugas {name}")
    return {name: users.create_user(db, name, PASSWORD, display_name=display(name), roles=list(roles),
                                    jabatan=jabatan.get(name, JABATAN.get(list(roles)[0])), now=now or wib())
            for name, roles in accounts.items()}


def actors(db, accounts: dict, **kwargs) -> dict:
    """make_staff's accounts as the workflow's actors (user name -> handling.Actor), for the tests
    that call the domain directly. `kwargs` go to make_staff."""
    from portal.domain import handling
    ids = make_staff(db, accounts, **kwargs)
    return {name: handling.Actor(ids[name], frozenset(roles)) for name, roles in accounts.items()}


@pytest.fixture
def strict_login_app(tmp_path, smtp):
    """A portal with the production sign-in limit (3 failures per 15 minutes); (app, database)."""
    app = create_app(portal_config(tmp_path / "data", smtp.port) | {"RATELIMIT_LOGIN": "3 per 15 minutes"})
    from portal.db import connect
    database = connect(app.config["DATABASE"])
    yield app, database
    database.close()


@pytest.fixture
def staff(db):
    """One account per role (user name = role), each holding only that role; name -> id."""
    return make_staff(db)


def photo_bytes(fmt="JPEG", with_gps=True) -> bytes:
    """A small photo; as a JPEG it carries EXIF with a camera model and a GPS position."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    out = io.BytesIO()
    if fmt == "JPEG" and with_gps:
        exif = Image.Exif()
        exif[0x0110] = "KameraRahasia X1"  # Model
        exif[0x8825] = {1: "S", 2: (8.0, 3.0, 0.0), 3: "E", 4: (111.0, 42.0, 0.0)}  # GPS
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


VALID = {
    "visibility": "rahasia", "name": "Siti Aminah", "email": "siti@contoh.id", "phone": "081234567890",
    "nik": "3503114508900001", "category": "ktp-el", "kecamatan": "35.03.11", "desa": "35.03.11.2001",
    "body": "KTP-el saya belum jadi sejak tiga bulan lalu padahal sudah rekam.", "consent": "y",
}


def table_counts(db) -> dict:
    return {t: db[t].count for t in db.table_names()}


def upload_files(upload_dir) -> list:
    return sorted(p.name for p in Path(upload_dir).iterdir())


# ---------------------------------------------------------------- live server (end to end)

class LiveServer:
    def __init__(self, tmp: Path, smtp: SmtpServer):
        self.tmp, self.smtp = tmp, smtp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tmp / "data"
        self.log_path = tmp / "server.log"
        self.env = {**os.environ, "PORTAL_DATA_DIR": str(self.data_dir),
                    "PORTAL_SITE_DIR": str(tmp / "site"), "PORTAL_MAIL_SERVER": "127.0.0.1",
                    "PORTAL_MAIL_PORT": str(smtp.port), "PORTAL_MAIL_DEFAULT_SENDER": "pengaduan@contoh.id",
                    "PORTAL_RATELIMIT_SUBMIT": "1000 per hour", "PORTAL_RATELIMIT_TRACK": "1000 per hour",
                    "PORTAL_OUTBOX_RETRY_SECONDS": "1", "PORTAL_BASE_URL": self.url}
        self.command = [sys.executable, "-m", "waitress", "--host", "127.0.0.1", f"--port={self.port}",
                        "--call", "portal:create_app"]
        self.process = None

    def flask(self, *args) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], env=self.env,
                                capture_output=True, text=True, timeout=120)
        with open(self.log_path, "a") as log:
            log.write(result.stdout + result.stderr)
        return result

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"portal server exited: {self.log_path.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/pengaduan/", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("portal server did not start within 30 s")

    def kill(self, sig=9):
        self.process.send_signal(sig)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture(scope="session")
def session_smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The public site, built once per session by the one publishing pipeline (MkDocs + Material)."""
    from portal.publish import site as pipeline
    site = tmp_path_factory.mktemp("build") / "site"
    result = pipeline.build("mkdocs", site)
    assert result.ok, result.errors
    return site


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, session_smtp, built_site):
    tmp = tmp_path_factory.mktemp("live")
    (tmp / "site").symlink_to(built_site)
    server = LiveServer(tmp, session_smtp)
    assert server.flask("migrate").returncode == 0
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A cheap phone: 360 px wide.
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}, "locale": "id-ID"}
