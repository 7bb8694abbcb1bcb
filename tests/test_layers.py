"""The layers keep their rules in one place: the web layer and the site's publisher run no SQL
(they ask portal.domain), and name no complaint state (they ask portal.domain.workflow).

Read from the source, so that a query or a state list pasted into a view fails here, with the
file and line to fix."""

import ast
import re
from pathlib import Path

import pytest

from portal.domain import workflow

ROOT = Path(__file__).resolve().parent.parent / "portal"
PYTHON = sorted((ROOT / "web").glob("*.py")) + sorted((ROOT / "publish").rglob("*.py"))
TEMPLATES = sorted((ROOT / "web" / "templates").rglob("*.html"))
STATES = set(workflow.STATES)
STEPS = set(workflow.STEPS) | set(workflow.EDITS)

SQL_CALLS = {"execute", "executemany", "executescript", "query"}
# sqlite-utils table methods, when called on a table (`db["complaints"].insert(...)`).
TABLE_CALLS = {"insert", "insert_all", "update", "upsert", "upsert_all", "delete", "delete_where", "rows_where",
               "get", "count_where"}
SQL_TEXT = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.S)


def _where(path: Path, line: int) -> str:
    name = path.relative_to(ROOT.parent) if path.is_relative_to(ROOT.parent) else path.name
    return f"{name}:{line}"


def sql_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                found.append(f"{_where(path, node.lineno)} calls .{node.func.attr}()")
            elif node.func.attr in TABLE_CALLS and isinstance(node.func.value, ast.Subscript) \
                    and isinstance(node.func.value.slice, ast.Constant) and isinstance(node.func.value.slice.value, str):
                found.append(f"{_where(path, node.lineno)} writes or reads table {node.func.value.slice.value!r}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
            found.append(f"{_where(path, node.lineno)} holds SQL text")
    return found


def _state_literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and node.value in STATES else None


def _literals(node) -> list[str]:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for e in node.elts if (v := _state_literal(e))]
    return [v] if (v := _state_literal(node)) else []


def state_literals_in_python(path: Path) -> list[str]:
    """State codes compared with something, or listed as a group of states. Step codes that share
    their name with the state they lead to (nota_dinas, disposisi) may be compared with a `step`;
    a field that happens to share a state's name (`row["diterima"]`) is not a comparison."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Name) and o.id == "step" for o in operands):
                continue
            for o in operands:
                found += [f"{_where(path, node.lineno)} compares with state {v!r}" for v in _literals(o)]
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = _literals(node)
            if len(names) >= 2 and len(names) == len(node.elts):
                found.append(f"{_where(path, node.lineno)} lists states {names}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
            found += [f"{_where(path, node.lineno)} names state {s!r} in SQL" for s in STATES
                      if re.search(rf"'{s}'", node.value)]
    return found


JINJA = re.compile(r"{[{%](.*?)[%}]}", re.S)
QUOTED = r"""['"](?:{names})['"]"""


def state_literals_in_template(path: Path) -> list[str]:
    """Inside Jinja expressions: a state code compared (==, !=, in) with something. A step code
    may name a step: `'nota_dinas' in step_codes`, `step='nota_dinas'`."""
    names = "|".join(sorted(STATES, key=len, reverse=True))
    literal = QUOTED.format(names=names)
    compared = re.compile(rf"(==|!=)\s*{literal}|{literal}\s*(==|!=|\bin\b|\bnot\s+in\b)(?!\s*step_codes)"
                          rf"|\bin\s*[\[(][^\])]*{literal}")
    text = path.read_text(encoding="utf-8")
    found = []
    for block in JINJA.finditer(text):
        for m in compared.finditer(block.group(1)):
            line = text.count("\n", 0, block.start()) + 1
            found.append(f"{_where(path, line)} compares with a state: {m.group(0)!r}")
    return found


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_in_the_web_layer_or_the_publisher(path):
    assert sql_in(path) == []


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_state_literal_in_the_web_layer_or_the_publisher(path):
    assert state_literals_in_python(path) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_state_literal_in_templates(path):
    assert state_literals_in_template(path) == []


@pytest.mark.parametrize("snippet, kind", [
    ('db.execute("SELECT 1")', "sql"),
    ('rows = get_db().query("SELECT id FROM users", [])', "sql"),
    ('get_db()["complaints"].update(1, {"x": 1})', "sql"),
    ('SQL = "UPDATE complaints SET state = ? WHERE id = ?"', "sql"),
    ('if c["state"] == "selesai": pass', "state"),
    ('if state in ("selesai", "dicabut"): pass', "state"),
    ('CLOSED = ["tidak_layak", "dicabut"]', "state"),
    ('SQL = "SELECT id FROM complaints WHERE state = \'disposisi\'"', "state"),
])
def test_the_checks_catch_what_they_are_for(tmp_path, snippet, kind):
    """The checks above would fail on code like this (a check that cannot fail is no check)."""
    path = tmp_path / "probe.py"
    path.write_text(snippet + "\n", encoding="utf-8")
    assert (sql_in(path) if kind == "sql" else state_literals_in_python(path)), snippet


@pytest.mark.parametrize("snippet, bad", [
    ("{% if d.review == 'disetujui' %}x{% endif %}", True),
    ("{% if c.state in ('selesai', 'dicabut') %}x{% endif %}", True),
    ("{% if 'konsep' != c.state %}x{% endif %}", True),
    ("{% if 'nota_dinas' in step_codes %}x{% endif %}", False),
    ("{{ url_for('case.take', ref=c.ref, step='disposisi') }}", False),
    ("{% if form.get('selesai') != 'tidak' %}x{% endif %}", False),
])
def test_the_template_check_catches_a_compared_state(tmp_path, snippet, bad):
    path = tmp_path / "probe.html"
    path.write_text(snippet, encoding="utf-8")
    assert bool(state_literals_in_template(path)) is bad, snippet
