"""Staff side: accounts from the command line, sign-in, roles, and the operator's entry of
complaints received through other channels."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import LOGIN, PASSWORD, VALID, login, table_counts, token, upload_files
from portal.domain import signin, users

INDEX = "/pengaduan/staf/"
ENTRY = "/pengaduan/staf/catat"
CHANGE = "/pengaduan/staf/kata-sandi"
WIB = ZoneInfo("Asia/Jakarta")


def cli(app, *args):
    """Run a `flask --app portal` command. The `flask` script pushes an app context for every
    command (FlaskGroup); app.test_cli_runner() does not, and portal/cli.py's commands are plain
    click commands, so the context is pushed here as the real command line would."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def make_user(db, username="ani", password=PASSWORD, roles=("operator",), **kwargs):
    return users.create_user(db, username, password, display_name=username.title(), roles=list(roles),
                             now=datetime.now(WIB), **kwargs)


def goes_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith(LOGIN)


# ---------------------------------------------------------------- command line

def test_cli_user_create_makes_an_account_that_can_sign_in(app, client, db):
    result = cli(app, "user", "create", "ani", "--role", "operator", "--name", "Ani",
                 "--password", "rahasia-sekali-123")
    assert result.exit_code == 0, result.output
    assert "Akun ani dibuat dengan peran operator." in result.output
    user = signin.authenticate(db, "ani", "rahasia-sekali-123")
    assert user.display_name == "Ani"
    assert users.roles_of(db, user.id, datetime.now(WIB)) == {"operator"}
    response = login(client, "ani", "rahasia-sekali-123")
    assert response.headers["Location"] == INDEX
    assert "Catat pengaduan" in client.get(INDEX).get_data(as_text=True)


def test_cli_refuses_a_short_password(app, db):
    result = cli(app, "user", "create", "ani", "--role", "operator", "--name", "Ani", "--password", "pendek")
    assert result.exit_code == 1
    assert "Error: Kata sandi minimal 12 karakter" in result.output
    assert db["users"].count == 0


def test_cli_init_admin_prints_the_password_once(app, client, db):
    first = cli(app, "init-admin")
    assert first.exit_code == 0
    password = re.search(r"Kata sandi sekali pakai: (\S+)", first.output).group(1)
    assert signin.authenticate(db, "admin", password) is not None
    second = cli(app, "init-admin")
    assert second.exit_code == 0
    assert "Akun admin sudah ada; tidak ada yang diubah." in second.output
    assert password not in second.output
    assert "Kata sandi sekali pakai" not in second.output
    assert signin.authenticate(db, "admin", password) is not None  # not reset by the second run
    assert db["users"].count == 1


# ---------------------------------------------------------------- signing in and roles

@pytest.mark.parametrize("path", [INDEX, ENTRY, CHANGE])
def test_staff_pages_send_strangers_to_the_login_page(client, path):
    response = client.get(path)
    assert goes_to_login(response)
    assert "Silakan masuk terlebih dahulu." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_entry_post_by_a_stranger_stores_nothing(app, client, db):
    before = table_counts(db)
    response = client.post(ENTRY, data={**VALID, "channel": "telepon",
                                         "received_at": "2024-03-04T09:15", "csrf_token": token(client)})
    assert goes_to_login(response)
    assert table_counts(db) == before


def test_account_without_operator_role_may_not_record_complaints(app, client, db):
    make_user(db, "budi", roles=("kadis",))
    login(client, "budi")
    assert client.get(INDEX).status_code == 200  # a kadis may see the list
    response = client.get(ENTRY)
    assert response.status_code == 403
    assert "Akun Anda tidak memiliki peran" in response.get_data(as_text=True)
    before = table_counts(db)
    response = client.post(ENTRY, data={**VALID, "channel": "telepon", "received_at": "2024-03-04T09:15",
                                        "csrf_token": token(client, INDEX)})
    assert response.status_code == 403
    assert table_counts(db) == before


def test_wrong_password_is_refused(client, db):
    make_user(db)
    response = login(client, "ani", "salah-sekali-123", expect=200)
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    assert goes_to_login(client.get(INDEX))


def test_unknown_user_gets_the_same_message(client, db):
    response = login(client, "tidakada", expect=200)
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_new_admin_must_change_password_before_anything_else(app, client, db):
    output = cli(app, "init-admin").output
    password = re.search(r"Kata sandi sekali pakai: (\S+)", output).group(1)
    response = login(client, "admin", password)
    assert response.headers["Location"] == CHANGE
    for path in (INDEX, ENTRY):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == CHANGE
    # A too short new password is refused and nothing changes.
    response = client.post(CHANGE, data={"current": password, "password": "pendek", "confirm": "pendek",
                                           "csrf_token": token(client, CHANGE)})
    assert "Kata sandi minimal 12 karakter" in response.get_data(as_text=True)
    assert client.get(INDEX).headers["Location"] == CHANGE
    response = client.post(CHANGE, data={"current": password, "password": "sandi-baru-kantor-1",
                                           "confirm": "sandi-baru-kantor-2",
                                           "csrf_token": token(client, CHANGE)})
    assert "Kedua kata sandi tidak sama." in response.get_data(as_text=True)
    response = client.post(CHANGE, data={"current": password, "password": "sandi-baru-kantor-1",
                                           "confirm": "sandi-baru-kantor-1",
                                           "csrf_token": token(client, CHANGE)})
    assert response.status_code == 302 and response.headers["Location"] == INDEX
    page = client.get(INDEX)
    assert page.status_code == 200
    assert "Kata sandi telah diganti." in page.get_data(as_text=True)
    assert signin.authenticate(db, "admin", password) is None
    assert signin.authenticate(db, "admin", "sandi-baru-kantor-1") is not None


