"""The RSS feed of the news (Berita): `berita/feed.xml` from the posts' front matter.

Posts are content/berita/posts/<name>.md (Material's blog plugin, `post_url_format: "{file}"`),
so a post's address is berita/<name>/. The feed lists the public posts only (drafts.is_public),
newest first; a preview feed lists every post. Links are absolute when mkdocs.yml has a
`site_url`, root-relative otherwise.
"""

from __future__ import annotations

import datetime
import re
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from . import drafts

FEED = "berita/feed.xml"
OUTPUTS = (FEED,)
POSTS = "berita/posts"
MORE = "<!-- more -->"
LIMIT = 20


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring tags such as !ENV or !!python/name."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def site_settings(content_dir: Path) -> dict:
    config = content_dir.parent / "mkdocs.yml"
    if not config.exists():
        return {}
    return yaml.load(config.read_text(encoding="utf-8"), Loader=_LenientLoader) or {}


def _created(meta) -> datetime.date:
    date = meta.get("date")
    if isinstance(date, dict):
        date = date.get("created")
    return date if isinstance(date, datetime.date) else datetime.date(1970, 1, 1)


def _plain(markdown: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`#>]", "", text)
    return " ".join(text.split())


def posts(content_dir: Path, preview: bool) -> list[dict]:
    out = []
    for path in sorted((content_dir / POSTS).glob("*.md")):
        relpath = path.relative_to(content_dir).as_posix()
        meta, _ = drafts.read_front_matter(path, str(path.relative_to(content_dir.parent)))
        if not preview and not drafts.is_public(relpath, meta):
            continue
        body = drafts.FRONT_MATTER.sub("", path.read_text(encoding="utf-8-sig"), count=1)
        title = meta.get("title")
        heading = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
        if not title and heading:
            title = heading.group(1).strip()
        if heading:
            body = body[heading.end():]
        summary = meta.get("description") or _plain(body.split(MORE, 1)[0])
        out.append({"title": title or path.stem, "date": _created(meta), "summary": summary,
                    "path": f"berita/{path.stem}/"})
    out.sort(key=lambda post: (post["date"], post["path"]), reverse=True)
    return out


def feed(content_dir: Path, preview: bool) -> str:
    settings = site_settings(content_dir)
    base = (settings.get("site_url") or "/").rstrip("/") + "/"
    name = settings.get("site_name") or "Berita"
    items = []
    for post in posts(content_dir, preview)[:LIMIT]:
        moment = datetime.datetime.combine(post["date"], datetime.time(8, 0),
                                           tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
        link = escape(base + post["path"])
        items.append(
            "  <item>\n"
            f"    <title>{escape(post['title'])}</title>\n"
            f"    <link>{link}</link>\n"
            f"    <guid isPermaLink=\"true\">{link}</guid>\n"
            f"    <pubDate>{format_datetime(moment)}</pubDate>\n"
            f"    <description>{escape(post['summary'])}</description>\n"
            "  </item>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0">\n<channel>\n'
            f"  <title>{escape(name)}: Berita</title>\n"
            f"  <link>{escape(base)}berita/</link>\n"
            f"  <description>Berita {escape(name)}</description>\n"
            "  <language>id</language>\n"
            + "".join(items) +
            "</channel>\n</rss>\n")


def generate(content_dir, preview):
    content_dir = Path(content_dir)
    if not (content_dir / POSTS).is_dir():
        return {}
    return {FEED: feed(content_dir, preview)}
