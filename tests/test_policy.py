"""Who may do what outside the step table: the personal-data rule (only the operator, kabid,
kadis and the pejabat named on the complaint see who complained), who holds a role now
(an acting official whose period has ended is no longer offered nor accepted), and refusal
tests generated from the policy table."""

import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import url_for

import conftest
from conftest import LOGIN, PASSWORD, VALID, actors, login, photo_bytes, token
from portal.domain import accounts, handling, policy, tracking, users

WIB = ZoneInfo("Asia/Jakarta")
INDEX = "/pengaduan/staf/"

# What identifies the complainant of the complaint below, in every form it is shown.
IDENTITY = ("Siti", "Aminah", "siti@contoh.id", "081234567890", "3503114508900001", "0001", "Ngares",
            "foto-ktp.jpg")
BODY = ("Saya Siti Aminah, NIK 3503114508900001, HP 081234567890. KTP-el saya belum jadi sejak tiga bulan "
        "lalu padahal sudah rekam.")


def wib() -> datetime:
    return datetime.now(WIB).replace(microsecond=0)


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": token(client, page)})


@pytest.fixture
def staff(db):
    """One account per role; three officials: the one the complaint is disposed to (pejabat),
    one copied on its nota dinas (tembusan) and one with nothing to do with it (lain)."""
    accounts = {"operator": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"],
                "tembusan": ["pejabat"], "lain": ["pejabat"], "admin": ["admin"], "data": ["data"]}
    return actors(db, accounts, jabatan={name: f"Jabatan {name}" for name in accounts})


def file_complaint(client, db) -> dict:
    form = {**VALID, "body": BODY, "csrf_token": token(client, "/pengaduan/"),
            "files": [(io.BytesIO(photo_bytes()), "foto-ktp.jpg")]}
    assert client.post("/pengaduan/", data=form, content_type="multipart/form-data").status_code in (200, 303)
    row = db.execute("SELECT id, ref, tracking_code FROM complaints ORDER BY id DESC LIMIT 1").fetchone()
    return {"id": row[0], "ref": row[1], "code": tracking.display(row[2])}


@pytest.fixture
def disposed(app, client, db, staff):
    """A rahasia complaint with a photo, its nota dinas copied to `tembusan`, disposed to `pejabat`;
    the operator's note names the complainant."""
    c = file_complaint(client, db)
    now = wib()
    handling.telaah_fit(db, c["id"], staff["operator"], now, note="Sudah menelepon Ibu Siti Aminah di 081234567890.")
    handling.create_nota_dinas(db, c["id"], staff["kabid"], now, catalog=app.extensions["portal.catalog"],
                               sifat="Rahasia", hal="Pengaduan KTP-el", ringkasan="KTP-el Siti Aminah belum jadi.",
                               telaah="Layak.", tembusan=[staff["tembusan"].id])
    handling.dispose(db, c["id"], staff["kadis"], now, pejabat_id=staff["pejabat"].id, instruksi="Buat konsep.",
                     batas=now.date() + timedelta(days=5))
    c["attachment"] = db.execute("SELECT stored_name FROM attachments WHERE complaint_id = ?", [c["id"]]).fetchone()[0]
    return c


def shows_identity(text: str) -> list[str]:
    return [marker for marker in IDENTITY if marker in text]


# ---------------------------------------------------------------- personal data (item 12)

@pytest.mark.parametrize("who", ["lain", "admin"])
def test_staff_not_named_on_the_complaint_see_the_case_without_identity(client, disposed, who):
    login(client, who)
    case = f"/pengaduan/staf/p/{disposed['ref']}"
    page = client.get(case)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert disposed["code"] in text and "KTP-el saya belum jadi" in text  # the case itself
    assert shows_identity(text) == []
    assert "disembunyikan" in text
    assert client.get(f"{case}/lampiran/{disposed['attachment']}").status_code == 403
    for kind in ("nota-dinas", "lembar-disposisi"):
        for fmt in ("html", "docx"):
            response = client.get(f"{case}/dokumen/{kind}.{fmt}")
            assert response.status_code == 403, (kind, fmt)
            assert "data pribadi" in response.get_data(as_text=True).lower()
    trail = client.get(f"{case}/jejak.csv")
    assert trail.status_code == 200 and "telaah_layak" in trail.get_data(as_text=True)
    assert shows_identity(trail.get_data(as_text=True)) == []