def test_password_change_signs_out_other_sessions(app, db):
    make_user(db)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "ani")
    login(phone, "ani")
    assert phone.get(INDEX).status_code == 200
    response = laptop.post(CHANGE, data={"current": PASSWORD, "password": "sandi-baru-123",
                                           "confirm": "sandi-baru-123",
                                           "csrf_token": token(laptop, CHANGE)})
    assert response.status_code == 302
    assert laptop.get(INDEX).status_code == 200  # the session that changed it stays signed in
    assert goes_to_login(phone.get(INDEX))
    assert goes_to_login(phone.get(ENTRY))


def test_fourth_failed_login_is_rate_limited(strict_login_app):
    app, db = strict_login_app
    make_user(db)
    client = app.test_client()
    for _ in range(3):
        response = login(client, "ani", "salah-sekali-123", expect=200)
        assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    response = login(client, "ani", "salah-sekali-123", expect=429)
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)


def test_failures_from_other_addresses_do_not_lock_the_account(strict_login_app):
    """Guesses at one account from other addresses do not lock its owner out: no account
    lockout that anyone could trigger (each guessing address is slowed down on its own)."""
    app, db = strict_login_app
    make_user(db)
    for i in range(3):
        client = app.test_client()
        login(client, "ani", "salah-sekali-123", expect=200, environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
    client = app.test_client()
    response = login(client, "ani", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.headers["Location"] == INDEX
    assert client.get(INDEX, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


# ---------------------------------------------------------------- operator entry

def entry_form(**changes):
    data = {k: v for k, v in VALID.items() if k != "consent"}
    data.update(channel="whatsapp", received_at="2024-03-04T09:15", lapor_id="")
    data.update(changes)
    return data


@pytest.fixture
def operator(app, client, db):
    user_id = make_user(db)
    login(client, "ani")
    return user_id


def record(client, data):
    return client.post(ENTRY, data={**data, "csrf_token": token(client, ENTRY)},
                       content_type="multipart/form-data")


def test_operator_records_a_whatsapp_complaint_received_earlier(client, db, operator):
    response = record(client, entry_form())
    assert response.status_code == 303 and response.headers["Location"] == INDEX
    row = db.execute("SELECT channel, entered_by, received_at, consent_at, state, name FROM complaints").fetchone()
    assert row[:2] == ("whatsapp", operator)
    assert datetime.fromisoformat(row[2]) == datetime(2024, 3, 4, 9, 15, tzinfo=WIB)
    assert row[3] is None  # consent is the web form's; no tick needed here
    assert row[4:] == ("diterima", "Siti Aminah")
    assert db.execute("SELECT actor_id, actor_role FROM events").fetchone() == (operator, "operator")
    page = client.get(INDEX).get_data(as_text=True)
    assert "Pengaduan tercatat dengan kode" in page
    assert "WhatsApp" in page


def test_operator_entry_needs_no_contact(client, db, operator):
    response = record(client, entry_form(channel="telepon", email="", phone="", nik=""))
    assert response.status_code == 303
    assert db["complaints"].count == 1


def test_lapor_complaint_needs_its_lapor_id(app, client, db, operator):
    before = table_counts(db)
    response = record(client, entry_form(channel="sp4n-lapor"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ('<p class="error" id="lapor_id-error">Nomor tracking SP4N-LAPOR! wajib diisi untuk '
            'pengaduan dari LAPOR!.</p>') in html
    assert table_counts(db) == before


def test_same_lapor_id_cannot_be_recorded_twice(app, client, db, operator):
    from io import BytesIO
    from conftest import photo_bytes
    assert record(client, entry_form(channel="sp4n-lapor", lapor_id="LAP-2024-0001")).status_code == 303
    before = table_counts(db), upload_files(app.config["UPLOAD_DIR"])
    data = entry_form(channel="sp4n-lapor", lapor_id="LAP-2024-0001", name="Orang Lain")
    data["files"] = [(BytesIO(photo_bytes()), "bukti.jpg")]
    response = record(client, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="lapor_id-error">([^<]*)</p>', html).group(1)
    assert "LAP-2024-0001" in error and "sudah tercatat" in error
    assert (table_counts(db), upload_files(app.config["UPLOAD_DIR"])) == before
    assert 'value="Orang Lain"' in html


def test_received_date_in_the_future_is_refused(client, db, operator):
    before = table_counts(db)
    tomorrow = (datetime.now(WIB) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = record(client, entry_form(received_at=tomorrow))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ('<p class="error" id="received_at-error">Tanggal diterima tidak boleh di masa depan.</p>'
            in html)
    assert table_counts(db) == before


def test_received_date_is_required(client, db, operator):
    before = table_counts(db)
    response = record(client, entry_form(received_at=""))
    assert response.status_code == 422
    assert "Isi tanggal dan jam pengaduan diterima, misalnya" in response.get_data(as_text=True)
    assert table_counts(db) == before
