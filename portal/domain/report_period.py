"""The period of an annual report and the complaints and events that matter to it, as the office
stood at the cut-off, with the working days each complaint spent per SOP step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from . import deadlines, formatting, workflow
from .calendar import Calendar

# Events whose time is the citizen's, not the office's: the wait for information they were asked
# for (ends with tambah_informasi or dicabut) and the time between reply and their objection.
CITIZEN_TIME = {"tambah_informasi", "dicabut", "tidak_selesai"}
FINISH_REPLY = "kirim"


class ReportError(ValueError):
    "The report cannot be made or approved; the message says why, in Indonesian."


@dataclass(frozen=True)
class Period:
    tahun: int
    start: date
    as_of: date  # the last day whose events count
    complete: bool

    @property
    def start_iso(self) -> str:
        return self.start.isoformat()

    @property
    def end_iso(self) -> str:
        """Exclusive upper bound for ISO timestamps (naive or with an offset): the day after as_of."""
        return (self.as_of + timedelta(days=1)).isoformat()


def period(tahun: int, today: date) -> Period:
    if not 2000 <= tahun <= 2999:
        raise ReportError("Tahun laporan tidak valid.")
    start, end = date(tahun, 1, 1), date(tahun, 12, 31)
    if today < start:
        raise ReportError(f"Tahun {tahun} belum dimulai; laporan belum dapat dibuat.")
    return Period(tahun, start, min(end, today), today > end)


class MemoCalendar:
    """The calendar with its pure arithmetic memoised: a year of complaints asks for the same few
    hundred (start, days) deadlines again and again."""

    def __init__(self, calendar: Calendar):
        self._calendar = calendar
        self.add_working_days = lru_cache(maxsize=None)(calendar.add_working_days)
        self.add_calendar_days = lru_cache(maxsize=None)(calendar.add_calendar_days)
        self.working_days_between = lru_cache(maxsize=None)(calendar.working_days_between)
        self.is_working_day = lru_cache(maxsize=None)(calendar.is_working_day)

    def __getattr__(self, name):
        return getattr(self._calendar, name)


# --------------------------------------------------------------------------- computing

_COMPLAINT_COLUMNS = ("id", "received_at", "channel", "category", "kecamatan", "state")
_EVENT_COLUMNS = ("complaint_id", "at", "kind", "from_state", "to_state", "data")


def _candidates_sql(closed: list[str]) -> str:
    placeholders = ", ".join("?" for _ in closed)
    # Complaints of the year, and older ones that may still have been open at the cut-off.
    return (f"SELECT id FROM complaints WHERE received_at >= ? AND received_at < ? "
            f"UNION SELECT id FROM complaints WHERE received_at < ? AND state NOT IN ({placeholders}) "
            f"UNION SELECT e.complaint_id FROM events e JOIN complaints c ON c.id = e.complaint_id "
            f"WHERE c.received_at < ? AND e.at >= ?")


def load(db, p: Period):
    """(complaint, events up to the cut-off) for every complaint that matters, in id order."""
    closed = list(workflow.states_where(lambda s: s.closed))
    cand = _candidates_sql(closed)
    params = [p.start_iso, p.end_iso, p.start_iso, *closed, p.start_iso, p.start_iso]
    complaints = db.execute(
        f"SELECT {', '.join(_COMPLAINT_COLUMNS)} FROM complaints WHERE id IN ({cand}) AND received_at < ? ORDER BY id",
        [*params, p.end_iso])
    events = db.execute(
        f"SELECT {', '.join('e.' + c for c in _EVENT_COLUMNS)} FROM events e WHERE e.complaint_id IN ({cand}) "
        f"AND e.at < ? ORDER BY e.complaint_id, e.at, e.id", [*params, p.end_iso])
    pending = next(events, None)
    for row in complaints:
        complaint = dict(zip(_COMPLAINT_COLUMNS, row))
        own = []
        while pending is not None and pending[0] < complaint["id"]:
            pending = next(events, None)
        while pending is not None and pending[0] == complaint["id"]:
            own.append(dict(zip(_EVENT_COLUMNS, pending)))
            pending = next(events, None)
        yield complaint, own


def state_at(events: list[dict]) -> str:
    state = workflow.INITIAL
    for e in events:
        if e["to_state"]:
            state = e["to_state"]
    return state


def step_days(complaint: dict, events: list[dict], calendar) -> dict[int, int]:
    """Working days the office spent on each SOP step of one complaint (summed over rounds)."""
    out: dict[int, int] = {}
    received = formatting.day(complaint["received_at"])
    since = None
    for e in events:
        day = formatting.day(e["at"])
        if e["kind"] == "diterima":
            out[1] = out.get(1, 0) + max(0, calendar.working_days_between(received, day))
            since = day
            continue
        if not e["to_state"] or e["kind"] not in workflow.STEPS:
            continue
        if since is not None and e["kind"] not in CITIZEN_TIME:
            step = workflow.STEPS[e["kind"]].sop_step
            out[step] = out.get(step, 0) + max(0, calendar.working_days_between(since, day))
        since = day
    return out


def overall_days(complaint: dict, events: list[dict], calendar) -> int | None:
    """Working days from receipt to the first reply sent, without the wait for the citizen."""
    for i, e in enumerate(events):
        if e["kind"] == FINISH_REPLY:
            upto = events[:i + 1]
            gross = calendar.working_days_between(formatting.day(complaint["received_at"]), formatting.day(e["at"]))
            return max(0, gross - deadlines.paused_days(upto, calendar, "kerja"))
    return None
