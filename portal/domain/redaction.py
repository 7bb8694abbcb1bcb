"""Finding personal data in free text before a complaint is published.

Patterns catch what has a shape: NIK and KK numbers (16 digits, spaced or not), phone numbers,
e-mail addresses, street addresses (Jl./Jalan ..., RT/RW, Dusun), and the complainant's own
name and contact details wherever they appear. Names of other people have no shape: the
operator sees the original beside the redacted text and edits before approving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABELS = {"nik": "[NIK/KK]", "telepon": "[nomor telepon]", "email": "[e-mail]", "alamat": "[alamat]",
          "nama": "[nama]"}

PATTERNS = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # 16 digits, possibly grouped by spaces, dots or hyphens: NIK and KK numbers.
    ("nik", re.compile(r"(?<![\d])(?:\d[\s.\-]?){15}\d(?![\d])")),
    # Indonesian phone numbers: +62 / 62 / 0 followed by 8-13 digits, possibly grouped.
    ("telepon", re.compile(r"(?<![\w+])(?:\+62|62|0)[\s.\-]?\d{2,4}(?:[\s.\-]?\d{2,5}){1,4}(?![\d])")),
    ("alamat", re.compile(
        r"\b(?:Jl\.?|Jln\.?|Jalan|Gg\.?|Gang|Dusun|Dsn\.?|Perum(?:ahan)?)\s+[A-Z0-9][\w.'/-]*(?:\s+[A-Z0-9][\w.'/-]*){0,4}"
        r"(?:\s*(?:No\.?|Nomor)\s*\d+\w?)?", re.IGNORECASE)),
    ("alamat", re.compile(r"\bRT\.?\s*\d{1,3}\s*/?\s*(?:RW\.?\s*)?\d{1,3}\b", re.IGNORECASE)),
)
HONORIFIC_NAME = re.compile(r"\b(?:Bapak|Bpk\.?|Pak|Ibu|Bu|Sdr\.?|Sdri\.?|Saudara|Saudari|Mbak|Mas)\s+"
                            r"(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,2}")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


def find(text: str, *, known: list[str] = ()) -> list[Finding]:
    """Every span of personal data found, without overlaps, in order."""
    spans: list[Finding] = []
    for value in known:
        value = (value or "").strip()
        for part in {value, *value.split()} if value else ():
            if len(part) >= 3 and not part.isdigit():
                for m in re.finditer(rf"\b{re.escape(part)}\b", text, re.IGNORECASE):
                    spans.append(Finding("nama", m.start(), m.end(), m.group()))
    for kind, pattern in PATTERNS:
        spans += [Finding(kind, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    spans += [Finding("nama", m.start(), m.end(), m.group()) for m in HONORIFIC_NAME.finditer(text)]
    spans.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Finding] = []
    for f in spans:
        if out and f.start < out[-1].end:
            if f.end > out[-1].end:  # overlapping: keep one span covering both
                out[-1] = Finding(out[-1].kind, out[-1].start, f.end, text[out[-1].start:f.end])
            continue
        out.append(f)
    return out


def redact(text: str, *, known: list[str] = ()) -> str:
    """The text with every finding replaced by its label."""
    pieces, last = [], 0
    for f in find(text, known=known):
        pieces += [text[last:f.start], LABELS[f.kind]]
        last = f.end
    return "".join(pieces + [text[last:]])


def leftovers(text: str, *, known: list[str] = ()) -> list[Finding]:
    """What still looks personal in a text an operator is about to publish."""
    return find(text, known=known)
