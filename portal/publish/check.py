"""The checks every built site passes before it is published, whatever engine built it.

- pages: every public page of the staged sources has its HTML page;
- drafts absent: no page that is not public, no file beside it, no search entry for it;
- no outside hosts: no tag, style or stylesheet makes the browser fetch from another host, and
  no page carries the markup that makes the theme's script load a library from a CDN;
- links: every internal link resolves to a file of the site (portal links excepted);
- weight: each page with what it loads (scripts, stylesheets, images, icons; gzip) stays under
  BUDGET_BYTES.

Standard library only. `check(site, ...)` returns a Report; its `errors` are in Indonesian for
the web team and name the page.
"""

from __future__ import annotations

import gzip
import html.parser
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

# First-visit weight of one page (its HTML and every script, stylesheet, image and icon it names,
# gzip level 6, as a server compresses), search index excluded (it loads on the first search).
# Heaviest page measured on 2026-11-29, /profil-kependudukan/2024/kuantitas/ (SVG charts):
# 70,380 bytes with Material, 94,619 with Zensical (its script bundle is 57 KB gzip against
# Material's 35 KB). The budget is the heavier figure plus about 15 %.
BUDGET_BYTES = 110_000

# Libraries the themes' scripts load from a CDN, and the markup in a page that makes them do so
# (Material's and Zensical's bundles: mermaid diagrams, the glightbox image viewer, interactive
# code blocks, repository facts from api.github.com). The pipeline also points the CDN URLs of
# the bundles at the site itself (site.vendor_local), so that even a browser without
# ResizeObserver, which loads a polyfill, stays on the site.
CDN_HOSTS = ("https://unpkg.com/", "https://cdn.jsdelivr.net/")
CDN_TRIGGERS = {
    "diagram mermaid": re.compile(r"""class=["'][^"']*\bmermaid\b"""),
    "penampil gambar glightbox": re.compile(r"\bglightbox\b"),
    "blok kode interaktif": re.compile(r"data-md-exec"),
    "info repositori (api.github.com)": re.compile(r"""data-md-component=["']source["']"""),
}
FETCHING_TAGS = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"),
                 "iframe": ("src",), "source": ("src", "srcset"), "video": ("src", "poster"),
                 "audio": ("src",), "embed": ("src",), "object": ("data",), "track": ("src",)}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""", re.I)
PORTAL_PREFIX = "/pengaduan"
SEARCH_INDEXES = ("search/search_index.json", "search.json")  # Material, Zensical


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)  # page -> first-visit bytes (gzip)
    errors: list[str] = field(default_factory=list)

    @property
    def heaviest(self) -> tuple[str, int]:
        return max(self.weights.items(), key=lambda kv: kv[1]) if self.weights else ("", 0)


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []            # <a href>
        self.fetched: list[tuple[str, str]] = []  # (tag, url) the browser loads with the page
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "style" in a:
            self.outside += [u for u in CSS_URL.findall(a["style"]) if _is_outside(u)]
        names = FETCHING_TAGS.get(tag)
        if not names:
            return
        rel = a.get("rel", "").lower().split()
        if tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                                  "apple-touch-icon", "prefetch"} & set(rel):
            return  # canonical, alternate (feeds), sitemap: addresses, not fetched
        for name in names:
            for url in _urls(a.get(name, ""), name):
                if _is_outside(url):
                    self.outside.append(url)
                else:
                    self.fetched.append((tag, url))


def _urls(value: str, attribute: str) -> list[str]:
    if not value:
        return []
    if attribute == "srcset":
        return [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return [value.strip()]


def _is_outside(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url.strip(), re.I))


def page_url(relative: str, blog_dir: str | None = None) -> str:
    """The site path of a page (use_directory_urls), e.g. layanan/kk.md -> /layanan/kk/."""
    path = PurePosixPath(relative)
    if blog_dir and path.parts[:2] == (blog_dir, "posts"):
        path = PurePosixPath(blog_dir, path.name)  # post_url_format "{file}"
    if path.name == "index.md":
        parent = path.parent.as_posix()
        return "/" if parent == "." else f"/{parent}/"
    return f"/{path.with_suffix('').as_posix()}/"


def built_pages(site: Path) -> list[str]:
    """The site path of every built page, e.g. ['/', '/layanan/', ...]."""
    return sorted(("/" + p.parent.relative_to(site).as_posix() + "/").replace("/./", "/")
                  for p in Path(site).rglob("index.html"))


def search_locations(site: Path) -> list[str] | None:
    for name in SEARCH_INDEXES:
        path = site / name
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data.get("docs") or data.get("items") or []
            return ["/" + unquote(item.get("location", "")).split("#")[0].lstrip("/") for item in items]
    return None


def broken_links(site: Path) -> list[tuple[str, str]]:
    """Internal links in the built site whose target does not exist (portal links excepted)."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(page.read_text(encoding="utf-8"))
        broken += _broken(site, "/" + page.relative_to(site).as_posix(), parser.links)
    return broken


