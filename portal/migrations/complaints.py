"""The complaint file and its handling: complaints, events, attachments, the outbox, the audit
trail, the letters and their numbers (m001, m002)."""

import secrets

from . import migrations


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


@migrations()
def m002_handling(db):
    # Structured details of a step (reason codes, linked complaints, delivery) as JSON.
    db.execute("ALTER TABLE events ADD COLUMN data TEXT")
    db.execute("ALTER TABLE complaints ADD COLUMN duplicate_of INTEGER REFERENCES complaints(id)")
    # Staff e-mail, for the daily digest of what waits for each person.
    db.execute("ALTER TABLE users ADD COLUMN email TEXT")
    # The daily jobs remember the last day they ran, so a restart does not run them twice.
    db.execute("CREATE TABLE job_runs (name TEXT PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL)")
    # Staff pages address a complaint by a random reference: neither enumerable nor the
    # citizen's tracking code (which would then sit in staff browsers' histories and logs).
    db.execute("ALTER TABLE complaints ADD COLUMN ref TEXT")
    for (complaint_id,) in db.execute("SELECT id FROM complaints").fetchall():
        db.execute("UPDATE complaints SET ref = ? WHERE id = ?", [secrets.token_urlsafe(9), complaint_id])
    db.execute("CREATE UNIQUE INDEX complaints_ref ON complaints(ref)")
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
        )
    # Full-text search over complaint and reply text, words folded to ASCII.
    db.execute("CREATE VIRTUAL TABLE search USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO search (rowid, text) SELECT id, body FROM complaints")
    db.execute(
        """CREATE TRIGGER complaints_search AFTER INSERT ON complaints
        BEGIN INSERT INTO search (rowid, text) VALUES (new.id, new.body); END"""
    )
    db.execute(
        """
        CREATE TABLE nota_dinas (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            nomor TEXT NOT NULL UNIQUE,
            tanggal TEXT NOT NULL,
            sifat TEXT NOT NULL,
            hal TEXT NOT NULL,
            ringkasan TEXT NOT NULL,
            telaah TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        )"""
    )
    # Letter numbers: one yearly sequence per kind of letter, without gaps or duplicates.
    db.execute(
        """
        CREATE TABLE letter_numbers (
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            nomor TEXT NOT NULL,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            PRIMARY KEY (kind, year, seq)
        )"""
    )
    db.execute(
        """
        CREATE TABLE nota_dinas_tembusan (
            nota_dinas_id INTEGER NOT NULL REFERENCES nota_dinas(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            PRIMARY KEY (nota_dinas_id, user_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE disposisi (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            nota_dinas_id INTEGER NOT NULL REFERENCES nota_dinas(id),
            pejabat_id INTEGER NOT NULL REFERENCES users(id),
            instruksi TEXT NOT NULL,
            batas TEXT NOT NULL,
            created_by INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        )"""
    )
    # One row per round of drafting: a returned draft keeps its review, the next round is a new row.
    db.execute(
        """
        CREATE TABLE konsep (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            disposisi_id INTEGER NOT NULL REFERENCES disposisi(id),
            round INTEGER NOT NULL,
            body TEXT NOT NULL,
            author_id INTEGER NOT NULL REFERENCES users(id),
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            review TEXT CHECK (review IN ('disetujui', 'dikembalikan')),
            review_note TEXT,
            reviewed_by INTEGER REFERENCES users(id),
            reviewed_at TEXT,
            nomor_surat TEXT,
            UNIQUE (complaint_id, round)
        )"""
    )
    # An approved reply becomes searchable together with its complaint.
    db.execute(
        """CREATE TRIGGER konsep_search AFTER UPDATE OF review ON konsep WHEN new.review = 'disetujui'
        BEGIN UPDATE search SET text = (SELECT body FROM complaints WHERE id = new.complaint_id)
              || ' ' || new.body WHERE rowid = new.complaint_id; END"""
    )
