"""Survei Kepuasan Masyarakat (PermenPANRB 14/2017): the index, the sample size, the one-use codes,
follow-up approval and the export, on a real SQLite database."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.domain import skm, skm_results, users

SERVICES = {"ktp-el": "KTP-el", "kk": "Kartu Keluarga (KK)", "kia": "KIA"}
LOKET = skm.Loket("1", "Loket 1", tuple(SERVICES))
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
TODAY = NOW.date()

# The worked example's four respondents (elements 1..9).
EXAMPLE = [
    (4, 4, 3, 4, 3, 3, 4, 3, 3),
    (3, 4, 3, 4, 3, 3, 4, 2, 3),
    (3, 3, 2, 4, 3, 4, 4, 3, 3),
    (4, 3, 2, 4, 3, 2, 4, 2, 3),
]


def answer(scores, layanan="ktp-el", **facts) -> skm.Jawaban:
    form = {f"u{i}": str(v) for i, v in enumerate(scores, 1)} | {"layanan": layanan} | facts
    return skm.validate(form, services=SERVICES)


def respond(db, scores, layanan="ktp-el", day=TODAY, **facts):
    [kode] = skm.issue_tokens(db, 1, loket=LOKET, layanan=None, actor_id=None, now=NOW)
    skm.submit(db, skm.display_kode(kode), answer(scores, layanan, **facts), day)


def test_ikm_of_a_worked_example_with_its_band():
    """Hand computation (PermenPANRB 14/2017: NRR = total score / respondents; IKM = sum of NRR x 1/9;
    konversi = IKM x 25):

        element    1    2    3    4    5    6    7    8    9
        total     14   14   10   16   12   12   16   10   12
        NRR      3.5  3.5  2.5  4.0  3.0  3.0  4.0  2.5  3.0      (total / 4)

        sum of NRR = 29.0;  IKM = 29 / 9 = 3.2222;  konversi = 3.2222 x 25 = 80.56
        80.56 lies in 76.61-88.30: mutu B, kinerja "Baik".
        Weak elements, which need a follow-up plan: 3 and 8 (NRR 2.5 x 25 = 62.50, below 65.00: mutu D)
        and 5, 6, 9 (NRR 3.0 x 25 = 75.00, within 65.00-76.60: mutu C, "Kurang Baik").
        The others: 1 and 2 (3.5 x 25 = 87.50: B), 4 and 7 (4.0 x 25 = 100.00: A).
    """
    result = skm_results.hitung(EXAMPLE)
    assert result["responden"] == 4
    assert [u["nrr"] for u in result["unsur"]] == [3.5, 3.5, 2.5, 4.0, 3.0, 3.0, 4.0, 2.5, 3.0]
    assert result["ikm"]["ikm"] == 3.222
    assert result["ikm"]["konversi"] == 80.56
    assert (result["ikm"]["mutu"], result["ikm"]["kinerja"]) == ("B", "Baik")
    assert [u["nomor"] for u in result["unsur"] if u["lemah"]] == [3, 5, 6, 8, 9]
    assert [u["mutu"] for u in result["unsur"]] == ["B", "B", "D", "A", "C", "C", "A", "D", "C"]


@pytest.mark.parametrize("konversi,mutu", [(64.99, "D"), (65.00, "C"), (76.60, "C"), (76.61, "B"),
                                           (88.30, "B"), (88.31, "A"), (100.0, "A"), (25.0, "D")])
def test_bands_follow_the_regulation(konversi, mutu):
    from portal.domain.ikm import band
    assert band(konversi)[0] == mutu


def test_minimum_sample_matches_krejcie_morgan():
    # The table is the formula s = X²NP(1-P) / (d²(N-1) + X²P(1-P)), X² = 3.841, P = .5, d = .05, rounded.
    for n, s in skm_results.KREJCIE_MORGAN:
        formula = 3.841 * n * 0.25 / (0.0025 * (n - 1) + 3.841 * 0.25)
        assert abs(formula - s) <= 1.0, (n, s, formula)
    assert skm_results.sampel_minimal(100) == 80
    assert skm_results.sampel_minimal(101) == 86  # between rows: the larger population's row
    assert skm_results.sampel_minimal(5) == 5
    assert skm_results.sampel_minimal(2_000_000) == 384


def test_period_with_fewer_respondents_than_the_table_is_warned(db):
    for scores in EXAMPLE:
        respond(db, scores)
    skm_results.set_populasi(db, "2026-S1", "ktp-el", "1.200", services=SERVICES, actor_id=None, now=NOW)
    figures = skm_results.compute(db, "2026-S1", services=SERVICES, today=TODAY)
    ktp = figures["layanan"][0]
    assert ktp["responden"] == 4 and ktp["sampel_minimal"] == 291
    assert "Baru 4 responden" in ktp["peringatan"] and "291" in ktp["peringatan"]
    assert ktp["ikm"]["mutu"] == "B"
    kk = figures["layanan"][1]
    assert kk["responden"] == 0 and "belum diisi" in kk["peringatan"]


def test_a_code_admits_one_response_only(db):
    [kode] = skm.issue_tokens(db, 1, loket=LOKET, layanan="kk", actor_id=None, now=NOW)
    skm.submit(db, kode.lower(), answer(EXAMPLE[0], "kk"), TODAY)
    with pytest.raises(skm.SkmError, match="sudah dipakai"):
        skm.submit(db, kode, answer(EXAMPLE[1], "kk"), TODAY)
    with pytest.raises(skm.SkmError, match="tidak dikenal"):
        skm.submit(db, "2345-6789", answer(EXAMPLE[1], "kk"), TODAY)
    assert db["skm_responses"].count == 1


def test_an_expired_code_is_refused(db):
    [kode] = skm.issue_tokens(db, 1, loket=LOKET, layanan=None, actor_id=None, now=NOW)
    later = date.fromordinal(TODAY.toordinal() + skm.TOKEN_DAYS + 1)
    with pytest.raises(skm.SkmError, match="kedaluwarsa"):
        skm.submit(db, kode, answer(EXAMPLE[0]), later)
    assert db["skm_responses"].count == 0


def test_missing_answer_is_named_in_indonesian():
    with pytest.raises(skm.InvalidAnswer) as caught:
        skm.validate({"layanan": "kk", **{f"u{i}": "3" for i in range(1, 9)}, "umur": "abc"}, services=SERVICES)
    assert set(caught.value.errors) == {"u9", "umur"}
    assert "Sarana dan Prasarana" in caught.value.errors["u9"]


def test_small_service_is_suppressed_and_cannot_be_recovered_from_the_total(db):
    for scores in EXAMPLE + EXAMPLE[:1]:
        respond(db, scores, "ktp-el")
    for scores in EXAMPLE:
        respond(db, scores, "kk")
    respond(db, EXAMPLE[0], "kia")
    figures = skm_results.compute(db, "2026-S1", services=SERVICES, today=TODAY)
    shown = {i["layanan"]: i for i in figures["layanan"]}
    assert shown["kia"]["disembunyikan"] and shown["kia"]["responden_tampil"] == "< 3"
    assert shown["kia"]["ikm"]["ikm"] is None
    # kk (4) is hidden too, else 10 - 5 - 4 would give kia's 1 back.
    assert shown["kk"]["disembunyikan"] and shown["kk"]["responden_tampil"] == "\u00d7"
    assert not shown["ktp-el"]["disembunyikan"]
    assert shown["ktp-el"]["responden"] == 5
    assert figures["keseluruhan"]["responden"] == 10


def test_follow_up_needs_every_weak_element_and_the_kadis(db):
    kadis = users.create_user(db, "kadis", "rahasia-sekali-1", display_name="Kepala Dinas", roles=["kadis"], now=NOW)
    operator = users.create_user(db, "op", "rahasia-sekali-2", display_name="Operator", roles=["operator"], now=NOW)
    for scores in EXAMPLE:
        respond(db, scores)
    skm_results.add_rencana(db, "2026-S1", layanan="", unsur=3, teks="Tambah satu petugas loket pada jam sibuk.",
                            penanggung_jawab="Kabid Dafduk", target="Juli 2026", services=SERVICES, actor_id=operator,
                            now=NOW)
    plans = skm_results.public_plans(skm_results.rencana(db, "2026-S1"), SERVICES)
    digest = skm_results.plans_hash(plans)
    with pytest.raises(skm.SkmError, match="Hanya Kepala Dinas"):
        skm_results.approve(db, "2026-S1", services=SERVICES, actor_id=operator, roles={"operator"}, jabatan="",
                            expected_hash=digest, today=TODAY, now=NOW)
    with pytest.raises(skm.SkmError, match="unsur 5") as caught:
        skm_results.approve(db, "2026-S1", services=SERVICES, actor_id=kadis, roles={"kadis"}, jabatan="",
                            expected_hash=digest, today=TODAY, now=NOW)
    assert "unsur 3" not in str(caught.value) and "unsur 8 (KTP-el)" in str(caught.value)
    for unsur in (5, 6, 8, 9):
        skm_results.add_rencana(db, "2026-S1", layanan="ktp-el" if unsur == 8 else "", unsur=unsur,
                                teks="Pasang papan alur pengaduan di loket.", penanggung_jawab="", target="",
                                services=SERVICES, actor_id=operator, now=NOW)
    digest = skm_results.plans_hash(skm_results.public_plans(skm_results.rencana(db, "2026-S1"), SERVICES))
    skm_results.approve(db, "2026-S1", services=SERVICES, actor_id=kadis, roles={"kadis"}, jabatan="Kepala Dinas",
                        expected_hash=digest, today=TODAY, now=NOW)
    audit = [r["action"] for r in db.query("SELECT action FROM audit_log")]
    assert "setujui_tindak_lanjut_skm" in audit and audit.count("rencana_skm") == 5
    with pytest.raises(Exception):
        db.execute("DELETE FROM standards_approvals")


def test_export_holds_aggregates_only(db, tmp_path):
    for scores in EXAMPLE:
        respond(db, scores, umur="34", jenis_kelamin="P", saran="Antrean terlalu panjang, Bu Siti ramah.")
    doc = skm_results.export(db, "2026-S1", tmp_path, services=SERVICES, today=TODAY)
    text = (tmp_path / "data/skm/2026-S1.json").read_text(encoding="utf-8")
    assert json.loads(text)["keseluruhan"]["ikm"]["konversi"] == 80.56
    assert "Antrean" not in text and '"saran"' not in text
    assert doc["tindak_lanjut"]["status"] == "belum_ada"
    assert "jumlah_nilai" not in text
    codes = [r["kode"] for r in db.query("SELECT kode FROM skm_tokens")]
    assert len(codes) == 4 and not any(c in text for c in codes)
    age = next(b for b in doc["profil"] if b["judul"] == "Umur")
    assert next(r for r in age["baris"] if r["label"] == "30\u201339 tahun")["jumlah"] == 4
    assert math.isclose(doc["keseluruhan"]["unsur"][2]["nrr"], 2.5)


def test_minimum_sample_never_exceeds_the_people_served():
    # 12 served falls between the table's rows 10 and 15 (sample 14): nobody can survey 14 of 12.
    assert skm_results.sampel_minimal(12) == 12
    assert "paling sedikit 12 responden" in skm_results.peringatan_sampel(2, 12)


# The nine elements as PermenPANRB 14/2017 names them (the regulation's list, in its order).
PERMENPANRB_14_2017_UNSUR = ("Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian", "Biaya/Tarif",
                             "Produk Spesifikasi Jenis Pelayanan", "Kompetensi Pelaksana", "Perilaku Pelaksana",
                             "Penanganan Pengaduan, Saran dan Masukan", "Sarana dan Prasarana")


def test_elements_carry_the_regulation_names_and_four_answers_from_worst_to_best():
    assert tuple(u.nama for u in skm.UNSUR) == PERMENPANRB_14_2017_UNSUR
    assert [u.nomor for u in skm.UNSUR] == list(range(1, 10))
    assert skm.UNSUR_BY_NOMOR[4].pilihan[3] == "Gratis"  # free of charge scores best (4)
    assert all(len(set(u.pilihan)) == 4 for u in skm.UNSUR)
