"""A reply that still carries a template's fill-in part ("[tanggal]") never reaches a citizen:
it can be neither submitted nor approved, and the official is told which part to fill in."""

from datetime import datetime, timedelta

import pytest

from portal.db import prepare
from portal.domain import catalog as catalog_module, complaints, handling
from portal.domain.calendar import Calendar
from conftest import ROOT, VALID, actors

CATALOG = catalog_module.load(ROOT / "content")
NOW = datetime(2026, 11, 2, 9, 0)
GENERAL = next(body for cat, title, body in CATALOG.reply_templates if cat == "*")


@pytest.fixture
def db(tmp_path):
    return prepare(str(tmp_path / "portal.db"))


@pytest.fixture
def people(db):
    accounts = {"ops": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"]}
    return actors(db, accounts, now=NOW, display=str.title, jabatan=dict.fromkeys(accounts))


@pytest.fixture
def case(db, tmp_path, people):
    """A complaint disposed to the official, who now drafts the reply."""
    new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility="rahasia", body=VALID["body"], name="Siti",
                                  email="siti@contoh.id", consent=True)
    cid = complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=Calendar.default(),
                                    upload_dir=str(tmp_path), now=NOW, base_url="http://x").id
    handling.telaah_fit(db, cid, people["ops"], NOW)
    handling.create_nota_dinas(db, cid, people["kabid"], NOW, catalog=CATALOG, sifat="Segera", hal="KTP-el",
                               ringkasan="KTP-el belum jadi.", telaah="Layak.", tembusan=[people["pejabat"].id])
    handling.dispose(db, cid, people["kadis"], NOW, pejabat_id=people["pejabat"].id, instruksi="Buat konsep.",
                     batas=NOW.date() + timedelta(days=3))
    return cid


def _state(db, cid):
    return db.execute("SELECT state FROM complaints WHERE id = ?", [cid]).fetchone()[0]


def test_a_draft_with_the_template_part_left_in_cannot_be_submitted(db, people, case):
    before = (_state(db, case), db["events"].count)
    with pytest.raises(handling.HandlingError) as refused:
        handling.submit_draft(db, case, people["pejabat"], NOW, body=GENERAL)
    message = str(refused.value)
    assert "[Tanggapan atas pokok pengaduan.]" in message and "belum diisi" in message
    assert (_state(db, case), db["events"].count) == before
    assert db.execute("SELECT count(*) FROM konsep WHERE submitted_at IS NOT NULL").fetchone()[0] == 0

    filled = GENERAL.replace("[Tanggapan atas pokok pengaduan.]", "KTP-el Anda dapat diambil Senin.")
    handling.submit_draft(db, case, people["pejabat"], NOW, body=filled)
    assert _state(db, case) != before[0]


@pytest.mark.parametrize("index", range(len(CATALOG.reply_templates)))
def test_every_template_as_it_stands_is_refused_naming_each_part(db, people, case, index):
    body = CATALOG.reply_templates[index][2]
    with pytest.raises(handling.HandlingError) as refused:
        handling.submit_draft(db, case, people["pejabat"], NOW, body=body)
    parts = [piece.split("]")[0] for piece in body.split("[")[1:]]
    assert parts, "each template has at least one part to fill in"
    assert all(f"[{part}]" in str(refused.value) for part in parts)


def test_a_link_in_the_reply_is_not_a_placeholder(db, people, case):
    handling.submit_draft(db, case, people["pejabat"], NOW,
                          body="Silakan cek jadwal di [laman kami](https://dispendukcapil.trenggalekkab.go.id).")
    assert db.execute("SELECT count(*) FROM konsep WHERE submitted_at IS NOT NULL").fetchone()[0] == 1


def test_a_draft_submitted_before_the_check_cannot_be_approved(db, people, case):
    handling.submit_draft(db, case, people["pejabat"], NOW, body="Isi sementara.")
    # The draft as an older version of the portal let it through, template part and all.
    db.execute("UPDATE konsep SET body = ?", [GENERAL])
    db.conn.commit()
    state = _state(db, case)
    with pytest.raises(handling.HandlingError, match=r"\[Tanggapan atas pokok pengaduan\.\]"):
        handling.approve(db, case, people["kadis"], NOW, catalog=CATALOG)
    assert _state(db, case) == state
    assert db.execute("SELECT count(*) FROM letter_numbers WHERE kind = 'surat_tanggapan'").fetchone()[0] == 0
    assert handling.approved_reply(db, case) is None
    # The Kepala Dinas can still send it back for the official to fill in.
    handling.return_draft(db, case, people["kadis"], NOW, note="Lengkapi isi tanggapan.")