@pytest.mark.parametrize("who", ["pejabat", "tembusan", "operator", "kabid", "kadis"])
def test_the_officials_the_sop_names_see_the_identity(client, disposed, who):
    login(client, who)
    case = f"/pengaduan/staf/p/{disposed['ref']}"
    text = client.get(case).get_data(as_text=True)
    assert "Siti Aminah" in text and "siti@contoh.id" in text and "Ngares" in text and "foto-ktp.jpg" in text
    attachment = client.get(f"{case}/lampiran/{disposed['attachment']}")
    assert attachment.status_code == 200 and attachment.data[:2] == b"\xff\xd8"
    nota = client.get(f"{case}/dokumen/nota-dinas.html")
    assert nota.status_code == 200 and "Siti Aminah" in nota.get_data(as_text=True)
    assert "Siti Aminah" in client.get(f"{case}/jejak.csv").get_data(as_text=True)


def test_searching_the_inbox_by_identity_finds_nothing_for_an_official_not_named(client, disposed):
    for who, found in (("lain", False), ("admin", False), ("pejabat", True), ("tembusan", True), ("operator", True)):
        login(client, who)
        for q in ("Aminah", "3503114508900001"):
            text = client.get(INDEX, query_string={"semua": "1", "q": q}).get_data(as_text=True)
            assert (disposed["code"] in text) is found, (who, q)
    login(client, "lain")  # the case is still listed, without identity, when not searched by it
    assert disposed["code"] in client.get(INDEX, query_string={"semua": "1"}).get_data(as_text=True)


def test_a_pejabat_whose_acting_period_ended_loses_the_identity_too(client, db, disposed, staff):
    """The rule asks for the role held now: named on the complaint is not enough."""
    plh = users.create_user(db, "plh", PASSWORD, display_name="Plh", roles=["admin"], now=wib())
    start = wib() - timedelta(days=10)
    accounts.grant_acting(db, plh, "pejabat", start, start + timedelta(days=5), by=staff["admin"].id, now=start)
    db.execute("UPDATE disposisi SET pejabat_id = ? WHERE complaint_id = ?", [plh, disposed["id"]])
    db.conn.commit()
    login(client, "plh")
    page = client.get(f"/pengaduan/staf/p/{disposed['ref']}")
    assert page.status_code == 200 and shows_identity(page.get_data(as_text=True)) == []


# ---------------------------------------------------------------- who holds a role now (item 13)

@pytest.fixture
def acting(db, staff):
    """Two acting officials: one whose period ended yesterday, one whose period runs now."""
    now = wib()
    ended = users.create_user(db, "plh.lama", PASSWORD, display_name="Plh Lama", jabatan="Plh Kabid Lama",
                              roles=["operator"], now=now)
    start = now - timedelta(days=10)
    accounts.grant_acting(db, ended, "pejabat", start, now - timedelta(days=1), by=staff["admin"].id, now=start)
    running = users.create_user(db, "plt.baru", PASSWORD, display_name="Plt Baru", jabatan="Plt Kabid Baru",
                                roles=["operator"], now=now)
    accounts.grant_acting(db, running, "pejabat", now - timedelta(days=1), now + timedelta(days=30),
                          by=staff["admin"].id, now=now)
    return {"ended": ended, "running": running}


@pytest.fixture
def at_nota_dinas(app, client, db, staff):
    c = file_complaint(client, db)
    now = wib()
    handling.telaah_fit(db, c["id"], staff["operator"], now)
    handling.create_nota_dinas(db, c["id"], staff["kabid"], now, catalog=app.extensions["portal.catalog"],
                               sifat="Biasa", hal="Pengaduan KTP-el", ringkasan="KTP-el belum jadi.",
                               telaah="Layak.", tembusan=[staff["pejabat"].id])
    return c


def state(db, cid):
    return db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0]


def test_holders_of_a_role_respect_the_acting_period(db, staff, acting):
    now = wib()
    ids = [h["id"] for h in users.holders(db, "pejabat", now)]
    assert acting["ended"] not in ids
    assert {acting["running"], staff["pejabat"].id, staff["lain"].id} <= set(ids)
    assert acting["ended"] in [h["id"] for h in users.holders(db, "pejabat", now - timedelta(days=2))]


