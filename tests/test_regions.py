import csv
from pathlib import Path

import pytest

from portal.domain import regions
from portal.domain.regions import Region

DATA = Path(__file__).resolve().parent.parent / "portal" / "data"


def test_fourteen_kecamatan_sorted_by_name():
    kecamatan = regions.kecamatan_list()
    assert len(kecamatan) == 14
    names = [k.nama for k in kecamatan]
    assert names == sorted(names, key=str.casefold)
    assert kecamatan[0] == Region("35.03.09", "Bendungan", "kecamatan")


def test_all_157_villages_reachable_from_a_kecamatan():
    villages = [v for k in regions.kecamatan_list() for v in regions.desa_list(k.kode)]
    assert len(villages) == 157
    assert sum(v.jenis == "kelurahan" for v in villages) == 5
    assert len({v.kode for v in villages}) == 157


def test_desa_list_includes_kelurahan_sorted_by_name():
    trenggalek = regions.desa_list("35.03.11")
    names = [v.nama for v in trenggalek]
    assert names == sorted(names, key=str.casefold)
    assert {v.jenis for v in trenggalek} == {"desa", "kelurahan"}
    assert Region("35.03.11.1006", "Surodakan", "kelurahan") in trenggalek


@pytest.mark.parametrize("kode", ["35.03.99", "35.03", "", "35.03.1"])
def test_desa_list_of_unknown_code_is_empty(kode):
    assert regions.desa_list(kode) == []


def test_repeated_desa_names_are_distinct_regions():
    tree = regions.as_json_tree()
    besuki = {kode for pairs in tree.values() for kode, nama in pairs if nama == "Besuki"}
    assert len(besuki) == 2


def test_get():
    assert regions.get("35.03") == Region("35.03", "Trenggalek", "kabupaten")
    assert regions.get("35.03.12").nama == "Pogalan"
    assert regions.get("35.03.12.2005").nama == "Ngulankulon"
    assert regions.get("35.03.12.9999") is None


def test_desa_in_kecamatan():
    assert regions.desa_in_kecamatan("35.03.11.1006", "35.03.11")
    assert not regions.desa_in_kecamatan("35.03.11.1006", "35.03.12")
    assert not regions.desa_in_kecamatan("35.03.11", "35.03")  # a kecamatan is not a desa
    assert not regions.desa_in_kecamatan("35.03.11.9999", "35.03.11")


def test_json_tree_matches_desa_list():
    tree = regions.as_json_tree()
    assert list(tree) == [k.kode for k in regions.kecamatan_list()]
    assert tree["35.03.12"] == [[v.kode, v.nama] for v in regions.desa_list("35.03.12")]


def test_tree_agrees_with_csv():
    with open(DATA / "wilayah-3503-trenggalek.csv", encoding="utf-8") as f:
        villages = [r for r in csv.DictReader(f) if r["jenis"] in ("desa", "kelurahan")]
    rows = {r["kode"]: r["nama"] for r in villages}
    from_tree = {kode: nama for pairs in regions.as_json_tree().values() for kode, nama in pairs}
    assert from_tree == rows


def test_national_names_any_edition():
    assert regions.national_name("35") is not None
    assert regions.national_name("35.03") == "Kabupaten Trenggalek"
    assert regions.national_name("35.03.11") == "Trenggalek"
    assert regions.national_name("91.01.01") == "Merauke"  # only in editions before 2023
    assert regions.national_name("99") is None


@pytest.mark.parametrize(
    "six, status",
    [
        ("350311", "ok"),
        ("910101", "ok"),
        ("990101", "provinsi"),
        ("359901", "kabupaten"),
        ("350399", "kecamatan"),
    ],
)
def test_nik_prefix_status(six, status):
    assert regions.nik_prefix_status(six) == status


@pytest.mark.parametrize("bad", ["35031", "3503111", "35.03.11", "abcdef"])
def test_nik_prefix_status_needs_six_digits(bad):
    with pytest.raises(ValueError):
        regions.nik_prefix_status(bad)
