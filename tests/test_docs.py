"""Every setting and every command is documented (as datasette and sqlite-utils do)."""

from pathlib import Path

import click
import pytest

from portal.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented(setting):
    assert f"`PORTAL_{setting.name}`" in (ROOT / "docs" / "configuration.md").read_text()
    assert setting.help


def commands(app):
    for name, command in app.cli.commands.items():
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                yield f"{name} {sub_name}", sub
        else:
            yield name, command


def test_every_command_has_help_and_is_documented(app):
    ours = {n: c for n, c in commands(app) if n not in ("routes", "run", "shell")}
    assert {"migrate", "init-admin", "user create", "outbox send"} <= set(ours)
    for name, command in ours.items():
        assert command.help, name
        assert f"flask --app portal {name}" in DOCS, name
