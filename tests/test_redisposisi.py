"""A complaint is never stuck on an acting official whose period ended after the disposisi: the
Kepala Dinas sees it (case page, own list, dashboard, daily digest) and disposes it again to an
official who holds the role now; while the official still holds the role the step is refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import VALID, token
from portal.domain import accounts, calendar as calendar_module
from portal.domain import complaints, handling, reminders, tracking, users, workflow

WIB = ZoneInfo("Asia/Jakarta")
PASSWORD = "kata-sandi-panjang"
LOGIN = "/pengaduan/staf/masuk"
BUTTON = "Kirim disposisi ulang"


def wib() -> datetime:
    return datetime.now(WIB).replace(microsecond=0)


def login(client, username):
    client.post("/pengaduan/staf/keluar", data={"csrf_token": token(client)})
    response = client.post(LOGIN, data={"username": username, "password": PASSWORD, "csrf_token": token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": token(client, page)})


def state(db, cid):
    return complaints.get(db, cid)["state"]


@pytest.fixture
def staff(db):
    at = wib() - timedelta(days=30)
    accounts = {"operator": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"],
                "admin": ["admin"]}
    return {name: handling.Actor(users.create_user(db, name, PASSWORD, display_name=f"Petugas {name}",
                                                   jabatan=f"Jabatan {name}", email=f"{name}@contoh.id",
                                                   roles=roles, now=at), frozenset(roles))
            for name, roles in accounts.items()}


def disposed(app, db, staff, pejabat_id: int, at: datetime) -> dict:
    """A complaint received, found fit, reported and disposed to `pejabat_id`, all at `at`."""
    catalog = app.extensions["portal.catalog"]
    new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti",
                                  email="siti@contoh.id", consent=True)
    cid = complaints.file_complaint(db, new, [], catalog=catalog, calendar=calendar_module.Calendar.default(),
                                    upload_dir=app.config["UPLOAD_DIR"], now=at, base_url="http://x").id
    handling.telaah_fit(db, cid, staff["operator"], at)
    handling.create_nota_dinas(db, cid, staff["kabid"], at, catalog=catalog, sifat="Biasa", hal="Pengaduan KTP-el",
                               ringkasan="KTP-el belum jadi.", telaah="Layak.", tembusan=[pejabat_id])
    handling.dispose(db, cid, staff["kadis"], at, pejabat_id=pejabat_id, instruksi="Buat konsep.",
                     batas=at.date() + timedelta(days=3))
    c = complaints.get(db, cid)
    return {"id": cid, "ref": c["ref"], "code": tracking.display(c["tracking_code"])}


@pytest.fixture
def plh(db, staff):
    """An acting official whose period ran from 20 days ago until yesterday."""
    start = wib() - timedelta(days=20)
    plh = users.create_user(db, "plh", PASSWORD, display_name="Plh Kasi", jabatan="Plh Kasi Pendaftaran",
                            roles=["operator"], now=start)
    accounts.grant_acting(db, plh, "pejabat", start, wib() - timedelta(days=1), by=staff["admin"].id, now=start)
    return plh


def test_a_complaint_disposed_to_a_plh_whose_period_ended_is_disposed_again_and_moves_on(app, client, db, staff, plh):
    during = wib() - timedelta(days=5)  # the Plh held the role then
    c = disposed(app, db, staff, plh, during)
    case = f"/pengaduan/staf/p/{c['ref']}"
    other = {"pejabat_id": str(staff["pejabat"].id), "instruksi": "Mohon Jabatan pejabat membuat konsep.",
             "batas": (wib().date() + timedelta(days=5)).isoformat()}

    # While the Plh held the role, the step was refused.
    with pytest.raises(workflow.WrongState, match="masih menjabat"):
        handling.redispose(db, c["id"], staff["kadis"], during, pejabat_id=staff["pejabat"].id,
                           instruksi="Ganti.", batas=during.date() + timedelta(days=3))

    # Today the period has ended: the Kepala Dinas is shown the complaint and the button.
    login(client, "kadis")
    assert c["code"] in client.get("/pengaduan/staf/").get_data(as_text=True)
    dashboard = client.get("/pengaduan/staf/dasbor").get_data(as_text=True)
    assert "tidak lagi menjabat" in dashboard and c["code"] in dashboard
    mail = reminders.digest(db, staff["kadis"].id, catalog=app.extensions["portal.catalog"],
                            calendar=calendar_module.Calendar.default(), now=wib(), base_url="http://x")
    assert mail is not None and c["code"] in mail[1] and reminders.STUCK in mail[1]
    assert BUTTON in client.get(case).get_data(as_text=True)

    # An official who does not hold the role now cannot be chosen either.
    refused = post(client, f"{case}/langkah/disposisi_ulang", {**other, "pejabat_id": str(plh)}, case)
    assert refused.status_code == 422 and "Pilih pejabat" in refused.get_data(as_text=True)

    response = post(client, f"{case}/langkah/disposisi_ulang", other, case)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert state(db, c["id"]) == "disposisi"
    page = client.get(case).get_data(as_text=True)
    assert BUTTON not in page and "Mohon Jabatan pejabat membuat konsep." in page
    assert c["code"] not in client.get("/pengaduan/staf/").get_data(as_text=True)

    # The new official drafts and submits; the complaint reaches konsep.
    login(client, "pejabat")
    assert c["code"] in client.get("/pengaduan/staf/").get_data(as_text=True)
    response = post(client, f"{case}/langkah/ajukan_konsep", {"body": "KTP-el Anda sudah dicetak."}, case)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert state(db, c["id"]) == "konsep"


def test_disposisi_ulang_is_refused_while_the_official_still_holds_the_role(app, client, db, staff):
    c = disposed(app, db, staff, staff["pejabat"].id, wib() - timedelta(days=1))
    case = f"/pengaduan/staf/p/{c['ref']}"
    login(client, "kadis")
    page = client.get(case).get_data(as_text=True)
    assert BUTTON not in page
    assert c["code"] not in client.get("/pengaduan/staf/").get_data(as_text=True)
    assert "tidak lagi menjabat" not in client.get("/pengaduan/staf/dasbor").get_data(as_text=True)
    response = post(client, f"{case}/langkah/disposisi_ulang",
                    {"pejabat_id": str(staff["pejabat"].id), "instruksi": "Ganti.",
                     "batas": (wib().date() + timedelta(days=5)).isoformat()}, case)
    assert response.status_code == 409 and "masih menjabat" in response.get_data(as_text=True)
    assert [e["kind"] for e in complaints.events_of(db, c["id"])][-1] == "disposisi"
    assert db["disposisi"].count == 1
