"""Which pages are public: front-matter checks, drafts, approval, and the preview banner.

Rules (the web team's guide, docs/panduan-tim-web.md, explains them in Indonesian):

- `status` is one of `perlu-tinjauan`, `draft`, `terbit`; a page with `status: draft` is not public.
- A page that requires approval (front matter `perlu_persetujuan: true`, and every page under
  `sosialisasi/materi/` except its index) is public only when it has both `disetujui_oleh`
  (a non-empty name) and `tanggal_disetujui` (a date).
- Any key named `date` or starting with `tanggal` must be a date (YYYY-MM-DD).

A page that is not public is left out of the public build, with its nav entry and any file
beside it with the same name (its PDF, its SVG). In a preview build it stays, with a "DRAF"
banner at its top.

No MkDocs import: `apply()` works on anything shaped like MkDocs' Files and config, so the
MkDocs hook stays a one-line call per event.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path, PurePosixPath

import yaml

from .errors import DataError

STATUSES = ("perlu-tinjauan", "draft", "terbit")
APPROVAL_DIRS = ("sosialisasi/materi/",)
APPROVAL_EXEMPT = ("sosialisasi/materi/index.md",)
# Generated pages whose generator may not produce them (yet): their nav entry is dropped
# when the page is absent, instead of failing the build.
OPTIONAL_NAV = ("sop/index.md", "sosialisasi/materi/index.md", "sosialisasi/jadwal.md",
                "sosialisasi/laporan.md", "pengaduan-publik/index.md", "profil-kependudukan/index.md",
                "data-kependudukan/index.md", "laporan/index.md")

# The same pattern MkDocs uses to find front matter.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
DATE_HINT = "tulis tanggal dalam bentuk TTTT-BB-HH, misalnya 2026-03-15"


def read_front_matter(path: str | Path, display: str | None = None) -> tuple[dict, dict[str, int]]:
    """The page's front matter and, for each key, its line number in the file.

    Raises DataError naming the file and line when the front matter is not valid YAML or
    breaks one of the rules above."""
    path = Path(path)
    display = display or str(path)
    text = path.read_text(encoding="utf-8-sig")
    match = FRONT_MATTER.match(text)
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


def check_all(content_dir: str | Path) -> int:
    """Check the front matter of every page under content_dir (content/data/ excepted), for a
    build that runs without the MkDocs hook. Returns the number of pages checked."""
    content_dir = Path(content_dir)
    count = 0
    for path in sorted(content_dir.rglob("*.md")):
        relative = path.relative_to(content_dir)
        if relative.parts[0] == "data" or any(part.startswith(".") for part in relative.parts):
            continue
        read_front_matter(path, str(path.relative_to(content_dir.parent)))
        count += 1
    return count


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


def apply(files, config, preview: bool):
    """Check every page's front matter; in a public build remove the pages that are not public
    (and files beside them with the same name), and prune the nav. Returns `files`."""
    docs_dir = Path(config["docs_dir"])
    hidden = []
    for file in list(files.documentation_pages()):
        if not file.abs_src_path:
            continue
        try:
            display = str(Path(file.abs_src_path).relative_to(docs_dir.parent))
        except ValueError:
            display = file.abs_src_path
        meta, _ = read_front_matter(file.abs_src_path, display)
        if not preview and not is_public(file.src_uri, meta):
            hidden.append(file)
    hidden_paths = {f.src_uri for f in hidden}
    stems = {f.src_uri[:-len(".md")] + "." for f in hidden}
    for file in list(files):
        if file in hidden or (not file.src_uri.endswith(".md") and file.src_uri.startswith(tuple(stems))):
            files.remove(file)
    if config.get("nav"):
        present = {f.src_uri for f in files.documentation_pages()}

        def drop(path):
            if not _is_page_path(path):
                return False
            path = PurePosixPath(path).as_posix()
            return path in hidden_paths or (path in OPTIONAL_NAV and path not in present)

        config["nav"] = prune_nav(config["nav"], drop)
    return files