def _broken(site: Path, base: str, links: list[str]) -> list[tuple[str, str]]:
    """(base, target) for each of the page `base`'s links whose target is not a file of `site`."""
    broken = []
    for target in links:
        target = target.split("#", 1)[0]
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//") \
                or target.startswith(PORTAL_PREFIX):
            continue
        path = unquote(urlsplit(urljoin(base, target)).path)
        resolved = site / path.lstrip("/")
        if path.endswith("/"):
            resolved = resolved / "index.html"
        if not resolved.is_file():
            broken.append((base, target))
    return broken


def check(site: Path, *, public_pages: list[str] = (), hidden: dict[str, list[str]] | None = None,
          blog_dir: str | None = None, budget: int = BUDGET_BYTES) -> Report:
    """Check a built site. `public_pages` are the staged sources' pages (relative .md paths) that
    must be there; `hidden` maps each page left out to the files removed with it (empty in a
    preview, where they stay with a banner)."""
    site = Path(site)
    report = Report()
    errors = report.errors
    if not (site / "index.html").is_file():
        return Report(errors=[f"{site}: tidak ada index.html; build tidak menghasilkan situs"])
    report.pages = built_pages(site)
    built = set(report.pages)

    # pages
    for relative in public_pages:
        url = page_url(relative, blog_dir)
        if url not in built:
            errors.append(f"{url}: halaman dari content/{relative} tidak ada di situs hasil build")

    # drafts absent
    locations = search_locations(site)
    for relative, files in (hidden or {}).items():
        url = page_url(relative, blog_dir)
        if (site / url.lstrip("/") / "index.html").exists():
            errors.append(f"{url}: halaman yang tidak publik (content/{relative}) ada di situs")
        for name in files:
            if (site / name).exists():
                errors.append(f"/{name}: berkas milik halaman yang tidak publik (content/{relative}) ada di situs")
        if locations is not None and url in locations:
            errors.append(f"{url}: halaman yang tidak publik (content/{relative}) ada di indeks pencarian")

    # no outside hosts, weight
    sizes: dict[Path, int] = {}

    def gz(path: Path) -> int:
        if path not in sizes:
            sizes[path] = len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
        return sizes[path]

    broken: list[tuple[str, str]] = []
    for page in sorted(site.rglob("*.html")):  # each page read and parsed once, for every check
        name = "/" + page.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8")
        parser = _Page()
        parser.feed(text)
        broken += _broken(site, name, parser.links)
        for url in parser.outside:
            errors.append(f"{name}: memuat berkas dari situs lain: {url}")
        for style in re.findall(r"<style\b[^>]*>(.*?)</style>", text, re.S | re.I):
            errors += [f"{name}: gaya memuat berkas dari situs lain: {u}" for u in CSS_URL.findall(style)
                       if _is_outside(u)]
        for what, pattern in CDN_TRIGGERS.items():
            if pattern.search(text):
                errors.append(f"{name}: memakai {what}, yang dimuat tema dari CDN di situs lain")
        if page.name != "index.html":
            continue
        total = gz(page)
        for _, url in parser.fetched:
            path = unquote(urlsplit(urljoin(name, url)).path)
            if url.startswith("data:"):
                continue
            file = site / path.lstrip("/")
            if file.is_file():
                total += gz(file)
        page_name = name[:-len("index.html")]
        report.weights[page_name] = total
        if total > budget:
            errors.append(f"{page_name}: berat halaman {total:,} byte (gzip) melebihi batas {budget:,} byte")
    for css in sorted(site.rglob("*.css")):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="ignore")):
            if _is_outside(url) and "www.w3.org" not in url:
                errors.append(f"/{css.relative_to(site).as_posix()}: memuat berkas dari situs lain: {url}")
    for js in sorted(site.rglob("*.js")):
        text = js.read_text(encoding="utf-8", errors="ignore")
        for host in CDN_HOSTS:
            if host in text:
                errors.append(f"/{js.relative_to(site).as_posix()}: skrip menyebut {host}")

    # links
    for base, target in broken:
        errors.append(f"{base}: tautan rusak ke {target}")
    return report
