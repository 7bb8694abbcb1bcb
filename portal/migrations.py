"""Schema migrations. Each function moves the schema one step forward; never edit a
released one, add a new one instead (a database made by the first release must upgrade)."""

from sqlite_utils import Migrations

migrations = Migrations("portal")


@migrations()
def m001_initial(db):
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            display_name TEXT NOT NULL,
            jabatan TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            must_change_password INTEGER NOT NULL DEFAULT 0,
            session_version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )"""
    )
    # A role held for a period (valid_until) is how a Plh/Plt acting official is recorded.
    db.execute(
        """
        CREATE TABLE user_roles (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            role TEXT NOT NULL,
            valid_from TEXT,
            valid_until TEXT,
            granted_by INTEGER REFERENCES users(id),
            granted_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE complaints (
            id INTEGER PRIMARY KEY,
            tracking_code TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL,
            lapor_id TEXT UNIQUE,
            received_at TEXT NOT NULL,
            state TEXT NOT NULL,
            category TEXT NOT NULL,
            kecamatan TEXT NOT NULL,
            desa TEXT NOT NULL,
            visibility TEXT NOT NULL CHECK (visibility IN ('publik', 'rahasia', 'anonim')),
            name TEXT,
            email TEXT,
            phone TEXT,
            nik TEXT,
            body TEXT NOT NULL,
            consent_at TEXT,
            entered_by INTEGER REFERENCES users(id)
        )"""
    )
    db.execute("CREATE INDEX complaints_state ON complaints(state)")
    db.execute("CREATE INDEX complaints_received ON complaints(received_at)")
    # The append-only record of everything that happened to a complaint: deadlines and
    # reports are computed from it, so it is never updated or deleted.
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            actor_id INTEGER REFERENCES users(id),
            actor_role TEXT,
            note TEXT,
            body TEXT
        )"""
    )
    db.execute("CREATE INDEX events_complaint ON events(complaint_id, at)")
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
        )
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            event_id INTEGER REFERENCES events(id),
            stored_name TEXT NOT NULL UNIQUE,
            original_name TEXT NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            complaint_id INTEGER REFERENCES complaints(id),
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_at TEXT,
            last_error TEXT,
            sent_at TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_due ON outbox(status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            detail TEXT
        )"""
    )
