"""Kecamatan population reports: the Excel template, import with every check, CSV, replacement,
recapitulation, consolidation with SIAK and publication for the site."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import yaml

from portal.domain import catalog, regions
from portal.domain.calendar import Calendar
from portal.domain.population import export, recap, schema, siak, store, template
from portal.domain.population.layout import DATA_ROW, FIELD_ROW, INSTRUCTIONS_SHEET, sheet_fields
from conftest import ROOT

WIB = ZoneInfo("Asia/Jakarta")
KEC = "35.03.11"  # Trenggalek: 8 desa + 5 kelurahan, codes with gaps
PERIODE = "2024-S2"
# The SOP's deadline and the office's calendar, as the portal passes them.
DEADLINE = {"rule": catalog.load(ROOT / "content").laporan_kependudukan, "calendar": Calendar.default()}


def now() -> datetime:
    return datetime(2025, 1, 5, 9, 0, tzinfo=WIB)


# ---------------------------------------------------------------- consistent synthetic figures

def desa_figures(kode: str, seed: int = 0) -> dict[str, dict[str, dict[str, int]]]:
    """{topic: {kategori or "": {field: value}}} that pass every check, different per desa."""
    n = int(kode[-4:]) + seed
    male, female = 900 + n % 97, 950 + n % 89

    def split(total: int, parts: int) -> list[int]:
        base = [total // parts] * parts
        base[0] += total - sum(base)
        return base

    out: dict[str, dict[str, dict[str, int]]] = {}
    for topic in schema.TOPICS:
        if topic.code == "penduduk":
            out[topic.code] = {"": {"laki_laki": male, "perempuan": female, "jumlah": male + female}}
        elif topic.categories:
            ms, fs = split(male, len(topic.categories)), split(female, len(topic.categories))
            out[topic.code] = {c: {"laki_laki": m, "perempuan": f} for c, m, f in zip(topic.categories, ms, fs)}
        else:
            # Decreasing figures satisfy the bounds (cetak <= rekam, akta <= anak, kk <= anggota).
            values = {f: 500 + n % 13 - 10 * i for i, f in enumerate(topic.columns)}
            if topic.code == "keluarga":
                values = {"jumlah_kk": 300 + n % 7, "anggota_keluarga": male + female}
            out[topic.code] = {"": values}
    return out


def filled_template(kecamatan: str = KEC, periode: str = PERIODE, seed: int = 0) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(io.BytesIO(template.build(kecamatan, periode, **DEADLINE)))
    for topic in schema.TOPICS:
        ws = wb[topic.code]
        fields = sheet_fields(topic)
        for r in range(DATA_ROW, ws.max_row + 1):
            figures = desa_figures(ws.cell(r, 1).value, seed)[topic.code]
            row = figures[ws.cell(r, 3).value if topic.categories else ""]
            for c, field in enumerate(fields, 1):
                if field in topic.columns:
                    ws.cell(r, c, row[field])
    return wb


def xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_files(kecamatan: str = KEC, seed: int = 0) -> list[tuple[str, bytes]]:
    files = []
    for topic in schema.TOPICS:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(schema.csv_header(topic))
        for d in regions.desa_list(kecamatan):
            for kategori, values in desa_figures(d.kode, seed)[topic.code].items():
                w.writerow([d.kode, *([kategori] if topic.categories else []), *(values[f] for f in topic.columns)])
        files.append((f"{topic.code}.csv", out.getvalue().encode()))
    return files


def import_xlsx(db, data: bytes, name="laporan.xlsx", **kw):
    return store.import_files(db, [(name, data)], by="uji", user_id=None, now=now(), **kw)


def population_counts(db) -> dict:
    return {t: db[t].count for t in ("population_reports", "population_figures")}


# ---------------------------------------------------------------- the template

def test_template_lists_the_kecamatans_own_desa_by_code_with_locked_codes_and_validated_figures():
    wb = openpyxl.load_workbook(io.BytesIO(template.build(KEC, PERIODE, **DEADLINE)))
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *(t.code for t in schema.TOPICS)]
    info = wb[INSTRUCTIONS_SHEET]
    assert info["B3"].value == KEC and info["B5"].value == PERIODE
    assert info.protection.sheet
    expected = [d.kode for d in regions.desa_list(KEC)]
    for topic in schema.TOPICS:
        ws = wb[topic.code]
        assert ws.protection.sheet, topic.code
        assert topic.title in ws["A1"].value
        fields = sheet_fields(topic)
        assert [c.value for c in ws[FIELD_ROW]][:len(fields)] == list(fields)
        codes = [ws.cell(r, 1).value for r in range(DATA_ROW, ws.max_row + 1)]
        per_desa = len(topic.categories) or 1
        assert codes == [code for code in expected for _ in range(per_desa)]
        if topic.categories:
            assert [ws.cell(r, 3).value for r in range(DATA_ROW, DATA_ROW + per_desa)] == list(topic.categories)
        validations = ws.data_validations.dataValidation
        assert len(validations) == 1
        dv = validations[0]
        assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        validated = str(dv.sqref)
        for r in (DATA_ROW, ws.max_row):
            for c, field in enumerate(fields, 1):
                cell = ws.cell(r, c)
                if field in topic.columns:
                    assert cell.protection.locked is False, (topic.code, cell.coordinate)
                    assert cell.coordinate in dv.sqref, (topic.code, cell.coordinate, validated)
                else:
                    assert cell.protection.locked is True, (topic.code, cell.coordinate)
        assert ws["A1"].protection.locked and ws["B2"].protection.locked


def test_template_refuses_unknown_kecamatan_and_period():
    with pytest.raises(ValueError):
        template.build("35.03.99", PERIODE, **DEADLINE)
    with pytest.raises(ValueError):
        template.build(KEC, "2024-S3", **DEADLINE)


# ---------------------------------------------------------------- import

def test_a_correctly_filled_template_imports(db):
    done = import_xlsx(db, xlsx_bytes(filled_template()))
    assert len(done) == 1 and done[0].kecamatan == KEC and done[0].periode == PERIODE
    assert done[0].row_counts["penduduk"] == 13 and done[0].row_counts["umur"] == 13 * 16
    report = store.current_reports(db, PERIODE)[KEC]
    assert report["imported_by"] == "uji" and len(report["sha256"]) == 64
    total = sum(desa_figures(d.kode)["penduduk"][""]["jumlah"] for d in regions.desa_list(KEC))
    assert recap.recap(db, PERIODE).value("penduduk", "jumlah", kecamatan=KEC) == total


def _set(wb, sheet, row, col, value):
    wb[sheet].cell(row, col).value = value  # cell(r, c, None) would leave the old value


def _delete_row(wb, sheet, row):
    wb[sheet].delete_rows(row)


OTHER_KEC_DESA = "35.03.01.2001"  # Besuki in Panggul; a Besuki also exists in Munjungan

# (name, mutation, expected (sheet, row, column) in a problem, words in its message)
ERRORS = [
    ("unknown code", lambda wb: _set(wb, "penduduk", 5, 1, "35.03.11.2002"), ("penduduk", 5, "A (kode_desa)"), "tidak dikenal"),
    ("desa of another kecamatan", lambda wb: _set(wb, "keluarga", 6, 1, OTHER_KEC_DESA),
     ("keluarga", 6, "A (kode_desa)"), "Kecamatan Panggul"),
    ("desa twice", lambda wb: _set(wb, "mutasi", 6, 1, wb["mutasi"].cell(5, 1).value), ("mutasi", 6, "A (kode_desa)"), "dua kali"),
    ("negative", lambda wb: _set(wb, "ktp_el", 7, 3, -4), ("ktp_el", 7, "C (wajib_ktp)"), "negatif"),
    ("fraction", lambda wb: _set(wb, "kelahiran_kematian", 7, 4, 2.5), ("kelahiran_kematian", 7, "D (lahir_perempuan)"), "bulat"),
    ("text", lambda wb: _set(wb, "akta_kelahiran", 8, 3, "banyak"), ("akta_kelahiran", 8, "C (anak_0_17)"), "bulat"),
    ("empty", lambda wb: _set(wb, "mutasi", 9, 6, None), ("mutasi", 9, "F (pindah_perempuan)"), "kosong"),
    ("thousands separator", lambda wb: _set(wb, "keluarga", 9, 4, "1.234"), ("keluarga", 9, "D (anggota_keluarga)"), "pemisah ribuan"),
    ("L + P != jumlah", lambda wb: _set(wb, "penduduk", 8, 5, 7), ("penduduk", 8, "E (jumlah)"), "Laki-laki + perempuan"),
    ("age groups != population", lambda wb: _set(wb, "umur", 5, 4, wb["umur"].cell(5, 4).value + 1),
     ("umur", "5-20", "D (laki_laki)"), "menurut kelompok umur"),
    ("unknown category", lambda wb: _set(wb, "agama", 5, 3, "Lainnya"), ("agama", 5, "C (kategori)"), "tidak dikenal"),
    ("unknown age group", lambda wb: _set(wb, "umur", 6, 3, "5-10"), ("umur", 6, "C (kelompok_umur)"), "tidak dikenal"),
    ("wrong period", lambda wb: _set(wb, INSTRUCTIONS_SHEET, 5, 2, "2024-S3"), (INSTRUCTIONS_SHEET, 5, "B"), "Periode"),
    ("sheet copied from another period", lambda wb: _set(wb, "pekerjaan", 2, 4, "2024-S1"), ("pekerjaan", 2, "D"), "periode"),
    ("sheet copied from another kecamatan", lambda wb: _set(wb, "agama", 2, 2, "35.03.01"), ("agama", 2, "B"), "kecamatan"),
    ("unknown kecamatan", lambda wb: _set(wb, INSTRUCTIONS_SHEET, 3, 2, "35.03.15"), (INSTRUCTIONS_SHEET, 3, "B"), "kecamatan"),
    ("desa missing", lambda wb: _delete_row(wb, "ktp_el", 9), ("ktp_el", None, "A (kode_desa)"), "tidak ada"),
    ("category row missing", lambda wb: _delete_row(wb, "status_kawin", 6), ("status_kawin", None, "C (kategori)"), "tidak ada"),
    ("sheet missing", lambda wb: wb.remove(wb["pendidikan"]), ("pendidikan", None, ""), "tidak ada"),
    ("column header changed", lambda wb: _set(wb, "keluarga", FIELD_ROW, 3, "kk"), ("keluarga", FIELD_ROW, "C"), "jumlah_kk"),
    ("printed above recorded", lambda wb: _set(wb, "ktp_el", 5, 5, 10_000), ("ktp_el", 5, "E (sudah_cetak)"), "sudah rekam"),
]


@pytest.mark.parametrize("name,mutate,where,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_each_kind_of_error_imports_nothing_and_names_sheet_row_and_column(db, name, mutate, where, words):
    import_xlsx(db, xlsx_bytes(filled_template(seed=1)))  # an earlier good report must survive
    before = population_counts(db)
    wb = filled_template()
    mutate(wb)
    with pytest.raises(store.ReportRejected) as caught:
        import_xlsx(db, xlsx_bytes(wb))
    problems = caught.value.problems
    matches = [p for p in problems if (p.sheet, p.row, p.column) == where]
    assert matches, f"no problem at {where}: {[str(p) for p in problems]}"
    assert any(words.lower() in p.message.lower() for p in matches), [p.message for p in matches]
    assert population_counts(db) == before
    assert store.current_reports(db, PERIODE)[KEC]["row_counts"]


def test_every_problem_is_reported_not_just_the_first(db):
    wb = filled_template()
    _set(wb, "penduduk", 5, 3, -1)
    _set(wb, "penduduk", 7, 5, 1)
    _set(wb, "agama", 10, 3, "Atheis")
    _set(wb, "ktp_el", 12, 4, "x")
    with pytest.raises(store.ReportRejected) as caught:
        import_xlsx(db, xlsx_bytes(wb))
    spots = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert {("penduduk", 5, "C (laki_laki)"), ("penduduk", 7, "E (jumlah)"), ("agama", 10, "C (kategori)"),
            ("ktp_el", 12, "D (sudah_rekam)")} <= spots


def test_file_for_another_kecamatan_or_period_than_chosen_is_refused(db):
    data = xlsx_bytes(filled_template())
    with pytest.raises(store.ReportRejected) as caught:
        import_xlsx(db, data, kecamatan="35.03.12", periode="2025-S1")
    messages = " ".join(p.message for p in caught.value.problems)
    assert "bukan Kecamatan Pogalan" in messages and "bukan 2025-S1" in messages
    assert population_counts(db)["population_reports"] == 0


def test_a_file_that_is_not_a_workbook_is_refused(db):
    with pytest.raises(store.ReportRejected) as caught:
        import_xlsx(db, b"PK\x03\x04 not really a zip")
    assert "bukan Excel" in caught.value.problems[0].message


def test_csv_import_works_and_equals_the_workbook(db):
    done = store.import_files(db, csv_files(), by="uji", user_id=None, now=now(), kecamatan=KEC, periode=PERIODE)
    assert done[0].figures > 0
    from_csv = sorted(store.figures(db, PERIODE))
    import_xlsx(db, xlsx_bytes(filled_template()))
    assert sorted(store.figures(db, PERIODE)) == from_csv


def test_csv_problems_name_file_row_and_column_and_semicolons_are_accepted(db):
    files = dict(csv_files())
    text = files["penduduk.csv"].decode().replace(",", ";")
    lines = text.splitlines()
    lines[3] = lines[3].rsplit(";", 1)[0] + ";1"
    files["penduduk.csv"] = "\n".join(lines).encode()
    del files["agama.csv"]
    with pytest.raises(store.ReportRejected) as caught:
        store.import_files(db, list(files.items()), by="uji", user_id=None, now=now(), kecamatan=KEC, periode=PERIODE)
    spots = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert ("penduduk.csv", 4, "jumlah") in spots
    assert ("agama.csv", None, "") in spots


def test_csv_needs_kecamatan_and_period(db):
    with pytest.raises(store.ReportRejected) as caught:
        store.import_files(db, csv_files(), by="uji", user_id=None, now=now())
    assert any("Kode kecamatan" in p.message for p in caught.value.problems)


def test_reimport_replaces_and_the_replacement_is_recorded(db):
    first = import_xlsx(db, xlsx_bytes(filled_template(seed=0)))[0]
    second = store.import_files(db, [("perbaikan.xlsx", xlsx_bytes(filled_template(seed=5)))], by="petugas b",
                                user_id=None, now=datetime(2025, 1, 8, 10, tzinfo=WIB))[0]
    assert second.replaced == first.report_id
    history = {h["id"]: h for h in store.history(db, PERIODE)}
    old, new = history[first.report_id], history[second.report_id]
    assert old["replaced_by"] == second.report_id and old["replaced_at"].date().isoformat() == "2025-01-08"
    assert new["replaced_by"] is None and new["imported_by"] == "petugas b" and new["filename"] == "perbaikan.xlsx"
    assert old["sha256"] != new["sha256"] and new["row_counts"]["pekerjaan"] == 13 * 18
    assert list(store.current_reports(db, PERIODE)) == [KEC]
    total = sum(desa_figures(d.kode, 5)["penduduk"][""]["jumlah"] for d in regions.desa_list(KEC))
    assert recap.recap(db, PERIODE).value("penduduk", "jumlah") == total


# ---------------------------------------------------------------- recap and lateness

def test_the_recap_equals_the_sum_of_the_kecamatan_files(db):
    some = ["35.03.01", "35.03.02", KEC]
    for kode in some:
        import_xlsx(db, xlsx_bytes(filled_template(kode)))
    result = recap.recap(db, PERIODE)
    for topic in schema.TOPICS:
        for kategori in topic.categories or ("",):
            for field in topic.columns:
                per_kec = {k: sum(desa_figures(d.kode)[topic.code][kategori][field] for d in regions.desa_list(k))
                           for k in some}
                for k, value in per_kec.items():
                    assert result.value(topic.code, field, kategori, k) == value
                assert result.value(topic.code, field, kategori) == sum(per_kec.values())
    assert result.reported == sorted(some)


def test_late_kecamatan_and_since_when(db):
    import_xlsx(db, xlsx_bytes(filled_template("35.03.01")))  # on 2025-01-05: on time
    statuses = {s.kode: s for s in recap.status(db, PERIODE, datetime(2025, 1, 20).date(), **DEADLINE)}
    assert statuses["35.03.01"].days_late == 0 and statuses["35.03.01"].report is not None
    late = statuses[KEC]
    assert late.due.isoformat() == "2025-01-10" and late.late_since.isoformat() == "2025-01-11"
    assert late.days_late == 10 and "terlambat 10 hari" in late.label
    early = {s.kode: s for s in recap.status(db, PERIODE, datetime(2025, 1, 10).date(), **DEADLINE)}
    assert early[KEC].days_late == 0 and early[KEC].late_since is None


# ---------------------------------------------------------------- consolidation with SIAK

def siak_csv(changes: dict[tuple[str, str], int] | None = None) -> bytes:
    fields = list(siak.FIELDS)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["kode_desa", "nama_desa", *fields])
    for d in siak.all_desa():
        figures = desa_figures(d.kode)
        row = [figures[siak.FIELDS[f]][""][f] for f in fields]
        for (code, field), value in (changes or {}).items():
            if code == d.kode:
                row[fields.index(field)] = value
        w.writerow([d.kode, d.nama, *row])
    return out.getvalue().encode()


def test_consolidation_reports_a_known_difference(db):
    import_xlsx(db, xlsx_bytes(filled_template()))
    desa = regions.desa_list(KEC)[2]
    real = desa_figures(desa.kode)["ktp_el"][""]["sudah_rekam"]
    siak.import_file(db, PERIODE, siak_csv({(desa.kode, "sudah_rekam"): real + 3}), "siak.csv", by="uji",
                     user_id=None, now=now())
    result = siak.consolidate(db, PERIODE)
    assert result.compared == 13 * len(siak.FIELDS)
    assert [(d.kode_desa, d.field, d.kecamatan_value, d.siak_value, d.difference) for d in result.differences] == [
        (desa.kode, "sudah_rekam", real, real + 3, -3)]
    assert siak.consolidate(db, PERIODE, tolerance=3).differences == []
    wb = openpyxl.load_workbook(io.BytesIO(siak.differences_xlsx(result)))
    rows = list(wb.active.iter_rows(min_row=4, values_only=True))
    assert rows == [(desa.kode, desa.nama, "Trenggalek", result.differences[0].indicator, real, real + 3, -3)]


def test_a_bad_siak_file_is_refused_with_every_problem(db):
    data = siak_csv().decode().splitlines()
    data[5] = data[5].replace(data[5].split(",")[2], "-1", 1)
    del data[9]
    with pytest.raises(siak.SiakRejected) as caught:
        siak.import_file(db, PERIODE, "\n".join(data).encode(), "siak.csv", by="uji", user_id=None, now=now())
    spots = {(p.row, p.column) for p in caught.value.problems}
    assert (6, "laki_laki") in spots and any(r is None for r, _ in spots)
    assert db["population_siak_imports"].count == 0


# ---------------------------------------------------------------- publish

def test_publish_refuses_until_all_kecamatan_reported_unless_partial(db, tmp_path):
    import_xlsx(db, xlsx_bytes(filled_template()))
    with pytest.raises(export.PublishRefused) as caught:
        export.publish(db, PERIODE, tmp_path)
    assert len(caught.value.missing) == 13 and "Panggul" in str(caught.value)
    assert not (tmp_path / "data" / "kependudukan" / PERIODE).exists()
    done = export.publish(db, PERIODE, tmp_path, partial=True)
    meta = yaml.safe_load((done["path"] / "meta.yml").read_text())
    assert "sebagian" in meta["sumber"] and meta["contoh"] is False


def test_publish_writes_files_that_match_the_schema_and_hold_no_personal_data(db, tmp_path):
    for kec in regions.kecamatan_list():
        import_xlsx(db, xlsx_bytes(filled_template(kec.kode)), name=f"{kec.kode}.xlsx")
    siak.import_file(db, PERIODE, siak_csv(), "siak.csv", by="uji", user_id=None, now=now())
    done = export.publish(db, PERIODE, tmp_path)
    folder = tmp_path / "data" / "kependudukan" / PERIODE
    assert done["path"] == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t.code}.csv" for t in schema.TOPICS] + ["meta.yml"])
    meta = yaml.safe_load((folder / "meta.yml").read_text(encoding="utf-8"))
    assert tuple(meta) == schema.META_KEYS
    assert meta["periode"] == PERIODE and meta["contoh"] is False and "SIAK" in meta["sumber"]
    assert str(meta["tanggal_potong"]) == schema.period_end(PERIODE).isoformat()
    every_desa = [d.kode for d in siak.all_desa()]
    recapped = recap.recap(db, PERIODE)
    for topic in schema.TOPICS:
        with open(folder / f"{topic.code}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert tuple(rows[0]) == schema.csv_header(topic)
        body = rows[1:]
        per = len(topic.categories) or 1
        assert len(body) == len(every_desa) * per
        assert sorted({r[0] for r in body}) == sorted(every_desa)
        for r in body:
            assert regions.get(r[0]).jenis in ("desa", "kelurahan")
            if topic.categories:
                assert r[1] in topic.categories
            assert all(v.isdigit() for v in r[1 + bool(topic.categories):])
        col = schema.csv_header(topic).index(topic.columns[0])
        assert sum(int(r[col]) for r in body) == recapped.value(topic.code, topic.columns[0],
                                                                 topic.categories[0] if topic.categories else "") + \
            sum(recapped.value(topic.code, topic.columns[0], c) for c in topic.categories[1:])
    text = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert not re.search(r"\d{16}", text)  # no NIK or KK number
    assert "uji" not in text and ".xlsx" not in text  # nor who imported what
    penduduk = sum(desa_figures(d)["penduduk"][""]["jumlah"] for d in every_desa)
    assert recapped.value("penduduk", "jumlah") == penduduk
    # Publishing again replaces the folder in place.
    export.publish(db, PERIODE, tmp_path)
    assert sorted(p.name for p in folder.parent.iterdir()) == [PERIODE]
