"""Materi sosialisasi (SOP "Sosialisasi Kebijakan Kependudukan melalui Media Cetak").

Each material is a Markdown page, content/sosialisasi/materi/<slug>.md, whose front matter reads

    title: Syarat membuat KTP-el bagi pemula
    audiens: Pelajar SMA/SMK dan orang tua
    topik: KTP-el
    status: terbit                     # perlu-tinjauan | draft | terbit
    disetujui_oleh: Kepala Dinas       # both approval fields, or the material is a draft
    tanggal_disetujui: 2026-11-25

For every approved material this module renders a print-ready A4 PDF,
sosialisasi/materi/<slug>.pdf, for duplication and distribution (SOP steps 6 and 7): a header
with the office's name, the title and the audience; a footer with who approved it and when; a
QR code that leads back to the material's web page. An unapproved material gets no PDF unless
`preview` is true (then the PDF is marked as a draft). It also writes the list of materials,
sosialisasi/materi/index.md (approved ones only, or all of them in a preview).

WeasyPrint's output is byte-identical for identical input, and rendering takes about a second
per material, so each PDF is cached in content/.cache/materi/ under a hash of everything it is
made from: a build where nothing changed renders nothing and rewrites nothing.

The YAML helpers here (a loader that keeps line numbers, reads dates and HH:MM times as
strings, and tolerates MkDocs' custom tags) are shared with portal.publish.sessions.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import markdown
import segno
import yaml

from ..domain import formatting
from . import pdfcache
from .errors import DataError

OFFICE = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek"
MATERIALS_DIR = "sosialisasi/materi"
OUTPUTS = (f"{MATERIALS_DIR}/index.md", f"{MATERIALS_DIR}/*.pdf")
CACHE_DIR = ".cache/materi"
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
STATUSES = ("perlu-tinjauan", "draft", "terbit")
# Bump when the PDF layout changes, so that cached PDFs are rendered again.
LAYOUT_VERSION = "1"

# The line in each material page that links to its PDF; the PDF itself leaves it out.
_DOWNLOAD_LINK = re.compile(r"^\s*\[Unduh versi cetak[^\]]*\]\([^)]*\.pdf\)\s*$", re.MULTILINE)


# --------------------------------------------------------------------------- YAML with lines

class LineDict(dict):
    """A YAML mapping that remembers where it and each of its keys stand (1-based lines)."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers and leaves dates and times as text.

    Dates stay strings so that a wrong date ("2026-13-01") becomes our Indonesian message rather
    than a Python exception, and "09:00" stays a string instead of YAML 1.1's base-60 integer 540.
    """


_HHMM = re.compile(r"^\d{1,2}:\d{2}$")
_Loader.yaml_implicit_resolvers = {
    first: ([("tag:yaml.org,2002:str", _HHMM)] if first and first in "0123456789" else [])
    + [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader, node):
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    offset = getattr(loader, "line_offset", 0) + 1  # marks count from 0
    mapping.line = node.start_mark.line + offset
    mapping.key_lines = {k.value: k.start_mark.line + offset for k, _ in node.value
                         if isinstance(k, yaml.ScalarNode)}
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(text: str, path, first_line: int = 1):
    """Parse YAML text; a syntax error becomes a DataError with the line (offset by first_line)."""
    loader = _Loader(text)
    loader.line_offset = first_line - 1
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        raise DataError(path, f"baris {line}",
                        f"penulisan YAML tidak sah ({exc.problem or exc.context}); periksa "
                        "titik dua, tanda kutip dan indentasi") from None
    except yaml.YAMLError as exc:
        raise DataError(path, "", f"penulisan YAML tidak sah ({exc})") from None
    finally:
        loader.dispose()


def parse_date(value, path, position: str, field: str) -> date:
    """A YYYY-MM-DD date from YAML (kept as text by the loader); position as in DataError."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DataError(path, position,
                    f"'{field}' harus tanggal yang ada dengan format TTTT-BB-HH "
                    f"(misalnya 2026-11-25), bukan {value!r}")


# --------------------------------------------------------------------------- site URL

