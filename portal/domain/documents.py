"""Printable documents of a complaint's handling: the nota dinas (step 3), the lembar disposisi
(step 4) and the surat tanggapan (the approved reply, step 6), as A4 PDF, .docx or HTML.

`gather` reads everything a document shows from the record into a plain dict; the renderers
only lay that dict out, so the PDF, the .docx and the HTML always say the same thing. No
document ever shows the complainant's NIK, telephone number or e-mail address: they are not
read into the context, and if staff typed them into a text field they are masked.
"""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import readiness, record, tracking
from .formatting import tanggal
from .catalog import Office
from .rendering import render_reply

KINDS = {"nota-dinas": "Nota Dinas", "lembar-disposisi": "Lembar Disposisi", "surat-tanggapan": "Surat Tanggapan"}

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}

TEMPLATE_DIR = Path(__file__).resolve().parent / "document_templates"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
MASK = "[data pribadi disamarkan]"
ANONYMOUS_ADDRESSEE = "Bapak/Ibu Pengadu"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".svg": "image/svg+xml"}


class DocumentNotReady(Exception):
    "The step that produces this document has not been taken for this complaint yet."


# ---------------------------------------------------------------- gathering

def _row(db, sql: str, params: list) -> dict | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], row))


def _user(db, user_id: int | None) -> dict:
    row = _row(db, "SELECT display_name, jabatan FROM users WHERE id = ?", [user_id]) if user_id else None
    if row is None:
        return {"nama": "", "jabatan": "", "label": ""}
    jabatan = (row["jabatan"] or "").strip()
    return {"nama": row["display_name"], "jabatan": jabatan, "label": jabatan or row["display_name"]}


def _paragraphs(text: str | None) -> list[str]:
    """Staff-typed text as paragraphs: a blank line or a line break starts a new one."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def _kabupaten(office: Office) -> str:
    rest = re.sub(r"^\s*pemerintah\s+", "", office.pemerintah, flags=re.IGNORECASE).strip()
    return rest or f"Kabupaten {office.kota}"


def _letterhead(office: Office, content_dir: Path) -> dict:
    kontak = [f"Telepon {office.telepon}" if office.telepon else "",
              f"E-mail {office.email}" if office.email else "",
              f"Laman {office.laman}" if office.laman else ""]
    return {"pemerintah": office.pemerintah.upper(), "dinas": office.nama.upper(), "alamat": office.alamat,
            "kontak": [k for k in kontak if k], "logo": _logo(office, content_dir)}


def _logo(office: Office, content_dir: Path) -> dict | None:
    if not office.logo:
        return None
    path = (content_dir / office.logo).resolve()
    mime = LOGO_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    data = path.read_bytes()
    return {"mime": mime, "data": data, "uri": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"}


def _kepala_dinas(office: Office) -> dict:
    k = office.kepala_dinas
    return {"jabatan": f"Kepala {office.nama} {_kabupaten(office)}", "nama": k.nama, "pangkat": k.pangkat,
            "nip": k.nip}


def _nota(db, complaint_id: int, nota_id: int | None = None) -> dict:
    nota = record.latest_nota_dinas(db, complaint_id) if nota_id is None else record.nota_dinas(db, nota_id)
    if nota is None:
        raise DocumentNotReady("Nota dinas belum dibuat untuk pengaduan ini.")
    dari = _user(db, nota["created_by"])
    tembusan = [_user(db, r["id"])["label"] for r in record.tembusan(db, nota["id"])]
    return {"nomor": nota["nomor"], "tanggal": tanggal(nota["tanggal"]), "sifat": nota["sifat"],
            "hal": nota["hal"], "lampiran": "-", "ringkasan": _paragraphs(nota["ringkasan"]),
            "telaah": _paragraphs(nota["telaah"]), "kepada": "Kepala Dinas Kependudukan dan Pencatatan Sipil",
            "dari": dari["label"], "tembusan": tembusan,
            "penandatangan": {"jabatan": dari["jabatan"], "nama": dari["nama"], "pangkat": "", "nip": ""}}


def gather(db, complaint_id: int, kind: str, office: Office, *, content_dir: str | Path | None = None) -> dict:
    """Everything the document of this kind shows, read from the complaint's record.

    Raises DocumentNotReady when the step that produces the document has not been taken,
    ValueError for an unknown kind. `content_dir` is where `office.logo` is looked up
    (the portal's CONTENT_DIR; the repository's content/ by default).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    complaint = _row(db, "SELECT id, tracking_code, received_at, visibility, name, email, phone, nik "
                         "FROM complaints WHERE id = ?", [complaint_id])
    if complaint is None:
        raise DocumentNotReady("Pengaduan tidak ditemukan.")
    context = {
        "kind": kind, "judul": KINDS[kind].upper(), "kop": _letterhead(office, Path(content_dir or DEFAULT_CONTENT_DIR)),
        "kota": office.kota, "kode_pengaduan": tracking.display(complaint["tracking_code"]),
        "diterima": tanggal(complaint["received_at"]),
    }
    if kind == "nota-dinas":
        nota = _nota(db, complaint_id)
        context.update(nota)
    elif kind == "lembar-disposisi":
        disposisi = record.current_disposisi(db, complaint_id)
        if disposisi is None:
            raise DocumentNotReady("Disposisi Kepala Dinas belum diberikan untuk pengaduan ini.")
        nota = _nota(db, complaint_id, disposisi["nota_dinas_id"])
        pejabat = _user(db, disposisi["pejabat_id"])
        context.update({
            "nomor": nota["nomor"], "nota": nota, "tanggal": tanggal(disposisi["created_at"]),
            "diteruskan_kepada": (f"{pejabat['jabatan']} ({pejabat['nama']})" if pejabat["jabatan"]
                                  else pejabat["nama"]),
            "instruksi": _paragraphs(disposisi["instruksi"]), "batas": tanggal(disposisi["batas"]),
            "penandatangan": _kepala_dinas(office),
        })
    else:
        konsep = record.approved_konsep(db, complaint_id)
        if konsep is None:
            raise DocumentNotReady("Konsep tanggapan belum disetujui Kepala Dinas untuk pengaduan ini.")
        anonymous = complaint["visibility"] == "anonim" or not (complaint["name"] or "").strip()
        context.update({
            "nomor": konsep["nomor_surat"], "tanggal": tanggal(konsep["reviewed_at"]), "sifat": "Biasa",
            "lampiran": "-", "hal": "Tanggapan atas pengaduan",
            "kepada": ANONYMOUS_ADDRESSEE if anonymous else f"Sdr. {' '.join(complaint['name'].split())}",
            "sapaan": "Bapak/Ibu" if anonymous else "Saudara",
            "balasan": konsep["body"],
            "penandatangan": _kepala_dinas(office),
        })
    kop = context.pop("kop")
    context = _mask(context, _personal_patterns(complaint))
    context["kop"] = kop
    if kind == "surat-tanggapan":
        context["balasan_html"] = render_reply(context["balasan"])
    return context


