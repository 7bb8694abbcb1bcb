"""The site's sources as a git repository: read what is published, commit a publication, export
a commit for a build.

The repository is PORTAL_CONTENT_REPO (default: the project itself). A publication is one commit
with the member of staff as author, made without touching the working tree or its index (a
temporary index, `commit-tree`), so that it can be built before it becomes HEAD: a failed build
leaves the branch where it was. `advance()` moves the branch with a compare-and-swap
(`update-ref NEW OLD`), so two writers can never lose each other's commit, and then copies the
changed files into the working tree (the portal reads content/data/ from there), except a file
that someone changed by hand since: that one is left alone.

The git CLI is used (no global configuration needed: author and committer come with each call).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

# What a build needs from the repository (portal.publish.site reads these).
SOURCES = ("content", "mkdocs.yml", "overrides")
EXPORTS_DIR = "content/data/"  # where the portal's exports for the site are written, uncommitted
SYSTEM_NAME = "Portal Situs Dispendukcapil"
SYSTEM_EMAIL = "situs@localhost"


class StoreError(RuntimeError):
    "A git command failed."


class Moved(StoreError):
    "The branch moved since the commit was prepared (someone else published first)."


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    date: str  # ISO 8601
    subject: str
    body: str


class Repo:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    # ------------------------------------------------------------ plumbing
    def git(self, *args: str, input: bytes | None = None, env: dict | None = None, check: bool = True,
            text: bool = True):
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
        result = subprocess.run(["git", "-C", str(self.path), *args], input=input, env=full_env,
                                capture_output=True, timeout=300)
        if check and result.returncode != 0:
            raise StoreError(f"git {args[0]} gagal: {result.stderr.decode(errors='replace').strip()}")
        if text:
            return result.stdout.decode("utf-8", errors="replace") if result.returncode == 0 else None
        return result.stdout if result.returncode == 0 else None

    def branch_ref(self) -> str:
        return self.git("symbolic-ref", "HEAD").strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    # ------------------------------------------------------------ reading
    def read_bytes(self, path: str, rev: str = "HEAD") -> bytes | None:
        return self.git("show", f"{rev}:{path}", check=False, text=False)

    def read(self, path: str, rev: str = "HEAD") -> str | None:
        data = self.read_bytes(path, rev)
        return None if data is None else data.decode("utf-8")

    def blob_id(self, path: str, rev: str = "HEAD") -> str | None:
        out = self.git("rev-parse", "--verify", "-q", f"{rev}:{path}", check=False)
        return out.strip() if out else None

    def files(self, prefix: str = "content/", rev: str = "HEAD") -> list[str]:
        out = self.git("ls-tree", "-r", "--name-only", rev, "--", prefix)
        return [line for line in out.splitlines() if line]

    def log(self, path: str | None = None, rev: str = "HEAD", since: str | None = None,
            until: str | None = None) -> list[Commit]:
        sep, end = "\x1f", "\x1e"
        args = ["log", f"--format=%H{sep}%an{sep}%ae{sep}%aI{sep}%s{sep}%b{end}"]
        if since:
            args.append(f"--since={since}")
        if until:
            args.append(f"--until={until}")
        args += [rev, "--"] + ([path] if path else [])
        out = self.git(*args)
        commits = []
        for record in out.split(end):
            record = record.strip("\n")
            if record:
                commits.append(Commit(*record.split(sep, 5)))
        return commits

    def changed_paths(self, sha: str) -> list[str]:
        out = self.git("diff-tree", "--no-commit-id", "--root", "-r", "--name-only", sha)
        return [line for line in out.splitlines() if line]

    # ------------------------------------------------------------ writing
    def prepare_commit(self, files: dict[str, bytes | None], *, author: str, email: str, message: str,
                       parent: str | None = None) -> str:
        """A commit of HEAD (or `parent`) plus `files` (None: removed), not yet on any branch."""
        parent = parent or self.head()
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.git("read-tree", parent, env=env)
            for path, data in sorted(files.items()):
                if data is None:
                    self.git("update-index", "--force-remove", "--", path, env=env)
                    continue
                blob = self.git("hash-object", "-w", "--stdin", input=data).strip()
                self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = self.git("write-tree", env=env).strip()
        people = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
                  "GIT_COMMITTER_NAME": SYSTEM_NAME, "GIT_COMMITTER_EMAIL": SYSTEM_EMAIL}
        return self.git("commit-tree", tree, "-p", parent, "-F", "-", input=message.encode("utf-8"),
                        env=people).strip()

    def advance(self, new: str, old: str) -> None:
        """Move the branch from `old` to `new` (refused if it is no longer at `old`), then bring
        the working tree's copies of the changed files up to date."""
        ref = self.branch_ref()
        result = self.git("update-ref", ref, new, old, check=False)
        if result is None:
            raise Moved("Situs sudah diubah oleh penerbitan lain; perubahan ini perlu diterbitkan ulang.")
        self._sync_worktree(old, new)

    def _sync_worktree(self, old: str, new: str) -> None:
        if self.git("rev-parse", "--is-bare-repository").strip() == "true":
            return
        out = self.git("diff-tree", "-r", "--name-only", old, new)
        for path in filter(None, out.splitlines()):
            target = self.path / path
            before = self.read_bytes(path, old)
            current = target.read_bytes() if target.is_file() else None
            if current != before:
                continue  # changed by hand in the working tree: never overwritten
            after = self.read_bytes(path, new)
            if after is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
                tmp.write_bytes(after)
                os.replace(tmp, target)
            self.git("update-index", "-q", "--add", "--remove", "--", path, check=False)

    def portal_exports(self) -> list[str]:
        """Files under EXPORTS_DIR that git does not track: what the portal wrote there for the site
        (the public complaints, the annual report's figures, the SKM results, population periods).
        Only the portal writes into the working tree beside the commits, so these are its files."""
        listed = self.git("ls-files", "--others", "-z", "--", EXPORTS_DIR, text=False) or b""
        return [p for p in listed.decode().split("\0") if p and ".tmp-" not in p]

    def exports_fingerprint(self) -> str:
        """What the portal's exports are now, by name, size and time of writing (each is written
        whole and renamed into place, so any change shows); read every few seconds, so no hashing."""
        h = hashlib.sha256()
        for relative in sorted(self.portal_exports()):
            try:
                stat = (self.path / relative).stat()
            except FileNotFoundError:  # removed since it was listed
                continue
            h.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return h.hexdigest()[:20]

    def export(self, rev: str, dest: str | Path) -> Path:
        """The build sources (SOURCES) of `rev`, written into `dest`."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        present = [s for s in SOURCES if self.git("cat-file", "-e", f"{rev}:{s}", check=False) is not None]
        data = self.git("archive", "--format=tar", rev, "--", *present, text=False)
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(dest, filter="data")
        return dest


def init_repo(dest: str | Path, source_root: str | Path, *, extra: tuple[str, ...] = ()) -> Repo:
    """A fresh repository at `dest` with the build sources of `source_root` (a deployment's own
    content repository, or a test's). Approvals already recorded in those pages are carried over
    into the first commit's trailers, so they stay valid."""
    from ..publish import drafts

    dest, source_root = Path(dest), Path(source_root)
    dest.mkdir(parents=True, exist_ok=True)
    # Files that builds before the publishing pipeline wrote into content/ (listed in its
    # .generated) are build output, not sources: they stay behind.
    listed = source_root / "content" / ".generated"
    legacy = {str(source_root / "content" / p) for p in listed.read_text().split()} if listed.is_file() else set()

    def leave_out(folder, names):
        return [n for n in names if n in (".cache", ".generated") or os.path.join(folder, n) in legacy]

    for name in SOURCES + extra:
        source = source_root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=leave_out)
        elif source.is_file():
            shutil.copy2(source, dest / name)
    repo = Repo(dest)
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A")
    trailers = []
    for page in sorted((dest / "content").rglob("*.md")):
        head, body = drafts.split(page.read_text(encoding="utf-8"))
        if "\npersetujuan:" in head:
            trailers.append(f"{drafts.LEDGER_TRAILER}: {drafts.body_hash(body)}")
    message = "Isi situs awal\n" + ("\n" + "\n".join(trailers) + "\n" if trailers else "")
    people = {"GIT_AUTHOR_NAME": SYSTEM_NAME, "GIT_AUTHOR_EMAIL": SYSTEM_EMAIL,
              "GIT_COMMITTER_NAME": SYSTEM_NAME, "GIT_COMMITTER_EMAIL": SYSTEM_EMAIL}
    repo.git("commit", "-q", "--no-verify", "-F", "-", input=message.encode(), env=people)
    return repo
