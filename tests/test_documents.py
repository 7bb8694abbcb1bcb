"""The printable documents of the staff workflow: nota dinas, lembar disposisi, surat tanggapan,
as PDF and .docx, read back with pypdf and python-docx (no browser)."""

import dataclasses
import io
import re
from datetime import datetime, timedelta

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from PIL import Image

from portal.db import prepare
from portal.domain import catalog as catalog_module, complaints, document_context, documents, handling
from portal.domain.calendar import Calendar
from conftest import ROOT, VALID, actors

CATALOG = catalog_module.load(ROOT / "content")
OFFICE = dataclasses.replace(
    CATALOG.office, kepala_dinas=catalog_module.Official(nama="Drs. Bambang Sutrisno, M.Si.",
                                                          nip="196805121990031004", pangkat="Pembina Utama Muda"))
NOW = datetime(2026, 11, 2, 9, 0)
APPROVED = datetime(2026, 11, 4, 10, 30)
NIK, EMAIL, PHONE = VALID["nik"], VALID["email"], VALID["phone"]
NOMOR = CATALOG.office.nomor_nota_dinas.format(seq=1, year=2026)  # the first of each kind this year
NOMOR_SURAT = CATALOG.office.nomor_surat_tanggapan.format(seq=1, year=2026)
KABID = "Kepala Bidang Pelayanan Pendaftaran Penduduk"
PEJABAT = "Kepala Seksi Identitas Penduduk"
REPLY = ("KTP-el Saudara **sudah selesai dicetak** dan dapat diambil di kantor.\n\n"
         "1. Bawa tanda bukti perekaman\n2. Datang pada jam kerja\n\n"
         "Terima kasih atas kesabaran Saudara.")


@pytest.fixture
def db(tmp_path):
    return prepare(str(tmp_path / "portal.db"))


@pytest.fixture
def people(db):
    accounts = {"ops": ["operator"], "kabid": ["kabid"], "kadis": ["kadis"], "pejabat": ["pejabat"],
                "pejabat2": ["pejabat"]}
    return actors(db, accounts, now=NOW, display=lambda name: f"Ibu {name.title()}",
                  jabatan={**dict.fromkeys(accounts), "kabid": KABID, "pejabat": PEJABAT})


def file(db, tmp_path, visibility="rahasia"):
    identity = {} if visibility == "anonim" else {"name": VALID["name"], "email": EMAIL, "phone": PHONE,
                                                   "nik": NIK}
    new = complaints.NewComplaint(channel="web", category="ktp-el", kecamatan=VALID["kecamatan"],
                                  desa=VALID["desa"], visibility=visibility, body=VALID["body"], consent=True,
                                  **identity)
    return complaints.file_complaint(db, new, [], catalog=CATALOG, calendar=Calendar.default(),
                                     upload_dir=str(tmp_path), now=NOW, base_url="http://x").id


def nota_dinas(db, cid, p, ringkasan="KTP-el belum jadi sejak tiga bulan."):
    handling.telaah_fit(db, cid, p["ops"], NOW)
    return handling.create_nota_dinas(db, cid, p["kabid"], NOW, catalog=CATALOG, sifat="Segera",
                                      hal="Pengaduan KTP-el belum jadi", ringkasan=ringkasan,
                                      telaah="Layak ditindaklanjuti.", tembusan=[p["pejabat"].id, p["pejabat2"].id])


def disposisi(db, cid, p):
    handling.dispose(db, cid, p["kadis"], NOW, pejabat_id=p["pejabat"].id,
                     instruksi="Buat konsep tanggapan.", batas=NOW.date() + timedelta(days=3))


def approved(db, cid, p, reply=REPLY):
    handling.submit_draft(db, cid, p["pejabat"], NOW, body=reply)
    return handling.approve(db, cid, p["kadis"], APPROVED, catalog=CATALOG)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    paragraphs = ("".join(t.text if t.tag == qn("w:t") else " " for t in p.iter(qn("w:t"), qn("w:tab")))
                  for p in document.element.body.iter(qn("w:p")))
    return " ".join(" ".join(text.split()) for text in paragraphs if text.strip())


TEXT = {"pdf": pdf_text, "docx": docx_text}


def rendered(db, cid, kind, fmt):
    content, mimetype, filename = documents.render(db, cid, kind, fmt, OFFICE)
    return TEXT[fmt](content), mimetype, filename


def assert_no_personal_data(text):
    assert NIK not in text and EMAIL not in text and PHONE not in text
    assert "3503 1145" not in text and "3456-7890" not in text and "3456 7890" not in text