def test_an_ended_acting_official_is_not_offered_for_disposisi_or_tembusan(client, db, staff, acting, at_nota_dinas):
    login(client, "kadis")
    page = client.get(f"/pengaduan/staf/p/{at_nota_dinas['ref']}").get_data(as_text=True)
    assert f'<option value="{acting["running"]}"' in page
    assert f'<option value="{acting["ended"]}"' not in page and "Plh Kabid Lama" not in page
    # The nota dinas form offers the same officials as tembusan.
    c = file_complaint(client, db)
    handling.telaah_fit(db, c["id"], staff["operator"], wib())
    login(client, "kabid")
    page = client.get(f"/pengaduan/staf/p/{c['ref']}").get_data(as_text=True)
    assert f'id="tembusan-{acting["running"]}"' in page
    assert f'id="tembusan-{acting["ended"]}"' not in page


def test_a_crafted_disposisi_to_an_ended_acting_official_is_refused_and_the_complaint_moves_on(
        client, db, staff, acting, at_nota_dinas):
    case = f"/pengaduan/staf/p/{at_nota_dinas['ref']}"
    batas = (date.today() + timedelta(days=5)).isoformat()
    login(client, "kadis")
    response = post(client, f"{case}/langkah/disposisi",
                    {"pejabat_id": str(acting["ended"]), "instruksi": "Buat konsep.", "batas": batas}, case)
    assert response.status_code == 422
    assert "Pilih pejabat" in response.get_data(as_text=True)
    assert state(db, at_nota_dinas["id"]) == "nota_dinas"
    assert db["disposisi"].count == 0
    # Not stuck: the Kepala Dinas disposes to the acting official whose period runs, who drafts.
    response = post(client, f"{case}/langkah/disposisi",
                    {"pejabat_id": str(acting["running"]), "instruksi": "Buat konsep.", "batas": batas}, case)
    assert response.status_code == 303
    login(client, "plt.baru")
    assert post(client, f"{case}/langkah/ajukan_konsep", {"body": "KTP-el Anda sudah dicetak."}, case
                ).status_code == 303
    assert state(db, at_nota_dinas["id"]) == "konsep"


def test_the_domain_refuses_an_ended_acting_official_as_assignee(app, client, db, staff, acting):
    c = file_complaint(client, db)
    now = wib()
    handling.telaah_fit(db, c["id"], staff["operator"], now)
    handling.create_nota_dinas(db, c["id"], staff["kabid"], now, catalog=app.extensions["portal.catalog"],
                               sifat="Biasa", hal="Hal", ringkasan="Ringkasan.", telaah="Layak.",
                               tembusan=[acting["running"]])
    with pytest.raises(handling.HandlingError, match="Pilih pejabat"):
        handling.dispose(db, c["id"], staff["kadis"], now, pejabat_id=acting["ended"], instruksi="Konsep.",
                         batas=now.date() + timedelta(days=3))
    assert state(db, c["id"]) == "nota_dinas"


def test_an_admin_cannot_grant_a_period_that_has_already_ended(client, db, staff):
    now = wib()
    with pytest.raises(accounts.InvalidPeriod, match="sudah berakhir"):
        accounts.grant_acting(db, staff["lain"].id, "kadis", now - timedelta(days=5), now - timedelta(days=1),
                              by=staff["admin"].id, now=now)
    login(client, "admin")
    page = "/pengaduan/staf/admin/akun/lain"
    yesterday = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post(client, page + "/peran-sementara",
                    {"role": "kadis", "valid_from": (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                     "valid_until": yesterday}, page)
    assert response.status_code == 422
    assert "sudah berakhir" in response.get_data(as_text=True)
    assert accounts.grants_of(db, staff["lain"].id, now) == ()


# ---------------------------------------------------------------- the policy table, generated

def test_the_table_names_only_known_roles_and_keeps_personal_data_exports_to_its_roles():
    for action in policy.ACTIONS.values():
        assert set(action.roles) | set(action.named) <= set(users.ROLES), action.code
        if action.personal_data:
            assert set(action.roles) <= set(policy.ACTIONS["data_pribadi"].roles), action.code


def routes_of(app, action: str) -> list[tuple[str, str]]:
    """(method, path) of every page guarded by `action`; URL parts are placeholders, because
    the refusal comes before the page reads them."""
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if getattr(app.view_functions[rule.endpoint], "policy_action", None) != action:
                continue
            path = url_for(rule.endpoint, **{arg: "1" for arg in rule.arguments})
            out += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def test_every_staff_page_is_guarded_by_a_policy_action(app):
    """A page added without @requires(action) would let every signed-in account in."""
    unguarded = {"auth.login", "auth.logout", "auth.password"}  # signing in, out, own password
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/pengaduan/staf") and rule.endpoint not in unguarded
               and getattr(app.view_functions[rule.endpoint], "policy_action", None) not in policy.ACTIONS]
    assert missing == []