# ---------------------------------------------------------------- keeping personal data off paper

def _digits_pattern(digits: str) -> str:
    return r"[\s.\-]*".join(digits)


def _personal_patterns(complaint: dict) -> list[re.Pattern]:
    """The complainant's NIK, e-mail and telephone number, as typed in any usual spacing."""
    patterns = []
    nik = re.sub(r"\D", "", complaint["nik"] or "")
    if nik:
        patterns.append(re.compile(r"(?<!\d)" + _digits_pattern(nik) + r"(?!\d)"))
    if complaint["email"]:
        patterns.append(re.compile(re.escape(complaint["email"].strip()), re.IGNORECASE))
    phone = re.sub(r"\D", "", complaint["phone"] or "")
    if phone:
        national = re.sub(r"^(62|0)", "", phone)
        patterns.append(re.compile(r"(?<!\d)(?:\+?[\s]*62|0)?[\s.\-]*\(?" + _digits_pattern(national) + r"(?!\d)"))
    return patterns


def _mask(value, patterns: list[re.Pattern]):
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(MASK, value)
        return value
    if isinstance(value, dict):
        return {k: (v if isinstance(v, bytes) else _mask(v, patterns)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, patterns) for v in value]
    return value


# ---------------------------------------------------------------- HTML and PDF

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(kind: str, context: dict) -> str:
    """A self-contained printable A4 page: the CSS is inlined, the logo is a data: URI."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    css = (TEMPLATE_DIR / "documents.css").read_text(encoding="utf-8")
    extra = {"css": Markup(css)}
    if "balasan_html" in context:
        extra["balasan_markup"] = Markup(context["balasan_html"])  # nh3-cleaned in render_reply
    return _env.get_template(f"{kind}.html").render(**context, **extra)


def render_pdf(kind: str, context: dict) -> bytes:
    import weasyprint  # heavy: loaded on first use only
    from weasyprint.urls import URLFetcher

    # data: URIs only (the logo): never the network, never the file system.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=render_html(kind, context), url_fetcher=fetcher).write_pdf()


# ---------------------------------------------------------------- .docx

class _Blocks(HTMLParser):
    """The reply's cleaned HTML (p, ul/ol/li, h3/h4, blockquote, strong/em, br, a) as
    paragraphs of runs, for python-docx."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.lists: list[list] = []  # [tag, items so far]
        self.bold = self.italic = 0
        self.quote = 0
        self.current: dict | None = None

    def _start(self, style: str):
        self.current = {"style": style, "runs": [], "quote": bool(self.quote)}
        self.blocks.append(self.current)

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            if not self.lists:
                self.lists.append(["ul", 0])
            self.lists[-1][1] += 1
            self._start(self.lists[-1][0])
            self.current["number"] = self.lists[-1][1]
            self.current["depth"] = len(self.lists)
        elif tag == "p":
            if not (self.current and self.current["style"] in ("ul", "ol") and not self.current["runs"]):
                self._start("p")
        elif tag in ("h3", "h4"):
            self._start("h")
        elif tag == "blockquote":
            self.quote += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br" and self.current is not None:
            self.current["runs"].append(("\n", False, False))

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag in ("p", "li", "h3", "h4"):
            self.current = None

    def handle_data(self, data):
        if not data.strip() and self.current is None:
            return
        if self.current is None:
            self._start("p")
        text = re.sub(r"\s+", " ", data)
        if not self.current["runs"] or self.current["runs"][-1][0] == "\n":
            text = text.lstrip()
        if text:
            self.current["runs"].append((text, bool(self.bold), bool(self.italic)))