@pytest.fixture
def done(db, tmp_path, people):
    cid = file(db, tmp_path)
    nota_dinas(db, cid, people)
    disposisi(db, cid, people)
    approved(db, cid, people)
    return cid


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_nota_dinas(db, done, fmt):
    text, mimetype, filename = rendered(db, done, "nota-dinas", fmt)
    assert filename == f"nota-dinas-{NOMOR.replace('/', '-')}.{fmt}"
    assert mimetype == documents.FORMATS[fmt]
    for expected in ("PEMERINTAH KABUPATEN TRENGGALEK", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", "NOTA DINAS",
                     NOMOR, "2 November 2026", "Segera", "Pengaduan KTP-el belum jadi",
                     "Kepala Dinas Kependudukan dan Pencatatan Sipil", KABID, PEJABAT, "Ibu Pejabat2",
                     "KTP-el belum jadi sejak tiga bulan.", "Layak ditindaklanjuti.", "Kode pengaduan:"):
        assert expected in text, expected
    for label in ("Yth.", "Dari", "Tembusan", "Tanggal", "Nomor", "Sifat", "Hal"):
        assert label in text
    assert "Senin" not in text  # no weekday in the date
    assert_no_personal_data(text)
    assert VALID["name"] not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_lembar_disposisi(db, done, fmt):
    text, _, filename = rendered(db, done, "lembar-disposisi", fmt)
    assert filename == f"lembar-disposisi-{NOMOR.replace('/', '-')}.{fmt}"
    for expected in ("LEMBAR DISPOSISI", NOMOR, "2 November 2026", "5 November 2026", PEJABAT, "Ibu Pejabat",
                     "Buat konsep tanggapan.", KABID, "Pengaduan KTP-el belum jadi", "Segera",
                     OFFICE.kepala_dinas.nama, f"NIP. {OFFICE.kepala_dinas.nip}", "Trenggalek, 2 November 2026"):
        assert expected in text, expected
    assert_no_personal_data(text)
    assert VALID["name"] not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_surat_tanggapan(db, done, fmt):
    text, _, filename = rendered(db, done, "surat-tanggapan", fmt)
    assert filename == f"surat-tanggapan-{NOMOR_SURAT.replace('/', '-')}.{fmt}"
    for expected in (NOMOR_SURAT, "Trenggalek, 4 November 2026", "Tanggapan atas pengaduan", f"Sdr. {VALID['name']}",
                     "2 November 2026", "KTP-el Saudara sudah selesai dicetak dan dapat diambil di kantor.",
                     "Bawa tanda bukti perekaman", "Datang pada jam kerja", "Terima kasih atas kesabaran Saudara.",
                     OFFICE.kepala_dinas.nama, OFFICE.kepala_dinas.pangkat, f"NIP. {OFFICE.kepala_dinas.nip}",
                     "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek"):
        assert expected in text, expected
    assert "**" not in text  # Markdown is rendered, not printed
    assert_no_personal_data(text)


def test_a_returned_draft_is_not_the_letter(db, tmp_path, people):
    cid = file(db, tmp_path)
    nota_dinas(db, cid, people)
    disposisi(db, cid, people)
    handling.submit_draft(db, cid, people["pejabat"], NOW, body="Konsep pertama yang dikembalikan.")
    handling.return_draft(db, cid, people["kadis"], NOW, note="Perbaiki.")
    with pytest.raises(documents.DocumentNotReady, match="belum disetujui"):
        documents.render(db, cid, "surat-tanggapan", "pdf", OFFICE)
    approved(db, cid, people, reply="Konsep kedua yang disetujui.")
    text = rendered(db, cid, "surat-tanggapan", "docx")[0]
    assert "Konsep kedua yang disetujui." in text and "Konsep pertama" not in text


def test_not_ready_before_each_step(db, tmp_path, people):
    cid = file(db, tmp_path)

    def refused(*kinds):
        for kind in kinds:
            for fmt in ("pdf", "docx"):
                with pytest.raises(documents.DocumentNotReady):
                    documents.render(db, cid, kind, fmt, OFFICE)

    refused("nota-dinas", "lembar-disposisi", "surat-tanggapan")
    with pytest.raises(documents.DocumentNotReady, match="Nota dinas belum dibuat"):
        documents.gather(db, cid, "nota-dinas", OFFICE)
    handling.telaah_fit(db, cid, people["ops"], NOW)
    refused("nota-dinas")
    handling.create_nota_dinas(db, cid, people["kabid"], NOW, catalog=CATALOG, sifat="Biasa", hal="Hal",
                               ringkasan="Ringkas.", telaah="Layak.", tembusan=[people["pejabat"].id])
    documents.gather(db, cid, "nota-dinas", OFFICE)
    refused("lembar-disposisi", "surat-tanggapan")
    disposisi(db, cid, people)
    documents.gather(db, cid, "lembar-disposisi", OFFICE)
    refused("surat-tanggapan")
    handling.submit_draft(db, cid, people["pejabat"], NOW, body="Belum disetujui.")
    refused("surat-tanggapan")
    with pytest.raises(documents.DocumentNotReady):
        documents.gather(db, 9999, "nota-dinas", OFFICE)


