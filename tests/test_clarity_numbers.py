"""Letter numbers: each kind of letter counts on its own and no two documents ever carry the same
number or download under the same file name, even when two processes issue letters at once."""

import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta

import pytest

from portal.db import connect, prepare
from portal.domain import catalog as catalog_module, complaints, documents, handling
from portal.domain.calendar import Calendar
from portal.migrations import migrations
from conftest import ROOT, VALID, actors

CATALOG = catalog_module.load(ROOT / "content")
NOW = datetime(2026, 11, 2, 9, 0)
ROLES = {"ops": "operator", "kabid": "kabid", "kadis": "kadis", "pejabat": "pejabat"}


def make_people(db):
    accounts = {name: [role] for name, role in ROLES.items()}
    return actors(db, accounts, now=NOW, display=str.title, jabatan=dict.fromkeys(accounts))


def file(db, tmp_path) -> int:
    new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti",
                                  email="siti@contoh.id", consent=True)
    return complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=Calendar.default(),
                                     upload_dir=str(tmp_path), now=NOW, base_url="http://x").id


def handle(db, cid, p, catalog=CATALOG):
    """Every step up to the approved reply: one nota dinas and one surat tanggapan."""
    handling.telaah_fit(db, cid, p["ops"], NOW)
    handling.create_nota_dinas(db, cid, p["kabid"], NOW, catalog=catalog, sifat="Segera", hal="KTP-el",
                               ringkasan="KTP-el belum jadi.", telaah="Layak.", tembusan=[p["pejabat"].id])
    handling.dispose(db, cid, p["kadis"], NOW, pejabat_id=p["pejabat"].id, instruksi="Buat konsep.",
                     batas=NOW.date() + timedelta(days=3))
    handling.submit_draft(db, cid, p["pejabat"], NOW, body="KTP-el Anda dapat diambil Senin.")
    handling.approve(db, cid, p["kadis"], NOW, catalog=catalog)


def issued(db) -> tuple[list[str], list[str]]:
    """Every number on a letter, and every document's download file name."""
    numbers = [r[0] for r in db.execute("SELECT nomor FROM nota_dinas")]
    numbers += [r[0] for r in db.execute("SELECT nomor_surat FROM konsep WHERE nomor_surat IS NOT NULL")]
    names = []
    for (cid,) in db.execute("SELECT DISTINCT complaint_id FROM letter_numbers").fetchall():
        for kind in documents.KINDS:
            names.append(documents.render(db, cid, kind, "html", CATALOG.office)[2])
    return numbers, names


def duplicates(values):
    return sorted(v for v, n in Counter(values).items() if n > 1)


def test_the_first_nota_dinas_and_the_first_reply_differ_in_number_and_file_name(tmp_path):
    db = prepare(str(tmp_path / "portal.db"))
    handle(db, file(db, tmp_path), make_people(db))
    numbers, names = issued(db)
    assert len(numbers) == 2 and duplicates(numbers) == []
    stems = [name.split("-", 2)[-1] for name in names if not name.startswith("lembar-disposisi")]
    assert len(stems) == 2 and stems[0] != stems[1], stems


WORKER = """
import sys, datetime
from portal.db import connect
from portal.domain import catalog, handling
sys.path.insert(0, "tests")
from test_clarity_numbers import handle
db = connect(sys.argv[1])
people = {name: handling.Actor(int(uid), frozenset({role})) for name, uid, role in
          (item.split(":") for item in sys.argv[3].split(","))}
for cid in sys.argv[4].split(","):
    handle(db, int(cid), people, catalog.load(sys.argv[2]))
print("ok")
"""


