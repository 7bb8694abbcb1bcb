"""Every setting the portal reads, with its default and meaning.

Settings come from ``PORTAL_*`` environment variables (Flask's ``from_prefixed_env``),
so ``PORTAL_MAIL_PORT=2525`` sets ``MAIL_PORT``. ``docs/configuration.md`` documents each
one and a test keeps the two in step.
"""

from __future__ import annotations

import secrets
from collections import namedtuple
from pathlib import Path

from .domain import private

Setting = namedtuple("Setting", ("name", "default", "help"))

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where attachments wait for a complaint form sent again after a validation error (under the
# data directory): temporary, removed after a day, never data a backup or a restore protects.
HELD_DIR_NAME = "uploads-sementara"
# Links in e-mail when no public address is set: right only for a portal tried out on this machine.
LOCAL_BASE_URL = "http://127.0.0.1:8000"

SETTINGS = (
    Setting("DATA_DIR", "instance", "Directory for the database, uploads and the secret key."),
    Setting("SECRET_KEY", None, "Signs sessions and CSRF tokens; generated into DATA_DIR/secret_key (mode 0600) "
            "when absent. Never in a backup: a restored portal keeps or makes its own, and sessions end."),
    Setting("BASE_URL", None, "Public address of the site (https://...), used in links inside e-mail. Required when "
            "PRODUCTION is true (the portal refuses to start without it); elsewhere it defaults to "
            "http://127.0.0.1:8000."),
    Setting("SITE_DIR", str(REPO_ROOT / "site"), "The built static site served at / (output of `python -m portal.publish site`)."),
    Setting("CONTENT_REPO", str(REPO_ROOT), "The git repository the web team's changes are committed to and the site "
            "is published from (content/, mkdocs.yml, overrides/); its working tree's content/ is CONTENT_DIR."),
    Setting("SITE_RELEASES_DIR", None, "Where each publication is built (one folder per release) before SITE_DIR, a "
            "symlink, is switched to it (default: site-releases beside SITE_DIR)."),
    Setting("SITE_ENGINE", "mkdocs", "The site engine of the publishing job: mkdocs or zensical."),
    Setting("SITE_JOB_INTERVAL", 2.0, "Seconds between two looks at the publishing queue (situs terbitkan --loop)."),
    Setting("CONTENT_DIR", str(REPO_ROOT / "content"), "The site's sources; the portal reads content/data/ (categories, SOP time standards)."),
    Setting("PUBLIC_DATA_DIR", None, "Where the approved public complaints are exported for the site "
            "(default CONTENT_DIR/data/pengaduan)."),
    Setting("RETENTION_YEARS", 2, "Years after a complaint closes before its personal data is erased "
            "(retention apply; the privacy notice states this number)."),
    Setting("DISPOSISI_DAYS", 5, "Working days the disposisi form proposes as the official's deadline for the "
            "konsep tanggapan (the Kepala Dinas may change it per complaint)."),
    Setting("TRUSTED_PROXIES", 0, "Number of reverse proxies (nginx) in front of the portal whose X-Forwarded-For/-Proto "
            "are trusted (the only place this trust is decided; waitress passes the headers on with "
            "--no-clear-untrusted-proxy-headers); 1 behind nginx, 0 when clients connect directly."),
    Setting("BACKUP_DIR", "backups", "Where `flask --app portal backup` writes its dated archives; a relative path "
            "is taken from the repository root."),
    Setting("BACKUP_COPY_DIR", None, "Optional second destination (a mounted disk): each new archive is copied "
            "there and pruned by the same schedule."),
    Setting("BACKUP_KEEP_DAILY", 14, "Backups kept: the newest of each of this many most recent days."),
    Setting("BACKUP_KEEP_MONTHLY", 12, "Backups kept as well: the newest of each of this many most recent months."),
    Setting("BACKUP_MAX_AGE_HOURS", 26, "The health page (/pengaduan/sehat) warns when the last good backup is older."),
    Setting("MIN_FREE_DISK_MB", 1024, "The health page warns when the data or backup disk has less free space."),
    Setting("REPORT_MIN_COUNT", 3, "Annual complaint report: counts below this in a breakdown (month, channel, category, "
            "kecamatan, reason) are shown as \"< N\"."),
    Setting("MAIL_SERVER", "localhost", "SMTP server for outgoing e-mail."),
    Setting("MAIL_PORT", 25, "SMTP port."),
    Setting("MAIL_USE_TLS", False, "Use STARTTLS with the SMTP server."),
    Setting("MAIL_USE_SSL", False, "Use SMTP over TLS (usually port 465)."),
    Setting("MAIL_USERNAME", None, "SMTP user name, when the server needs one."),
    Setting("MAIL_PASSWORD", None, "SMTP password, when the server needs one."),
    Setting("MAIL_DEFAULT_SENDER", "Pengaduan Dispendukcapil Trenggalek <pengaduan@localhost>", "From address of outgoing e-mail."),
    Setting("MAIL_TIMEOUT", 20, "Seconds to wait for the SMTP server before counting a send as failed."),
    Setting("OUTBOX_RETRY_SECONDS", 60, "First retry delay after a failed send; doubles each attempt."),
    Setting("OUTBOX_RETRY_MAX_SECONDS", 21600, "Longest delay between two retries."),
    Setting("OUTBOX_INTERVAL", 10.0, "Seconds between two passes of the background sender (outbox send --loop)."),
    Setting("DAILY_INTERVAL", 600.0, "Seconds between two checks of the daily loop (daily --loop) whether the day's jobs are due."),
    Setting("JOB_BUSY_TIMEOUT", 15.0, "Seconds a background job (outbox send, daily) waits for the database write lock "
            "before that pass counts as failed and is tried again."),
    Setting("JOB_RETRY_SECONDS", 5.0, "First wait after a failed pass of a background job (e.g. database locked); "
            "doubles each time the pass fails again."),
    Setting("JOB_RETRY_MAX_SECONDS", 300.0, "Longest wait between two tries of a failing background job."),
    Setting("MAX_FILE_MB", 5, "Largest attachment accepted, in megabytes."),
    Setting("MAX_FILES", 3, "Most attachments per complaint or per added information."),
    Setting("MAX_TEXT_CHARS", 5000, "Longest complaint text accepted, in characters."),
    Setting("RATELIMIT_SUBMIT", "10 per hour", "Complaint submissions allowed per client (Flask-Limiter syntax)."),
    Setting("RATELIMIT_TRACK", "60 per hour", "Tracking-code look-ups allowed per client."),
    Setting("RATELIMIT_LOGIN", "10 per 15 minutes", "Failed staff login attempts allowed per client address, "
            "whatever the account (successful ones are not counted)."),
    Setting("LOGIN_DELAY_SECONDS", 1, "After 5 wrong passwords for one account from one client address, that pair "
            "waits this many seconds before the next try; the wait doubles with each further failure."),
    Setting("LOGIN_DELAY_MAX_SECONDS", 900, "Longest wait imposed on one (account, client address) pair."),
    Setting("RATELIMIT_HEALTH", "30 per minute", "Requests to the health page (/pengaduan/sehat and .json together) "
            "allowed per client; a monitor needs one a minute."),
    Setting("RATELIMIT_STORAGE_URI", "memory://", "Where Flask-Limiter keeps its counters."),
    Setting("SESSION_HOURS", 8, "Staff sessions expire after this many hours."),
    Setting("COOKIE_SECURE", False, "Send cookies over HTTPS only; set to true behind HTTPS."),
    Setting("TIMEZONE", "Asia/Jakarta", "The office's time zone; days and deadlines are counted in it."),
    Setting("DAILY_HOUR", 7, "Hour (office time) after which the daily jobs run: withdrawals and staff digests."),
    Setting("HOLIDAYS_CSV", str(REPO_ROOT / "portal" / "data" / "hari-libur.csv"),
            "Dated list of cuti bersama and extra holidays (national holidays come from the holidays package)."),
    Setting("PRODUCTION", False, "The live installation: letters and the Maklumat Pelayanan are refused, and the site "
            "build fails, while a placeholder such as \"(diisi tim web)\" remains in content/ (see the readiness page)."),
    Setting("CUTI_BERSAMA_LIBUR", True, "Whether cuti bersama days count as non-working days for deadlines."),
)

DEFAULTS = {s.name: s.default for s in SETTINGS}


class ConfigError(Exception):
    "A setting has a value the portal cannot use."


def finalise(config: dict) -> None:
    """Check types, resolve paths and make sure a secret key exists."""
    for setting in SETTINGS:
        value = config.get(setting.name)
        if isinstance(setting.default, bool) and not isinstance(value, bool):
            raise ConfigError(f"PORTAL_{setting.name} must be true or false, not {value!r}")
        if isinstance(setting.default, int) and not isinstance(setting.default, bool):
            try:
                config[setting.name] = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"PORTAL_{setting.name} must be a whole number, not {value!r}") from None
        if isinstance(setting.default, float):
            try:
                config[setting.name] = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"PORTAL_{setting.name} must be a number of seconds, not {value!r}") from None
    if not config.get("BASE_URL"):
        if config.get("PRODUCTION"):
            # Every e-mail to a citizen carries links (tracking, rating): a guessed address breaks them all.
            raise ConfigError("PORTAL_BASE_URL must be set when PORTAL_PRODUCTION is true: it is the public "
                              "address of the site (for example https://dispendukcapil.trenggalekkab.go.id), "
                              "used in the links inside e-mail to citizens. Set it in the portal's environment "
                              "file and start again.")
        config["BASE_URL"] = LOCAL_BASE_URL
    data_dir = Path(config["DATA_DIR"])
    if not data_dir.is_absolute():
        data_dir = REPO_ROOT / data_dir
    config["DATA_DIR"] = str(data_dir)
    # Personal data: closed to other users whatever the umask (scripts/run, the CLI).
    private.make_dir(data_dir)
    private.make_dir(data_dir / "uploads")
    config.setdefault("DATABASE", str(data_dir / "portal.db"))
    config["UPLOAD_DIR"] = str(data_dir / "uploads")
    # Attachments held while a citizen corrects the form (uploads.hold); the daily job clears old ones.
    config["HELD_UPLOAD_DIR"] = str(private.make_dir(data_dir / HELD_DIR_NAME))
    config["PUBLIC_DATA_DIR"] = config.get("PUBLIC_DATA_DIR") or str(Path(config["CONTENT_DIR"]) / "data" / "pengaduan")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _stored_secret(data_dir / "secret_key")
    # Requests larger than all attachments plus the text are refused before parsing.
    config["MAX_CONTENT_LENGTH"] = (config["MAX_FILE_MB"] * config["MAX_FILES"] + 1) * 1024 * 1024


def _stored_secret(path: Path) -> str:
    # Created 0600 from the start (never readable by others, not even for a moment). It stays on
    # this machine: backups leave it out, and a restored portal keeps or makes its own.
    try:
        with private.open_new(path) as fh:
            fh.write(secrets.token_hex(32).encode())
    except FileExistsError:
        private.tighten(path)
    return path.read_text().strip()
