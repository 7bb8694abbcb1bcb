"""A document as .docx (python-docx), for staff who edit the letter in Word before printing."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from . import document_wording
from .document_context import KINDS

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
    builder.letter(document_wording.blocks(kind, context))
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

    def title(self, block: dict):
        self.para(block["text"], bold=True, size=13, align="center", space_after=12)

    def place_date(self, block: dict):
        self.para(block["text"], align="right", space_after=8)

    def fields(self, block: dict):
        """A borderless label : value table (the header of a nota dinas or a letter)."""
        table = self.doc.add_table(rows=0, cols=3)
        table.autofit = False
        for label, value in block["rows"]:
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

    def rule(self, block: dict):
        rule = self.para(space_after=10)
        self._border_bottom(rule, size=6)

    def address(self, block: dict):
        self.para(space_after=4)
        lines = block["lines"]
        for i, line in enumerate(lines):
            self.para(line, space_after=10 if i == len(lines) - 1 else 0)

    def paragraph(self, block: dict):
        self.para(block["text"], align="justify")

    def numbered(self, block: dict):
        for number, (heading, paragraphs) in enumerate(block["points"], start=1):
            self.para(f"{number}. {heading}", indent_cm=0.0, space_after=2)
            for text in paragraphs:
                self.para(text, indent_cm=0.6, align="justify")

    def boxes(self, block: dict):
        rows = block["rows"]
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles["Table Grid"]
        for row, cells in zip(rows, table.rows):
            targets = cells.cells if len(row["cells"]) > 1 else [cells.cells[0].merge(cells.cells[1])]
            for cell, (label, values) in zip(targets, row["cells"]):
                p = cell.paragraphs[0]
                p.add_run(label).bold = True
                p.paragraph_format.space_after = self.Pt(0)
                for v in values if isinstance(values, list) else [values]:
                    q = cell.add_paragraph(v)
                    q.paragraph_format.space_after = self.Pt(2)

    def reply(self, block: dict):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        for part in _docx_text_blocks(self.c["balasan_html"]):
            p = self.doc.add_paragraph()
            prefix = {"ul": "\u2022\t", "ol": f"{part.get('number')}.\t"}.get(part["style"], "")
            if prefix:
                p.paragraph_format.left_indent = self.Cm(1.0 * part.get("depth", 1))
                p.paragraph_format.first_line_indent = self.Cm(-0.5)
                p.add_run(prefix)
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if part["quote"]:
                p.paragraph_format.left_indent = self.Cm(1.0)
            for text, bold, italic in part["runs"]:
                if text == "\n":
                    p.add_run().add_break()
                    continue
                run = p.add_run(text)
                run.bold = bold or part["style"] == "h"
                run.italic = italic

    def signature(self, block: dict):
        indent = 9.0
        self.para(space_after=6)
        if block["place_date"]:
            self.para(block["place_date"], indent_cm=indent, space_after=0)
        if block["position"]:
            self.para(block["position"], bold=True, indent_cm=indent, space_after=0)
        for _ in range(3):
            self.para(indent_cm=indent, space_after=0)
        self.para(block["name"], bold=True, underline=True, indent_cm=indent, space_after=0)
        for line in block["below"]:
            self.para(line, indent_cm=indent, space_after=0)

    # -- a whole letter

    def letter(self, blocks: list[dict]):
        for block in blocks:
            getattr(self, block["type"])(block)
