"""Attachments sent to the running portal (waitress in a subprocess): images too large to decode
safely are refused by their header with an Indonesian message naming the limit, large JPEG photos
are kept at a reduced size, every metadata block is gone from the stored file, and PDFs with
scripts, automatic actions, programs to launch or files inside are refused. Each refusal shows its
message on the form and stores nothing."""

from __future__ import annotations

import io
import re
import sqlite3
import struct
import zlib
from html import unescape
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject,
                           TextStringObject)

from conftest import VALID, LiveServer
from portal.domain import uploads
from test_faults import Browser


@pytest.fixture(scope="module")
def server(tmp_path_factory, session_smtp):
    server = LiveServer(tmp_path_factory.mktemp("unggah"), session_smtp)
    server.env["PORTAL_RATELIMIT_SUBMIT"] = "100000 per hour"
    assert server.flask("migrate").returncode == 0
    server.start()
    yield server
    server.stop()


def stored_files(server) -> list[Path]:
    """Every file under the upload directory, finished or not."""
    return sorted(p for p in (server.data_dir / "uploads").rglob("*") if p.is_file())


def complaint_count(server) -> int:
    conn = sqlite3.connect(f"file:{server.data_dir / 'portal.db'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
    finally:
        conn.close()


def submit(server, files):
    person = Browser(server.port)
    token = person.token("/pengaduan/")
    return person.post_form("/pengaduan/", {**VALID, "csrf_token": token},
                            files=[("files", name, "application/octet-stream", data) for name, data in files])


def files_error(html: str) -> str | None:
    match = re.search(r'<p class="error" id="files-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else None


def refused(server, files) -> str:
    """Submit, expect the form back with a message on the attachment field and nothing kept."""
    before = (complaint_count(server), stored_files(server))
    status, _, html = submit(server, files)
    assert status == 422, html[:2000]
    assert (complaint_count(server), stored_files(server)) == before
    return files_error(html)


def accepted(server, files) -> list[Path]:
    """Submit, expect the confirmation, return the files this submission stored."""
    before = set(stored_files(server))
    status, headers, html = submit(server, files)
    assert status == 303, files_error(html) or html[:2000]
    return sorted(set(stored_files(server)) - before)


# ---------------------------------------------------------------- images built without decoding

def blank_png(width: int, height: int, *, mark: bool = True) -> bytes:
    """A white RGB PNG of any size, built row by row so that the test never holds its pixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    squeeze = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (3 * width)
    dark = b"\x00" + b"\x10" * (3 * width)
    body = [squeeze.compress(dark if mark and y % 1000 == 0 else row) for y in range(height)]
    body.append(squeeze.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", b"".join(body)) + chunk(b"IEND", b""))


def big_jpeg(width: int, height: int) -> bytes:
    image = Image.new("L", (width, height), 230)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=50)
    return out.getvalue()


# ---------------------------------------------------------------- too many pixels

RESOLUTION = re.compile(r"terlalu besar resolusinya .* paling besar [0-9]+ megapiksel")


def test_mostly_empty_7000_px_png_is_refused_by_its_resolution(server):
    png = blank_png(7000, 7000)
    assert len(png) < 400_000  # small on the wire, 196 MB once decoded
    message = refused(server, [("denah.png", png)])
    assert message.startswith("Gambar “denah.png” terlalu besar resolusinya (7000 × 7000 piksel")
    assert RESOLUTION.search(message)
    assert "bukan foto" not in message


def test_image_beyond_pillows_own_bomb_limit_gets_the_resolution_message_too(server):
    # 15,000 × 15,000 is more than twice Pillow's MAX_IMAGE_PIXELS: Pillow refuses to open it.
    message = refused(server, [("peta.png", blank_png(15000, 15000))])
    assert message.startswith("Gambar “peta.png” terlalu besar resolusinya")
    assert "bukan foto" not in message


def test_second_image_over_the_limit_stores_neither(server):
    good = blank_png(800, 600)
    message = refused(server, [("baik.png", good), ("besar.png", blank_png(6000, 5000))])
    assert message.startswith("Gambar “besar.png” terlalu besar resolusinya")


def test_large_jpeg_photo_is_kept_at_a_reduced_size(server):
    # 64 megapixels: a high-resolution phone mode. Decoded at half size, not at full size.
    (stored,) = accepted(server, [("foto-besar.jpg", big_jpeg(9200, 6900))])
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (4600, 3450)
        assert image.width * image.height <= uploads.MAX_IMAGE_PIXELS


def test_jpeg_beyond_the_photo_limit_is_refused(server):
    message = refused(server, [("panorama.jpg", big_jpeg(12000, 6000))])
    assert message.startswith("Gambar “panorama.jpg” terlalu besar resolusinya (12000 × 6000 piksel")
    assert RESOLUTION.search(message)


def test_total_resolution_of_one_submission_is_bounded(server):
    # Each PNG alone is allowed; together they exceed what one submission may decode.
    size = (4000, 4000)
    assert size[0] * size[1] <= uploads.MAX_IMAGE_PIXELS
    message = refused(server, [(f"scan{i}.png", blank_png(*size)) for i in (1, 2, 3)])
    assert message.startswith("Gambar “scan3.png” membuat lampiran pengaduan ini terlalu besar resolusinya")
    assert "megapiksel" in message


# ---------------------------------------------------------------- metadata

def jpeg_markers(data: bytes) -> list[int]:
    """The marker of every segment before the image data (SOS), then SOS."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while True:
        assert data[i] == 0xFF
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:
            return markers
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, i = [], 8
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        kinds.append(kind)
        i += 12 + length
    return kinds


ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description Lokasi="RumahSaya"/></rdf:RDF></x:xmpmeta>'


def jpeg_with_everything() -> bytes:
    image = Image.new("RGB", (320, 240), (40, 90, 160))
    exif = Image.Exif()
    exif[0x0110] = "KameraRahasia X1"
    exif[0x8825] = {1: "S", 2: (8.0, 3.0, 0.0), 3: "E", 4: (111.0, 42.0, 0.0)}
    caption = b"\x1c\x02\x78" + struct.pack(">H", 12) + b"KeteranganIP"  # IPTC caption
    photoshop = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(caption)) + caption
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=ICC, comment=b"KomentarRahasia", xmp=XMP,
               extra=b"\xff\xed" + struct.pack(">H", len(photoshop) + 2) + photoshop)
    data = out.getvalue()
    assert {0xE1, 0xE2, 0xED, 0xFE} <= set(jpeg_markers(data))  # the test file does carry them
    return data