def _docx_text_blocks(html: str) -> list[dict]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return [b for b in parser.blocks if "".join(r[0] for r in b["runs"]).strip()]


def render_docx(kind: str, context: dict) -> bytes:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    builder = _DocxBuilder(context)
    getattr(builder, kind.replace("-", "_"))()
    return builder.save()


class _DocxBuilder:
    FONT = "Arial"

    def __init__(self, context: dict):
        import docx
        from docx.shared import Cm, Pt

        self.Cm, self.Pt = Cm, Pt
        self.c = context
        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            setattr(section, side, Cm(2))
        style = self.doc.styles["Normal"]
        style.font.name = self.FONT
        style.font.size = Pt(11)
        style.element.rPr.rFonts.set(self._qn("w:eastAsia"), self.FONT)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.line_spacing = 1.15
        self.doc.core_properties.title = f"{context['judul'].title()} {context.get('nomor', '')}".strip()
        self.doc.core_properties.author = context["kop"]["dinas"].title()
        self.doc.core_properties.language = "id-ID"
        self.letterhead()

    @staticmethod
    def _qn(tag):
        from docx.oxml.ns import qn
        return qn(tag)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # -- pieces

    def para(self, text: str = "", *, bold=False, size=None, align=None, indent_cm=None, space_after=None,
             underline=False, cell=None):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        container = cell if cell is not None else self.doc
        p = container.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold, run.underline = bold, underline
            if size:
                run.font.size = self.Pt(size)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                           "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        if indent_cm is not None:
            p.paragraph_format.left_indent = self.Cm(indent_cm)
        if space_after is not None:
            p.paragraph_format.space_after = self.Pt(space_after)
        return p

    def _border_bottom(self, paragraph, size=18):
        from docx.oxml import OxmlElement

        ppr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", str(size)), ("w:space", "1"),
                           ("w:color", "000000")):
            bottom.set(self._qn(key), value)
        borders.append(bottom)
        ppr.append(borders)

    def letterhead(self):
        kop = self.c["kop"]
        logo = kop.get("logo")
        lines = [(kop["pemerintah"], True, 13), (kop["dinas"], True, 15), (kop["alamat"], False, 9),
                 (" · ".join(kop["kontak"]), False, 9)]
        if logo and logo["mime"] in ("image/png", "image/jpeg", "image/gif"):
            table = self.doc.add_table(rows=1, cols=2)
            table.autofit = False
            left, right = table.rows[0].cells
            left.width, right.width = self.Cm(2.6), self.Cm(14.4)
            left.paragraphs[0].add_run().add_picture(io.BytesIO(logo["data"]), width=self.Cm(2.2))
            target = right
        else:
            target = None
        first = True
        last = None
        for text, bold, size in lines:
            if not text:
                continue
            if target is not None and first:
                p = target.paragraphs[0]
                run = p.add_run(text)
                run.bold, run.font.size = bold, self.Pt(size)
                from docx.enum.text import WD_ALIGN_PARAGRAPH
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = self.Pt(0)
            else:
                p = self.para(text, bold=bold, size=size, align="center", space_after=0, cell=target)
            first = False
            last = p
        rule = self.para(space_after=12)
        self._border_bottom(rule)
        return last

    def title(self, text: str, nomor: str | None = None):
        self.para(text, bold=True, size=13, align="center", space_after=0 if nomor else 12, underline=bool(nomor))
        if nomor:
            self.para(f"Nomor: {nomor}", align="center", space_after=12)

    def fields(self, rows: list[tuple[str, list[str] | str]]):
        """A borderless label : value table (the header of a nota dinas or a letter)."""
        table = self.doc.add_table(rows=0, cols=3)
        table.autofit = False
        for label, value in rows:
            cells = table.add_row().cells
            for cell, width in zip(cells, (3.2, 0.5, 13.3)):
                cell.width = self.Cm(width)
            cells[0].paragraphs[0].add_run(label)
            cells[1].paragraphs[0].add_run(":")
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values or ["-"]):
                p = cells[2].paragraphs[0] if i == 0 else cells[2].add_paragraph()
                p.add_run(f"{i + 1}. {v}" if len(values) > 1 else v)
                p.paragraph_format.space_after = self.Pt(0)
            for cell in cells:
                cell.paragraphs[0].paragraph_format.space_after = self.Pt(0)
        return table

    def signature(self, who: dict, *, place_date: str | None = None):
        indent = 9.0
        self.para(space_after=6)
        if place_date:
            self.para(place_date, indent_cm=indent, space_after=0)
        if who.get("jabatan"):
            self.para(f"{who['jabatan']},", bold=True, indent_cm=indent, space_after=0)
        for _ in range(3):
            self.para(indent_cm=indent, space_after=0)
        self.para(who["nama"], bold=True, underline=True, indent_cm=indent, space_after=0)
        if who.get("pangkat"):
            self.para(who["pangkat"], indent_cm=indent, space_after=0)
        if who.get("nip"):
            self.para(f"NIP. {who['nip']}", indent_cm=indent, space_after=0)

    def numbered(self, number: str, heading: str, paragraphs: list[str]):
        self.para(f"{number}. {heading}", indent_cm=0.0, space_after=2)
        for text in paragraphs:
            self.para(text, indent_cm=0.6, align="justify")

    # -- the three documents

    def nota_dinas(self):
        c = self.c
        self.title("NOTA DINAS")
        self.fields([("Yth.", c["kepada"]), ("Dari", c["dari"]), ("Tembusan", c["tembusan"]),
                     ("Tanggal", c["tanggal"]), ("Nomor", c["nomor"]), ("Sifat", c["sifat"]),
                     ("Lampiran", c["lampiran"]), ("Hal", c["hal"])])
        rule = self.para(space_after=10)
        self._border_bottom(rule, size=6)
        self.para(f"Bersama ini kami laporkan pengaduan masyarakat yang diterima pada tanggal {c['diterima']} "
                  f"(Kode pengaduan: {c['kode_pengaduan']}), dengan uraian sebagai berikut:", align="justify")
        self.numbered("1", "Ringkasan pengaduan:", c["ringkasan"])
        self.numbered("2", "Hasil telaah:", c["telaah"])
        self.para("Demikian kami laporkan, mohon arahan dan disposisi lebih lanjut.", align="justify")
        self.signature(c["penandatangan"])

    def lembar_disposisi(self):
        c, nota = self.c, self.c["nota"]
        self.title("LEMBAR DISPOSISI")
        table = self.doc.add_table(rows=6, cols=2)
        table.style = self.doc.styles["Table Grid"]

        def box(cell, label, values):
            p = cell.paragraphs[0]
            p.add_run(label).bold = True
            p.paragraph_format.space_after = self.Pt(0)
            for v in values if isinstance(values, list) else [values]:
                q = cell.add_paragraph(v)
                q.paragraph_format.space_after = self.Pt(2)

        rows = table.rows
        box(rows[0].cells[0], "Surat dari:", nota["dari"])
        box(rows[0].cells[1], "Kode pengaduan:", c["kode_pengaduan"])
        box(rows[1].cells[0], "Nomor surat:", nota["nomor"])
        box(rows[1].cells[1], "Sifat:", nota["sifat"])
        box(rows[2].cells[0], "Tanggal surat:", nota["tanggal"])
        box(rows[2].cells[1], "Tanggal disposisi:", c["tanggal"])
        hal = rows[3].cells[0].merge(rows[3].cells[1])
        box(hal, "Hal:", nota["hal"])
        box(rows[4].cells[0], "Diteruskan kepada:", f"Yth. {c['diteruskan_kepada']}")
        box(rows[4].cells[1], "Dengan hormat harap:", c["instruksi"])
        batas = rows[5].cells[0].merge(rows[5].cells[1])
        box(batas, "Batas waktu penyelesaian:", c["batas"])
        self.signature(c["penandatangan"], place_date=f"{c['kota']}, {c['tanggal']}")

    def surat_tanggapan(self):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        c = self.c
        self.para(f"{c['kota']}, {c['tanggal']}", align="right", space_after=8)
        self.fields([("Nomor", c["nomor"]), ("Sifat", c["sifat"]), ("Lampiran", c["lampiran"]),
                     ("Hal", c["hal"])])
        self.para(space_after=4)
        self.para("Yth.", space_after=0)
        self.para(c["kepada"], space_after=0)
        self.para("di Tempat", space_after=10)
        self.para(f"Menindaklanjuti pengaduan {c['sapaan']} yang kami terima pada tanggal {c['diterima']} "
                  f"(Kode pengaduan: {c['kode_pengaduan']}), bersama ini kami sampaikan tanggapan "
                  "sebagai berikut:", align="justify")
        for block in _docx_text_blocks(c["balasan_html"]):
            p = self.doc.add_paragraph()
            prefix = {"ul": "\u2022\t", "ol": f"{block.get('number')}.\t"}.get(block["style"], "")
            if prefix:
                p.paragraph_format.left_indent = self.Cm(1.0 * block.get("depth", 1))
                p.paragraph_format.first_line_indent = self.Cm(-0.5)
                p.add_run(prefix)
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if block["quote"]:
                p.paragraph_format.left_indent = self.Cm(1.0)
            for text, bold, italic in block["runs"]:
                if text == "\n":
                    p.add_run().add_break()
                    continue
                run = p.add_run(text)
                run.bold = bold or block["style"] == "h"
                run.italic = italic
        self.para(f"Demikian tanggapan ini kami sampaikan. Atas perhatian {c['sapaan']}, kami ucapkan "
                  "terima kasih.", align="justify")
        self.signature(c["penandatangan"])


