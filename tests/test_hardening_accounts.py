"""Staff accounts, hardened: sessions that end on the server, sign-in throttling that slows a
guesser without locking the owner out, the password policy (12 characters, not a common
password, not the user's own name) and e-mail addresses checked by email-validator."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

import conftest
from conftest import VALID, form_token, token
from portal import create_app
from portal.db import connect
from portal.domain import accounts, passwords, signin, users

WIB = ZoneInfo("Asia/Jakarta")
LOGIN = "/pengaduan/staf/masuk"
LOGOUT = "/pengaduan/staf/keluar"
INDEX = "/pengaduan/staf/"
CHANGE = "/pengaduan/staf/kata-sandi"
ADMIN = "/pengaduan/staf/admin/"
GOOD = "lampu-merah-pasar-pon"
NAME = ("sari.dewi", "Sari Dewi")
MULTI = "victim,attacker@evil.example"


def wib() -> datetime:
    return datetime.now(WIB)


def login(client, username=NAME[0], password=GOOD, **kwargs):
    "conftest's sign-in, as this file's account unless told otherwise; the caller checks the answer."
    return conftest.login(client, username, password, expect=None, **kwargs)


def post(client, path, data, page=INDEX):
    return client.post(path, data={**data, "csrf_token": token(client, page)})


def goes_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith(LOGIN)


def make_user(db, username=NAME[0], display_name=NAME[1], password=GOOD, roles=("operator",)):
    return users.create_user(db, username, password, display_name=display_name, roles=list(roles), now=wib())


# ---------------------------------------------------------------- 8. sessions end on the server

def test_a_cookie_copied_before_logout_does_not_work_after_it(app, client, db):
    make_user(db)
    phone = app.test_client()
    assert login(client).status_code == 302 and login(phone).status_code == 302
    copied = client.get_cookie("session").value
    assert client.post(LOGOUT, data={"csrf_token": token(client, INDEX)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert goes_to_login(thief.get(INDEX))
    assert goes_to_login(client.get(INDEX))
    assert phone.get(INDEX).status_code == 200  # signing out on one device leaves the others


def test_changing_the_password_needs_the_current_one_and_ends_the_other_sessions(app, client, db):
    make_user(db)
    phone = app.test_client()
    login(client), login(phone)
    phone_cookie = phone.get_cookie("session").value
    new = "jembatan-kali-ngasinan"
    for current in ("", "bukan-kata-sandinya"):
        response = post(client, CHANGE, {"current": current, "password": new, "confirm": new}, page=CHANGE)
        assert response.status_code == 422
        assert "Kata sandi saat ini" in response.get_data(as_text=True)
        assert signin.authenticate(db, NAME[0], GOOD) is not None
        assert phone.get(INDEX).status_code == 200
    response = post(client, CHANGE, {"current": GOOD, "password": new, "confirm": new}, page=CHANGE)
    assert response.status_code == 302
    assert client.get(INDEX).status_code == 200  # the session that changed it goes on
    assert goes_to_login(phone.get(INDEX))
    again = app.test_client()
    again.set_cookie("session", phone_cookie)
    assert goes_to_login(again.get(INDEX))
    assert signin.authenticate(db, NAME[0], new) is not None


def test_a_session_ends_session_hours_after_sign_in_on_the_server(tmp_path, smtp):
    app = create_app(conftest.portal_config(tmp_path / "data", smtp.port) | {"SESSION_HOURS": 8})
    database = connect(app.config["DATABASE"])
    make_user(database)
    client = app.test_client()
    login(client)
    assert client.get(INDEX).status_code == 200
    # The sign-in moment is kept on the server: moving it 7.5 and then 8.5 hours back.
    for hours, signed_in in ((7.5, True), (8.5, False)):
        moment = (wib() - timedelta(hours=hours)).isoformat()
        database.execute("UPDATE staff_sessions SET signed_in_at = ?", [moment])
        database.conn.commit()
        assert (client.get(INDEX).status_code == 200) is signed_in
    database.close()


# ---------------------------------------------------------------- 9. throttling, not lockout

class AddressClient:
    """An HTTP client that connects to the real server from a chosen loopback address, keeping
    its cookies, as two people on two computers would."""

    def __init__(self, server, address):
        self.port, self.address, self.cookies = server.port, address, {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, text

    def login(self, username, password):
        page = self.request("GET", LOGIN)[2]
        csrf = form_token(page)
        return self.request("POST", LOGIN, {"username": username, "password": password, "csrf_token": csrf})


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory, session_smtp):
    """The real waitress server with the shipped login limits, except a first wait of 60 s so
    that no test depends on how fast this machine is."""
    server = conftest.LiveServer(tmp_path_factory.mktemp("akun"), session_smtp)
    server.env["PORTAL_LOGIN_DELAY_SECONDS"] = "60"
    server.env.pop("PORTAL_RATELIMIT_LOGIN", None)
    assert server.flask("migrate").returncode == 0
    result = server.flask("user", "create", NAME[0], "--role", "operator", "--name", NAME[1], "--password", GOOD)
    assert result.returncode == 0, result.stderr
    result = server.flask("user", "create", "budi", "--role", "operator", "--name", "Budi Santoso", "--password", GOOD)
    assert result.returncode == 0, result.stderr
    server.start()
    yield server
    server.stop()


def test_a_guesser_is_slowed_down_but_the_owner_signs_in_at_once(portal_server, session_smtp):
    attacker = AddressClient(portal_server, "127.0.0.2")
    for _ in range(5):
        status, _, page = attacker.login(NAME[0], "tebakan-yang-salah")
        assert status == 200 and "Nama pengguna atau kata sandi salah." in page
    # Now even the right password is not tried for this address: the guesser learns nothing.
    status, _, page = attacker.login(NAME[0], GOOD)
    assert status == 429
    wait = int(re.search(r"Tunggu (\d+) detik, lalu coba lagi", page).group(1))
    assert 0 < wait <= 60
    assert attacker.request("GET", INDEX)[0] == 302
    for _ in range(4):  # ten attempts in all, what used to lock the account for everyone
        assert attacker.login(NAME[0], "tebakan-yang-salah")[0] == 429

    owner = AddressClient(portal_server, "127.0.0.3")
    status, headers, _ = owner.login(NAME[0], GOOD)
    assert status == 302 and headers["Location"] == INDEX
    assert owner.request("GET", INDEX)[0] == 200

    # The wait is kept in the database, so another process serving the portal enforces it too.
    other = create_app(conftest.portal_config(portal_server.data_dir, session_smtp.port) | {"LOGIN_DELAY_SECONDS": 60})
    response = login(other.test_client(), environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert response.status_code == 429 and "Tunggu" in response.get_data(as_text=True)
    response = login(other.test_client(), environ_base={"REMOTE_ADDR": "127.0.0.4"})
    assert response.status_code == 302


def test_the_wait_doubles_after_five_failures_up_to_a_cap(db):
    moment, waits = wib(), []
    for _ in range(14):
        assert signin.login_wait(db, "sari.dewi", "10.0.0.1", moment) == 0
        wait = signin.login_failed(db, "Sari.Dewi", "10.0.0.1", moment, first_delay=1, max_delay=60)
        assert signin.login_wait(db, "sari.dewi", "10.0.0.1", moment) == wait
        waits.append(wait)
        moment += timedelta(seconds=wait)
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert signin.login_wait(db, "sari.dewi", "10.0.0.2", wib()) == 0
    signin.login_succeeded(db, "sari.dewi", "10.0.0.1")
    assert signin.login_wait(db, "sari.dewi", "10.0.0.1", moment) == 0


def test_the_per_address_limit_counts_failures_only(strict_login_app):
    """Colleagues behind one office address sign in all morning; a failing address is stopped."""
    app, db = strict_login_app
    make_user(db)
    office = {"REMOTE_ADDR": "10.1.1.1"}
    for _ in range(5):
        client = app.test_client()
        assert login(client, environ_base=office).status_code == 302
    for name in ("budi", "citra", "dedi"):  # guesses spread over three accounts
        assert login(app.test_client(), name, "tebakan-yang-salah", environ_base=office).status_code == 200
    response = login(app.test_client(), environ_base=office)
    assert response.status_code == 429 and "Tunggu" in response.get_data(as_text=True)
    assert login(app.test_client(), environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 302


# ---------------------------------------------------------------- 10. password policy

LONG = "lampu merah di perempatan pasar pon selalu lama sekali menyala ya"


@pytest.mark.parametrize("new,reason", [
    ("pagi-cerah-1", None),
    ("pagi-cerah1", "minimal 12 karakter"),
    ("1q2w3e4r5t6y", "terlalu umum"),
    ("QWERTY123456", "terlalu umum"),
    ("sari.dewi-2025", "nama pengguna atau nama Anda"),
    ("kantor-DEWI-trenggalek", "nama pengguna atau nama Anda"),
    (LONG, None),
    ("x" * 129, "paling panjang 128 karakter"),
], ids=["12-karakter", "11-karakter", "umum", "umum-huruf-besar", "nama-pengguna", "nama", "64-karakter",
        "terlalu-panjang"])
def test_a_new_password_is_checked_and_the_reason_named(app, client, db, new, reason):
    make_user(db)
    login(client)
    response = post(client, CHANGE, {"current": GOOD, "password": new, "confirm": new}, page=CHANGE)
    if reason is None:
        assert response.status_code == 302
        assert login(app.test_client(), password=new).status_code == 302
    else:
        assert response.status_code == 422
        assert reason in response.get_data(as_text=True)
        assert signin.authenticate(db, NAME[0], GOOD) is not None


def test_a_long_passphrase_can_be_pasted_in_the_browser(browser, portal_server):
    """Chromium: paste a 64-character passphrase (as from a password manager) into the
    password page, then sign in with it."""
    context = browser.new_context(locale="id-ID", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()

    def sign_in(password):
        page.goto(portal_server.url + LOGIN)
        page.get_by_label("Nama pengguna").fill("budi")
        page.get_by_label("Kata sandi", exact=True).fill(password)
        page.get_by_role("button", name="Masuk").click()

    sign_in(GOOD)
    page.goto(portal_server.url + CHANGE)
    page.get_by_label("Kata sandi saat ini").fill(GOOD)
    page.evaluate("text => navigator.clipboard.writeText(text)", LONG)
    for label in ("Kata sandi baru", "Ulangi kata sandi baru"):
        field = page.get_by_label(label, exact=True)
        field.focus()
        page.keyboard.press("Control+V")
        expect(field).to_have_value(LONG)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Kata sandi telah diganti.")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()
    sign_in(LONG)
    expect(page).to_have_url(re.compile(re.escape(INDEX) + "$"))
    context.close()


@pytest.mark.parametrize("password,reason", [
    ("pendek-1", "minimal 12 karakter"), ("qwerty123456", "terlalu umum"), ("ani-rahasia-sekali", "nama"),
])
def test_cli_user_create_applies_the_policy(app, db, password, reason):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["user", "create", "ani", "--role", "operator", "--name", "Ani",
                                                    "--password", password])
    assert result.exit_code != 0 and reason in result.output
    assert users.get_by_username(db, "ani") is None


def test_generated_passwords_pass_the_policy(app, db):
    with app.app_context():
        output = app.test_cli_runner().invoke(args=["init-admin"]).output
    first = re.search(r"Kata sandi sekali pakai: (\S+)", output).group(1)
    assert passwords.password_problem(first, username="admin", display_name="Administrator") is None
    admin = users.get_by_username(db, "admin").id
    uid, created = accounts.create_account(db, "sari.dewi", display_name="Sari Dewi", jabatan=None, roles=["operator"],
                                           by=admin, now=wib())
    reset = accounts.reset_password(db, uid, by=admin, now=wib())
    for password in (created, reset):
        assert passwords.password_problem(password, username="sari.dewi", display_name="Sari Dewi") is None


# ---------------------------------------------------------------- 11. e-mail addresses

def file_complaint(client, csrf, email):
    return client.post("/pengaduan/", data={**VALID, "email": email, "csrf_token": csrf()},
                       content_type="multipart/form-data")


def test_the_complaint_form_refuses_two_addresses_and_stores_the_normalized_one(client, csrf, db):
    before = conftest.table_counts(db)
    response = file_complaint(client, csrf, MULTI)
    assert response.status_code == 422
    assert "Alamat e-mail tidak valid" in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before
    assert file_complaint(client, csrf, " Siti.Aminah@CONTOH.ID ").status_code == 303
    assert db.execute("SELECT email FROM complaints").fetchall() == [("Siti.Aminah@contoh.id",)]
    assert db.execute("SELECT recipient FROM outbox").fetchone()[0] == "Siti.Aminah@contoh.id"


def test_staff_addresses_are_checked_by_the_admin_page_and_the_cli(app, client, db):
    make_user(db, "boss", "Kepala", roles=("admin", "operator"))
    uid = make_user(db)
    login(client, "boss")
    response = post(client, ADMIN + f"akun/{NAME[0]}/email", {"email": MULTI}, page=ADMIN + f"akun/{NAME[0]}")
    assert response.status_code == 422 and "Alamat e-mail tidak valid" in response.get_data(as_text=True)
    assert accounts.email_of(db, uid) is None
    post(client, ADMIN + f"akun/{NAME[0]}/email", {"email": "Sari@Contoh.ID"}, page=ADMIN + f"akun/{NAME[0]}")
    assert accounts.email_of(db, uid) == "Sari@contoh.id"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["user", "create", "budi", "--role", "operator", "--name", "Budi",
                                                    "--password", GOOD, "--email", MULTI])
    assert result.exit_code != 0 and "Alamat e-mail tidak valid" in result.output
    assert users.get_by_username(db, "budi") is None


def test_the_data_subject_page_checks_the_address(client, csrf, db):
    file_complaint(client, csrf, "siti@contoh.id")
    make_user(db)
    login(client)
    page = "/pengaduan/staf/data-pribadi"
    response = post(client, page, {"email": MULTI}, page=page)
    assert response.status_code == 422
    assert "Alamat e-mail tidak valid" in response.get_data(as_text=True)
    assert not db.execute("SELECT count(*) FROM audit_log WHERE action = 'ekspor_data_pribadi'").fetchone()[0]
    response = post(client, page, {"email": "siti@CONTOH.id"}, page=page)
    assert response.status_code == 200 and response.mimetype == "application/json"