def test_jpeg_is_stored_without_comment_icc_xmp_iptc_or_exif(server):
    (stored,) = accepted(server, [("foto.jpg", jpeg_with_everything())])
    data = stored.read_bytes()
    markers = jpeg_markers(data)
    # Only the JFIF header (APP0), tables, frame and scan remain: no APP1-APP15, no COM.
    assert [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE] == []
    for secret in (b"KomentarRahasia", b"KameraRahasia", b"RumahSaya", b"KeteranganIP", b"Exif", b"ICC_PROFILE"):
        assert secret not in data
    with Image.open(stored) as image:
        assert image.size == (320, 240)


def png_with_everything() -> bytes:
    image = Image.new("P", (200, 100), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "PenulisRahasia")
    info.add_text("Comment", "KomentarRahasia", zip=True)
    info.add_itxt("Description", "KeteranganRahasia", lang="id")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add(b"tIME", b"\x07\xea\x05\x01\x0c\x00\x00")
    exif = Image.Exif()
    exif[0x0110] = "KameraRahasia X1"
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, icc_profile=ICC, exif=exif, transparency=0, dpi=(300, 300))
    data = out.getvalue()
    assert {b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf", b"tIME", b"pHYs"} <= set(png_chunks(data))
    return data


def test_png_is_stored_with_pixels_and_transparency_only(server):
    (stored,) = accepted(server, [("tangkapan.png", png_with_everything())])
    data = stored.read_bytes()
    assert set(png_chunks(data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    for secret in (b"Rahasia", b"RumahSaya"):
        assert secret not in data
    with Image.open(stored) as image:
        assert image.size == (200, 100)
        assert image.convert("RGBA").getpixel((5, 5)) == (255, 0, 0, 255)
        assert "transparency" in image.info  # the transparent colour survives


# ---------------------------------------------------------------- PDF

def pdf_bytes(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def js_action(code="app.alert('x')") -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject(code)})


def with_open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(js_action())


def with_named_javascript(writer):
    # A document-level script: Names → JavaScript name tree → action, run when the file opens.
    tree = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("halo"), writer._add_object(js_action("app.alert('halo');"))])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def with_launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


def with_launch_on_page_event(writer):
    # Not an OpenAction: an additional action that runs when the first page is opened.
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})})


