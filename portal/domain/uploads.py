"""Attachments: accept JPEG, PNG and PDF by their content, never by their name.

Photos are decoded and re-encoded from their pixels alone, which drops every metadata block
(EXIF with camera and GPS, ICC, XMP, IPTC, JPEG comments, PNG text chunks) and any bytes hidden
after the image. PDFs are parsed and refused when they run anything. Files are stored outside
the web root under random names.

Memory: an image's size is read from its header before any pixel is decoded. Pillow keeps
most modes at 4 bytes a pixel, so an image decoded to MAX_IMAGE_PIXELS takes about 64 MB, and
its re-encoding (and, for a rotated photo, one transposed copy) at most as much again: about
130 MB for the largest image. One submission decodes its images one after another, so that
figure is also its bound; at most DECODING_AT_ONCE images are decoded at the same time in the
whole process, whatever the number of server threads (see give_back_freed_images for what makes
that hold for the process's resident memory).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
import json
import math
import os
import secrets
import shutil
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from . import private
from .formatting import angka

# Pixels one image is decoded into: a 16-megapixel phone photo (4608 × 3456) fits.
MAX_IMAGE_PIXELS = 16_000_000
# A JPEG may declare up to four times as many (48 and 64 MP phone modes): JPEG can be decoded
# at half, a quarter or an eighth of its size directly (DCT scaling), and is then kept that size.
MAX_JPEG_PIXELS = 4 * MAX_IMAGE_PIXELS
# Pixels decoded for all the images of one submission: three 12-megapixel photos fit. A JPEG
# that would go beyond is decoded at a smaller scale; a PNG cannot be, and is refused.
MAX_REQUEST_PIXELS = 40_000_000
# Images opened and decoded, and PDFs parsed, at the same time in the whole process.
DECODING_AT_ONCE = 2

KINDS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# Multi-picture JPEGs from phones come out of the JPEG parser as MPO; their first picture is
# an ordinary JPEG.
OPENED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}

_decoding = threading.BoundedSemaphore(DECODING_AT_ONCE)
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


class InvalidUpload(ValueError):
    "The file is not an accepted attachment."


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    mime: str
    extension: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class PixelBudget:
    """The pixels one submission may still decode (MAX_REQUEST_PIXELS)."""

    def __init__(self, pixels: int = MAX_REQUEST_PIXELS):
        self.left = pixels


def clean(data: bytes, original_name: str, max_bytes: int, budget: PixelBudget | None = None,
          max_width: int | None = None) -> CleanFile:
    """Check one uploaded file and return a copy that is safe to keep (an image no wider than
    `max_width`, when given).

    Pass the same `budget` for every file of one submission."""
    name = _display_name(original_name)
    if not data:
        raise InvalidUpload(f"Berkas \u201c{name}\u201d kosong.")
    check_size(original_name, len(data), max_bytes)
    if data.startswith(b"%PDF-"):
        return _clean_pdf(data, name)
    return _clean_image(data, name, budget if budget is not None else PixelBudget(), max_width)


def check_size(original_name: str, size: int, max_bytes: int) -> None:
    """Refuse a file by its size alone, before reading it."""
    if size > max_bytes:
        raise InvalidUpload(
            f"Berkas \u201c{_display_name(original_name)}\u201d terlalu besar ({size / 1048576:.1f} MB); "
            f"batasnya {max_bytes // 1048576} MB per berkas."
        )


# ---------------------------------------------------------------- images

def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def _too_many_pixels(name: str, kind: str | None, size: tuple[int, int] | None = None) -> InvalidUpload:
    limits = {"JPEG": f"paling besar {_megapixels(MAX_JPEG_PIXELS)} megapiksel untuk foto JPEG",
              "PNG": f"paling besar {_megapixels(MAX_IMAGE_PIXELS)} megapiksel untuk gambar PNG"}
    limit = limits.get(kind) or f"{limits['PNG']} dan {limits['JPEG'].removeprefix('paling besar ')}"
    shown = f" ({size[0]} \u00d7 {size[1]} piksel, {_megapixels(size[0] * size[1])} megapiksel);" if size else ";"
    return InvalidUpload(f"Gambar \u201c{name}\u201d terlalu besar resolusinya{shown} {limit}. "
                         "Perkecil ukuran gambar, lalu kirim lagi.")


def _scale_for(size: tuple[int, int], pixels: int) -> int | None:
    """The smallest JPEG decoding scale (1, 2, 4 or 8) that fits `pixels`, or None."""
    for scale in (1, 2, 4, 8):
        if math.ceil(size[0] / scale) * math.ceil(size[1] / scale) <= pixels:
            return scale
    return None


def _clean_image(data: bytes, name: str, budget: PixelBudget, max_width: int | None = None) -> CleanFile:
    refused = InvalidUpload(
        f"Berkas \u201c{name}\u201d bukan foto JPEG/PNG atau dokumen PDF. "
        "Hanya berkas JPEG, PNG, atau PDF yang diterima."
    )
    kind = None
    try:
        with _decoding:
            # Only the JPEG and PNG parsers ever see the bytes; opening reads the header alone.
            image = Image.open(io.BytesIO(data), formats=list(KINDS))
            try:
                kind = OPENED_AS[image.format]
                _fit(image, kind, name, budget)
                budget.left -= image.size[0] * image.size[1]
                out = _reencode(image, kind, max_width)
            finally:
                image.close()  # frees the pixels now, before the next decoding may start
    except InvalidUpload:
        raise
    except Image.DecompressionBombError:
        # Pillow's own limit (twice Image.MAX_IMAGE_PIXELS, left as it is for the rest of the
        # portal) is far above ours: the header declared something enormous.
        raise _too_many_pixels(name, kind) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise refused from None
    mime, extension = KINDS[kind]
    return CleanFile(out, mime, extension, name)


def _fit(image: Image.Image, kind: str, name: str, budget: PixelBudget) -> None:
    """Refuse the image by its header, or set a JPEG to decode small enough; nothing decoded yet."""
    width, height = declared = image.size
    allowed = min(MAX_IMAGE_PIXELS, budget.left)
    if width * height > (MAX_JPEG_PIXELS if kind == "JPEG" else MAX_IMAGE_PIXELS):
        raise _too_many_pixels(name, kind, declared)
    if kind == "JPEG" and width * height > allowed:
        scale = _scale_for(declared, allowed)
        if scale is not None:
            # Pillow picks the largest scale whose result is at least the size asked for.
            image.draft(None, (max(1, width // scale), max(1, height // scale)))
    if image.size[0] * image.size[1] > allowed:
        if image.size[0] * image.size[1] > MAX_IMAGE_PIXELS:
            raise _too_many_pixels(name, kind, declared)
        raise _too_much_in_one_submission(name)


def _too_much_in_one_submission(name: str) -> InvalidUpload:
    return InvalidUpload(
        f"Gambar \u201c{name}\u201d membuat lampiran pengaduan ini terlalu besar resolusinya: semua gambar "
        f"dalam satu pengiriman paling besar {_megapixels(MAX_REQUEST_PIXELS)} megapiksel bersama-sama. "
        "Perkecil ukuran gambar, atau kirim gambar ini kemudian lewat halaman pelacakan bila petugas memintanya.")


def _reencode(image: Image.Image, kind: str, max_width: int | None = None) -> bytes:
    image.load()
    # Turn the photo upright before its orientation tag is dropped with the EXIF.
    ImageOps.exif_transpose(image, in_place=True)
    if max_width and image.width > max_width:
        image.thumbnail((max_width, max_width * 4))
    # Nothing but the pixels travels on: Pillow copies comments (JPEG) and ICC profiles (PNG)
    # from `info` when saving. A PNG's transparent colour is part of its pixels.
    image.info = {k: v for k, v in image.info.items() if kind == "PNG" and k == "transparency"}
    out = io.BytesIO()
    if kind == "JPEG":
        converted = image if image.mode in ("RGB", "L") else image.convert("RGB")
        try:
            # No `optimize`: it makes libjpeg and Pillow hold the whole image a second time.
            converted.save(out, "JPEG", quality=85)
        finally:
            if converted is not image:
                converted.close()
    else:
        image.save(out, "PNG")
    return out.getvalue()


def give_back_freed_images() -> bool:
    """Have the C allocator (glibc) hand every block of 4 MB or more straight back to the system
    when it is freed, so that the bound above holds for the process as well; True if it took.

    By default glibc raises that threshold after the first large block is freed, and each server
    thread then keeps the memory of the last image it decoded: eight waitress threads kept about
    500 MB in scripts/bench/uploads.py, two decodings at once notwithstanding."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024) == 1
    except (OSError, AttributeError):  # not glibc (mallopt missing): nothing to tune
        return False