# ---------------------------------------------------------------- one call for the web route

def filename(kind: str, context: dict, fmt: str) -> str:
    """E.g. "nota-dinas-400.10-1-406.011-2026.pdf": the letter number, never personal data."""
    stem = re.sub(r"[^A-Za-z0-9.]+", "-", context.get("nomor") or "").strip("-.") or "dokumen"
    return f"{kind}-{stem}.{fmt}"


def render(db, complaint_id: int, kind: str, fmt: str, office: Office, *,
           content_dir: str | Path | None = None, production: bool = False) -> tuple[bytes, str, str]:
    """(content, mimetype, download filename) of one document in "pdf", "docx" or "html".

    In production no letter is made while the office data it is printed from (letterhead, signing
    official) still holds a placeholder: DocumentNotReady names each file and line."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}")
    try:
        readiness.refuse_in_production(production, content_dir or DEFAULT_CONTENT_DIR, f"Pembuatan {KINDS[kind]}",
                                       only=readiness.OFFICE_DATA)
    except readiness.PlaceholdersRemain as exc:
        raise DocumentNotReady(str(exc)) from None
    context = gather(db, complaint_id, kind, office, content_dir=content_dir)
    if fmt == "pdf":
        content = render_pdf(kind, context)
    elif fmt == "docx":
        content = render_docx(kind, context)
    else:
        content = render_html(kind, context).encode("utf-8")
    return content, FORMATS[fmt], filename(kind, context, fmt)
