"""Account administration: the admin pages (roles, jabatan, deactivation, password reset,
Plh/Plt grants for a period), the rules behind them in portal.domain.users, and staff
session expiry."""

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

import conftest
from conftest import LOGIN, PASSWORD, VALID, login, token, wib
from portal import create_app
from portal.db import connect
from portal.domain import accounts, policy, signin, users

WIB = ZoneInfo("Asia/Jakarta")
INDEX = "/pengaduan/staf/"
CHANGE = "/pengaduan/staf/kata-sandi"
ADMIN = "/pengaduan/staf/admin/"
ROLES = ("operator", "kabid", "kadis", "pejabat", "admin")

# Every admin route: (method, path). {u} is an existing account's user name.
ROUTES = [
    ("GET", ADMIN), ("GET", ADMIN + "akun-baru"), ("POST", ADMIN + "akun-baru"),
    ("GET", ADMIN + "akun/{u}"), ("POST", ADMIN + "akun/{u}/profil"), ("POST", ADMIN + "akun/{u}/peran"),
    ("POST", ADMIN + "akun/{u}/nonaktifkan"), ("POST", ADMIN + "akun/{u}/aktifkan"),
    ("POST", ADMIN + "akun/{u}/reset-kata-sandi"), ("POST", ADMIN + "akun/{u}/peran-sementara"),
    ("POST", ADMIN + "akun/{u}/peran-sementara/cabut"),
]


def goes_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith(LOGIN)


def post(client, path, data=None, *, page=INDEX):
    """Post a form with the CSRF token from a page this client may see."""
    return client.post(path, data={**(data or {}), "csrf_token": token(client, page)})


def audit_rows(db, action):
    return db.execute("SELECT actor_id, detail FROM audit_log WHERE action = ?", [action]).fetchall()


@pytest.fixture
def admin_client(client, staff):
    assert login(client, "admin").status_code == 302
    return client


# ---------------------------------------------------------------- access

@pytest.mark.parametrize("method,path", ROUTES)
def test_anonymous_visitors_are_sent_to_login_and_change_nothing(app, client, db, staff, method, path):
    before = conftest.table_counts(db)
    data = {"csrf_token": token(client), "username": "baru", "display_name": "Baru", "roles": "admin"}
    response = client.open(path.format(u="pejabat"), method=method, data=data if method == "POST" else None)
    assert goes_to_login(response)
    assert conftest.table_counts(db) == before