def with_open_action_uri(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://127.0.0.1/")})


def with_embedded_file(writer):
    writer.add_attachment("lampiran.exe", b"MZ\x90\x00 program")


def with_go_to_page(writer):
    # What LibreOffice and many other programs write: open at the first page. Harmless.
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/XYZ"), NumberObject(0), NumberObject(842), NumberObject(0)])


def with_text(writer):
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 720 Td (Surat keterangan) Tj ET")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)


def hide_name(data: bytes, name: bytes) -> bytes:
    """Write a name with #xx escapes, as PDF allows; a byte search for it no longer finds it."""
    escaped = name[:2] + b"".join(b"#%02X" % c for c in name[2:])
    return data.replace(name, escaped)


SCRIPT = "berisi skrip (JavaScript)"
ACTION = "menjalankan perintah otomatis saat dibuka"
LAUNCH = "berisi perintah untuk menjalankan program lain"
EMBEDDED = "berisi berkas lain di dalamnya"


@pytest.mark.parametrize("build, expected", [
    (with_open_action_js, SCRIPT), (with_named_javascript, SCRIPT), (with_launch, LAUNCH),
    (with_launch_on_page_event, LAUNCH), (with_open_action_uri, ACTION), (with_embedded_file, EMBEDDED),
], ids=["openaction-js", "names-javascript", "launch", "page-event-launch", "openaction-uri", "embedded-file"])
def test_pdf_with_active_content_is_refused(server, build, expected):
    message = refused(server, [("baik.jpg", jpeg_with_everything()), ("surat.pdf", pdf_bytes(build))])
    assert message.startswith(f"Berkas PDF “surat.pdf” {expected}")
    assert "tidak dapat diterima" in message


def test_pdf_with_javascript_behind_escaped_names_is_refused(server):
    data = hide_name(hide_name(pdf_bytes(with_named_javascript), b"/JavaScript"), b"/JS")
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert refused(server, [("surat.pdf", data)]).startswith(f"Berkas PDF “surat.pdf” {SCRIPT}")


def object_stream_pdf(script: bool) -> bytes:
    """A PDF 1.5 whose objects all sit in one compressed object stream, found through an
    xref stream: a byte search sees neither the names nor the actions."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R" + (b" /Names 4 0 R" if script else b"") + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        4: b"<< /JavaScript 5 0 R >>",
        5: b"<< /Names [(a) 6 0 R] >>",
        6: b"<< /S /JavaScript /JS (app.alert(1)) >>",
    }
    if not script:
        objects = {n: text for n, text in objects.items() if n <= 3}
    header, body = b"", b""
    for number, text in objects.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    packed = zlib.compress(header + body)
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stream_number, len(objects), len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    rows += [b"\x02" + struct.pack(">IH", stream_number, i) for i in range(len(objects))]
    rows += [b"\x01" + struct.pack(">IH", stream_at, 0), b"\x01" + struct.pack(">IH", xref_at, 0)]
    table = b"".join(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, len(table))
            + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out


def test_pdf_with_javascript_inside_a_compressed_object_stream_is_refused(server):
    data = object_stream_pdf(script=True)
    assert b"JavaScript" not in data
    assert refused(server, [("surat.pdf", data)]).startswith(f"Berkas PDF “surat.pdf” {SCRIPT}")


def test_pdf_with_an_object_stream_and_no_script_is_kept(server):
    data = object_stream_pdf(script=False)
    (stored,) = accepted(server, [("surat.pdf", data)])
    assert stored.read_bytes() == data


def test_pdf_with_too_many_objects_to_check_is_refused(server):
    count = uploads.MAX_PDF_OBJECTS + 1000
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] + [b"[]"] * (count - 3)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, text in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, xref_at)
    assert len(out) < 5 * 1024 * 1024
    message = refused(server, [("surat.pdf", bytes(out))])
    assert message.startswith("Berkas PDF “surat.pdf” terlalu rumit untuk diperiksa (lebih dari 50.000 objek)")


def test_pdf_locked_with_a_password_is_refused(server):
    def locked(writer):
        writer.encrypt("rahasia", algorithm="RC4-128")
    message = refused(server, [("surat.pdf", pdf_bytes(locked))])
    assert message.startswith("Berkas PDF “surat.pdf” dikunci dengan kata sandi")


@pytest.mark.parametrize("content", [
    b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
], ids=["random-bytes", "no-pages"])
def test_file_that_only_looks_like_a_pdf_is_refused(server, content):
    assert refused(server, [("surat.pdf", content)]) == "Berkas PDF “surat.pdf” rusak atau tidak lengkap."


@pytest.mark.parametrize("build", [None, with_go_to_page, with_text], ids=["blank", "open-at-page", "text"])
def test_ordinary_pdf_is_kept_byte_for_byte(server, build):
    data = pdf_bytes(build)
    (stored,) = accepted(server, [("surat.pdf", data)])
    assert stored.read_bytes() == data
