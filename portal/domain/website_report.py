"""The website management report (SOP "Pengelolaan Website", step 5) for a period.

From files and git alone: pages added, changed and removed per section (git log of content/),
materials approved in the period (front matter `tanggal_disetujui`), face-to-face sessions held
(content/data/sosialisasi/*.yml, when present), and whether the site builds and its links hold
(the publishing pipeline into a temporary folder, then a check of every internal link).
Written as Markdown and as an Excel workbook; scripts/laporan-website is the command.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..publish import drafts
from ..publish.check import broken_links
from ..publish.errors import DataError

ROOT_SECTION = "Beranda dan halaman lepas"
CHANGE_KINDS = (("A", "ditambah"), ("M", "diubah"), ("D", "dihapus"))


@dataclass
class Report:
    start: datetime.date
    end: datetime.date
    pages: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # section -> kind -> paths
    commits: int = 0
    materials: list[dict] = field(default_factory=list)
    sessions: list[dict] | None = None  # None: no session data in this project
    build_ok: bool = False
    build_message: str = ""
    broken_links: list[tuple[str, str]] = field(default_factory=list)
    page_count: int = 0
    publications: list[dict] = field(default_factory=list)  # from the portal: who, what, reviewed, approved


# ------------------------------------------------------------------ page changes

def _section(relpath: str) -> str:
    parts = relpath.split("/")
    return parts[0] if len(parts) > 1 else ROOT_SECTION


def page_changes(root: Path, start: datetime.date, end: datetime.date) -> tuple[dict, int]:
    """Per section, the Markdown pages under content/ added, changed and removed in the period.

    A page added and then changed in the period counts as added; added and removed, not at all."""
    until = end + datetime.timedelta(days=1)
    log = subprocess.run(
        ["git", "log", "--no-renames", "--name-status", "--format=@%H", "--reverse",
         f"--since={start.isoformat()}T00:00:00", f"--until={until.isoformat()}T00:00:00",
         "--", "content"], cwd=root, capture_output=True, text=True)
    if log.returncode != 0:
        raise RuntimeError(f"git log gagal: {log.stderr.strip()}")
    state: dict[str, str] = {}  # path -> A / M / D over the period
    commits = 0
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            commits += 1
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[1].endswith(".md") or not fields[1].startswith("content/"):
            continue
        kind, path = fields[0][0], fields[1][len("content/"):]
        if path.startswith("data/"):
            continue
        before = state.get(path)
        if kind == "D":
            if before == "A":
                del state[path]
            else:
                state[path] = "D"
        elif kind == "A":
            state[path] = "M" if before == "D" else "A"
        elif before != "A":
            state[path] = "M"
    sections: dict[str, dict[str, list[str]]] = {}
    for path, kind in sorted(state.items()):
        by_kind = sections.setdefault(_section(path), {k: [] for k, _ in CHANGE_KINDS})
        by_kind[kind].append(path)
    return sections, commits


# ------------------------------------------------------------------ publications from the portal

_TRAILERS = {"Ditulis-oleh": "penulis", "Ditinjau-oleh": "peninjau", "Disetujui-oleh": "penyetuju"}


def publications(root: Path, start: datetime.date, end: datetime.date) -> list[dict]:
    """Every publication made from the portal in the period (a commit with a `Perubahan-situs:`
    trailer, written by portal.domain.site_changes): when, what, written, reviewed and approved by."""
    until = end + datetime.timedelta(days=1)
    sep, rec = "\x1f", "\x1e"
    log = subprocess.run(["git", "log", f"--format=%aI{sep}%an{sep}%s{sep}%b{rec}",
                          f"--since={start.isoformat()}T00:00:00", f"--until={until.isoformat()}T00:00:00"],
                         cwd=root, capture_output=True, text=True)
    if log.returncode != 0:
        return []
    out = []
    for record in log.stdout.split(rec):
        record = record.strip("\n")
        if not record or "Perubahan-situs:" not in record:
            continue
        when, author, subject, body = record.split(sep, 3)
        item = {"tanggal": datetime.date.fromisoformat(when[:10]), "perubahan": subject, "penulis": author,
                "peninjau": "-", "penyetuju": "-"}
        for line in body.splitlines():
            key, _, value = line.partition(": ")
            if key in _TRAILERS:
                item[_TRAILERS[key]] = value.strip()
        out.append(item)
    return sorted(out, key=lambda i: i["tanggal"])


# ------------------------------------------------------------------ materials and sessions

def approved_materials(content_dir: Path, start, end) -> list[dict]:
    out = []
    for path in sorted((content_dir / "sosialisasi" / "materi").glob("*.md")):
        relpath = path.relative_to(content_dir).as_posix()
        try:
            meta, _ = drafts.read_front_matter(path, f"content/{relpath}")
        except DataError:
            continue  # the build check below reports it
        when = meta.get("tanggal_disetujui")
        if drafts.is_approved(meta) and start <= _as_date(when) <= end:
            out.append({"judul": str(meta.get("title") or path.stem), "halaman": relpath,
                        "disetujui_oleh": meta["disetujui_oleh"], "tanggal_disetujui": _as_date(when)})
    return sorted(out, key=lambda m: (m["tanggal_disetujui"], m["halaman"]))


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def sessions_held(content_dir: Path, start, end) -> list[dict] | None:
    files = sorted((content_dir / "data" / "sosialisasi").glob("*.yml"))
    if not files:
        return None
    out = []
    for path in files:
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError:
            continue  # the build check below reports it
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            try:
                when = _as_date(entry.get("tanggal"))
            except ValueError:
                continue
            if not start <= when <= end:
                continue
            report = entry.get("laporan") if isinstance(entry.get("laporan"), dict) else None
            out.append({"tanggal": when, "tempat": str(entry.get("tempat", "")),
                        "topik": str(entry.get("topik", "")), "audiens": str(entry.get("audiens", "")),
                        "peserta": report.get("peserta") if report else None,
                        "terlaksana": report is not None})
    return sorted(out, key=lambda s: s["tanggal"])


# ------------------------------------------------------------------ build and links

def check_build(root: Path) -> tuple[bool, str, list, int]:
    """Build the site with the publishing pipeline into a temporary folder (the engine's own
    strict checks; the publishing checks are not the report's subject), then list broken links."""
    from ..publish import site

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        result = site.build("mkdocs", out, root=root, check=False)
        if not result.ok:
            lines = [l for l in result.errors
                     if l.startswith(("ERROR", "WARNING", "Aborted", "Galat")) or "baris" in l]
            return False, "\n".join(lines[-20:]) or "\n".join(result.errors[-20:]) or "build gagal", [], 0
        return True, "build berhasil (python -m portal.publish site)", broken_links(out), len(result.pages)


# ------------------------------------------------------------------ the report

def collect(root: Path, start: datetime.date, end: datetime.date, build: bool = True) -> Report:
    if end < start:
        raise ValueError("tanggal --sampai lebih awal dari --dari")
    content_dir = root / "content"
    report = Report(start, end)
    report.pages, report.commits = page_changes(root, start, end)
    report.publications = publications(root, start, end)
    report.materials = approved_materials(content_dir, start, end)
    report.sessions = sessions_held(content_dir, start, end)
    if build:
        report.build_ok, report.build_message, report.broken_links, report.page_count = check_build(root)
    return report


def _d(date: datetime.date) -> str:
    return date.strftime("%d-%m-%Y")


def to_markdown(r: Report) -> str:
    out = ["# Laporan Pengelolaan Website", "",
           f"Periode: {_d(r.start)} s.d. {_d(r.end)}  ", f"Dibuat: {_d(datetime.date.today())}", "",
           "## 1. Perubahan halaman", "",
           f"Jumlah commit yang mengubah isi situs: {r.commits}.", ""]
    if r.pages:
        out += ["| Bagian | Ditambah | Diubah | Dihapus |", "|---|---:|---:|---:|"]
        for section, kinds in r.pages.items():
            out.append(f"| {section} | " + " | ".join(str(len(kinds[k])) for k, _ in CHANGE_KINDS) + " |")
        totals = [sum(len(k[c]) for k in r.pages.values()) for c, _ in CHANGE_KINDS]
        out.append("| **Jumlah** | " + " | ".join(f"**{t}**" for t in totals) + " |")
        out += ["", "Rincian:", ""]
        for section, kinds in r.pages.items():
            for code, label in CHANGE_KINDS:
                for path in kinds[code]:
                    out.append(f"- {label}: `{path}`")
    else:
        out.append("Tidak ada halaman yang berubah dalam periode ini.")
    if r.publications:
        out += ["", "Diterbitkan dari portal (siapa menulis, meninjau dan menyetujui):", "",
                "| Tanggal | Perubahan | Ditulis oleh | Ditinjau oleh | Disetujui oleh |", "|---|---|---|---|---|"]
        out += [f"| {_d(i['tanggal'])} | {i['perubahan']} | {i['penulis']} | {i['peninjau']} | {i['penyetuju']} |"
                for i in r.publications]
    out += ["", "## 2. Materi sosialisasi yang disetujui", ""]
    if r.materials:
        out += ["| Tanggal disetujui | Judul | Disetujui oleh |", "|---|---|---|"]
        out += [f"| {_d(m['tanggal_disetujui'])} | {m['judul']} | {m['disetujui_oleh']} |" for m in r.materials]
    else:
        out.append("Tidak ada materi yang disetujui dalam periode ini.")
    out += ["", "## 3. Sosialisasi tatap muka", ""]
    if r.sessions is None:
        out.append("Data sosialisasi tatap muka (content/data/sosialisasi/) belum ada.")
    elif r.sessions:
        held = [s for s in r.sessions if s["terlaksana"]]
        out += [f"Terlaksana: {len(held)} sesi; terjadwal tanpa laporan: {len(r.sessions) - len(held)} sesi.", "",
                "| Tanggal | Tempat | Topik | Peserta | Laporan |", "|---|---|---|---:|---|"]
        out += [f"| {_d(s['tanggal'])} | {s['tempat']} | {s['topik']} | {s['peserta'] if s['peserta'] is not None else '-'} "
                f"| {'ada' if s['terlaksana'] else 'belum ada'} |" for s in r.sessions]
    else:
        out.append("Tidak ada sesi dalam periode ini.")
    out += ["", "## 4. Pemeriksaan build dan tautan", ""]
    if r.build_message:
        out.append(f"- Build: {'BERHASIL' if r.build_ok else 'GAGAL'}; {r.build_message.splitlines()[0]}")
        if not r.build_ok:
            out += ["", "```", r.build_message, "```"]
        else:
            out.append(f"- Jumlah halaman: {r.page_count}")
            out.append(f"- Tautan internal rusak: {len(r.broken_links)}")
            out += [f"    - `{page}` → `{target}`" for page, target in r.broken_links]
    else:
        out.append("- Build tidak diperiksa.")
    return "\n".join(out) + "\n"


def to_xlsx(r: Report, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Ringkasan"
    rows = [("Laporan Pengelolaan Website",), ("Periode", r.start, r.end), ("Commit", r.commits)]
    for code, label in CHANGE_KINDS:
        rows.append((f"Halaman {label}", sum(len(k[code]) for k in r.pages.values())))
    rows += [("Materi disetujui", len(r.materials)),
             ("Sesi tatap muka terlaksana",
              "data belum ada" if r.sessions is None else sum(s["terlaksana"] for s in r.sessions)),
             ("Build", ("berhasil" if r.build_ok else "gagal") if r.build_message else "tidak diperiksa"),
             ("Jumlah halaman", r.page_count), ("Tautan internal rusak", len(r.broken_links))]
    for row in rows:
        sheet.append(list(row))
    sheet["A1"].font = Font(bold=True, size=14)

    def table(title, header, body):
        ws = book.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in body:
            ws.append(list(row))
        for column in ws.columns:
            ws.column_dimensions[column[0].column_letter].width = max(
                12, min(60, max(len(str(c.value or "")) for c in column) + 2))

    table("Halaman", ["Bagian", "Perubahan", "Halaman"],
          [(s, label, p) for s, kinds in r.pages.items() for code, label in CHANGE_KINDS for p in kinds[code]])
    table("Penerbitan", ["Tanggal", "Perubahan", "Ditulis oleh", "Ditinjau oleh", "Disetujui oleh"],
          [(i["tanggal"], i["perubahan"], i["penulis"], i["peninjau"], i["penyetuju"]) for i in r.publications])
    table("Materi", ["Tanggal disetujui", "Judul", "Disetujui oleh", "Halaman"],
          [(m["tanggal_disetujui"], m["judul"], m["disetujui_oleh"], m["halaman"]) for m in r.materials])
    table("Sosialisasi", ["Tanggal", "Tempat", "Topik", "Audiens", "Peserta", "Laporan"],
          [(s["tanggal"], s["tempat"], s["topik"], s["audiens"], s["peserta"],
            "ada" if s["terlaksana"] else "belum ada") for s in (r.sessions or [])])
    table("Build", ["Pemeriksaan", "Hasil"],
          [("Build", r.build_message or "tidak diperiksa")]
          + [("Tautan rusak", f"{page} -> {target}") for page, target in r.broken_links])
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "DD-MM-YYYY"
    book.save(path)


def write(root: Path, start: datetime.date, end: datetime.date, out_dir: Path,
          build: bool = True) -> tuple[Path, Path, Report]:
    report = collect(root, start, end, build)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"laporan-website-{start.isoformat()}-{end.isoformat()}"
    md, xlsx = out_dir / f"{stem}.md", out_dir / f"{stem}.xlsx"
    md.write_text(to_markdown(report), encoding="utf-8")
    to_xlsx(report, xlsx)
    return md, xlsx, report


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="scripts/laporan-website",
                                     description="Laporan pengelolaan website untuk satu periode.")
    parser.add_argument("--dari", required=True, help="tanggal awal, TTTT-BB-HH")
    parser.add_argument("--sampai", required=True, help="tanggal akhir, TTTT-BB-HH")
    parser.add_argument("--keluar", default=".", help="folder tujuan (bawaan: folder saat ini)")
    parser.add_argument("--tanpa-build", action="store_true", help="lewati pemeriksaan build dan tautan")
    args = parser.parse_args(argv)
    try:
        start, end = datetime.date.fromisoformat(args.dari), datetime.date.fromisoformat(args.sampai)
    except ValueError:
        parser.error("tanggal harus berbentuk TTTT-BB-HH, misalnya 2026-01-01")
    if end < start:
        parser.error("tanggal --sampai lebih awal dari --dari")
    root = Path(__file__).resolve().parents[2]
    md, xlsx, report = write(root, start, end, Path(args.keluar).resolve(), build=not args.tanpa_build)
    print(f"Laporan ditulis: {md}\n                 {xlsx}")
    if report.build_message and not report.build_ok:
        print("PERHATIAN: build situs gagal; lihat bagian 4 laporan.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
