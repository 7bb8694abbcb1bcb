"""Finding personal data in free text before a complaint is published.

Patterns catch what has a shape: NIK and KK numbers (16 digits, spaced or not), phone numbers,
e-mail addresses, street addresses (Jl./Jalan ..., RT/RW, Dusun), and the complainant's own
name and contact details wherever they appear. Names of other people have no shape: the
operator sees the original beside the redacted text and edits before approving.

Every function here works on the normalised text (`normalise`): a phone number with a zero-width
space between its digits, or written in fullwidth digits, looks like the plain number on screen
and must be found as one. What is published is that normalised text, so what the site shows is
exactly what was checked.
"""

from __future__ import annotations

import re
import unicodedata
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




def normalise(text: str) -> str:
    """The text as a reader sees it: compatibility forms folded (NFKC: fullwidth digits and
    letters, ligatures), invisible format characters (Unicode category Cf: zero-width space and
    joiners, word joiner, byte-order mark, soft hyphen, direction marks) and control characters
    other than line breaks and tabs dropped, digits of any script as 0-9 (the patterns look for
    ASCII digits), line endings as \\n."""
    text = unicodedata.normalize("NFKC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch) not in ("Cf", "Cc"))


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


def _spans(text: str, known, guesses: bool) -> list[Finding]:
    spans: list[Finding] = []
    for value in known:
        value = normalise(value or "").strip()
        for part in {value, *value.split()} if value else ():
            if len(part) >= 3 and not part.isdigit():
                for m in re.finditer(rf"\b{re.escape(part)}\b", text, re.IGNORECASE):
                    spans.append(Finding("nama", m.start(), m.end(), m.group()))
    for kind, pattern in PATTERNS:
        spans += [Finding(kind, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    if guesses:
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


def find(text: str, *, known: list[str] = ()) -> list[Finding]:
    """Every span of personal data found in the normalised text, without overlaps, in order:
    what has a shape, the complainant's own details, and names after an honorific (a guess)."""
    return _spans(normalise(text), known, guesses=True)


def _replace(text: str, findings: list[Finding]) -> str:
    pieces, last = [], 0
    for f in findings:
        pieces += [text[last:f.start], LABELS[f.kind]]
        last = f.end
    return "".join(pieces + [text[last:]])


def redact(text: str, *, known: list[str] = ()) -> str:
    """The normalised text with every finding replaced by its label: the operator's starting point."""
    return _replace(normalise(text), find(text, known=known))


def leftovers(text: str, *, known: list[str] = ()) -> list[Finding]:
    """What may not be published in the normalised text: everything with a shape and the
    complainant's own details. A name after an honorific is left to the operator's judgement
    (it may be an official's); the complainant's own name is never."""
    return _spans(normalise(text), known, guesses=False)


def scrub(text: str, *, known: list[str] = ()) -> str:
    """The normalised text with every leftover replaced by its label."""
    text = normalise(text)
    return _replace(text, _spans(text, known, guesses=False))
