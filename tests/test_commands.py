"""The commands an operator or a timer runs that no other test drives (`flask --app portal ...`
through Flask's CLI runner): what each prints and what it changes. The office's clock is set
through app.extensions["portal.clock"], the one the commands and the pages read."""

from __future__ import annotations

from datetime import timedelta

from conftest import VALID, actors, wib
from portal.domain import complaints, handling
from test_publication import answered


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def at(app, moment):
    app.extensions["portal.clock"] = lambda: moment


def filed(client, csrf, db) -> int:
    client.post("/pengaduan/", data={**VALID, "csrf_token": csrf()}, content_type="multipart/form-data")
    return db.execute("SELECT id FROM complaints").fetchone()[0]


def test_withdraw_unanswered_closes_a_complaint_only_after_the_information_limit(app, client, csrf, db):
    start = wib()
    at(app, start)
    cid = filed(client, csrf, db)
    ops = actors(db, {"ops": ["operator"]})["ops"]
    handling.request_information(db, cid, ops, start, note="Kirim foto KK.", base_url="http://x")
    at(app, start + timedelta(days=1))
    assert run(app, "withdraw-unanswered").strip() == "0 pengaduan dianggap dicabut."
    assert complaints.get(db, cid)["state"] == "menunggu_informasi"
    at(app, start + timedelta(days=40))  # past the 30 calendar days the citizen was given
    assert run(app, "withdraw-unanswered").strip() == "1 pengaduan dianggap dicabut."
    assert complaints.get(db, cid)["state"] == "dicabut"
    subject, recipient = db.execute("SELECT subject, recipient FROM outbox ORDER BY id DESC").fetchone()
    assert "dianggap dicabut" in subject and recipient == VALID["email"]


def test_reminders_send_queues_a_digest_for_staff_with_an_address(app, client, csrf, db):
    at(app, wib())
    filed(client, csrf, db)
    ids = actors(db, {"ops": ["operator"], "tanpa": ["operator"]})
    db.execute("UPDATE users SET email = 'ops@contoh.id' WHERE id = ?", [ids["ops"].id])
    db.conn.commit()
    assert run(app, "reminders", "send").strip() == "1 ringkasan diantrekan untuk dikirim."
    (subject,) = [row[0] for row in db.execute("SELECT subject FROM outbox WHERE recipient = 'ops@contoh.id'")]
    assert subject.startswith("Pengaduan menunggu tindakan Anda: 1")


def test_retention_apply_erases_personal_data_of_complaints_closed_long_ago(app, client, csrf, db, staff):
    cid, _ref = answered(client, csrf, db, staff, "rahasia")
    at(app, wib())
    assert run(app, "retention", "apply").strip() == "Data pribadi 0 pengaduan dihapus."
    assert db.execute("SELECT name FROM complaints WHERE id = ?", [cid]).fetchone()[0] == VALID["name"]
    at(app, wib() + timedelta(days=3 * 366))  # RETENTION_YEARS is 2
    assert run(app, "retention", "apply").strip() == "Data pribadi 1 pengaduan dihapus."
    row = db.execute("SELECT name, email, phone, nik FROM complaints WHERE id = ?", [cid]).fetchone()
    assert tuple(row) == (None, None, None, None)


def test_situs_buat_repo_creates_a_content_repository_from_the_project(app, tmp_path):
    folder = tmp_path / "isi-situs"
    output = run(app, "situs", "buat-repo", str(folder))
    assert f"PORTAL_CONTENT_REPO={folder}" in output
    assert (folder / ".git").is_dir() and (folder / "mkdocs.yml").is_file()
    assert (folder / "content" / "index.md").is_file()