class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: !ENV is resolved, every other custom tag (!!python/name:...) is None."""


def _env_tag(loader, node):
    names = ([loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode)
             else [str(v) for v in loader.construct_sequence(node)])
    for name in names[:-1] if len(names) > 1 else names:
        if os.environ.get(name):
            return os.environ[name]
    return names[-1] if len(names) > 1 else None


_MkDocsLoader.add_constructor("!ENV", _env_tag)
_MkDocsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def site_url(content_dir: Path) -> str:
    """mkdocs.yml's site_url (next to content/), else $SITE_URL, else the local preview server."""
    config = Path(content_dir).resolve().parent / "mkdocs.yml"
    url = None
    if config.exists():
        try:
            text = config.read_text(encoding="utf-8")
            loaded = yaml.load(text, Loader=_MkDocsLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError:
            loaded = None  # mkdocs itself reports a broken mkdocs.yml
        if isinstance(loaded, dict) and isinstance(loaded.get("site_url"), str):
            url = loaded["site_url"].strip()
    return (url or os.environ.get("SITE_URL") or DEFAULT_SITE_URL).rstrip("/")


# --------------------------------------------------------------------------- materials

@dataclass(frozen=True)
class Material:
    path: Path
    slug: str
    title: str
    audiens: str
    topik: str
    status: str
    disetujui_oleh: str | None
    tanggal_disetujui: date | None
    body: str

    @property
    def approved(self) -> bool:
        """Public only with both approval fields (SOP step 5) and not explicitly a draft."""
        return bool(self.disetujui_oleh and self.tanggal_disetujui) and self.status != "draft"


def split_front_matter(text: str, path) -> tuple[str, str, int]:
    """(front matter YAML, body, line number of the body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise DataError(path, "baris 1", "halaman materi harus diawali front matter: baris "
                        "'---', lalu title, audiens, topik, status, lalu baris '---'")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    raise DataError(path, "baris 1", "front matter tidak ditutup dengan baris '---'")


def _today() -> date:
    from .sessions import today  # sessions imports this module's YAML helpers

    return today()


def read_material(path: Path, today: date | None = None) -> Material:
    """Read and check one material page; a problem raises DataError naming the line.

    `today` (default: the build's day, $SITE_TODAY or the clock) bounds the approval date."""
    text = path.read_text(encoding="utf-8")
    front, body, _ = split_front_matter(text, path)
    meta = load_yaml(front, path, first_line=2)
    if meta is None:
        meta = LineDict()
        meta.line, meta.key_lines = 1, {}
    if not isinstance(meta, LineDict):
        raise DataError(path, "baris 2", "front matter harus berisi pasangan 'kunci: nilai'")

    def where(key: str) -> str:
        return f"baris {meta.line_of(key) if key in meta else 1}"

    def text_field(key: str, label: str, required: bool = True) -> str | None:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise DataError(path, where(key), f"'{key}' ({label}) wajib diisi")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise DataError(path, where(key), f"'{key}' ({label}) harus berupa teks")
        return str(value).strip()

    title = text_field("title", "judul materi")
    audiens = text_field("audiens", "sasaran/audiens")
    topik = text_field("topik", "topik")
    status = text_field("status", "status naskah")
    if status not in STATUSES:
        raise DataError(path, where("status"),
                        f"'status' harus salah satu dari {', '.join(STATUSES)}, bukan {status!r}")
    oleh = text_field("disetujui_oleh", "pejabat yang menyetujui", required=False)
    tanggal = meta.get("tanggal_disetujui")
    tanggal = (parse_date(tanggal, path, where("tanggal_disetujui"), "tanggal_disetujui")
               if tanggal not in (None, "") else None)
    today = today or _today()
    if tanggal and tanggal > today:
        # An approval is recorded after it happened; a future date is a typo or a wish, and
        # publishing on it would show the public an approval that has not been given.
        raise DataError(path, where("tanggal_disetujui"),
                        f"'tanggal_disetujui' {tanggal.isoformat()} belum tiba (hari ini "
                        f"{today.isoformat()}); isi tanggal materi ini benar-benar disetujui")
    return Material(path, path.stem, title, audiens, topik, status, oleh, tanggal, body)


def read_materials(content_dir: Path, today: date | None = None) -> list[Material]:
    folder = Path(content_dir) / MATERIALS_DIR
    if not folder.is_dir():
        return []
    today = today or _today()
    return [read_material(p, today) for p in sorted(folder.glob("*.md")) if p.name != "index.md"]


# --------------------------------------------------------------------------- PDF

CSS = """
html { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45; color: #000; }
header.kop { border-bottom: 2pt solid #1a4f8b; padding-bottom: 4mm; margin-bottom: 6mm; }
header.kop .dinas { font-size: 9pt; font-weight: bold; text-transform: uppercase;
                    letter-spacing: .04em; color: #1a4f8b; margin: 0; }
header.kop h1 { font-size: 19pt; line-height: 1.2; margin: 2mm 0 2mm 0; }
header.kop .audiens { margin: 0; font-size: 10pt; }
.draf { border: 1.5pt solid #b00020; color: #b00020; padding: 2mm 3mm; font-weight: bold;
        margin-bottom: 5mm; }
h2 { font-size: 13.5pt; color: #1a4f8b; margin: 6mm 0 2mm 0; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm 0; break-after: avoid; }
p, li { orphans: 3; widows: 3; }
ul, ol { padding-left: 6mm; margin: 1mm 0 3mm 0; }
li { margin-bottom: 1mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm 0; font-size: 9.5pt; }
th, td { border: .6pt solid #777; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #e8eef6; }
blockquote { border-left: 2pt solid #1a4f8b; margin: 3mm 0; padding: 1mm 4mm; color: #222; }
a { color: #000; text-decoration: none; }
.qr { margin-top: 8mm; border-top: .6pt solid #999; padding-top: 4mm; break-inside: avoid;
      display: flex; align-items: center; }
.qr img { width: 30mm; height: 30mm; margin-right: 5mm; }
.qr p { margin: 0; font-size: 9pt; }
"""


def material_url(base_url: str, slug: str) -> str:
    return f"{base_url}/{MATERIALS_DIR}/{slug}/"


def footer_text(material: Material) -> str:
    if material.approved:
        return (f"Disetujui oleh {material.disetujui_oleh} pada "
                f"{formatting.tanggal(material.tanggal_disetujui)}")
    return "DRAF \u2014 belum disetujui, tidak untuk digandakan atau dibagikan"


def render_html(material: Material, url: str) -> str:
    body = _DOWNLOAD_LINK.sub("", material.body)
    content = markdown.markdown(body, extensions=["extra", "sane_lists"], output_format="html")
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    e = html.escape
    draft = ("" if material.approved else
             '<p class="draf">DRAF PRATINJAU \u2014 materi ini belum disetujui dan tidak boleh '
             "digandakan.</p>")
    css = pdfcache.running_page(OFFICE, footer_text(material), margin="22mm 18mm 26mm 18mm", small_pt=8) + CSS
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{e(material.title)}</title>
<meta name="author" content="{e(OFFICE)}">
<meta name="description" content="{e(material.topik)} \u2014 {e(material.audiens)}">
<meta name="keywords" content="sosialisasi, {e(material.topik)}">
<style>{css}</style>
</head>
<body>
<header class="kop">
<p class="dinas">{e(OFFICE)}</p>
<h1>{e(material.title)}</h1>
<p class="audiens"><strong>Sasaran:</strong> {e(material.audiens)} &middot;
<strong>Topik:</strong> {e(material.topik)}</p>
</header>
{draft}
<main>
{content}
</main>
<footer class="qr">
<img src="{qr}" alt="Kode QR menuju halaman materi ini di situs">
<p>Pindai kode QR untuk membaca materi ini di situs web:<br>{e(url)}<br><br>
{e(footer_text(material))}.</p>
</footer>
</body>
</html>
"""


def render_pdf(material: Material, url: str) -> bytes:
    return pdfcache.render(render_html(material, url), base_url=str(material.path.parent))


def _pdf(content_dir: Path, material: Material, url: str) -> bytes:
    """The material's PDF from the cache, or rendered (and cached) when its inputs changed."""
    return pdfcache.cached(content_dir / CACHE_DIR, material.slug,
                           pdfcache.key(LAYOUT_VERSION, url, render_html(material, url)),
                           lambda: render_pdf(material, url))


def md_text(text: str) -> str:
    """Plain text (names, places, titles) escaped so that Markdown reads no markup in it."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def index_md(materials: list[Material]) -> str:
    """sosialisasi/materi/index.md: the materials that are in this build, each with its PDF."""
    out = [
        "---", "title: Materi sosialisasi", "---",
        "<!-- Dibuat otomatis dari content/sosialisasi/materi/*.md oleh "
        "portal.publish.materials; jangan disunting di sini. -->", "",
        "# Materi sosialisasi", "",
        "Materi sosialisasi kebijakan kependudukan dari Dispendukcapil Kabupaten Trenggalek. "
        "Setiap materi dapat dibaca di situs ini dan diunduh dalam versi cetak (PDF, ukuran A4) "
        "untuk digandakan dan dibagikan, misalnya di balai desa, sekolah, atau posyandu.", "",
    ]
    if not materials:
        out += ["Belum ada materi yang diterbitkan.", ""]
    for m in sorted(materials, key=lambda m: (m.title.casefold(), m.slug)):
        status = ("Disetujui oleh " + md_text(m.disetujui_oleh) + " pada "
                  + formatting.tanggal(m.tanggal_disetujui) if m.approved
                  else "**DRAF, belum disetujui** (hanya tampil di pratinjau)")
        out += [
            f"## [{md_text(m.title)}]({m.slug}.md)", "",
            f"- **Sasaran:** {md_text(m.audiens)}",
            f"- **Topik:** {md_text(m.topik)}",
            f"- {status}",
            f"- [Unduh versi cetak (PDF, A4)]({m.slug}.pdf)", "",
        ]
    return "\n".join(out).rstrip() + "\n"


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    materials = read_materials(content_dir)  # checks every page, approved or not
    shown = [m for m in materials if m.approved or preview]
    base = site_url(content_dir)
    outputs: dict[str, str | bytes] = {
        f"{MATERIALS_DIR}/{m.slug}.pdf": _pdf(content_dir, m, material_url(base, m.slug))
        for m in shown
    }
    outputs[f"{MATERIALS_DIR}/index.md"] = index_md(shown)
    slugs = {m.slug for m in materials}
    for old in (content_dir / CACHE_DIR).glob("*.pdf"):
        if old.name.split(".", 1)[0] not in slugs:  # the material was deleted or renamed
            old.unlink(missing_ok=True)
    return outputs
