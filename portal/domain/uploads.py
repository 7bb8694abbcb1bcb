"""Attachments: accept JPEG, PNG and PDF by their content, never by their name.

Photos are decoded and re-encoded, which drops EXIF (camera, time, GPS location) and any
bytes hidden after the image. Files are stored outside the web root under random names.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from . import private

# A phone photo is about 12 megapixels; anything far beyond is a decompression bomb.
MAX_PIXELS = 50_000_000

KINDS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


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


def clean(data: bytes, original_name: str, max_bytes: int) -> CleanFile:
    """Check one uploaded file and return a copy that is safe to keep."""
    name = _display_name(original_name)
    if not data:
        raise InvalidUpload(f"Berkas \u201c{name}\u201d kosong.")
    check_size(original_name, len(data), max_bytes)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise InvalidUpload(f"Berkas PDF \u201c{name}\u201d rusak atau tidak lengkap.")
        return CleanFile(data, "application/pdf", "pdf", name)
    return _clean_image(data, name)


def check_size(original_name: str, size: int, max_bytes: int) -> None:
    """Refuse a file by its size alone, before reading it."""
    if size > max_bytes:
        raise InvalidUpload(
            f"Berkas \u201c{_display_name(original_name)}\u201d terlalu besar ({size / 1048576:.1f} MB); "
            f"batasnya {max_bytes // 1048576} MB per berkas."
        )


def _clean_image(data: bytes, name: str) -> CleanFile:
    refused = InvalidUpload(
        f"Berkas \u201c{name}\u201d bukan foto JPEG/PNG atau dokumen PDF. "
        "Hanya berkas JPEG, PNG, atau PDF yang diterima."
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in KINDS:
                raise refused
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidUpload(f"Gambar \u201c{name}\u201d terlalu besar resolusinya.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the photo upright before its orientation tag is dropped with the EXIF.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
    except InvalidUpload:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    mime, extension = KINDS[kind]
    return CleanFile(out.getvalue(), mime, extension, name)


def _display_name(original_name: str) -> str:
    # Keep only the base name, printable and short: it is shown back to people.
    base = original_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:100] or "lampiran"


def store(upload_dir: str | Path, file: CleanFile) -> str:
    """Write the file under a fresh random name and return that name."""
    stored_name = f"{secrets.token_urlsafe(18)}.{file.extension}"
    path = Path(upload_dir) / stored_name
    with private.open_new(path) as fh:  # 0600: personal data, whatever the umask
        fh.write(file.data)
    return stored_name


def remove(upload_dir: str | Path, stored_names: list[str]) -> None:
    for stored_name in stored_names:
        (Path(upload_dir) / stored_name).unlink(missing_ok=True)
