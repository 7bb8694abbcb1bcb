"""Schema migrations. Each function moves the schema one step forward; never edit a
released one, add a new one instead (a database made by the first release must upgrade)."""

import secrets

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


@migrations()
def m003_feedback_and_publication(db):
    # The citizen's rating of the reply, worded as SKM elements (PermenPANRB 14/2017), 1-4 each.
    db.execute(
        """
        CREATE TABLE ratings (
            complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
            at TEXT NOT NULL,
            penanganan INTEGER NOT NULL CHECK (penanganan BETWEEN 1 AND 4),
            waktu INTEGER NOT NULL CHECK (waktu BETWEEN 1 AND 4),
            perilaku INTEGER NOT NULL CHECK (perilaku BETWEEN 1 AND 4),
            selesai INTEGER NOT NULL CHECK (selesai IN (0, 1)),
            komentar TEXT
        )"""
    )
    # The published version of a public complaint: redacted text checked by an operator.
    # The original stays in complaints.body, for staff only.
    db.execute(
        """
        CREATE TABLE publications (
            complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
            public_number TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            reply TEXT NOT NULL,
            approved_by INTEGER NOT NULL REFERENCES users(id),
            approved_at TEXT NOT NULL,
            withdrawn_at TEXT
        )"""
    )
    # Retention erases the citizen's own words from events (information they added) but nothing
    # else: the trigger lets an UPDATE through only when it clears `body` and changes nothing more.
    db.execute("DROP TRIGGER events_no_update")
    db.execute(
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        WHEN NOT (new.body IS NULL AND new.id = old.id AND new.complaint_id = old.complaint_id
                  AND new.at = old.at AND new.kind = old.kind AND new.from_state IS old.from_state
                  AND new.to_state IS old.to_state AND new.actor_id IS old.actor_id
                  AND new.actor_role IS old.actor_role AND new.note IS old.note AND new.data IS old.data)
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"""
    )
    db.execute("ALTER TABLE complaints ADD COLUMN erased_at TEXT")
    # The link in the reply e-mail that opens the rating form: random, not the tracking code.
    db.execute("ALTER TABLE complaints ADD COLUMN feedback_token TEXT")
    db.execute("CREATE UNIQUE INDEX complaints_feedback_token ON complaints(feedback_token)")


@migrations()
def m003_population(db):
    # One row per imported kecamatan report. A corrected file for the same kecamatan and period
    # replaces the old report: the old row stays (with its figures) and points to its successor.
    db.execute(
        """
        CREATE TABLE population_reports (
            id INTEGER PRIMARY KEY,
            kecamatan TEXT NOT NULL,
            periode TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            row_counts TEXT NOT NULL,
            replaced_by INTEGER REFERENCES population_reports(id),
            replaced_at TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX population_reports_current ON population_reports(periode, kecamatan) "
               "WHERE replaced_by IS NULL")
    # Long format: one figure per row; kategori is '' for topics without a category list.
    db.execute(
        """
        CREATE TABLE population_figures (
            report_id INTEGER NOT NULL REFERENCES population_reports(id),
            topic TEXT NOT NULL,
            kode_desa TEXT NOT NULL,
            kategori TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value >= 0),
            PRIMARY KEY (report_id, topic, kode_desa, kategori, field)
        ) WITHOUT ROWID"""
    )
    # SIAK's aggregate export for a period, for the consolidation; same replacement rule.
    db.execute(
        """
        CREATE TABLE population_siak_imports (
            id INTEGER PRIMARY KEY,
            periode TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id),
            filename TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            rows INTEGER NOT NULL,
            replaced_by INTEGER REFERENCES population_siak_imports(id),
            replaced_at TEXT
        )"""
    )
    db.execute("CREATE UNIQUE INDEX population_siak_current ON population_siak_imports(periode) "
               "WHERE replaced_by IS NULL")
    db.execute(
        """
        CREATE TABLE population_siak_figures (
            import_id INTEGER NOT NULL REFERENCES population_siak_imports(id),
            topic TEXT NOT NULL,
            kode_desa TEXT NOT NULL,
            field TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value >= 0),
            PRIMARY KEY (import_id, topic, kode_desa, field)
        ) WITHOUT ROWID"""
    )


@migrations()
def m004_reports(db):
    # The Kepala Dinas's approval of an annual complaint report: of exactly the figures whose hash
    # is stored. A re-export with other figures is a draft again until approved anew.
    db.execute(
        """
        CREATE TABLE report_approvals (
            id INTEGER PRIMARY KEY,
            tahun INTEGER NOT NULL,
            figures_sha256 TEXT NOT NULL,
            approved_by INTEGER NOT NULL REFERENCES users(id),
            jabatan TEXT NOT NULL,
            approved_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX report_approvals_tahun ON report_approvals(tahun, id)")
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER report_approvals_no_{action.lower()} BEFORE {action} ON report_approvals
            BEGIN SELECT RAISE(ABORT, 'report approvals are append-only'); END"""
        )


def _append_only(db, table: str, message: str) -> None:
    """Triggers that refuse every UPDATE and DELETE on `table`. The migrations released before
    this helper (m001-m004) write the same triggers out in full and stay as they were."""
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        )


