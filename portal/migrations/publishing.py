"""What the office publishes from its data: ratings and public complaints, population figures,
the annual report's approvals, Standar Pelayanan and SKM (m003 to m005)."""

from . import _append_only, migrations


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
