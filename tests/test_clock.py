"""One office clock for the pages, the commands and the jobs."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal import clock


def test_backup_command_names_its_archive_by_the_office_clock_the_pages_use(app, tmp_path):
    # A moment far from the real time, so that an archive named by the machine's own clock differs.
    moment = (datetime.now(ZoneInfo(app.config["TIMEZONE"])) - timedelta(days=400, hours=5)).replace(microsecond=0)
    app.extensions["portal.clock"] = lambda: moment
    app.config.update(BACKUP_DIR=str(tmp_path / "cadangan"))
    result = app.test_cli_runner().invoke(args=["backup", "--no-prune"])
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "cadangan").glob("*.tar.gz")
    assert made.name == f"portal-{moment:%Y%m%d-%H%M%S}.tar.gz"
    with app.test_request_context():
        from portal.web import now
        assert now() == moment == clock.office_now(app)


def test_office_time_without_a_fixed_clock_is_in_the_office_zone(app):
    app.extensions.pop("portal.clock", None)
    moment = clock.office_now(app)
    assert moment.tzinfo == ZoneInfo(app.config["TIMEZONE"]) and moment.microsecond == 0