# ---------------------------------------------------------------- PDF

PDF_BROKEN = "Berkas PDF \u201c{name}\u201d rusak atau tidak lengkap."
PDF_ADVICE = (" dan tidak dapat diterima. Cetak ulang dokumen ke PDF biasa (menu Cetak \u2192 Simpan sebagai PDF), "
              "lalu kirim lagi.")
# Objects a PDF may have: a 3,000-page text PDF of 4.4 MB has 6,000 and is checked in 0.6 s;
# 5 MB of empty objects (over 200,000) would take seconds and 150 MB.
MAX_PDF_OBJECTS = 50_000
PDF_PROBLEMS = {  # found, in the order they are reported
    "complex": f"terlalu rumit untuk diperiksa (lebih dari {angka(MAX_PDF_OBJECTS)} objek)",
    "script": "berisi skrip (JavaScript)",
    "launch": "berisi perintah untuk menjalankan program lain",
    "embedded": "berisi berkas lain di dalamnya",
    "action": "menjalankan perintah otomatis saat dibuka",
}
SCRIPT_NAMES = {"/JS", "/JavaScript"}
ACTION_KINDS = {"/JavaScript": "script", "/Launch": "launch", "/GoToE": "embedded"}


def _clean_pdf(data: bytes, name: str) -> CleanFile:
    broken = InvalidUpload(PDF_BROKEN.format(name=name))
    if b"%%EOF" not in data[-2048:]:
        raise broken
    try:
        with _decoding:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise InvalidUpload(f"Berkas PDF \u201c{name}\u201d dikunci dengan kata sandi sehingga tidak "
                                    "dapat dibuka petugas. Kirim PDF yang tidak dikunci.")
            if len(reader.pages) == 0:
                raise broken
            found = _active_content(reader)
    except InvalidUpload:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a malformed file; all mean "not a PDF"
        raise broken from None
    for problem, text in PDF_PROBLEMS.items():
        if problem in found:
            raise InvalidUpload(f"Berkas PDF \u201c{name}\u201d {text}{PDF_ADVICE}")
    return CleanFile(data, "application/pdf", "pdf", name)


