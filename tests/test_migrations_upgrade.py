"""A database made by the first release upgrades to the current schema with its data intact.

Generic on purpose: the database is built with the first migration only and filled with
realistic rows; then `db.prepare` applies every later migration, whatever they are. The
upgraded schema must equal a fresh database's, every first-release row must read back the
same, the complaints must have their staff references, and the portal must serve them.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal import db as database
from portal.domain import tracking
from portal.migrations import migrations

FIRST = migrations._migrations[0].name
SECOND = migrations._migrations[1].name
TZ = ZoneInfo("Asia/Jakarta")


def first_release_database(path) -> dict:
    """Build a database with the first migration only and fill every one of its tables."""
    db = database.connect(str(path))
    db.enable_wal()
    migrations.apply(db, stop_before=SECOND)
    assert [m.name for m in migrations.applied(db)] == [FIRST]
    start = datetime(2025, 3, 3, 9, 15, tzinfo=TZ)
    at = lambda minutes: (start + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    with database.write_transaction(db):
        db["users"].insert_all([
            {"id": 1, "username": "admin", "password_hash": "scrypt:32768:8:1$x$y", "display_name": "Administrator",
             "jabatan": None, "active": 1, "must_change_password": 0, "session_version": 3, "created_at": at(0)},
            {"id": 2, "username": "ani", "password_hash": "scrypt:32768:8:1$a$b", "display_name": "Ani Rahayu",
             "jabatan": "Operator Pengaduan", "active": 1, "must_change_password": 1, "session_version": 1,
             "created_at": at(1)},
        ])
        db["user_roles"].insert_all([
            {"user_id": 1, "role": "admin", "valid_from": None, "valid_until": None, "granted_by": None,
             "granted_at": at(0)},
            {"user_id": 2, "role": "operator", "valid_from": "2025-03-01", "valid_until": "2025-12-31",
             "granted_by": 1, "granted_at": at(2)},
        ])
        codes = [tracking.normalise(tracking.new_code()) for _ in range(3)]
        db["complaints"].insert_all([
            {"id": 1, "tracking_code": codes[0], "channel": "web", "lapor_id": None, "received_at": at(10),
             "state": "diterima", "category": "akta-kelahiran", "kecamatan": "35.03.11", "desa": "35.03.11.2001",
             "visibility": "rahasia", "name": "Siti Aminah", "email": "siti@contoh.id", "phone": "081234567890",
             "nik": "3503114508900001", "body": "Akta kelahiran anak saya salah tulis nama ibu.",
             "consent_at": at(10), "entered_by": None},
            {"id": 2, "tracking_code": codes[1], "channel": "sp4n-lapor", "lapor_id": "LAPOR-1234567",
             "received_at": at(20), "state": "diterima", "category": "ktp-el", "kecamatan": "35.03.01",
             "desa": "35.03.01.2001", "visibility": "publik", "name": "Budi Santoso", "email": None,
             "phone": "081298765432", "nik": None, "body": "KTP-el belum jadi sejak tiga bulan lalu.",
             "consent_at": None, "entered_by": 2},
            {"id": 3, "tracking_code": codes[2], "channel": "web", "lapor_id": None, "received_at": at(30),
             "state": "diterima", "category": "ktp-el", "kecamatan": "35.03.11", "desa": "35.03.11.2001",
             "visibility": "anonim", "name": None, "email": None, "phone": None, "nik": None,
             "body": "Antrean perekaman sangat panjang dan tidak tertib.", "consent_at": at(30), "entered_by": None},
        ])
        for cid, minutes in ((1, 10), (2, 20), (3, 30)):
            db["events"].insert({"complaint_id": cid, "at": at(minutes), "kind": "diterima", "from_state": None,
                                 "to_state": "diterima", "actor_id": 2 if cid == 2 else None,
                                 "actor_role": "operator" if cid == 2 else "warga", "note": "Formulir web",
                                 "body": None})
        db["attachments"].insert({"complaint_id": 1, "event_id": 1, "stored_name": "Xy12abc.jpg",
                                  "original_name": "bukti.jpg", "mime": "image/jpeg", "size": 12345,
                                  "sha256": "ab" * 32, "created_at": at(10)})
        db["outbox"].insert_all([
            {"created_at": at(10), "complaint_id": 1, "recipient": "siti@contoh.id", "subject": "Pengaduan diterima",
             "body": "Terima kasih.", "message_id": "<a1@contoh.id>", "status": "sent", "attempts": 1,
             "next_attempt_at": at(10), "claimed_at": at(11), "last_error": None, "sent_at": at(11)},
            {"created_at": at(40), "complaint_id": 1, "recipient": "siti@contoh.id", "subject": "Informasi",
             "body": "Mohon lengkapi.", "message_id": "<a2@contoh.id>", "status": "pending", "attempts": 2,
             "next_attempt_at": at(50), "claimed_at": None, "last_error": "SMTPServerDisconnected",
             "sent_at": None},
        ])
        db["audit_log"].insert({"at": at(2), "actor_id": 1, "action": "role_granted", "detail": "ani operator"})
    tables = [t for t in db.table_names() if not t.startswith("_")]
    snapshot = {t: (db[t].columns_dict.keys(), db.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall())
                for t in tables}
    empty = [t for t, (_, rows) in snapshot.items() if not rows]
    assert empty == [], f"fill these first-release tables too: {empty}"
    db.close()
    return {"snapshot": snapshot, "codes": codes}


def schema(path) -> list:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    finally:
        conn.close()
    return [(t, n, tbl, re.sub(r"\s+", " ", sql or "")) for t, n, tbl, sql in rows]


def test_first_release_database_upgrades_with_its_data(tmp_path):
    old = tmp_path / "lama.db"
    made = first_release_database(old)

    db = database.prepare(str(old))
    assert migrations.pending(db) == []
    for table, (columns, rows) in made["snapshot"].items():
        cols = ", ".join(f"[{c}]" for c in columns)
        assert db.execute(f"SELECT {cols} FROM [{table}] ORDER BY rowid").fetchall() == rows, table
    refs = [r[0] for r in db.execute("SELECT ref FROM complaints")]
    assert all(refs) and len(set(refs)) == len(refs)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()

    fresh = tmp_path / "baru.db"
    database.prepare(str(fresh)).close()
    assert schema(old) == schema(fresh)


def test_upgrade_is_idempotent_and_each_step_keeps_the_data(tmp_path):
    path = tmp_path / "bertahap.db"
    made = first_release_database(path)
    names = [m.name for m in migrations._migrations]
    for upto in range(2, len(names) + 1):
        db = database.connect(str(path))
        migrations.apply(db, stop_before=names[upto] if upto < len(names) else None)
        assert [m.name for m in migrations.applied(db)] == names[:upto]
        assert db.execute("SELECT count(*) FROM complaints").fetchone()[0] == len(made["codes"])
        db.close()
    database.prepare(str(path)).close()  # nothing left to do
    database.prepare(str(path)).close()


def test_the_portal_serves_an_upgraded_database(tmp_path, request):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    made = first_release_database(data_dir / "portal.db")
    client = request.getfixturevalue("client")  # the app starts on the first-release database
    csrf = request.getfixturevalue("csrf")
    html = client.post("/pengaduan/lacak", data={"code": tracking.display(made["codes"][0]),
                                                  "csrf_token": csrf("/pengaduan/lacak")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Pengaduan diterima" in html
    db = request.getfixturevalue("db")
    assert [r[0] for r in db.execute("SELECT rowid FROM search WHERE search MATCH 'antrean'")] == [3]
