"""Lists of complaints for staff: what waits for me, and every complaint with filters and
full-text search. Pages are fetched by LIMIT/OFFSET on indexed columns and never counted
in full, so the first pages stay fast with a million complaints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from . import complaints, deadlines, outbox, policy, record, users, workflow
from .calendar import Calendar
from .catalog import Catalog


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


def _waiting_clause(db, states: list[str], roles, user_id: int | None, now: datetime | None) -> tuple[str, list]:
    """What waits for this person, as an SQL condition on `c`: a state where one of their steps
    always applies, or one whose only steps for them apply to the named official (assignee_only)
    or only once that official no longer holds the role (assignee_gone)."""
    assignee = "(SELECT pejabat_id FROM disposisi d WHERE d.complaint_id = c.id ORDER BY d.id DESC LIMIT 1)"
    plain, mine, gone = [], [], []
    for code in states:
        steps = [s for s in workflow.STEPS.values() if code in s.from_states and set(s.roles) & set(roles)]
        if any(not (s.assignee_only or s.assignee_gone) for s in steps):
            plain.append(code)
            continue
        if any(s.assignee_only for s in steps):
            mine.append(code)
        if any(s.assignee_gone for s in steps) and now is not None:
            gone.append(code)
    clause, params = [], []
    if plain:
        sql, values = workflow.sql_in("c.state", plain)
        clause.append(sql)
        params += values
    if mine:
        sql, values = workflow.sql_in("c.state", mine)
        clause.append(f"({sql} AND {assignee} = ?)")
        params += values + [user_id]
    if gone:
        holding = users.holder_ids(db, record.PEJABAT, now)
        sql, values = workflow.sql_in("c.state", gone)
        clause.append(f"({sql} AND {assignee} NOT IN ({','.join('?' * len(holding))}))")
        params += values + holding
    return "(" + " OR ".join(clause or ["0"]) + ")", params


def search(db, filters: Filters, *, roles=frozenset(), user_id: int | None = None,
           now: datetime | None = None) -> Page:
    """`now`: the moment whose role holders count, for what waits only when an official no
    longer holds their role; without it such complaints are not in anyone's own list."""
    where, params = [], []
    if filters.mine:
        states = waiting_states(roles)
        if not states:
            return Page([], filters.page, False, filters)
        clause, values = _waiting_clause(db, states, roles, user_id, now)
        where.append(clause)
        params += values
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
    # Whether this person may see who complained: the personal-data rule, asked once per row.
    sees, sees_params = policy.identity_sql(roles, user_id)
    sql = ("SELECT c.id, c.ref, c.tracking_code, c.received_at, c.state, c.category, c.channel, c.kecamatan, "
           "c.visibility, c.name, c.email, c.phone, c.nik, c.body, "
           "(SELECT pejabat_id FROM disposisi d WHERE d.complaint_id = c.id ORDER BY d.id DESC LIMIT 1) AS assignee_id, "
           f"CASE WHEN {sees} THEN 1 ELSE 0 END AS sees_identity "
           f"FROM complaints c {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT ? OFFSET ?")
    cursor = db.execute(sql, sees_params + params + [filters.per_page + 1,
                                                     (max(filters.page, 1) - 1) * filters.per_page])
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor]
    return Page(rows[:filters.per_page], filters.page, len(rows) > filters.per_page, filters)


def state_counts(db) -> dict[str, int]:
    return dict(db.execute("SELECT state, count(*) FROM complaints GROUP BY state").fetchall())


HIDDEN_NAME = "disembunyikan"
ANONYMOUS = "Anonim"
SUMMARY_CHARS = 120


def staff_title(role: str | None, jabatan: str | None = None) -> str:
    """How the office names someone acting in a role: the official's jabatan for a pejabat
    (there are several), the role's name otherwise ("Operator Pengaduan", "Kepala Dinas")."""
    if role == "pejabat" and jabatan:
        return jabatan
    return users.ROLES.get(role or "", workflow.ACTOR_LABELS.get(role or "", ""))


def title_at(db, user_id: int | None, jabatan: str | None, at: datetime) -> str:
    """staff_title for an account by the roles it held at `at` (Plh/Plt periods included)."""
    if user_id is None:
        return workflow.ACTOR_LABELS[workflow.SYSTEM]
    held = {h["role"] for h in users.holdings(db, at, user_id=user_id)}
    role = next((r for r in users.ROLES if r in held), None)
    return staff_title(role, jabatan) if role else (jabatan or "")


def _first_line(text: str | None) -> str:
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def holders_now(db, row: dict, now: datetime, cache: dict) -> list[dict]:
    """Who holds the complaint's next step now: [{title, names}], one entry per role whose move
    it is (the workflow table), the assigned official for a disposisi. Empty when closed."""
    state = workflow.STATES[row["state"]]
    if state.closed:
        return []
    if state.paused:
        return [{"title": workflow.ACTOR_LABELS[workflow.CITIZEN], "names": []}]
    out = []
    for role in users.ROLES:
        if role not in workflow.owners(row["state"]):
            continue
        assignee_only = all(s.assignee_only for s in workflow.STEPS.values()
                            if row["state"] in s.from_states and role in s.roles)
        if role not in cache:
            cache[role] = users.holders(db, role, now)
        people = [p for p in cache[role] if not assignee_only or p["id"] == row["assignee_id"]]
        if assignee_only and len(people) == 1:
            out.append({"title": staff_title(role, people[0]["jabatan"]), "names": [people[0]["display_name"]]})
        else:
            out.append({"title": staff_title(role), "names": [p["display_name"] for p in people]})
    return out


def describe(db, rows: list[dict], *, catalog: Catalog, calendar: Calendar, now: datetime) -> list[dict]:
    """The list's columns for a person: who complained (only if the personal-data rule lets
    them see it), the complaint's first line (masked otherwise), who holds it now, and the
    answer deadline from deadlines.py with whether it has passed."""
    cache: dict = {}
    running = [row["id"] for row in rows if workflow.STATES[row["state"]].running]
    events = complaints.events_of_many(db, ",".join("?" * len(running)), running)
    out = []
    for row in rows:
        shown = row if row["sees_identity"] else policy.without_identity(row)
        if row["visibility"] == "anonim":
            complainant = ANONYMOUS
        elif not row["sees_identity"]:
            complainant = HIDDEN_NAME
        else:
            complainant = row["name"] or "-"
        state = workflow.STATES[row["state"]]
        due = None
        if state.running:
            due = deadlines.answer_clock(row, events.get(row["id"], []), catalog=catalog, calendar=calendar).deadline
        out.append({**row, "complainant": complainant, "hidden": not row["sees_identity"],
                    "summary": _first_line(shown["body"]), "holders": holders_now(db, row, now, cache),
                    "due": due.due if due else None, "overdue": bool(due and due.due < now.date()),
                    "paused": state.paused})
    return out


def mail_notice(db, roles) -> str | None:
    """The unsent-mail warning, in plain words, for whom can act on it (the policy row
    `email_tertunda`); None for everyone else and when nothing waits."""
    if not policy.allowed("email_tertunda", roles):
        return None
    unsent = outbox.backlog(db)["unsent"]
    if not unsent:
        return None
    return (f"{unsent} e-mail belum terkirim ke warga. "
            "Periksa sambungan e-mail atau hubungi pengelola sistem.")