def _active_content(reader: PdfReader) -> set[str]:
    """What in the file would run something: scripts, launch actions, embedded files, and an
    action on opening other than going to a page. Every object is looked at, wherever it sits
    (object streams included) and however its names are spelled (#xx escapes are decoded)."""
    found: set[str] = set()

    def visit(obj, depth=0):
        if depth > 64:
            return
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in SCRIPT_NAMES:
                    found.add("script")
                elif key in ("/EmbeddedFiles", "/EmbeddedFile", "/EF"):
                    found.add("embedded")
                elif key == "/S" and value in ACTION_KINDS:
                    found.add(ACTION_KINDS[value])
                elif key in ("/Type", "/Subtype") and value in ("/EmbeddedFile", "/FileAttachment", "/Filespec"):
                    found.add("embedded")
                if not isinstance(value, IndirectObject):
                    visit(value, depth + 1)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                if not isinstance(value, IndirectObject):
                    visit(value, depth + 1)

    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > MAX_PDF_OBJECTS:
        return {"complex"}
    for num, gen in sorted(numbers):
        visit(reader.get_object(IndirectObject(num, gen, reader)))
    visit(reader.trailer)
    opening = reader.trailer["/Root"].get("/OpenAction")
    opening = opening.get_object() if isinstance(opening, IndirectObject) else opening
    if isinstance(opening, DictionaryObject) and opening.get("/S") != "/GoTo":
        found.add("action")
    return found


# ---------------------------------------------------------------- storage

def _display_name(original_name: str) -> str:
    # Keep only the base name, printable and short: it is shown back to people.
    base = original_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:100] or "lampiran"


