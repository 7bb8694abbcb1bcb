"""The office's clock and working-day calendar, asked by the web pages, the commands and the jobs.

Plain Python over the app's `config` and `extensions` mappings (no request needed), so that a
background job counts days exactly as a page does.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from .domain.calendar import Calendar


def office_tz(config) -> ZoneInfo:
    """The office's time zone (TIMEZONE); days and deadlines are counted in it."""
    return ZoneInfo(config["TIMEZONE"])


def office_now(app) -> datetime:
    """The office's local time, to the second; a test fixes it with app.extensions["portal.clock"]."""
    clock = app.extensions.get("portal.clock")
    if clock is not None:
        return clock()
    return datetime.now(office_tz(app.config)).replace(microsecond=0)


def office_calendar(app) -> Calendar:
    """The working-day calendar, rebuilt when the holiday list changes on disk, so that a cuti
    bersama added later moves the deadlines of open complaints without a restart."""
    path = app.config["HOLIDAYS_CSV"]
    info = os.stat(path)
    # Size and inode too: two writes within one tick of the file system's clock share an mtime.
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    cached = app.extensions.get("portal.calendar")
    if cached is None or cached[0] != stamp:
        cached = (stamp, Calendar.default(extra_csv=path, cuti_bersama_libur=app.config["CUTI_BERSAMA_LIBUR"]))
        app.extensions["portal.calendar"] = cached
    return cached[1]
