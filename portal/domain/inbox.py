"""Lists of complaints for staff: what waits for me, and every complaint with filters and
full-text search. Pages are fetched by LIMIT/OFFSET on indexed columns and never counted
in full, so the first pages stay fast with a million complaints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import policy, workflow


@dataclass
class Filters:
    state: str = ""
    category: str = ""
    channel: str = ""
    kecamatan: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    mine: bool = False  # only what waits for this person
    page: int = 1
    per_page: int = 25


@dataclass
class Page:
    rows: list[dict]
    page: int
    has_next: bool
    filters: Filters = field(repr=False, default=None)


def _fts_query(text: str) -> str:
    # Each word as a quoted prefix term: what a person types never becomes FTS syntax.
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{w}"*' for w in words[:10])


def waiting_states(roles) -> list[str]:
    return [code for code in workflow.STATES if workflow.owners(code) & set(roles)]


def search(db, filters: Filters, *, roles=frozenset(), user_id: int | None = None) -> Page:
    where, params = [], []
    if filters.mine:
        states = waiting_states(roles)
        if not states:
            return Page([], filters.page, False, filters)
        assignee_states = [s for s in states if all(
            st.assignee_only for st in workflow.STEPS.values() if s in st.from_states and set(st.roles) & set(roles))]
        other = [s for s in states if s not in assignee_states]
        clause = []
        if other:
            clause.append(f"c.state IN ({','.join('?' * len(other))})")
            params += other
        if assignee_states:
            clause.append(f"(c.state IN ({','.join('?' * len(assignee_states))}) AND "
                          "(SELECT pejabat_id FROM disposisi d WHERE d.complaint_id = c.id ORDER BY d.id DESC LIMIT 1) = ?)")
            params += assignee_states + [user_id]
        where.append("(" + " OR ".join(clause) + ")")
    for column in ("state", "category", "channel", "kecamatan"):
        value = getattr(filters, column)
        if value:
            where.append(f"c.{column} = ?")
            params.append(value)
    if filters.date_from:
        where.append("c.received_at >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        where.append("c.received_at < date(?, '+1 day')")
        params.append(filters.date_to.isoformat())
    if filters.q and _fts_query(filters.q):
        where.append("c.id IN (SELECT rowid FROM search WHERE search MATCH ?)")
        params.append(_fts_query(filters.q))
        # The text holds the complainant's own words, name and numbers included: searching it
        # would tell who complained. Only complaints whose personal data this person may see.
        identity, identity_params = policy.identity_sql(roles, user_id)
        if identity != "1":
            where.append(identity)
            params += identity_params
    # What waits for someone is a few thousand open complaints among a million closed ones: the
    # unary + keeps SQLite from walking the received_at index over all of them (340 ms -> 7 ms
    # with 1,000,000 rows, scripts/bench/inbox.py) and makes it use the state index instead.
    order = "+c.received_at ASC, c.id ASC" if filters.mine else "c.received_at DESC, c.id DESC"
    sql = ("SELECT c.id, c.ref, c.tracking_code, c.received_at, c.state, c.category, c.channel, c.kecamatan "
           f"FROM complaints c {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT ? OFFSET ?")
    cursor = db.execute(sql, params + [filters.per_page + 1, (max(filters.page, 1) - 1) * filters.per_page])
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor]
    return Page(rows[:filters.per_page], filters.page, len(rows) > filters.per_page, filters)


def state_counts(db) -> dict[str, int]:
    return dict(db.execute("SELECT state, count(*) FROM complaints GROUP BY state").fetchall())
