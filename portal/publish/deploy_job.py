"""Going live: the publishing job of the web team's changes (portal.domain.site_changes).

For each queued change: commit it (not yet on the branch) with the member of staff as author,
export that commit into a fresh folder, build it there with the one publishing pipeline
(portal.publish.site.build) into SITE_RELEASES_DIR/<release>, and only when the build and its
checks pass: move the branch to the commit and switch the live site, SITE_DIR, a symlink to the
release, by os.replace of a new symlink. A failed build leaves both the branch and the live site
as they were; its errors, in Indonesian with file and line, go on the change.

Under scripts/run the portal serves SITE_DIR through the symlink, so the new site is served
at once. In production nginx serves it; the switch touches SITE_DIR's sibling `.situs-berganti`,
which a systemd path unit watches to refresh the CSP hashes and reload nginx as root
(deploy/systemd/dispendukcapil-site-switch.*), so the portal never needs root.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from ..domain import accounts, content_store, site_changes, site_menu, site_refresh, users
from ..domain.content_store import Repo
from . import drafts, site

log = logging.getLogger(__name__)
KEEP_RELEASES = 5
MAX_ATTEMPTS = 5
SWITCH_MARK = ".situs-berganti"


def releases_dir(site_dir: str | Path, configured: str | None = None) -> Path:
    return Path(configured) if configured else Path(site_dir).parent / "site-releases"


def _add_portal_exports(repo: Repo, src: Path) -> None:
    """The portal's uncommitted exports, beside the commit's files, so that publishing a page
    never takes the public complaints or the reports off the site; a committed file wins."""
    for relative in repo.portal_exports():
        target = src / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo.path / relative, target)


def switch(site_dir: str | Path, release: str | Path, releases: str | Path) -> None:
    """Make `site_dir` (a symlink) point at `release` in one rename. The first time, a folder built
    by `scripts/run` moves into the releases folder and is replaced by the symlink."""
    site_dir, release, releases = Path(site_dir), Path(release), Path(releases)
    if site_dir.is_dir() and not site_dir.is_symlink():
        initial = releases / f"awal-{os.getpid()}"
        os.rename(site_dir, initial)
        tmp = site_dir.with_name(f".{site_dir.name}.awal-{os.getpid()}")
        os.symlink(initial.resolve(), tmp)
        os.replace(tmp, site_dir)
    tmp = site_dir.with_name(f".{site_dir.name}.baru-{os.getpid()}")
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(release.resolve(), tmp)
    os.replace(tmp, site_dir)
    (site_dir.parent / SWITCH_MARK).write_text(f"{release.resolve()}\n", encoding="utf-8")


def prune(site_dir: Path, releases: Path, keep: int = KEEP_RELEASES) -> None:
    """Keep the live release and the newest few (a request that resolved the old target a moment
    before the switch still finds its files)."""
    live = Path(site_dir).resolve()
    found = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[keep:]:
        if old.resolve() != live:
            shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ errors, in the team's words

_MISSING_LINK = re.compile(r"Doc file '(?:content/)?([^']+)' contains a link '([^']+)', but the target '([^']*)' "
                           r"is not found")
_MISSING_NAV = re.compile(r"A reference to '([^']+)' is included in the 'nav' configuration, which is not found")
_ANCHOR = re.compile(r"Doc file '(?:content/)?([^']+)' contains a link '([^']+)', but the doc '([^']*)' does "
                     r"not contain an anchor '([^']*)'")


def explain(errors: list[str], src: Path | None) -> list[str]:
    """The build's errors as the web team reads them: the file under content/ and its line."""
    out = []
    for error in errors:
        if m := _MISSING_LINK.search(error):
            page, link = m.group(1), m.group(2)
            out.append(f"content/{page} baris {_line(src, page, link)}: tautan \u201c{link}\u201d menuju "
                       "halaman yang tidak ada. Perbaiki tautannya, atau terbitkan dulu halaman tujuannya.")
        elif m := _ANCHOR.search(error):
            page, link = m.group(1), m.group(2)
            out.append(f"content/{page} baris {_line(src, page, link)}: tautan \u201c{link}\u201d menuju bagian "
                       f"\u201c#{m.group(4)}\u201d yang tidak ada di halaman tujuan.")
        elif m := _MISSING_NAV.search(error):
            out.append(f"mkdocs.yml baris {_line(src, '../mkdocs.yml', m.group(1))}: menu situs menyebut halaman "
                       f"\u201c{m.group(1)}\u201d yang tidak ada. Hapus halaman itu dari menu, atau terbitkan dulu "
                       "halamannya.")
        elif error.startswith(("INFO", "mkdocs build gagal", "zensical build gagal")) or "Aborted with" in error:
            continue
        else:
            out.append(error)
    return out or errors


def _line(src: Path | None, page: str, needle: str) -> int:
    if src is None:
        return 1
    path = src / "content" / page
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except OSError:
        pass
    return 1


# ------------------------------------------------------------------ one job

def files_for(db, change: site_changes.Change, repo: Repo) -> dict[str, bytes | None]:
    files: dict[str, bytes | None] = {}
    if change.kind != "menu":
        files[change.path] = None if change.text is None else change.text.encode("utf-8")
    files.update(site_changes.file_data(db, change.id))
    if change.menu_op:
        files[site_changes.MENU] = site_menu.apply(repo.read(site_changes.MENU) or "", change.menu_op).encode("utf-8")
    return files