@pytest.mark.parametrize("role", [r for r in ROLES if not policy.reachable("kelola_akun", {r})])
@pytest.mark.parametrize("method,path", ROUTES)
def test_other_roles_get_403_and_change_nothing(app, client, db, staff, role, method, path):
    assert login(client, role).status_code == 302
    before = conftest.table_counts(db)
    data = {"csrf_token": token(client, INDEX), "username": "baru", "display_name": "Baru", "roles": "admin",
            "role": "admin", "valid_until": "2099-01-01T00:00"}
    response = client.open(path.format(u="pejabat"), method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert conftest.table_counts(db) == before


def test_a_post_without_csrf_token_is_refused(admin_client, db, staff):
    response = admin_client.post(ADMIN + "akun/operator/nonaktifkan")
    assert response.status_code == 400
    assert users.get(db, staff["operator"]).active


def test_nav_shows_the_admin_link_to_admins_only(client, staff):
    login(client, "admin")
    assert ADMIN in client.get(INDEX).get_data(as_text=True)
    login(client, "operator")
    assert ADMIN not in client.get(INDEX).get_data(as_text=True)


def test_unknown_account_is_404(admin_client):
    assert admin_client.get(ADMIN + "akun/tidakada").status_code == 404


def test_admin_pages_are_not_cached(admin_client):
    assert admin_client.get(ADMIN).headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- creating an account

def test_admin_creates_an_account_that_must_change_its_password(app, admin_client, db, staff):
    response = post(admin_client, ADMIN + "akun-baru",
                    {"username": "sri.wahyuni", "display_name": "Sri Wahyuni", "jabatan": "Kasi Pelayanan",
                     "roles": ["operator", "kabid"]}, page=ADMIN + "akun-baru")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = re.search(r'id="kata-sandi-sekali-pakai">([^<]+)<', page).group(1)
    assert "hanya ditampilkan sekarang" in page
    assert response.headers["Cache-Control"] == "no-store"
    new = users.get_by_username(db, "sri.wahyuni")
    assert new.jabatan == "Kasi Pelayanan" and new.must_change_password
    assert users.roles_of(db, new.id, wib()) == {"operator", "kabid"}
    # The password is shown once: not on the account page, not in the audit log.
    assert password not in admin_client.get(ADMIN + "akun/sri.wahyuni").get_data(as_text=True)
    assert not db.execute("SELECT count(*) FROM audit_log WHERE detail LIKE ?", [f"%{password}%"]).fetchone()[0]
    assert audit_rows(db, "buat_akun") == [(staff["admin"],
                                            f"akun {new.id}: sri.wahyuni, peran Operator Pengaduan, Kabid PIAK")]
    listing = admin_client.get(ADMIN).get_data(as_text=True)
    assert "Sri Wahyuni" in listing and "Kasi Pelayanan" in listing and "wajib ganti kata sandi" in listing

    other = app.test_client()
    response = login(other, "sri.wahyuni", password)
    assert response.status_code == 302 and response.headers["Location"] == CHANGE
    assert other.get(INDEX).headers["Location"] == CHANGE
    response = post(other, CHANGE, {"current": password, "password": "kebun-teh-panggul-1",
                                     "confirm": "kebun-teh-panggul-1"}, page=CHANGE)
    assert response.status_code == 302 and response.headers["Location"] == INDEX
    assert other.get(INDEX).status_code == 200


@pytest.mark.parametrize("data,message", [
    ({"username": "operator", "display_name": "X", "roles": "operator"}, "sudah dipakai"),
    ({"username": "bad name", "display_name": "X", "roles": "operator"}, "Nama pengguna hanya boleh"),
    ({"username": "baru", "display_name": "Baru"}, "Pilih sekurang-kurangnya satu peran."),
    ({"username": "baru", "display_name": "Baru", "roles": "raja"}, "Peran tidak dikenal: raja"),
    ({"username": "baru", "display_name": " ", "roles": "operator"}, "Nama lengkap wajib diisi."),
])
def test_create_refusals_are_explained_and_store_nothing(admin_client, db, data, message):
    before = conftest.table_counts(db)
    response = post(admin_client, ADMIN + "akun-baru", data, page=ADMIN + "akun-baru")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before


# ---------------------------------------------------------------- roles and profile

def test_admin_changes_roles_and_profile_with_audit_rows(admin_client, db, staff):
    uid = staff["operator"]
    response = post(admin_client, ADMIN + "akun/operator/peran", {"roles": ["operator", "pejabat"]})
    assert response.status_code == 303
    assert users.roles_of(db, uid, wib()) == {"operator", "pejabat"}
    assert audit_rows(db, "ubah_peran") == [(staff["admin"], f"akun {uid}: operator, peran Operator Pengaduan "
                                                             "\u2192 Operator Pengaduan, Pejabat penanggap")]
    response = post(admin_client, ADMIN + "akun/operator/profil",
                    {"display_name": "Dwi Lestari", "jabatan": "Analis Pengaduan"})
    assert response.status_code == 303
    user = users.get(db, uid)
    assert (user.display_name, user.jabatan) == ("Dwi Lestari", "Analis Pengaduan")
    assert len(audit_rows(db, "ubah_profil")) == 1
    page = admin_client.get(ADMIN + "akun/operator").get_data(as_text=True)
    assert "Peran tetap disimpan." not in page  # the flash was shown once, after the first change
    assert "mengubah peran tetap" in page and "mengubah nama dan jabatan" in page  # the account's history, in words


def test_a_role_change_takes_effect_in_the_open_session(app, admin_client, db, staff):
    other = app.test_client()
    login(other, "kabid")
    assert other.get(ADMIN).status_code == 403
    post(admin_client, ADMIN + "akun/kabid/peran", {"roles": ["kabid", "admin"]})
    assert other.get(ADMIN).status_code == 200


def test_the_last_admin_keeps_the_admin_role(admin_client, db, staff):
    uid = staff["admin"]
    response = post(admin_client, ADMIN + "akun/admin/peran", {"roles": ["operator"]})
    assert response.status_code == 422
    assert "administrator aktif terakhir" in response.get_data(as_text=True)
    assert users.roles_of(db, uid, wib()) == {"admin"}
    with pytest.raises(accounts.LastAdmin):
        accounts.set_roles(db, uid, ["kabid"], by=uid, now=wib())
    # An acting admin does not count: it lapses by itself.
    accounts.grant_acting(db, staff["kabid"], "admin", None, wib() + timedelta(days=1), by=uid, now=wib())
    with pytest.raises(accounts.LastAdmin):
        accounts.set_roles(db, uid, ["kabid"], by=uid, now=wib())
    # With a second permanent admin, the first may give the role up.
    accounts.set_roles(db, staff["kadis"], ["kadis", "admin"], by=uid, now=wib())
    accounts.set_roles(db, uid, ["operator"], by=uid, now=wib())
    assert users.roles_of(db, uid, wib()) == {"operator"}
    with pytest.raises(accounts.LastAdmin):
        accounts.deactivate(db, staff["kadis"], by=uid, now=wib())
    assert not audit_rows(db, "nonaktifkan")


def test_roles_cannot_be_emptied_or_unknown(db, staff):
    with pytest.raises(accounts.NoRole, match="sekurang-kurangnya satu peran"):
        accounts.set_roles(db, staff["operator"], [], by=staff["admin"], now=wib())
    with pytest.raises(accounts.UnknownRole):
        accounts.set_roles(db, staff["operator"], ["raja"], by=staff["admin"], now=wib())
    assert users.roles_of(db, staff["operator"], wib()) == {"operator"}


# ---------------------------------------------------------------- deactivation and password reset

def test_deactivation_ends_the_users_sessions_at_once(app, admin_client, db, staff):
    victim = app.test_client()
    login(victim, "operator")
    assert victim.get(INDEX).status_code == 200
    response = post(admin_client, ADMIN + "akun/operator/nonaktifkan")
    assert response.status_code == 303
    assert goes_to_login(victim.get(INDEX))
    login(app.test_client(), "operator", expect=200)  # sign-in refused
    assert "Nonaktif" in admin_client.get(ADMIN).get_data(as_text=True)
    assert audit_rows(db, "nonaktifkan") == [(staff["admin"], f"akun {staff['operator']}: operator, "
                                                              "akun dinonaktifkan; semua sesi diakhiri")]
    assert post(admin_client, ADMIN + "akun/operator/aktifkan").status_code == 303
    assert login(app.test_client(), "operator").status_code == 302
    assert len(audit_rows(db, "aktifkan")) == 1


def test_an_admin_cannot_deactivate_or_reset_themselves(admin_client, db, staff):
    assert "Ini akun Anda sendiri" in admin_client.get(ADMIN + "akun/admin").get_data(as_text=True)
    response = post(admin_client, ADMIN + "akun/admin/nonaktifkan")
    assert response.status_code == 422
    assert "akun Anda sendiri" in response.get_data(as_text=True)
    response = post(admin_client, ADMIN + "akun/admin/reset-kata-sandi")
    assert response.status_code == 422
    assert users.get(db, staff["admin"]).active
    assert admin_client.get(ADMIN).status_code == 200  # still signed in


def test_password_reset_forces_a_change_and_ends_old_sessions(app, admin_client, db, staff):
    old = app.test_client()
    login(old, "pejabat")
    assert old.get(INDEX).status_code == 200
    response = post(admin_client, ADMIN + "akun/pejabat/reset-kata-sandi")
    assert response.status_code == 200
    password = re.search(r'id="kata-sandi-sekali-pakai">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert goes_to_login(old.get(INDEX))
    assert signin.authenticate(db, "pejabat", PASSWORD) is None
    row = audit_rows(db, "reset_kata_sandi")
    assert len(row) == 1 and password not in row[0][1]
    new = app.test_client()
    response = login(new, "pejabat", password)
    assert response.status_code == 302 and response.headers["Location"] == CHANGE
    assert new.get(INDEX).headers["Location"] == CHANGE


# ---------------------------------------------------------------- acting officials (Plh/Plt)

def test_an_acting_grant_counts_only_within_its_period(admin_client, db, staff):
    uid, now = staff["pejabat"], wib()
    # Granted ten days ago, when the period had not yet ended (an ended period cannot be granted).
    past = accounts.grant_acting(db, uid, "kadis", now - timedelta(days=10), now - timedelta(days=3),
                                 by=staff["admin"], now=now - timedelta(days=10), note="SP Plh nomor 800/1/2025")
    assert users.roles_of(db, uid, wib()) == {"pejabat"}
    response = post(admin_client, ADMIN + "akun/pejabat/peran-sementara",
                    {"role": "kadis", "valid_from": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                     "valid_until": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                     "note": "SP Plh nomor 800/2/2025"})
    assert response.status_code == 303
    assert users.roles_of(db, uid, wib()) == {"pejabat", "kadis"}
    page = admin_client.get(ADMIN).get_data(as_text=True)
    assert "Plh/Plt Kepala Dinas" in page and "sedang berlaku" in page
    page = admin_client.get(ADMIN + "akun/pejabat").get_data(as_text=True)
    assert "sudah berakhir" in page and "SP Plh nomor 800/2/2025" in page
    rows = audit_rows(db, "beri_peran_sementara")
    assert len(rows) == 2 and all(r[1].startswith(f"akun {uid}: pejabat, peran sementara Kepala Dinas") for r in rows)
    # The running grant is revoked at once; an ended one cannot be revoked again.
    running = [g for g in accounts.grants_of(db, uid, wib()) if g.status == "berlaku"][0]
    assert post(admin_client, ADMIN + "akun/pejabat/peran-sementara/cabut",
                {"grant_id": str(running.id)}).status_code == 303
    assert users.roles_of(db, uid, wib()) == {"pejabat"}
    response = post(admin_client, ADMIN + "akun/pejabat/peran-sementara/cabut", {"grant_id": str(past)})
    assert response.status_code == 422 and "sudah berakhir" in response.get_data(as_text=True)
    assert len(audit_rows(db, "cabut_peran_sementara")) == 1


def test_a_pending_grant_is_not_yet_effective_and_can_be_cancelled(db, staff):
    uid, now = staff["pejabat"], wib()
    gid = accounts.grant_acting(db, uid, "kadis", now + timedelta(days=1), now + timedelta(days=5),
                                by=staff["admin"], now=now)
    assert users.roles_of(db, uid, wib()) == {"pejabat"}
    assert users.roles_of(db, uid, now + timedelta(days=2)) == {"pejabat", "kadis"}
    assert [g.status for g in accounts.grants_of(db, uid, now)] == ["akan_datang"]
    accounts.revoke_grant(db, uid, gid, by=staff["admin"], now=wib())
    assert accounts.grants_of(db, uid, now) == ()
    assert users.roles_of(db, uid, now + timedelta(days=2)) == {"pejabat"}
    assert len(audit_rows(db, "cabut_peran_sementara")) == 1


@pytest.mark.parametrize("role,start,end,error", [
    ("kadis", None, None, accounts.InvalidPeriod),
    ("kadis", 2, 1, accounts.InvalidPeriod),
    ("raja", None, 1, accounts.UnknownRole),
    ("pejabat", None, 1, accounts.AlreadyHeld),
])
def test_acting_grants_need_a_known_role_and_a_proper_period(db, staff, role, start, end, error):
    now = wib()
    with pytest.raises(error):
        accounts.grant_acting(db, staff["pejabat"], role, start and now + timedelta(days=start),
                              end and now + timedelta(days=end), by=staff["admin"], now=now)
    assert accounts.grants_of(db, staff["pejabat"], now) == ()
    assert not audit_rows(db, "beri_peran_sementara")


def test_a_grant_form_with_a_bad_date_is_explained(admin_client, db, staff):
    response = post(admin_client, ADMIN + "akun/pejabat/peran-sementara",
                    {"role": "kadis", "valid_until": "besok sore"})
    assert response.status_code == 422
    assert "Isi tanggal dan jam dengan benar" in response.get_data(as_text=True)
    response = post(admin_client, ADMIN + "akun/pejabat/peran-sementara", {"role": "kadis", "valid_until": ""})
    assert response.status_code == 422
    assert "Isi akhir masa berlaku" in response.get_data(as_text=True)
    assert accounts.grants_of(db, staff["pejabat"], wib()) == ()


def test_an_acting_role_lapses_in_the_open_session_when_the_period_ends(app, client, db, staff):
    """A pejabat made Plh Kadis until one hour from now may take a kadis step (the refusal, if
    any, is about the complaint's state: 409), and once the period is over (the portal's clock
    moved on two hours) the same session is refused the step (403) without signing in again."""
    client.post("/pengaduan/", data={**VALID, "csrf_token": token(client, "/pengaduan/")},
                content_type="multipart/form-data")
    ref = db.execute("SELECT ref FROM complaints").fetchone()[0]
    now = wib()
    accounts.grant_acting(db, staff["pejabat"], "kadis", now - timedelta(minutes=1), now + timedelta(hours=1),
                          by=staff["admin"], now=now)
    app.extensions["portal.clock"] = lambda: now
    login(client, "pejabat")
    page = f"/pengaduan/staf/p/{ref}"
    disposisi = {"pejabat_id": str(staff["pejabat"]), "instruksi": "Tindak lanjuti.", "batas": "2099-01-01"}
    assert post(client, page + "/langkah/disposisi", disposisi, page=page).status_code == 409
    later = now + timedelta(hours=2)
    app.extensions["portal.clock"] = lambda: later
    response = post(client, page + "/langkah/disposisi", disposisi, page=page)
    assert response.status_code == 403
    assert "tidak berwenang" in response.get_data(as_text=True)
    assert users.roles_of(db, staff["pejabat"], later) == {"pejabat"}


# ---------------------------------------------------------------- session expiry

def aged_session_cookie(app, client, hours: float) -> None:
    """Re-sign the client's session cookie as if it had been issued `hours` ago (Flask checks
    the signature's timestamp against PERMANENT_SESSION_LIFETIME on every request)."""
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    data = serializer.loads(client.get_cookie(name).value)
    signer = serializer.make_signer()
    signer.get_timestamp = lambda: int(time.time() - hours * 3600)
    client.set_cookie(name, signer.sign(serializer.dump_payload(data)).decode())


def test_a_staff_session_older_than_session_hours_is_refused(tmp_path, smtp):
    app = create_app(conftest.portal_config(tmp_path / "data", smtp.port) | {"SESSION_HOURS": 8})
    database = connect(app.config["DATABASE"])
    users.create_user(database, "ani", PASSWORD, display_name="Ani", roles=["operator"], now=wib())
    database.close()
    client = app.test_client()
    response = login(client, "ani")
    assert response.status_code == 302
    assert "Expires=" in response.headers["Set-Cookie"]  # the browser forgets it too
    aged_session_cookie(app, client, 7.5)
    assert client.get(INDEX).status_code == 200  # within SESSION_HOURS: still signed in
    aged_session_cookie(app, client, 8.5)
    assert goes_to_login(client.get(INDEX))


def test_admin_sets_the_digest_address(tmp_path, smtp):
    app = create_app(conftest.portal_config(tmp_path / "data", smtp.port))
    database = connect(app.config["DATABASE"])
    users.create_user(database, "boss", PASSWORD, display_name="Boss", roles=["admin"], now=wib())
    ani = users.create_user(database, "ani", PASSWORD, display_name="Ani", roles=["operator"], now=wib())
    client = app.test_client()
    login(client, "boss")
    csrf = token(client, "/pengaduan/staf/admin/akun/ani")
    bad = client.post("/pengaduan/staf/admin/akun/ani/email", data={"csrf_token": csrf, "email": "bukan-email"})
    assert bad.status_code == 422 and "Alamat e-mail tidak valid" in bad.get_data(as_text=True)
    assert accounts.email_of(database, ani) is None
    client.post("/pengaduan/staf/admin/akun/ani/email", data={"csrf_token": csrf, "email": "ani@contoh.id"})
    assert accounts.email_of(database, ani) == "ani@contoh.id"
