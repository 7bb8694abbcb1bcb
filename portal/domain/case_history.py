"""A complaint's history and its personal-data access log in the office's own words.

The case page shows both; what each event or access is called lives in workflow.HISTORY,
workflow.ACTOR_LABELS and policy.AUDIT_LABELS, and this module only puts them into sentences.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Callable

from . import audit, inbox, policy, record, workflow


def sentence(event: dict, person: dict) -> str:
    """One event as the office says it: "Operator Pengaduan Budi menelaah pengaduan: layak
    ditindaklanjuti." The time is shown beside it by the page."""
    role = event["actor_role"]
    who = " ".join(part for part in (inbox.staff_title(role, person.get("jabatan")), person.get("display_name"))
                   if part) or workflow.ACTOR_LABELS[workflow.SYSTEM]
    kind = event["kind"]
    if kind == workflow.REGISTERED:
        what = workflow.HISTORY[kind if role != workflow.CITIZEN else f"{kind}:{workflow.CITIZEN}"]
        # The registration's note is the channel it came through.
        return f"{who} {what}" + (f" melalui {event['note']}." if event["note"] else ".")
    what = workflow.HISTORY.get(kind) or (workflow.STEPS[kind].label.lower() if kind in workflow.STEPS else kind)
    return f"{who} {what}."


def events(db, file_events: list[dict], text: Callable[[str | None], str | None]) -> list[dict]:
    """The complaint's events, each with who did it, its label and its sentence; `text` masks
    what the reader may not see (notes and bodies)."""
    names = record.staff_names(db)
    for e in file_events:
        person = names.get(e["actor_id"], {})
        e["who"] = person.get("display_name") or workflow.ACTOR_LABELS.get(e["actor_role"], "")
        e["data"] = json.loads(e["data"]) if e["data"] else {}
        e["label"] = workflow.STEPS[e["kind"]].label if e["kind"] in workflow.STEPS else "Pengaduan diterima"
        e["at_dt"] = datetime.fromisoformat(e["at"])
        e["note"], e["body"] = text(e["note"]), text(e["body"])
        e["sentence"] = sentence(e, person)
        e["registration"] = e["kind"] == workflow.REGISTERED
    return file_events


def access_lines(db, complaint_id: int) -> list[dict]:
    """The access log grouped by person and day, in words (policy.AUDIT_LABELS)."""
    out = []
    for entry in audit.grouped_for_complaint(db, complaint_id):
        title = inbox.title_at(db, entry["actor_id"], entry["jabatan"], entry["first"])
        who = " ".join(part for part in (title, entry["who"]) if part)
        done = ", ".join(f"{policy.audit_label(action)} {count} kali" for action, count in entry["actions"])
        out.append({**entry, "text": f"{who} {done}"})
    return out
