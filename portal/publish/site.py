"""The one publishing pipeline: content/ -> a checked static site, with MkDocs + Material or Zensical.

    python -m portal.publish site --engine mkdocs|zensical [--preview] --out DIR

1. stage: copy content/ and the theme overrides into a build folder (never written: content/),
   and fill the named values (`{{ tenggat.tanggapan }}`, portal.publish.values) into that copy;
2. generate: run the generators of portal.publish there (SOP pages, materials with their PDFs,
   sessions, news feed, complaints, profile, report, service pages); a file of content/ at a path
   a generator writes stops the build (one source per page);
3. gate: check every page's front matter; leave out every page that is not public (drafts,
   unapproved materials, unapproved reports) with the files beside it, and its menu entry; in
   a preview keep them with the DRAF banner (the rules: portal.publish.drafts);
4. configure: write the engine's configuration for that folder from mkdocs.yml (the subset
   both engines read) with the pruned nav;
5. run the engine; point the CDN URLs in the theme's scripts at the site itself;
6. check the result (portal.publish.check), then swap it into DIR in one rename, so that a failed
   build leaves DIR as it was.

`build(...)` is the same as a Python function returning a Result with `errors`.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import GENERATORS, DataError, check as checker, drafts, generate, values

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("mkdocs", "zensical")
# MkDocs 2 and ProperDocs print a banner about MkDocs 2 on every build; Material's switch and
# ProperDocs' switch have different names.
ENGINE_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
STAGED_DOCS = "docs"
STAGED_SITE = "site"  # Zensical writes only inside its project folder
CACHE = ".cache/publish"  # under the project root: WeasyPrint PDFs by content hash (pdfcache)


@dataclass
class Result:
    engine: str
    preview: bool
    out: Path | None
    pages: list[str] = field(default_factory=list)           # site paths, e.g. /layanan/kk/
    hidden: dict[str, list[str]] = field(default_factory=dict)  # pages left out -> files removed with them
    weights: dict[str, int] = field(default_factory=dict)     # page -> first-visit bytes, gzip
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)   # stage, engine, check

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------ mkdocs.yml, tags kept

class _Tagged:
    """A YAML value with a custom tag (!ENV, !!python/name:...), written back as it was read."""

    def __init__(self, tag, node):
        self.tag, self.node = tag, node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged("!" + suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/",
                              lambda loader, suffix, node: _Tagged("tag:yaml.org,2002:python/" + suffix, node))
_Dumper.add_representer(_Tagged, lambda dumper, value: _retag(value))


def _retag(value: _Tagged):
    value.node.tag = value.tag
    return value.node


def read_config(path: Path) -> dict:
    config = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader
    if not isinstance(config, dict):
        raise DataError(str(path), "baris 1", "konfigurasi situs harus berisi pasangan 'kunci: nilai'")
    return config


def write_config(config: dict, path: Path) -> None:
    path.write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def blog_dir(config: dict) -> str | None:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "blog" in plugin:
            return (plugin["blog"] or {}).get("blog_dir", "blog")
        if plugin == "blog":
            return "blog"
    return None


# ------------------------------------------------------------------ the steps

@dataclass
class Staged:
    folder: Path
    config: dict
    hidden: dict[str, list[str]]
    public_pages: list[str]

    @property
    def docs(self) -> Path:
        return self.folder / STAGED_DOCS


def stage(folder: Path, *, root: Path = ROOT, preview: bool = False, cache_dir: Path | None = None,
          config_file: str = "mkdocs.yml", approvals: set[str] | None = None) -> Staged:
    """Steps 1-4 into `folder`: sources copied, generated, gated, configured. `approvals` is the
    ledger of approved body hashes (drafts.approved_hashes); None reads it from `root` when that
    is a git repository."""
    folder, root = Path(folder), Path(root)
    config = read_config(root / config_file)
    content = root / config.get("docs_dir", "docs")
    docs = folder / STAGED_DOCS
    # Dot files (caches, editor files) stay behind, as both engines ignore them anyway; so do the
    # files that builds before this pipeline generated into content/ (listed in .generated).
    legacy = content / ".generated"
    leftovers = {str(content / p) for p in legacy.read_text().split()} if legacy.is_file() else set()
    shutil.copytree(content, docs, ignore=lambda d, names: [
        n for n in names if n.startswith(".") or os.path.join(d, n) in leftovers])
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        shutil.copytree(root / theme["custom_dir"], folder / "overrides")
        theme["custom_dir"] = "overrides"
    config["docs_dir"] = STAGED_DOCS
    config["site_dir"] = STAGED_SITE
    config.pop("hooks", None)
    write_config(config, folder / "mkdocs.yml")  # the generators read site_url from it

    if approvals is None:
        approvals = drafts.approved_hashes(root)
    if approvals is not None:  # before the generators, so that materials' PDFs and lists agree
        drafts.verify_approvals(docs, approvals)
    # After the approvals (a page is approved as written, with its `{{ name }}`), before the
    # generators, which read the pages and the service standards.
    values.fill_staged(docs)

    cache = Path(cache_dir) if cache_dir else root / CACHE
    cache.mkdir(parents=True, exist_ok=True)
    (docs / ".cache").symlink_to(cache.resolve(), target_is_directory=True)
    try:
        outputs = generate(docs, preview)
    finally:
        (docs / ".cache").unlink()
    _refuse_hand_written(docs, outputs)
    for relative, data in sorted(outputs.items()):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)

    hidden = drafts.gate(docs, preview)
    if config.get("nav"):
        config["nav"] = drafts.prune_missing(config["nav"], docs, set() if preview else set(hidden))
    write_config(config, folder / "mkdocs.yml")
    public = [p for p in drafts.pages(docs) if preview or p not in hidden]
    return Staged(folder, config, {} if preview else hidden, public)


def _refuse_hand_written(docs: Path, outputs: dict) -> None:
    """A file in content/ at a path a generator writes would be a second source of that page, and
    silently replaced: stop, naming every such file and the data to edit instead."""
    clashes = sorted(r for r in outputs if (docs / r).exists() or (docs / r).is_symlink())
    if not clashes:
        return
    sources = [s for s in (_source_of(r) for r in clashes) if s]
    message = ("halaman ini dibuat otomatis oleh pembangun situs, jadi tidak boleh ada berkas tulisan tangan "
               "di tempat yang sama; hapus berkas ini")
    message += f" dan ubah datanya di {', '.join(dict.fromkeys(sources))}" if sources else \
        " dan ubah data sumbernya di content/data/"
    if len(clashes) > 1:
        message += f". Berkas lain yang sama: {', '.join('content/' + r for r in clashes[1:])}"
    raise DataError(docs / clashes[0], "", message)


def _source_of(relative: str) -> str | None:
    "The data file a generator makes `relative` from, when the generator can tell (its `source_of`)."
    for name in GENERATORS:
        source_of = getattr(importlib.import_module(name), "source_of", None)
        if source_of and (found := source_of(relative)):
            return found
    return None


def engine_command(engine: str, config: Path) -> list[str]:
    if engine == "mkdocs":
        return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    if engine == "zensical":
        return [sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config)]
    raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")


def run_engine(engine: str, staged: Staged) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "SITE_PREVIEW"} | ENGINE_ENV
    result = subprocess.run(engine_command(engine, staged.folder / "mkdocs.yml"), cwd=staged.folder,
                            env=env, capture_output=True, text=True, timeout=1800)
    output = (result.stderr + result.stdout).replace(str(staged.docs) + "/", "content/")
    if result.returncode != 0:
        lines = [line for line in output.splitlines() if line.strip()]
        return [f"{engine} build gagal (kode {result.returncode}):", *lines[-20:]]
    return []


def vendor_local(site: Path, site_url: str | None) -> None:
    """Point the CDN URLs in the theme's scripts at the site itself (assets/vendor/), so that no
    script ever fetches from another host; check.CDN_TRIGGERS proves the libraries unused."""
    base = (urlsplit(site_url).path if site_url else "/").rstrip("/") + "/assets/vendor/"
    for script in (site / "assets" / "javascripts").rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        changed = text
        for host in checker.CDN_HOSTS:
            changed = changed.replace(host, base)
        if changed != text:
            script.write_text(changed, encoding="utf-8")


def _swap(built: Path, out: Path) -> None:
    """Put `built` at `out` by renames: `out` is the old site or the new one, never half of one."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if out.exists() or out.is_symlink():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(built, out)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()


