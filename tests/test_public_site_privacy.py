"""No personal data reaches the public site: a set of complaints full of names, NIKs, phone
numbers, e-mail addresses and tracking codes is taken through the workflow, the public ones are
published (redacted and approved), the site is built from the exported files, and every file
of the built site (HTML, JSON, search index, PDF text, feeds, sitemaps) is searched for them."""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import VALID
from site_helpers import build, copy_sources, site_texts
from portal.domain import catalog as catalog_module, complaints, handling, publication, tracking, users
from portal.domain.calendar import Calendar

PEOPLE = [
    ("Raden Mas Suryo Kusumo", "suryo.kusumo@contoh.id", "081311112222", "3503110508900011"),
    ("Wulandari Pratiwi", "wulan.pratiwi@contoh.id", "085733334444", "3503014508850002"),
    ("Bambang Hadi Saputro", "bambang.hs@contoh.id", "087855556666", "3503120101700003"),
    ("Sri Rahayuningsih", "sri.rahayu@contoh.id", "082144447777", "3503034112800004"),
]
NOW = datetime(2026, 6, 1, 9, 0)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the site's sources, so that exports never touch the repository."""
    return copy_sources(tmp_path_factory.mktemp("situs"))


def test_no_personal_data_anywhere_in_the_built_site(tree, tmp_path):
    catalog = catalog_module.load(tree / "content")
    from portal.db import prepare
    db = prepare(str(tmp_path / "portal.db"))
    actor = {role: handling.Actor(users.create_user(db, role, "kata-sandi-panjang", display_name=f"Petugas {role}",
                                                    roles=[role], jabatan="Kabid Pelayanan", now=NOW), frozenset({role}))
             for role in ("operator", "kabid", "kadis", "pejabat")}
    secrets, codes = [], []
    for i, (name, email, phone, nik) in enumerate(PEOPLE):
        body = (f"Saya {name}, NIK {nik}, HP {phone[:4]}-{phone[4:8]}-{phone[8:]}, e-mail {email}. "
                f"Akta kelahiran anak saya belum jadi. Tolong hubungi {phone}.")
        new = complaints.NewComplaint(channel="web", category="akta-kelahiran", kecamatan=VALID["kecamatan"],
                                      desa=VALID["desa"], visibility="publik" if i % 2 == 0 else "rahasia",
                                      body=body, name=name, email=email, phone=phone, nik=nik, consent=True)
        filed = complaints.file_complaint(db, new, [], catalog=catalog, calendar=Calendar.default(),
                                          upload_dir=str(tmp_path), now=NOW, base_url="http://x")
        codes.append(filed.tracking_code)
        secrets += [name, *name.split(), email, phone, nik, f"{phone[:4]}-{phone[4:8]}-{phone[8:]}"]
        cid = filed.id
        handling.telaah_fit(db, cid, actor["operator"], NOW)
        handling.create_nota_dinas(db, cid, actor["kabid"], NOW, catalog=catalog, sifat="Biasa", hal="Akta",
                                   ringkasan=body, telaah="Layak.", tembusan=[actor["pejabat"].id])
        handling.dispose(db, cid, actor["kadis"], NOW, pejabat_id=actor["pejabat"].id, instruksi="Tanggapi.",
                         batas=NOW.date())
        handling.submit_draft(db, cid, actor["pejabat"], NOW, body=f"Yth. Sdr. {name}, akta sudah terbit.")
        handling.approve(db, cid, actor["kadis"], NOW, catalog=catalog)
        handling.send_reply(db, cid, actor["operator"], NOW, base_url="http://x")
        complaint = complaints.get(db, cid)
        if publication.publishable(db, complaint):
            body_r, reply_r = publication.suggestion(db, complaint)
            publication.approve(db, cid, actor["operator"], NOW, body=body_r, reply=reply_r)
    assert publication.export(db, catalog, tree / "content" / "data" / "pengaduan") == 2

    site = tmp_path / "site"
    result = build(tree, site)
    assert result.returncode == 0, result.stderr
    assert len(list(site.glob("pengaduan-publik/*/index.html"))) == 2  # one page per published item
    assert "Akta kelahiran anak saya belum jadi." in (site / "pengaduan-publik" / "index.html").read_text()

    needles = [s for s in secrets if len(s) >= 5] + codes + [tracking.normalise(c) for c in codes]
    leaks = []
    for where, text in site_texts(site):
        leaks += [(where, n) for n in needles if n.lower() in text.lower()]
    assert leaks == []
    scanned = sum(1 for p in site.rglob("*") if p.is_file())
    assert scanned > 50  # the whole site was searched, not an empty folder