def store(upload_dir: str | Path, files: list[CleanFile]) -> list[str]:
    """Write the files under fresh random names, each complete and on disk, but still hidden
    (a `.part` name): `publish` gives them their names once their rows are written, `discard`
    removes them. On any failure nothing written here remains, and the error is raised."""
    names: list[str] = []
    try:
        for file in files:
            stored_name = f"{secrets.token_urlsafe(18)}.{file.extension}"
            names.append(stored_name)
            with private.open_new(_partial(upload_dir, stored_name)) as fh:  # 0600: personal data, whatever the umask
                fh.write(file.data)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        discard(upload_dir, names)
        raise
    return names


def publish(upload_dir: str | Path, stored_names: list[str]) -> None:
    """Give stored files their names; call inside the transaction that writes their rows, just
    before it commits (and `discard` if it does not)."""
    if not stored_names:
        return
    for stored_name in stored_names:
        os.rename(_partial(upload_dir, stored_name), Path(upload_dir) / stored_name)
    _fsync_dir(Path(upload_dir))


def discard(upload_dir: str | Path, stored_names: list[str]) -> None:
    """Remove files from `store`, published or not."""
    for stored_name in stored_names:
        _partial(upload_dir, stored_name).unlink(missing_ok=True)
        (Path(upload_dir) / stored_name).unlink(missing_ok=True)


def _partial(upload_dir: str | Path, stored_name: str) -> Path:
    return Path(upload_dir) / f".{stored_name}.part"


def remove(upload_dir: str | Path, stored_names: list[str]) -> None:
    for stored_name in stored_names:
        (Path(upload_dir) / stored_name).unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    # The renames themselves must reach the disk before the rows that name the files.
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- held across a validation error
#
# A citizen's accepted attachment is kept while they correct the form, so that they need not
# choose the photo again (on a phone, often impossible without starting over). Held files live in
# a folder of their own under the data directory (the HELD_UPLOAD_DIR setting), one subfolder per
# random token; the token is kept only in the citizen's signed session, so nobody else can reuse
# or see the files. On the
# successful submit they are read back and stored like any new upload (store/publish/discard),
# then released; abandoned ones are removed by the daily job.

HELD_MAX_AGE_HOURS = 24
_TOKEN_LENGTH = 24  # characters of secrets.token_urlsafe(18)
_INDEX = "berkas.json"


def hold(held_dir: str | Path, files: list[CleanFile]) -> str:
    """Keep the files under a new token and return it; nothing is kept if writing fails."""
    token = secrets.token_urlsafe(18)
    folder = private.make_dir(Path(held_dir) / token)
    try:
        index = []
        for i, file in enumerate(files):
            name = f"{i}.{file.extension}"
            with private.open_new(folder / name) as fh:
                fh.write(file.data)
            index.append({"file": name, "mime": file.mime, "extension": file.extension,
                          "original_name": file.original_name})
        with private.open_new(folder / _INDEX) as fh:
            fh.write(json.dumps(index).encode())
    except BaseException:
        release(held_dir, token)
        raise
    return token


def held(held_dir: str | Path, token: str | None) -> list[CleanFile]:
    """The files kept under the token; none when the token is unknown, malformed or expired."""
    folder = _held_folder(held_dir, token)
    if folder is None or not (folder / _INDEX).is_file():
        return []
    try:
        index = json.loads((folder / _INDEX).read_text())
        return [CleanFile((folder / item["file"]).read_bytes(), item["mime"], item["extension"],
                          item["original_name"]) for item in index]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def release(held_dir: str | Path, token: str | None) -> None:
    """Remove the files kept under the token (used, removed by the citizen, or abandoned)."""
    folder = _held_folder(held_dir, token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def remove_abandoned(held_dir: str | Path, now: datetime, max_age_hours: int = HELD_MAX_AGE_HOURS) -> int:
    """Remove held files older than max_age_hours; returns how many holdings were removed."""
    root = Path(held_dir)
    if not root.is_dir():
        return 0
    limit = now.timestamp() - max_age_hours * 3600
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _held_folder(held_dir: str | Path, token: str | None) -> Path | None:
    if not token or len(token) != _TOKEN_LENGTH or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return Path(held_dir) / token