def build(engine: str = "mkdocs", out: str | Path | None = None, *, preview: bool = False,
          root: str | Path = ROOT, cache_dir: str | Path | None = None, check: bool = True,
          budget: int = checker.BUDGET_BYTES, keep: str | Path | None = None,
          approvals: set[str] | None = None) -> Result:
    """Build the site with `engine` into `out` (default: the project's site/). Returns a Result;
    on any error `out` is left as it was. `keep` names a folder for the staged build (kept for
    inspection) instead of a temporary one."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "site"
    result = Result(engine, preview, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if keep:
        folder = Path(keep).resolve()
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    else:  # beside `out`, so that the final rename stays on one file system
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    try:
        started = time.perf_counter()
        try:
            staged = stage(folder, root=root, preview=preview, cache_dir=cache_dir, approvals=approvals)
        except DataError as exc:  # named as the web team knows the file: content/...
            result.errors.append(f"Galat data: {exc}".replace(f"{folder / STAGED_DOCS}/", "content/"))
            return result
        result.hidden = staged.hidden
        result.seconds["stage"] = time.perf_counter() - started
        started = time.perf_counter()
        result.errors += run_engine(engine, staged)
        result.seconds["engine"] = time.perf_counter() - started
        if result.errors:
            return result
        site = folder / STAGED_SITE
        vendor_local(site, staged.config.get("site_url"))
        started = time.perf_counter()
        if check:
            report = checker.check(site, public_pages=staged.public_pages, hidden=staged.hidden,
                                   blog_dir=blog_dir(staged.config), budget=budget)
            result.pages, result.weights, result.errors = report.pages, report.weights, report.errors
        else:
            result.pages = checker.built_pages(site)
        result.seconds["check"] = time.perf_counter() - started
        if not result.errors:
            _swap(site, out)
        return result
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m portal.publish site",
                                     description="Build the site: stage, generate, gate, engine, check.")
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs")
    parser.add_argument("--preview", action="store_true",
                        help="the web team's preview: pages that are not public stay, with a DRAF banner")
    parser.add_argument("--out", type=Path, help="output folder (default: site/ of the project)")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder with mkdocs.yml and content/")
    parser.add_argument("--cache-dir", type=Path, help=f"PDF cache (default: ROOT/{CACHE})")
    parser.add_argument("--keep", type=Path, help="keep the staged build folder here")
    parser.add_argument("--no-check", dest="check", action="store_false", help="skip the checks (not for publishing)")
    parser.add_argument("--quiet", "-q", action="store_true")
    args = parser.parse_args(argv)
    result = build(args.engine, args.out, preview=args.preview, root=args.root, cache_dir=args.cache_dir,
                   check=args.check, keep=args.keep)
    if not result.ok:
        print(f"Situs TIDAK dibangun ({args.engine}); {args.out or 'site/'} tidak diubah:", file=sys.stderr)
        for error in result.errors[:50]:
            print(f"  {error}", file=sys.stderr)
        if len(result.errors) > 50:
            print(f"  ... dan {len(result.errors) - 50} galat lain", file=sys.stderr)
        return 1
    if not args.quiet:
        page, weight = max(result.weights.items(), key=lambda kv: kv[1]) if result.weights else ("-", 0)
        total = sum(result.seconds.values())
        print(f"Situs dibangun ({args.engine}{', pratinjau' if args.preview else ''}) di {result.out}: "
              f"{len(result.pages)} halaman, {len(result.hidden)} halaman tidak publik ditinggalkan, "
              f"terberat {page} {weight:,} byte gzip; {total:.1f} detik.")
    return 0
