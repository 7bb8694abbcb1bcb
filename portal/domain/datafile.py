"""The data files the web team edits (content/data/*.yml): read with the line of every value,
and checked so that a mistake is reported with the file, the position and the line, in
Indonesian.

The SOP files (sop.py), the Standar Pelayanan (standar.py), the Maklumat (maklumat.py) and the
SKM counters (skm.py) are read through `read_yaml` and checked by subclasses of `Checker`. The
portal's exports for the site (reports, SKM results, the Maklumat's approval) are written
through `write_atomic`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError

TYPE_NAMES = {str: "teks", int: "bilangan bulat", bool: "true atau false", list: "daftar (baris berawalan '-')",
              dict: "kumpulan kolom (kunci: nilai)", dt.date: "tanggal dengan format TTTT-BB-HH"}


def read_yaml(path: str | Path) -> tuple[Any, dict[tuple, int]]:
    """The file's data and the line of each value (see `lines`); DataError when it cannot be
    read or is not valid YAML."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path, "", f"berkas tidak dapat dibaca ({exc})") from None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"baris {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        raise DataError(path, where, f"penulisan YAML tidak sah: {getattr(exc, 'problem', None) or exc}") from None
    return data, lines(node)


def lines(node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    "Map each data path (('langkah', 2, 'waktu')) to its 1-based line in the file."
    out = {} if out is None else out
    if node is None:
        return out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            out[path + (k,)] = key.start_mark.line + 1
            lines(value, path + (k,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = item.start_mark.line + 1
            lines(item, path + (i,), out)
    return out


def write_atomic(path: Path, text: str) -> None:
    """Replace a file that the site build reads (an export under content/data/) whole: a build
    running meanwhile reads the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def in_urutan_order(items: list) -> list:
    """Items read from one file each (with `path` and `urutan`), sorted by `urutan`; DataError
    naming the file whose urutan an earlier file already uses."""
    seen: dict[int, Any] = {}
    for item in items:
        if item.urutan in seen:
            raise DataError(item.path, "kolom urutan",
                            f"urutan {item.urutan} sudah dipakai oleh {seen[item.urutan].path.name}")
        seen[item.urutan] = item
    return sorted(items, key=lambda item: item.urutan)


class Checker:
    """The checks every data file shares; a file's own checker adds its fields. Each failure is a
    DataError naming the file, the position in words and the line."""


    def __init__(self, path: Path, lines: dict[tuple, int]):
        self.path, self.lines = path, lines
        self.step_label: dict[int, str] = {}  # index in langkah -> "langkah 3"

    # -- reporting
    def fail(self, where: tuple, message: str):
        raise DataError(self.path, self.position(where), message)

    def position(self, where: tuple) -> str:
        parts = []
        rest = list(where)
        if rest[:1] == ["langkah"] and len(rest) > 1 and isinstance(rest[1], int):
            parts.append(self.step_label.get(rest[1], f"langkah ke-{rest[1] + 1}"))
            rest = rest[2:]
            if rest[:1] == ["sub_langkah"] and len(rest) > 1 and isinstance(rest[1], int):
                parts.append(f"sub-langkah ke-{rest[1] + 1}")
                rest = rest[2:]
        elif len(rest) > 1 and isinstance(rest[1], int):
            parts.append(f"{rest[0]} butir ke-{rest[1] + 1}")
            rest = rest[2:]
        if rest and isinstance(rest[-1], int):
            parts.append("kolom " + ".".join(str(r) for r in rest[:-1]) + f", butir ke-{rest[-1] + 1}")
        elif rest:
            parts.append("kolom " + ".".join(str(r) for r in rest))
        line = next((self.lines[where[:n]] for n in range(len(where), -1, -1) if where[:n] in self.lines), None)
        text = ", ".join(parts)
        if line:
            text = f"{text} (baris {line})" if text else f"baris {line}"
        return text

    # -- field helpers
    def keys(self, data: dict, allowed: tuple, where: tuple):
        for key in data:
            if key is False or key is True:
                self.fail(where, f"kunci '{str(key).lower()}' dibaca YAML sebagai nilai benar/salah "
                                 f"(misalnya 'no:'); gunakan nama kolom yang dikenal: {', '.join(allowed)}")
            if key not in allowed:
                self.fail(where + (key,), f"kolom '{key}' tidak dikenal; kolom yang boleh: {', '.join(allowed)}")

    def get(self, data: dict, key: str, kind, where: tuple, required: bool = True, empty_ok: bool = False):
        if key not in data or data[key] is None:
            if required:
                self.fail(where if key not in data else where + (key,),
                          f"kolom '{key}' wajib diisi ({TYPE_NAMES[kind]})")
            return None
        value = data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is dt.date and isinstance(value, dt.datetime):
            ok = False
        if not ok:
            hint = ""
            if kind is str and isinstance(value, (int, float)):
                hint = "; tulis di antara tanda kutip, misalnya \"1 hari\"" if key == "waktu" else \
                    "; tulis di antara tanda kutip"
            self.fail(where + (key,), f"harus berupa {TYPE_NAMES[kind]}, bukan {describe(value)}{hint}")
        if kind is str and not value.strip() and not empty_ok:
            self.fail(where + (key,), f"kolom '{key}' kosong")
        if kind is str:
            value = value.strip()
        return value

    def texts(self, data: dict, key: str, where: tuple, required: bool = True, accept_str: bool = False) -> tuple:
        if accept_str and isinstance(data.get(key), str):
            return (data[key].strip(),)
        items = self.get(data, key, list, where, required)
        if items is None:
            return ()
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.fail(where + (key, i), f"setiap butir '{key}' harus berupa teks, bukan {describe(item)}")
        return tuple(item.strip() for item in items)


def describe(value: Any) -> str:
    if value is None:
        return "kosong"
    if isinstance(value, bool):
        return f"nilai benar/salah ({str(value).lower()})"
    if isinstance(value, int):
        return f"angka ({value})"
    if isinstance(value, float):
        return f"angka desimal ({value})"
    if isinstance(value, dt.date):
        return f"tanggal ({value.isoformat()})"
    if isinstance(value, str):
        return f"teks ('{value[:40]}')"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "kumpulan kolom"
    return type(value).__name__
