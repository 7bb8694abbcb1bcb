"""Every clock a complaint runs against, computed from its events and the calendar.

Nothing here is stored: a holiday added to the calendar moves the deadlines of open
complaints the next time they are looked at, and every deadline carries its explanation.
The numbers come from the SOP data (content/data/sop/penanganan-pengaduan.yml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from . import workflow
from .calendar import Calendar, Deadline
from .catalog import Catalog


@dataclass(frozen=True)
class Clock:
    code: str
    name: str
    basis: str  # the rule the number comes from
    deadline: Deadline | None  # None while paused
    met_on: date | None  # the day the clock stopped because its work was done
    paused: bool = False

    def overdue(self, today: date) -> bool:
        if self.deadline is None:
            return False
        return (self.met_on or today) > self.deadline.due


def _add(calendar: Calendar, kind: str, start: date, days: int) -> Deadline:
    return calendar.add(start, days, kind)


def paused_days(events: list[dict], calendar: Calendar, kind: str) -> int:
    """Days (working or calendar, as `kind`) spent waiting for the citizen."""
    total, since = 0, None
    for e in events:
        to = e["to_state"]
        if not to:
            continue
        waiting = workflow.STATES[to].kind == "paused"
        day = datetime.fromisoformat(e["at"]).date()
        if waiting and since is None:
            since = day
        elif not waiting and since is not None:
            total += calendar.working_days_between(since, day) if kind == "kerja" else (day - since).days
            since = None
    return total


def _first(events, *kinds) -> date | None:
    return next((datetime.fromisoformat(e["at"]).date() for e in events if e["kind"] in kinds), None)


def clocks(complaint: dict, events: list[dict], *, catalog: Catalog, calendar: Calendar) -> list[Clock]:
    """The clocks of one complaint: the SOP's receipt standard, the reply and decision limits of
    UU 25/2009 / Perpres 76/2013 (paused while waiting for the citizen) and, for SP4N-LAPOR!
    cases, LAPOR!'s own working-day norm."""
    standards = catalog.time_standards
    received = datetime.fromisoformat(complaint["received_at"]).date()
    state = workflow.STATES[complaint["state"]]
    registered = _first(events, workflow.REGISTERED)
    replied = _first(events, "kirim")
    closed = _first(events, "telaah_tidak_layak", "dicabut")
    finished = replied or closed
    out = []

    rule = standards.get("penerimaan")
    if rule:
        out.append(Clock(rule.code, rule.nama, rule.dasar, _add(calendar, rule.jenis, received, rule.hari), registered))

    for code in ("tanggapan", "penyelesaian"):
        rule = standards.get(code)
        if rule is None:
            continue
        start = received
        if code == "penyelesaian":
            # Perpres 76/2013: sixty days from the moment the file is complete.
            start = max([received] + [datetime.fromisoformat(e["at"]).date()
                                      for e in events if e["kind"] == "tambah_informasi"])
        if state.kind == "paused" and not finished:
            out.append(Clock(rule.code, rule.nama, rule.dasar, None, None, paused=True))
            continue
        pause = paused_days(events, calendar, rule.jenis) if code == "tanggapan" else 0
        out.append(Clock(rule.code, rule.nama, rule.dasar, _add(calendar, rule.jenis, start, rule.hari + pause),
                         finished))

    rule = standards.get("melengkapi_informasi")
    asked = [datetime.fromisoformat(e["at"]).date() for e in events if e["kind"] == "minta_informasi"]
    if rule and asked and state.kind == "paused":
        out.append(Clock(rule.code, rule.nama, rule.dasar, _add(calendar, rule.jenis, asked[-1], rule.hari), None))

    rule = standards.get("lapor_tindak_lanjut")
    if rule and complaint["channel"] == "sp4n-lapor":
        out.append(Clock(rule.code, rule.nama, rule.dasar, _add(calendar, rule.jenis, received, rule.hari),
                         _first(events, "telaah_layak", "telaah_tidak_layak", "minta_informasi")))
    return out


def answer_clock(complaint: dict, events: list[dict], *, catalog: Catalog, calendar: Calendar) -> Clock:
    """The clock the citizen is told about: the date by which the office answers."""
    return next(c for c in clocks(complaint, events, catalog=catalog, calendar=calendar) if c.code == "tanggapan")


def information_expired(complaint: dict, events: list[dict], *, catalog: Catalog, calendar: Calendar,
                        today: date) -> bool:
    """Whether the citizen's time to answer a request for information has run out."""
    return any(c.code == "melengkapi_informasi" and c.overdue(today)
               for c in clocks(complaint, events, catalog=catalog, calendar=calendar))


def answer_deadline(calendar: Calendar, catalog: Catalog, received: date) -> Deadline:
    """The answer date promised on filing, before anything else has happened."""
    rule = catalog.time_standards["tanggapan"]
    return _add(calendar, rule.jenis, received, rule.hari)