@migrations()
def m005_standards(db):
    # Survei Kepuasan Masyarakat (PermenPANRB 14/2017). A code (kode survei) is handed out at the
    # counter, one per visit; it admits one response and is then spent. Responses keep the day only
    # and no link to the code, so an answer cannot be traced back to the visit.
    db.execute(
        """
        CREATE TABLE skm_tokens (
            kode TEXT PRIMARY KEY,
            loket TEXT NOT NULL,
            layanan TEXT,
            issued_at TEXT NOT NULL,
            issued_by INTEGER REFERENCES users(id),
            expires_on TEXT NOT NULL,
            used_at TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE skm_responses (
            id INTEGER PRIMARY KEY,
            tanggal TEXT NOT NULL,
            layanan TEXT NOT NULL,
            loket TEXT NOT NULL,
            u1 INTEGER NOT NULL CHECK (u1 BETWEEN 1 AND 4),
            u2 INTEGER NOT NULL CHECK (u2 BETWEEN 1 AND 4),
            u3 INTEGER NOT NULL CHECK (u3 BETWEEN 1 AND 4),
            u4 INTEGER NOT NULL CHECK (u4 BETWEEN 1 AND 4),
            u5 INTEGER NOT NULL CHECK (u5 BETWEEN 1 AND 4),
            u6 INTEGER NOT NULL CHECK (u6 BETWEEN 1 AND 4),
            u7 INTEGER NOT NULL CHECK (u7 BETWEEN 1 AND 4),
            u8 INTEGER NOT NULL CHECK (u8 BETWEEN 1 AND 4),
            u9 INTEGER NOT NULL CHECK (u9 BETWEEN 1 AND 4),
            umur INTEGER,
            jenis_kelamin TEXT,
            pendidikan TEXT,
            pekerjaan TEXT,
            saran TEXT
        )"""
    )
    db.execute("CREATE INDEX skm_responses_tanggal ON skm_responses(tanggal, layanan)")
    # The number of people served (population) per service and period, for the minimum sample.
    db.execute(
        """
        CREATE TABLE skm_populasi (
            periode TEXT NOT NULL,
            layanan TEXT NOT NULL,
            jumlah INTEGER NOT NULL CHECK (jumlah >= 0),
            entered_by INTEGER REFERENCES users(id),
            entered_at TEXT NOT NULL,
            PRIMARY KEY (periode, layanan)
        )"""
    )
    # Follow-up plans (rencana tindak lanjut) per weak element; layanan '' means every service.
    db.execute(
        """
        CREATE TABLE skm_tindak_lanjut (
            id INTEGER PRIMARY KEY,
            periode TEXT NOT NULL,
            layanan TEXT NOT NULL DEFAULT '',
            unsur INTEGER NOT NULL CHECK (unsur BETWEEN 1 AND 9),
            rencana TEXT NOT NULL,
            penanggung_jawab TEXT NOT NULL DEFAULT '',
            target TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        )"""
    )
    # The Kepala Dinas's approvals: of a period's follow-up plans (kind 'skm', subject = periode) or of
    # the Maklumat Pelayanan (kind 'maklumat'), each of exactly the content whose hash is stored.
    db.execute(
        """
        CREATE TABLE standards_approvals (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('skm', 'maklumat')),
            subject TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            approved_by INTEGER NOT NULL REFERENCES users(id),
            jabatan TEXT NOT NULL,
            approved_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX standards_approvals_subject ON standards_approvals(kind, subject, id)")
    _append_only(db, "standards_approvals", "approvals are append-only")


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
