"""The figures on the staff dashboard, computed from complaints and their events."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from . import deadlines, record, tracking, users, workflow
from .calendar import Calendar
from .catalog import Catalog
from .complaints import events_of_many


@dataclass(frozen=True)
class StepTime:
    step: str
    label: str
    month_median: float | None
    month_count: int
    year_median: float | None
    year_count: int


def step_times(db, calendar: Calendar, today: date) -> list[StepTime]:
    """Median working days each step took: from entering its start state to taking it."""
    year_start = date(today.year, 1, 1)
    month_start = today.replace(day=1)
    durations = defaultdict(list)  # step -> [(day taken, working days)]
    for events in events_of_many(db, "SELECT complaint_id FROM events WHERE at >= ?", [year_start.isoformat()]).values():
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
    where, params = workflow.sql_in("state", workflow.states_where(lambda s: s.running))
    events = events_of_many(db, f"SELECT id FROM complaints WHERE {where}", params)
    for complaint in db.query(f"SELECT * FROM complaints WHERE {where}", params):
        clock = deadlines.answer_clock(complaint, events.get(complaint["id"], []), catalog=catalog, calendar=calendar)
        if clock.overdue(today):
            per_state[workflow.STATES[complaint["state"]].label] += 1
    waiting, params = workflow.sql_in("c.state", workflow.assignee_states())
    per_person = dict(db.execute(
        f"""SELECT coalesce(u.jabatan, u.display_name), count(*) FROM disposisi d
           JOIN complaints c ON c.id = d.complaint_id JOIN users u ON u.id = d.pejabat_id
           WHERE {waiting} AND d.batas < ? AND d.id = (SELECT max(id) FROM disposisi WHERE complaint_id = c.id)
           GROUP BY 1 ORDER BY 2 DESC""", [*params, today.isoformat()]).fetchall())
    return dict(per_state), per_person


def open_deadlines(db, *, catalog: Catalog, calendar: Calendar) -> list[date]:
    """The due dates still running for open complaints (every clock not yet met), so that a holiday
    list that stops short of them can be noticed (portal.domain.hari_libur)."""
    where, params = workflow.sql_in("state", workflow.states_where(lambda s: not s.closed))
    events = events_of_many(db, f"SELECT id FROM complaints WHERE {where}", params)
    out = []
    for complaint in db.query(f"SELECT * FROM complaints WHERE {where}", params):
        for clock in deadlines.clocks(complaint, events.get(complaint["id"], []), catalog=catalog, calendar=calendar):
            if clock.deadline is not None and clock.met_on is None:
                out.append(clock.deadline.due)
    return out


def stuck(db, now: datetime) -> list[dict]:
    """Complaints waiting for an official who no longer holds the pejabat role (an acting period
    that ended after the disposisi): ref, tracking code, the official; only the Kepala Dinas's
    disposisi ulang moves them."""
    waiting, params = workflow.sql_in("c.state", workflow.assignee_states())
    holding = users.holder_ids(db, record.PEJABAT, now)
    rows = db.query(
        f"""SELECT c.ref, c.tracking_code, coalesce(u.jabatan, u.display_name) AS pejabat, u.display_name
            FROM complaints c JOIN disposisi d ON d.id = (SELECT max(id) FROM disposisi WHERE complaint_id = c.id)
            JOIN users u ON u.id = d.pejabat_id
            WHERE {waiting} AND d.pejabat_id NOT IN ({','.join('?' * len(holding))}) ORDER BY c.received_at, c.id""",
        [*params, *holding])
    return [{**r, "code": tracking.display(r["tracking_code"])} for r in rows]
