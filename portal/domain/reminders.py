"""The daily digest: each member of staff gets one e-mail listing what waits for them,
soonest deadline first, with what is overdue marked."""

from __future__ import annotations

from datetime import datetime

from ..db import write_transaction
from . import complaints, deadlines, handling, inbox, messages, outbox, tracking, users, workflow
from .calendar import Calendar
from .formatting import tanggal_panjang
from .catalog import Catalog

MAX_LINES = 50
# A complaint whose disposisi names an official who no longer holds the role: only the Kepala
# Dinas's disposisi ulang moves it.
STUCK = "PEJABAT TIDAK LAGI MENJABAT, perlu disposisi ulang"


def digest(db, user_id: int, *, catalog: Catalog, calendar: Calendar, now: datetime,
           base_url: str) -> tuple[str, str] | None:
    roles = users.roles_of(db, user_id, now)
    page = inbox.search(db, inbox.Filters(mine=True, per_page=MAX_LINES), roles=roles, user_id=user_id, now=now)
    if not page.rows:
        return None
    today, lines, late = now.date(), [], 0
    for row in page.rows:
        complaint = complaints.get(db, row["id"])
        clock = deadlines.answer_clock(complaint, complaints.events_of(db, row["id"]), catalog=catalog, calendar=calendar)
        due = clock.deadline.due if clock.deadline else None
        overdue = clock.overdue(today)
        late += overdue
        stuck = handling.stuck_on_ended_official(db, row["id"], row["state"], now)
        lines.append(f"- {tracking.display(row['tracking_code'])} · {workflow.STATES[row['state']].label} · "
                     f"batas {tanggal_panjang(due) if due else 'ditunda'}{' · TERLAMBAT' if overdue else ''}"
                     f"{' · ' + STUCK if stuck else ''}\n"
                     f"  {base_url.rstrip('/')}/pengaduan/staf/p/{row['ref']}")
    more = "\n(dan lainnya; lihat daftar di portal)" if page.has_next else ""
    subject = f"Pengaduan menunggu tindakan Anda: {len(page.rows)}{'+' if page.has_next else ''}" + (
        f", {late} terlambat" if late else "")
    body = (f"Ringkasan per {tanggal_panjang(today)}.\n\n" + "\n".join(lines) + more + "\n\n"
            "E-mail ini dikirim otomatis setiap hari kerja oleh portal pengaduan Dispendukcapil Trenggalek.")
    return subject, body


def send_all(db, *, catalog: Catalog, calendar: Calendar, now: datetime, base_url: str) -> int:
    """Queue today's digest for every active account with an e-mail address."""
    sent = 0
    for user_id, email in db.execute("SELECT id, email FROM users WHERE active = 1 AND email IS NOT NULL "
                                     "AND email != ''").fetchall():
        mail = digest(db, user_id, catalog=catalog, calendar=calendar, now=now, base_url=base_url)
        if mail:
            with write_transaction(db):
                outbox.enqueue(db, recipient=email, subject=mail[0], body=mail[1], now=now,
                               domain=messages.mail_domain(base_url))
            sent += 1
    return sent
