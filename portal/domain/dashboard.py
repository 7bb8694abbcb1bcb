"""The figures on the staff dashboard, computed from complaints and their events."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from . import deadlines, workflow
from .calendar import Calendar
from .catalog import Catalog
from .complaints import events_of


@dataclass(frozen=True)
class StepTime:
    step: str
    label: str
    month_median: float | None
    month_count: int
    year_median: float | None
    year_count: int


def _events_by_complaint(db, since: str) -> dict[int, list[dict]]:
    cursor = db.execute(
        "SELECT e.* FROM events e WHERE e.complaint_id IN (SELECT complaint_id FROM events WHERE at >= ?) "
        "ORDER BY e.complaint_id, e.at, e.id", [since])
    names = [c[0] for c in cursor.description]
    out = defaultdict(list)
    for row in cursor:
        event = dict(zip(names, row))
        out[event["complaint_id"]].append(event)
    return out


def step_times(db, calendar: Calendar, today: date) -> list[StepTime]:
    """Median working days each step took: from entering its start state to taking it."""
    year_start = date(today.year, 1, 1)
    month_start = today.replace(day=1)
    durations = defaultdict(list)  # step -> [(day taken, working days)]
    for events in _events_by_complaint(db, year_start.isoformat()).values():
        entered = None
        for e in events:
            at = datetime.fromisoformat(e["at"]).date()
            if entered is not None and e["kind"] in workflow.STEPS and e["actor_role"] != workflow.CITIZEN:
                durations[e["kind"]].append((at, max(0, calendar.working_days_between(entered, at))))
            entered = at
    out = []
    for code, step in workflow.STEPS.items():
        if step.roles[0] in (workflow.CITIZEN, workflow.SYSTEM):
            continue
        year = [d for day, d in durations[code] if day >= year_start]
        month = [d for day, d in durations[code] if day >= month_start]
        out.append(StepTime(code, step.label, statistics.median(month) if month else None, len(month),
                            statistics.median(year) if year else None, len(year)))
    return out


def overdue(db, *, catalog: Catalog, calendar: Calendar, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """Open complaints past their reply deadline, per state; disposisi past due, per official."""
    per_state: dict[str, int] = defaultdict(int)
    open_states = [s for s, st in workflow.STATES.items() if st.kind == "open"]
    cursor = db.execute(f"SELECT * FROM complaints WHERE state IN ({','.join('?' * len(open_states))})", open_states)
    names = [c[0] for c in cursor.description]
    for row in cursor.fetchall():
        complaint = dict(zip(names, row))
        events = events_of(db, complaint["id"])
        clock = deadlines.answer_clock(complaint, events, catalog=catalog, calendar=calendar)
        if clock.overdue(today):
            per_state[workflow.STATES[complaint["state"]].label] += 1
    per_person = dict(db.execute(
        """SELECT coalesce(u.jabatan, u.display_name), count(*) FROM disposisi d
           JOIN complaints c ON c.id = d.complaint_id JOIN users u ON u.id = d.pejabat_id
           WHERE c.state = 'disposisi' AND d.batas < ? AND d.id = (SELECT max(id) FROM disposisi WHERE complaint_id = c.id)
           GROUP BY 1 ORDER BY 2 DESC""", [today.isoformat()]).fetchall())
    return dict(per_state), per_person


def open_deadlines(db, *, catalog: Catalog, calendar: Calendar) -> list[date]:
    """The due dates still running for open complaints (every clock not yet met), so that a holiday
    list that stops short of them can be noticed (portal.domain.hari_libur)."""
    open_states = [s for s, st in workflow.STATES.items() if st.kind != "closed"]
    out = []
    for complaint in db.query(f"SELECT * FROM complaints WHERE state IN ({','.join('?' * len(open_states))})",
                              open_states):
        for clock in deadlines.clocks(complaint, events_of(db, complaint["id"]), catalog=catalog, calendar=calendar):
            if clock.deadline is not None and clock.met_on is None:
                out.append(clock.deadline.due)
    return out
