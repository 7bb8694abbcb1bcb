"""The MkDocs hook: the only custom part of the build. Each event is one call into portal.publish.

`SITE_PREVIEW=1` (set by scripts/preview) builds the web team's preview: drafts and unapproved
pages stay in, with a "DRAF" banner; without it they are left out of the site.
"""

import os

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import portal.publish
from portal.publish import DataError, drafts


def preview() -> bool:
    return os.environ.get("SITE_PREVIEW", "") not in ("", "0")


def on_pre_build(config):
    try:
        portal.publish.build(config["docs_dir"], preview())
    except DataError as exc:
        raise PluginError(str(exc)) from None


@event_priority(100)  # before the blog plugin collects its posts
def on_files(files, config):
    try:
        return drafts.apply(files, config, preview())
    except DataError as exc:
        raise PluginError(str(exc)) from None


def on_page_markdown(markdown, page, config, files):
    return drafts.mark(markdown, page.file.src_uri, page.meta, preview())
