"""Accounts and sessions, the web team's site changes and their publishing, and later
additions (m006 onwards)."""

from . import _append_only, migrations


@migrations()
def m006_accounts(db):
    # One row per sign-in, so that the server can end a session whatever copies of its cookie
    # exist (sign-out, password change, reset, deactivation). Only a hash of the token is kept.
    # It replaces users.session_version, which is no longer read or changed.
    db.execute(
        """
        CREATE TABLE staff_sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            signed_in_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX staff_sessions_user ON staff_sessions(user_id)")
    # Failed sign-ins per (user name as typed, client address): growing waits for that pair
    # instead of a lockout of the account that anyone could trigger.
    db.execute(
        """
        CREATE TABLE login_failures (
            username TEXT NOT NULL,
            client TEXT NOT NULL,
            failures INTEGER NOT NULL,
            last_failed_at TEXT NOT NULL,
            wait_until TEXT NOT NULL,
            PRIMARY KEY (username, client)
        ) WITHOUT ROWID"""
    )


@migrations()
def m007_editor(db):
    # The web team's changes to the site (portal.domain.site_changes): the whole new text of one
    # file, kept until it is published; its images; every step taken (append-only); and the
    # publishing jobs, queued in the database so that they survive a restart.
    db.execute(
        """
        CREATE TABLE site_changes (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            path TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT,
            base_blob TEXT,
            state TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            author_id INTEGER NOT NULL REFERENCES users(id),
            reviewer_id INTEGER REFERENCES users(id),
            approver_id INTEGER REFERENCES users(id),
            approved_at TEXT,
            approved_hash TEXT,
            note TEXT,
            error TEXT,
            menu TEXT,
            restored_from TEXT,
            published_commit TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX site_changes_path ON site_changes(path, state)")
    db.execute(
        """
        CREATE TABLE site_change_files (
            change_id INTEGER NOT NULL REFERENCES site_changes(id),
            path TEXT NOT NULL,
            data BLOB NOT NULL,
            alt TEXT NOT NULL,
            PRIMARY KEY (change_id, path)
        )"""
    )
    db.execute(
        """
        CREATE TABLE site_change_events (
            id INTEGER PRIMARY KEY,
            change_id INTEGER NOT NULL REFERENCES site_changes(id),
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            step TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            note TEXT
        )"""
    )
    db.execute("CREATE INDEX site_change_events_change ON site_change_events(change_id, id)")
    _append_only(db, "site_change_events", "site change events are append-only")
    db.execute(
        """
        CREATE TABLE site_jobs (
            id INTEGER PRIMARY KEY,
            change_id INTEGER NOT NULL REFERENCES site_changes(id),
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            claimed_at TEXT,
            finished_at TEXT,
            error TEXT,
            release TEXT,
            commit_sha TEXT
        )"""
    )


@migrations()
def m008_tracking(db):
    # An HTML alternative for messages whose text has formatting (the reply: lists, bold), so a
    # mail program shows it formatted while the plain-text part stays readable.
    db.execute("ALTER TABLE outbox ADD COLUMN html TEXT")


@migrations()
def m009_citizens(db):
    # No two documents may carry the same letter number, whatever the numbering patterns say.
    # Before this migration the nota dinas and the surat tanggapan shared one default pattern, so a
    # database may already hold such pairs; those letters went out with their numbers and keep them
    # (the later of each pair marked legacy_duplicate), and every number issued from now on is unique.
    db.execute("ALTER TABLE letter_numbers ADD COLUMN legacy_duplicate INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE letter_numbers SET legacy_duplicate = 1 WHERE rowid NOT IN "
               "(SELECT min(rowid) FROM letter_numbers GROUP BY nomor)")
    db.execute("CREATE UNIQUE INDEX letter_numbers_nomor ON letter_numbers(nomor) WHERE legacy_duplicate = 0")


@migrations()
def m010_rskm(db):
    # Simulated SKM results (data contoh, portal.domain.skm_demo) carry contoh = 1 so that every page
    # and export built from them says so, the readiness check lists them, and they can be removed
    # without touching real responses.
    for table in ("skm_responses", "skm_populasi", "skm_tindak_lanjut"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN contoh INTEGER NOT NULL DEFAULT 0")


@migrations()
def m011_site_data(db):
    # What the portal exported for the site (public complaints, report figures, SKM results,
    # population periods) changes without a commit; each build records the exports it was built
    # with, so the publisher rebuilds the live site when they change (portal.domain.site_refresh).
    db.execute(
        """
        CREATE TABLE site_data_builds (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            at TEXT NOT NULL,
            error TEXT,
            release TEXT
        )"""
    )