def test_unknown_kind_or_format(db, done):
    with pytest.raises(ValueError):
        documents.render(db, done, "surat-sakti", "pdf", OFFICE)
    with pytest.raises(ValueError):
        documents.render(db, done, "nota-dinas", "odt", OFFICE)
    assert not issubclass(documents.DocumentNotReady, ValueError)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_anonymous_letter_is_addressed_without_a_name(db, tmp_path, people, fmt):
    cid = file(db, tmp_path, visibility="anonim")
    nota_dinas(db, cid, people)
    disposisi(db, cid, people)
    approved(db, cid, people)
    text = rendered(db, cid, "surat-tanggapan", fmt)[0]
    assert "Yth. Bapak/Ibu Pengadu di Tempat" in text
    assert "Sdr." not in text and VALID["name"] not in text
    assert "Menindaklanjuti pengaduan Bapak/Ibu" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_personal_data_typed_by_staff_is_masked(db, tmp_path, people, fmt):
    cid = file(db, tmp_path)
    nota_dinas(db, cid, people, ringkasan=f"Pengadu (NIK {NIK}, e-mail {EMAIL.upper()}) menanyakan KTP-el.")
    disposisi(db, cid, people)
    approved(db, cid, people, reply="Kami telah menghubungi nomor +62 812-3456-7890 dan NIK 3503 1145 0890 0001.")
    for kind in ("nota-dinas", "surat-tanggapan"):
        text = rendered(db, cid, kind, fmt)[0]
        assert_no_personal_data(text)
        assert EMAIL.upper() not in text and "812-3456-7890" not in text
        assert document_context.MASK in text


def test_html_is_self_contained_a4(db, done):
    for kind in documents.KINDS:
        html = documents.render_html(kind, documents.gather(db, done, kind, OFFICE))
        assert "@page { size: A4; margin: 2cm; }" in html
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|url\(|@import""", html)
        assert "PEMERINTAH KABUPATEN TRENGGALEK" in html and '<html lang="id">' in html
        assert NIK not in html and EMAIL not in html and PHONE not in html


def test_logo_is_embedded(db, done, tmp_path):
    content_dir = tmp_path / "content"
    (content_dir / "assets").mkdir(parents=True)
    out = io.BytesIO()
    Image.new("RGB", (40, 48), (200, 30, 30)).save(out, "PNG")
    (content_dir / "assets" / "logo.png").write_bytes(out.getvalue())
    office = dataclasses.replace(OFFICE, logo="assets/logo.png")
    context = documents.gather(db, done, "surat-tanggapan", office, content_dir=content_dir)
    assert 'src="data:image/png;base64,' in documents.render_html("surat-tanggapan", context)
    assert len(pypdf.PdfReader(io.BytesIO(documents.render_pdf("surat-tanggapan", context))).pages[0].images) == 1
    assert len(docx.Document(io.BytesIO(documents.render_docx("surat-tanggapan", context))).inline_shapes) == 1
    # A configured logo that is missing is left out rather than breaking the letter.
    missing = documents.gather(db, done, "nota-dinas", dataclasses.replace(OFFICE, logo="assets/tidak-ada.png"),
                               content_dir=content_dir)
    assert missing["kop"]["logo"] is None
    assert "<img" not in documents.render_html("nota-dinas", missing)


def test_docx_is_a4_with_header_table(db, done):
    document = docx.Document(io.BytesIO(documents.render(db, done, "nota-dinas", "docx", OFFICE)[0]))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    header = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert ["Nomor", ":", NOMOR] in header and ["Dari", ":", KABID] in header
    sheet = docx.Document(io.BytesIO(documents.render(db, done, "lembar-disposisi", "docx", OFFICE)[0]))
    boxes = " ".join(c.text for row in sheet.tables[0].rows for c in row.cells)
    assert "Diteruskan kepada:" in boxes and "Dengan hormat harap:" in boxes and "Batas waktu" in boxes


def test_indonesian_long_date():
    assert document_context.tanggal("2026-05-01") == "1 Mei 2026"
    assert document_context.tanggal("2026-11-25T14:00:00+07:00") == "25 November 2026"


def test_pdf_and_docx_say_every_sentence_of_the_letter_wording(db, done):
    """The wording is written once (document_wording); both formats carry each of its lines whole."""
    from portal.domain import document_wording

    for kind in documents.KINDS:
        context = documents.gather(db, done, kind, OFFICE)
        lines = []
        for block in document_wording.blocks(kind, context):
            lines += [block[key] for key in ("text", "position", "name", "place_date") if block.get(key)]
            lines += block.get("lines", []) + block.get("below", [])
            lines += [heading for heading, _ in block.get("points", [])]
            for row in block.get("rows", []):
                lines += [label for label, _ in (row["cells"] if isinstance(row, dict) else [row])]
        assert len(lines) > 8
        pdf, docx_ = pdf_text(documents.render_pdf(kind, context)), docx_text(documents.render_docx(kind, context))
        for line in lines:
            assert " ".join(line.split()) in pdf, (kind, "pdf", line)
            assert " ".join(line.split()) in docx_, (kind, "docx", line)