def test_many_letters_from_two_processes_at_once_never_share_a_number(tmp_path):
    db = prepare(str(tmp_path / "portal.db"))
    people = make_people(db)
    ids = [file(db, tmp_path) for _ in range(24)]
    db.conn.close()
    who = ",".join(f"{name}:{actor.id}:{ROLES[name]}" for name, actor in people.items())
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / "portal.db"), str(ROOT / "content"), who,
                               ",".join(str(i) for i in ids[half::2])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for half in (0, 1)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [out.strip() for out, _ in results] == ["ok", "ok"], [err[-2000:] for _, err in results]
    db = connect(str(tmp_path / "portal.db"))
    numbers, names = issued(db)
    assert len(numbers) == 48 and duplicates(numbers) == []
    assert len(names) == 72 and duplicates(names) == []
    for kind in ("nota_dinas", "surat_tanggapan"):
        seqs = [r[0] for r in db.execute("SELECT seq FROM letter_numbers WHERE kind = ? ORDER BY seq", [kind])]
        assert seqs == list(range(1, 25)), kind  # each kind its own sequence, without gaps


def test_the_database_refuses_a_second_letter_with_a_used_number(tmp_path):
    db = prepare(str(tmp_path / "portal.db"))
    cid = file(db, tmp_path)
    handle(db, cid, make_people(db))
    used = db.execute("SELECT nomor FROM nota_dinas").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO letter_numbers (kind, year, seq, nomor, complaint_id) VALUES (?, ?, ?, ?, ?)",
                   ["surat_tanggapan", 2026, 99, used, cid])


def test_a_pattern_that_reuses_a_number_is_refused_in_words(tmp_path):
    """Patterns can differ and still meet (an office changing them mid-year): the step is refused."""
    db = prepare(str(tmp_path / "portal.db"))
    people = make_people(db)
    handle(db, file(db, tmp_path), people)
    # The reply pattern set to the nota dinas one: the second reply would take the second nota's number.
    clashing = catalog_module.Catalog(**{**CATALOG.__dict__, "office": catalog_module.Office(
        **{**CATALOG.office.__dict__, "nomor_surat_tanggapan": CATALOG.office.nomor_nota_dinas})})
    cid = file(db, tmp_path)
    with pytest.raises(handling.HandlingError, match="sudah dipakai surat lain"):
        handle(db, cid, people, catalog=clashing)
    assert db.execute("SELECT count(*) FROM letter_numbers").fetchone()[0] == 3  # 2 of the first case, 1 nota
    assert db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0] == "konsep"


def test_alike_patterns_in_the_office_file_are_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "data", content / "data")
    dinas = content / "data" / "dinas.yml"
    text = dinas.read_text(encoding="utf-8")
    pattern = CATALOG.office.nomor_surat_tanggapan
    dinas.write_text(text.replace(CATALOG.office.nomor_nota_dinas, pattern), encoding="utf-8")
    with pytest.raises(catalog_module.CatalogError, match="dinas.yml.*must differ"):
        catalog_module.load(content)


def test_a_database_that_already_holds_a_shared_number_upgrades(tmp_path):
    db = connect(str(tmp_path / "portal.db"))
    db.enable_wal()
    migrations.apply(db, stop_before="m009_citizens")
    people = make_people(db)
    cid = file(db, tmp_path)
    shared = "400.10/1/406.011/2026"  # what the old default patterns gave both letters
    for kind in ("nota_dinas", "surat_tanggapan"):
        db["letter_numbers"].insert({"kind": kind, "year": 2026, "seq": 1, "nomor": shared, "complaint_id": cid})
    db.conn.commit()
    migrations.apply(db)
    assert db.execute("SELECT count(*) FROM letter_numbers WHERE nomor = ?", [shared]).fetchone()[0] == 2
    handle(db, file(db, tmp_path), people)
    numbers = [r[0] for r in db.execute("SELECT nomor FROM letter_numbers WHERE complaint_id != ?", [cid])]
    assert len(numbers) == 2 and shared not in numbers and duplicates(numbers) == []
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO letter_numbers (kind, year, seq, nomor, complaint_id) VALUES (?, ?, ?, ?, ?)",
                   ["publikasi", 2026, 1, shared, cid])