def _build(repo: Repo, commit: str, src: Path, release: Path, engine: str,
           cache_dir: str | Path | None) -> tuple[Path, list[str] | None]:
    """Build `commit` with the portal's exports beside it into `release`; the errors, in the
    team's words, when the build or its checks failed (None when it passed)."""
    shutil.rmtree(src, ignore_errors=True)
    repo.export(commit, src)
    _add_portal_exports(repo, src)
    result = site.build(engine, release, root=src, cache_dir=cache_dir,
                        approvals=drafts.approved_hashes(repo.path, commit) or set())
    return release, (None if result.ok else explain(result.errors, src))


def run_one(db, *, repo_path: str | Path, site_dir: str | Path, releases: str | Path, engine: str = "mkdocs",
            cache_dir: str | Path | None, now) -> str | None:
    """Publish the oldest queued change, if any. Returns a one-line summary, or None when idle."""
    job = site_changes.claim_job(db, now())
    if job is None:
        return None
    repo, releases = Repo(repo_path), Path(releases)
    releases.mkdir(parents=True, exist_ok=True)
    change = site_changes.get(db, job.change_id)
    src = None
    try:
        old = repo.head()
        if change.checks_base and repo.blob_id(change.path) != change.base_blob:
            message = ("Berkas ini sudah diubah dan diterbitkan orang lain sejak perubahan ini dimulai; situs "
                       "tidak diubah. Satukan perubahan Anda ke versi yang sekarang terbit, lalu ajukan lagi.")
            site_changes.finish_job(db, job, ok=False, now=now(), error=message)
            return f"perubahan #{change.id}: {message}"
        author = users.get(db, change.author_id)
        email = accounts.email_of(db, change.author_id) or f"{author.username}@dispendukcapil.invalid"
        commit = repo.prepare_commit(files_for(db, change, repo), author=author.display_name, email=email,
                                     message=site_changes.commit_message(db, change), parent=old)
        src = releases / f".sumber-{job.id}"
        fingerprint = repo.exports_fingerprint()
        release, errors = _build(repo, commit, src, releases / f"{now():%Y%m%d-%H%M%S}-{job.id}-{commit[:10]}",
                                 engine, cache_dir)
        if errors is not None:
            message = "Situs TIDAK diubah karena pembangunan gagal:\n" + "\n".join(errors[:30])
            site_changes.finish_job(db, job, ok=False, now=now(), error=message)
            return f"perubahan #{change.id} gagal: {errors[0] if errors else ''}"
        repo.advance(commit, old)
        switch(site_dir, release, releases)
        prune(Path(site_dir), releases)
        site_refresh.record(db, fingerprint, site_refresh.WITH_CHANGE, now(), release=release.name)
        site_changes.finish_job(db, job, ok=True, now=now(), commit=commit, release=release.name)
        return f"perubahan #{change.id} terbit ({commit[:10]}, {release.name})"
    except (OSError, content_store.StoreError) as exc:
        log.warning("publishing job %s: %s", job.id, exc)
        if job.attempts >= MAX_ATTEMPTS:
            site_changes.finish_job(db, job, ok=False, now=now(),
                                    error=f"Penerbitan gagal berulang kali karena gangguan sistem: {exc}")
        else:
            site_changes.retry_job_later(db, job, now(), str(exc))
        return f"perubahan #{change.id}: dicoba lagi nanti ({exc})"
    finally:
        if src is not None:
            shutil.rmtree(src, ignore_errors=True)


def refresh(db, *, repo_path: str | Path, site_dir: str | Path, releases: str | Path, engine: str = "mkdocs",
            cache_dir: str | Path | None, now) -> str | None:
    """Rebuild the live site from the published commit when the portal's exports changed since
    the live site was built (site_refresh). Returns a one-line summary, or None when nothing changed."""
    repo, releases = Repo(repo_path), Path(releases)
    fingerprint = repo.exports_fingerprint()
    if not site_refresh.due(db, fingerprint, now()):
        return None
    releases.mkdir(parents=True, exist_ok=True)
    src = releases / ".sumber-data"
    try:
        commit = repo.head()
        release, errors = _build(repo, commit, src, releases / f"{now():%Y%m%d-%H%M%S}-data-{commit[:10]}",
                                 engine, cache_dir)
        if errors is not None:
            message = ("Data baru dari portal belum tampil di situs karena pembangunan gagal; situs lama tetap "
                       "tampil:\n" + "\n".join(errors[:30]))
            site_refresh.record(db, fingerprint, site_refresh.FAILED, now(), error=message)
            return f"pembaruan data situs gagal: {errors[0] if errors else ''}"
        switch(site_dir, release, releases)
        prune(Path(site_dir), releases)
        site_refresh.record(db, fingerprint, site_refresh.REBUILT, now(), release=release.name)
        return f"data situs diperbarui ({release.name})"
    except (OSError, content_store.StoreError) as exc:
        # Not recorded: the next pass tries again, as a queued change would be.
        log.warning("site refresh: %s", exc)
        return f"pembaruan data situs dicoba lagi nanti ({exc})"
    finally:
        shutil.rmtree(src, ignore_errors=True)