# Actions taken inside a page guarded by another action, and checked by the domain itself
# (email_tertunda: the unsent-mail notice on the inbox, inbox.mail_notice).
DOMAIN_ONLY = {"publikasi_setujui", "email_tertunda"}


def test_every_action_guards_a_page_or_is_checked_in_the_domain(app):
    without_page = {action for action in policy.ACTIONS if not routes_of(app, action)}
    assert without_page == DOMAIN_ONLY


def test_the_domain_refuses_publication_to_every_role_the_policy_refuses(db):
    from portal.domain import publication
    for role in users.ROLES:
        actor = handling.Actor(1, frozenset({role}))
        for action, call in (("publikasi_setujui", lambda: publication.approve(db, 1, actor, wib(), body="x",
                                                                                 reply="y")),
                             ("publikasi_tarik", lambda: publication.withdraw(db, 1, actor, wib()))):
            if not policy.reachable(action, {role}):
                with pytest.raises(publication.NotPublishable, match="Hanya Operator Pengaduan"):
                    call()


REFUSED = [(action, role) for action in policy.ACTIONS for role in users.ROLES if not policy.reachable(action, {role})]


@pytest.mark.parametrize("action,role", REFUSED, ids=[f"{a}-{r}" for a, r in REFUSED])
def test_every_role_the_policy_refuses_gets_403_and_changes_nothing(app, client, db, action, role):
    users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role], now=wib())
    with pytest.raises(policy.NotPermitted):
        policy.check(action, {role}, user_id=1, named={1})
    login(client, role)
    before = conftest.table_counts(db)
    for method, path in routes_of(app, action):
        data = {"csrf_token": token(client, "/pengaduan/staf/kata-sandi")} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Akses ditolak" in response.get_data(as_text=True)
    assert conftest.table_counts(db) == before


@pytest.mark.parametrize("action", list(policy.ACTIONS))
def test_anonymous_visitors_are_sent_to_login_for_every_action(app, client, db, action):
    before = conftest.table_counts(db)
    for method, path in routes_of(app, action):
        data = {"csrf_token": token(client)} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        assert response.status_code == 302 and response.headers["Location"].startswith(LOGIN), (method, path)
    assert conftest.table_counts(db) == before


ALLOWED = [(action, role) for action in policy.ACTIONS for role in users.ROLES if policy.reachable(action, {role})]


@pytest.mark.parametrize("action,role", ALLOWED, ids=[f"{a}-{r}" for a, r in ALLOWED])
def test_every_role_the_policy_allows_passes_the_door(app, client, db, action, role):
    """Pages are read with placeholder URL parts: not found or bad input, never refused."""
    users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role], now=wib())
    login(client, role)
    for method, path in routes_of(app, action):
        if method == "GET":
            status = client.get(path).status_code
            assert status != 403 and status < 500, (path, status)


@pytest.mark.parametrize("role", list(users.ROLES))
def test_the_staff_menu_shows_exactly_the_pages_the_policy_allows(app, client, db, role):
    users.create_user(db, role, PASSWORD, display_name=f"Petugas {role}", roles=[role], now=wib())
    page = client.get(login(client, role).headers["Location"])  # where the account lands
    assert page.status_code == 200
    nav = re.search(r'<nav class="staff-nav".*?</nav>', page.get_data(as_text=True), re.S).group(0)
    adapter = app.url_map.bind("localhost")
    linked = {getattr(app.view_functions[adapter.match(href)[0]], "policy_action", None)
              for href in re.findall(r'<a href="([^"]+)"', nav)}
    with app.test_request_context():
        menu = {action for action in policy.ACTIONS for rule in app.url_map.iter_rules()
                if not rule.arguments and "GET" in rule.methods
                and getattr(app.view_functions[rule.endpoint], "policy_action", None) == action}
    assert linked == {a for a in menu if policy.reachable(a, {role})}
