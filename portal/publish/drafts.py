"""Which pages are public: front-matter checks, drafts, approval, and the preview banner.

Rules (the web team's guide, docs/panduan-tim-web.md, explains them in Indonesian):

- `status` is one of `perlu-tinjauan`, `draft`, `terbit`; a page with `status: draft` is not public.
- A page that requires approval (front matter `perlu_persetujuan: true`, and every page under
  `sosialisasi/materi/` except its index) is public only when it has both `disetujui_oleh`
  (a non-empty name) and `tanggal_disetujui` (a date).
- Any key named `date` or starting with `tanggal` must be a date (YYYY-MM-DD).
- Approval keys are written by the system, never typed: when the sources are a git repository
  (or the caller passes the ledger), a hand-written page's approval counts only when its
  `persetujuan` key is the hash of its body (`body_hash`) and that hash was recorded as approved
  in the repository's history (a `Persetujuan: <hash>` trailer, written by the portal when it
  publishes an approved change; `approved_hashes`). Approval keys that fail this are removed
  from the staged copy before anything is generated (`verify_approvals`), so the page, its PDF
  and its entry in the materials list all treat it as unapproved.

A page that is not public is left out of the public build, with its nav entry and any file
beside it with the same name (its PDF, its SVG). In a preview build it stays, with a "DRAF"
banner at its top.

No site-engine import: `gate()` works on the staged copy of the sources that the publishing
pipeline (portal.publish.site) builds from, so every engine gets the same set of pages.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import subprocess
from pathlib import Path, PurePosixPath

import yaml

from .errors import DataError

STATUSES = ("perlu-tinjauan", "draft", "terbit")
APPROVAL_DIRS = ("sosialisasi/materi/",)
APPROVAL_EXEMPT = ("sosialisasi/materi/index.md",)
# The same pattern MkDocs uses to find front matter.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
DATE_HINT = "tulis tanggal dalam bentuk TTTT-BB-HH, misalnya 2026-03-15"


APPROVAL_KEYS = ("disetujui_oleh", "tanggal_disetujui", "persetujuan")
LEDGER_TRAILER = "Persetujuan"
_TRAILER = re.compile(rf"^{LEDGER_TRAILER}: ([0-9a-f]{{64}})\s*$", re.MULTILINE)


def split(text: str) -> tuple[str, str]:
    """(front matter block with its '---' lines, body); ('', text) when there is none."""
    match = FRONT_MATTER.match(text)
    return (text[:match.end()], text[match.end():]) if match else ("", text)


def body_hash(body: str) -> str:
    """The hash that an approval records: the exact text approved, line endings and the blank
    lines around it aside."""
    return hashlib.sha256(body.replace("\r\n", "\n").strip().encode("utf-8")).hexdigest()


def approved_hashes(repo: str | Path, rev: str = "HEAD") -> set[str] | None:
    """Every body hash recorded as approved in the history of `repo` up to `rev`; None when
    `repo` is not a git repository (a copy of the sources: approvals are then not verified)."""
    repo = Path(repo)
    try:
        top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != repo.resolve():
        return None
    log = subprocess.run(["git", "-C", str(repo), "log", "--format=%B", rev, "--"],
                         capture_output=True, text=True, timeout=120)
    return set(_TRAILER.findall(log.stdout)) if log.returncode == 0 else set()


def verify_approvals(docs_dir: str | Path, approvals: set[str]) -> list[str]:
    """Remove from each page under docs_dir (a staged copy) the approval keys that the system did
    not write: a `persetujuan` hash missing, not matching the body, or not in `approvals`.
    Returns the pages whose keys were removed."""
    docs_dir = Path(docs_dir)
    refused = []
    for relative in pages(docs_dir):
        path = docs_dir / relative
        text = path.read_text(encoding="utf-8-sig")
        head, body = split(text)
        if not head:
            continue
        keys = re.findall(r"^([A-Za-z_]+)\s*:", head, re.MULTILINE)
        if not set(keys) & set(APPROVAL_KEYS):
            continue
        recorded = re.search(r"^persetujuan\s*:\s*['\"]?([0-9a-f]{64})['\"]?\s*$", head, re.MULTILINE)
        digest = body_hash(body)
        if recorded and recorded.group(1) == digest and digest in approvals:
            continue
        kept = [line for line in head.split("\n")
                if not re.match(rf"^({'|'.join(APPROVAL_KEYS)})\s*:", line)]
        path.write_text("\n".join(kept) + body, encoding="utf-8")
        refused.append(relative)
    return refused


def read_front_matter(path: str | Path, display: str | None = None) -> tuple[dict, dict[str, int]]:
    """The page's front matter and, for each key, its line number in the file.

    Raises DataError naming the file and line when the front matter is not valid YAML or
    breaks one of the rules above."""
    path = Path(path)
    return parse_front_matter(path.read_text(encoding="utf-8-sig"), display or str(path))


def parse_front_matter(text: str, display: str) -> tuple[dict, dict[str, int]]:
    """read_front_matter for a text that is not (yet) a file."""
    match = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        if text.startswith("---"):
            raise DataError(display, "baris 1", "front matter dibuka dengan '---' tetapi tidak ditutup "
                                                "dengan '---' pada baris tersendiri")
        return {}, {}
    source = match.group(1)
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        raise DataError(display, f"baris {line}",
                        f"front matter tidak dapat dibaca (YAML): {exc.problem or exc.context}; "
                        "periksa titik dua, tanda kutip dan indentasi") from None
    if root is None:
        return {}, {}
    if not isinstance(root, yaml.MappingNode):
        raise DataError(display, "baris 2", "front matter harus berisi pasangan 'kunci: nilai'")
    meta, lines = {}, {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2  # line 1 is the opening '---'
        key = str(key_node.value)
        try:
            loader = yaml.SafeLoader("")
            value = loader.construct_document(value_node)
        except Exception as exc:  # e.g. a date such as 2026-02-30
            hint = DATE_HINT if _is_date_key(key) else "nilai tidak dapat dibaca"
            raise DataError(display, f"baris {line}", f"'{key}': {exc}; {hint}") from None
        meta[key], lines[key] = value, line
    check(meta, lines, display)
    return meta, lines


def _is_date_key(key: str) -> bool:
    return key == "date" or key.startswith("tanggal")


def _is_date(value) -> bool:
    return isinstance(value, datetime.date)


def check(meta: dict, lines: dict[str, int], display: str) -> None:
    def fail(key, message):
        raise DataError(display, f"baris {lines.get(key, 1)}", message)

    status = meta.get("status")
    if "status" in meta and status not in STATUSES:
        fail("status", f"status '{status}' tidak dikenal; pilih salah satu: {', '.join(STATUSES)}")
    for key, value in meta.items():
        if not _is_date_key(key):
            continue
        if key == "date" and isinstance(value, dict):  # blog posts: {created: ..., updated: ...}
            bad = [k for k, v in value.items() if not _is_date(v)]
            if bad:
                fail(key, f"'date.{bad[0]}' bukan tanggal; {DATE_HINT}")
        elif not _is_date(value):
            fail(key, f"'{key}' bernilai '{value}', bukan tanggal; {DATE_HINT}")
    if "disetujui_oleh" in meta:
        who = meta["disetujui_oleh"]
        if not isinstance(who, str) or not who.strip():
            fail("disetujui_oleh", "'disetujui_oleh' harus berisi nama dan jabatan yang menyetujui, "
                                   "misalnya \"Kepala Bidang PIAK\"")
    if "perlu_persetujuan" in meta and not isinstance(meta["perlu_persetujuan"], bool):
        fail("perlu_persetujuan", "'perlu_persetujuan' harus bernilai true atau false")


def needs_approval(relpath: str, meta: dict) -> bool:
    relpath = PurePosixPath(relpath).as_posix()
    if meta.get("perlu_persetujuan") is True:
        return True
    return relpath.startswith(APPROVAL_DIRS) and relpath not in APPROVAL_EXEMPT


def is_approved(meta: dict) -> bool:
    who = meta.get("disetujui_oleh")
    return isinstance(who, str) and bool(who.strip()) and _is_date(meta.get("tanggal_disetujui"))


def reason_hidden(relpath: str, meta: dict) -> str | None:
    """Why the page stays out of the public build, in Indonesian; None when it is public."""
    if meta.get("status") == "draft":
        return "Halaman ini berstatus `draft`."
    if needs_approval(relpath, meta) and not is_approved(meta):
        return ("Halaman ini memerlukan persetujuan dan belum mencantumkan `disetujui_oleh` "
                "dan `tanggal_disetujui`.")
    return None


def is_public(relpath: str, meta: dict) -> bool:
    return reason_hidden(relpath, meta) is None


def mark(markdown: str, relpath: str, meta: dict, preview: bool) -> str:
    """In a preview, put a DRAF banner at the top of a page that the public build leaves out."""
    reason = reason_hidden(relpath, meta or {})
    if not preview or reason is None:
        return markdown
    banner = (f'!!! danger "DRAF: tidak tampil di situs publik"\n\n'
              f"    {reason} Halaman ini hanya terlihat di pratinjau tim web.\n\n")
    lines = markdown.lstrip("\n").split("\n", 1)
    if lines[0].startswith("# "):  # keep the page's title first, the banner right below it
        return lines[0] + "\n\n" + banner + (lines[1] if len(lines) > 1 else "")
    return banner + markdown


def prune_nav(nav: list, drop) -> list:
    """The nav without entries whose page `drop(path)` says to drop; sections left empty go too."""
    pruned = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if isinstance(value, list):
                children = prune_nav(value, drop)
                if children:
                    pruned.append({title: children})
            elif not drop(value):
                pruned.append(item)
        elif isinstance(item, str):
            if not drop(item):
                pruned.append(item)
        else:
            pruned.append(item)
    return pruned


def _is_page_path(value: str) -> bool:
    return value.endswith(".md") and "://" not in value and not value.startswith("/")


def pages(docs_dir: str | Path) -> list[str]:
    """Every page under docs_dir (relative POSIX paths), content/data/ and dot folders excepted."""
    docs_dir = Path(docs_dir)
    found = []
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir)
        if relative.parts[0] == "data" or any(part.startswith(".") for part in relative.parts):
            continue
        found.append(relative.as_posix())
    return found


def gate(docs_dir: str | Path, preview: bool, display_root: str = "content") -> dict[str, list[str]]:
    """Apply the rules above to a staged copy of the site's sources (never to content/ itself).

    Every page's front matter is checked (a DataError names the file as `display_root/...` and
    the line). In a public build each page that is not public is deleted with every file beside
    it of the same name (its PDF, its SVG); in a preview it stays and gets the DRAF banner.
    Returns {page: [files removed with it]} for the pages that are not public."""
    docs_dir = Path(docs_dir)
    hidden: dict[str, list[str]] = {}
    for relative in pages(docs_dir):
        path = docs_dir / relative
        text = path.read_text(encoding="utf-8-sig")
        meta, _ = parse_front_matter(text, f"{display_root}/{relative}")
        if is_public(relative, meta):
            continue
        if preview:
            head, body = split(text)
            path.write_text(head + mark(body, relative, meta, True), encoding="utf-8")
            hidden[relative] = []
            continue
        stem = path.name[:-len(".md")] + "."
        beside = sorted(p for p in path.parent.iterdir()
                        if p.is_file() and p.name.startswith(stem) and p.suffix != ".md")
        for file in beside:
            file.unlink()
        path.unlink()
        hidden[relative] = [f.relative_to(docs_dir).as_posix() for f in beside]
    return hidden


def prune_missing(nav: list, docs_dir: str | Path, hidden) -> list:
    """The nav without the entries of pages left out (`hidden`) and of generated pages that their
    generator did not produce (the generators' OUTPUTS say which pages are theirs); sections
    left empty go too. Any other entry naming a missing page stays, so the engine reports the typo."""
    from . import generated  # the generators import this module: asked when the nav is pruned
    docs_dir = Path(docs_dir)

    def drop(path):
        if not _is_page_path(path):
            return False
        path = PurePosixPath(path).as_posix()
        return path in hidden or (generated(path) and not (docs_dir / path).is_file())

    return prune_nav(nav, drop)
