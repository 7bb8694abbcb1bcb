"""Sosialisasi tatap muka (SOP "Sosialisasi Tatap Muka"): schedule, calendar feed and reports.

Reads content/data/sosialisasi/jadwal.yml, a list of sessions:

    - tanggal: 2026-12-09
      mulai: "09:00"
      selesai: "11:30"
      tempat: Balai Desa Besuki
      kecamatan: "35.03.01"          # Kemendagri codes, checked against portal.domain.regions
      desa: "35.03.01.2001"          # optional (a session at the kantor kecamatan has none)
      audiens: Perangkat desa dan kader posyandu
      topik: Akta kelahiran gratis
      panitia: [Kasi ..., JFU ...]
      laporan:                       # only once the session has taken place (SOP step 5)
        peserta: 48
        ringkasan: Text, Markdown allowed.
        foto:                        # files under content/assets/sosialisasi/
          - berkas: assets/sosialisasi/foto.jpg
            keterangan: alt text       # or just the path; the alt text is then made up

and generates sosialisasi/jadwal.md (upcoming sessions first, then past ones, as cards that read
well on a phone), sosialisasi/jadwal.ics (every session, past and upcoming, so that the feed
does not change when a day passes) and sosialisasi/laporan.md (past sessions with their reports).

"Today" is date.today(), or $SITE_TODAY (YYYY-MM-DD) for reproducible builds and tests. A session
is past when its date is before today, or when it already has a report.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneStandard

from portal.domain import regions
from portal.domain.formatting import jam, tanggal_panjang

from .errors import DataError
from .materials import LineDict, load_yaml, md_text, parse_date, site_url

DATA_FILE = "data/sosialisasi/jadwal.yml"
ASSETS_DIR = "assets/sosialisasi"
OUT_DIR = "sosialisasi"
OUTPUTS = (f"{OUT_DIR}/jadwal.md", f"{OUT_DIR}/jadwal.ics", f"{OUT_DIR}/laporan.md")
TZ_NAME = "Asia/Jakarta"
TZ = ZoneInfo(TZ_NAME)
UID_DOMAIN = "dispendukcapil.trenggalekkab.go.id"
CALENDAR_NAME = "Sosialisasi Tatap Muka Dispendukcapil Trenggalek"

FIELDS = ("tanggal", "mulai", "selesai", "tempat", "kecamatan", "desa", "audiens", "topik",
          "panitia", "laporan")
REPORT_FIELDS = ("peserta", "ringkasan", "foto")
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class Photo:
    path: str   # relative to content/, e.g. assets/sosialisasi/x.svg
    alt: str


@dataclass(frozen=True)
class Report:
    peserta: int
    ringkasan: str
    foto: tuple[Photo, ...]


@dataclass(frozen=True)
class Session:
    number: int
    tanggal: date
    mulai: time
    selesai: time
    tempat: str
    kecamatan: regions.Region
    desa: regions.Region | None
    audiens: str
    topik: str
    panitia: tuple[str, ...]
    laporan: Report | None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.tanggal, self.mulai, tzinfo=TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.tanggal, self.selesai, tzinfo=TZ)

    @property
    def uid(self) -> str:
        key = f"{self.tanggal.isoformat()}|{self.tempat}|{self.topik}".encode()
        return f"{hashlib.sha256(key).hexdigest()[:24]}@{UID_DOMAIN}"

    @property
    def wilayah(self) -> str:
        parts = [f"{self.desa.jenis.capitalize()} {self.desa.nama}"] if self.desa else []
        return ", ".join(parts + [f"Kecamatan {self.kecamatan.nama}"])

    @property
    def lokasi(self) -> str:
        return f"{self.tempat}, {self.wilayah}, Kabupaten Trenggalek"

    @property
    def jam(self) -> str:
        return f"{jam(self.mulai)}\u2013{jam(self.selesai)} WIB"

    def is_past(self, today: date) -> bool:
        return self.tanggal < today or self.laporan is not None


# --------------------------------------------------------------------------- reading

def today() -> date:
    value = os.environ.get("SITE_TODAY")
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DataError("SITE_TODAY", "", f"harus tanggal TTTT-BB-HH, bukan {value!r}") from None


class _Entry:
    """Field access for one entry with errors that name the file, the entry and the line."""

    def __init__(self, path, number: int, mapping: LineDict, prefix: str = ""):
        self.path, self.number, self.m, self.prefix = path, number, mapping, prefix

    def fail(self, key: str | None, message: str):
        line = self.m.line_of(key) if key and key in self.m else self.m.line
        raise DataError(self.path, f"entri {self.number}, baris {line}", message)

    def check_keys(self, allowed):
        for key in self.m:
            if key not in allowed:
                self.fail(key, f"kolom '{self.prefix}{key}' tidak dikenal; kolom yang dipakai: "
                               f"{', '.join(allowed)}")

    def get(self, key: str, required: bool = True):
        value = self.m.get(key)
        if value is None or value == "" or value == []:
            if required:
                self.fail(None, f"kolom '{self.prefix}{key}' wajib diisi")
            return None
        return value

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(key, f"'{self.prefix}{key}' harus berupa teks")
        return str(value).strip()

    def clock(self, key: str) -> time:
        value = self.get(key)
        match = _HHMM.fullmatch(str(value).strip()) if isinstance(value, str) else None
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        self.fail(key, f"'{key}' harus jam dengan format JJ:MM (misalnya \"09:00\"), "
                       f"bukan {value!r}")

    def region(self, key: str, jenis: tuple[str, ...], required: bool = True):
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, f"'{key}' harus kode wilayah Kemendagri dalam tanda kutip, "
                           f"misalnya \"35.03.01\", bukan {value!r}")
        region = regions.get(value.strip())
        if region is None or region.jenis not in jenis:
            self.fail(key, f"kode {key} {value!r} tidak dikenal di Kabupaten Trenggalek")
        return region


def _photo(entry: _Entry, content_dir: Path, item, index: int, session_label: str) -> Photo:
    if isinstance(item, LineDict):
        sub = _Entry(entry.path, entry.number, item, "laporan.foto.")
        sub.check_keys(("berkas", "keterangan"))
        raw, alt = sub.text("berkas"), sub.text("keterangan", required=False)
    elif isinstance(item, str):
        raw, alt = item.strip(), None
    else:
        entry.fail("foto", f"foto ke-{index} harus berupa path berkas, misalnya "
                           f"{ASSETS_DIR}/foto.jpg")
    relative = PurePosixPath(raw.removeprefix("content/").lstrip("/"))
    if ".." in relative.parts or not str(relative).startswith(ASSETS_DIR + "/"):
        entry.fail("foto", f"foto ke-{index} ({raw}) harus berada di content/{ASSETS_DIR}/")
    if not (content_dir / relative).is_file():
        entry.fail("foto", f"berkas foto ke-{index} tidak ditemukan: content/{relative}")
    return Photo(str(relative), alt or f"Foto ke-{index} kegiatan {session_label}")


def _report(entry: _Entry, content_dir: Path, value, label: str) -> Report:
    if not isinstance(value, LineDict):
        entry.fail("laporan", "'laporan' harus berisi peserta, ringkasan dan (boleh) foto")
    sub = _Entry(entry.path, entry.number, value, "laporan.")
    sub.check_keys(REPORT_FIELDS)
    peserta = sub.get("peserta")
    if isinstance(peserta, bool) or not isinstance(peserta, int) or peserta < 0:
        sub.fail("peserta", f"'laporan.peserta' harus bilangan bulat 0 atau lebih "
                            f"(jumlah orang), bukan {peserta!r}")
    ringkasan = sub.text("ringkasan")
    foto = sub.get("foto", required=False) or []
    if not isinstance(foto, list):
        sub.fail("foto", "'laporan.foto' harus berupa daftar (setiap foto diawali '- ')")
    photos = tuple(_photo(sub, content_dir, item, i, label) for i, item in enumerate(foto, 1))
    return Report(peserta, ringkasan, photos)


def read_sessions(content_dir: Path, today_: date) -> list[Session]:
    content_dir = Path(content_dir)
    path = content_dir / DATA_FILE
    if not path.exists():
        return []
    data = load_yaml(path.read_text(encoding="utf-8"), path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise DataError(path, "baris 1", "berkas jadwal harus berupa daftar sesi; setiap sesi "
                                         "diawali '- tanggal: ...'")
    sessions, uids = [], {}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, LineDict):
            raise DataError(path, f"entri {number}", "setiap sesi harus berisi pasangan "
                                                     "'kolom: nilai' (tanggal, mulai, ...)")
        e = _Entry(path, number, item)
        e.check_keys(FIELDS)
        tanggal = parse_date(e.get("tanggal"), path,
                             f"entri {number}, baris {item.line_of('tanggal')}", "tanggal")
        mulai, selesai = e.clock("mulai"), e.clock("selesai")
        if selesai <= mulai:
            e.fail("selesai", "'selesai' harus lebih lambat daripada 'mulai'")
        kecamatan = e.region("kecamatan", ("kecamatan",))
        desa = e.region("desa", ("desa", "kelurahan"), required=False)
        if desa and not regions.desa_in_kecamatan(desa.kode, kecamatan.kode):
            e.fail("desa", f"desa/kelurahan {desa.nama} ({desa.kode}) tidak berada di "
                           f"Kecamatan {kecamatan.nama} ({kecamatan.kode})")
        tempat, audiens, topik = e.text("tempat"), e.text("audiens"), e.text("topik")
        panitia = e.get("panitia")
        if isinstance(panitia, str):
            panitia = [panitia]
        if not isinstance(panitia, list) or not all(
                isinstance(p, str) and p.strip() for p in panitia):
            e.fail("panitia", "'panitia' harus daftar nama atau jabatan, setiap baris diawali '- '")
        laporan = item.get("laporan")
        if laporan is not None:
            if tanggal > today_:
                e.fail("laporan", f"sesi tanggal {tanggal.isoformat()} belum berlangsung, "
                                  "jadi belum boleh ada laporannya")
            laporan = _report(e, content_dir, laporan, f"{topik} di {tempat}")
        session = Session(number, tanggal, mulai, selesai, tempat, kecamatan, desa, audiens,
                          topik, tuple(p.strip() for p in panitia), laporan)
        if session.uid in uids:
            e.fail(None, f"sesi ini sama dengan entri {uids[session.uid]} (tanggal, tempat "
                         "dan topik sama)")
        uids[session.uid] = number
        sessions.append(session)
    return sessions


def split(sessions: list[Session], today_: date) -> tuple[list[Session], list[Session]]:
    """(upcoming, soonest first; past, most recent first)."""
    key = lambda s: (s.start, s.end, s.tempat, s.topik)  # noqa: E731
    upcoming = sorted((s for s in sessions if not s.is_past(today_)), key=key)
    past = sorted((s for s in sessions if s.is_past(today_)), key=key, reverse=True)
    return upcoming, past


# --------------------------------------------------------------------------- pages

_NOTICE = ("<!-- Dibuat otomatis dari content/data/sosialisasi/jadwal.yml oleh "
           "portal.publish.sessions; jangan disunting di sini. -->")


def _card(s: Session, past: bool) -> str:
    e = html.escape
    rows = [
        f"<li><strong>Waktu:</strong> pukul {e(s.jam)}</li>",
        f"<li><strong>Tempat:</strong> {e(s.tempat)}, {e(s.wilayah)}</li>",
        f"<li><strong>Sasaran:</strong> {e(s.audiens)}</li>",
        f"<li><strong>Panitia:</strong> {e('; '.join(s.panitia))}</li>",
    ]
    if past:
        rows.append(f"<li><strong>Peserta:</strong> {s.laporan.peserta} orang</li>" if s.laporan
                    else "<li><strong>Laporan:</strong> belum tersedia</li>")
    kind = "note" if past else "info"
    return (f'<div class="admonition {kind} sesi">\n'
            f'<p class="admonition-title">{e(tanggal_panjang(s.tanggal))}</p>\n'
            f"<p><strong>{e(s.topik)}</strong></p>\n"
            f"<ul>\n" + "\n".join(rows) + "\n</ul>\n</div>\n")


def jadwal_md(upcoming: list[Session], past: list[Session]) -> str:
    out = [
        "---", "title: Jadwal sosialisasi tatap muka", "---", _NOTICE, "",
        "# Jadwal sosialisasi tatap muka", "",
        "Dispendukcapil Kabupaten Trenggalek datang ke desa, kelurahan, sekolah dan organisasi "
        "masyarakat untuk menjelaskan layanan dan aturan administrasi kependudukan secara "
        "langsung. Sosialisasi terbuka untuk sasaran yang disebutkan dan tidak dipungut biaya.",
        "",
        "[Langganan jadwal di kalender ponsel Anda (iCalendar)](jadwal.ics): buka tautan ini, "
        "atau salin alamatnya ke menu \u201cTambah kalender dari URL\u201d di aplikasi kalender, "
        "agar jadwal baru muncul dengan sendirinya.",
        "", "## Jadwal mendatang", "",
    ]
    if upcoming:
        out += [_card(s, past=False) for s in upcoming]
    else:
        out += ["Belum ada jadwal sosialisasi yang akan datang.", ""]
    out += ["## Sudah dilaksanakan", ""]
    if past:
        out += ["Ringkasan hasil dan foto kegiatan ada di halaman "
                "[Laporan sosialisasi tatap muka](laporan.md).", ""]
        out += [_card(s, past=True) for s in past]
    else:
        out += ["Belum ada sosialisasi yang dilaksanakan.", ""]
    return "\n".join(out).rstrip() + "\n"


def laporan_md(past: list[Session]) -> str:
    out = [
        "---", "title: Laporan sosialisasi tatap muka", "---", _NOTICE, "",
        "# Laporan sosialisasi tatap muka", "",
        "Laporan pelaksanaan sosialisasi kebijakan kependudukan secara tatap muka, disusun "
        "panitia sosialisasi setelah setiap kegiatan. Jadwal kegiatan berikutnya ada di halaman "
        "[Jadwal sosialisasi tatap muka](jadwal.md).", "",
    ]
    if not past:
        out += ["Belum ada sosialisasi yang dilaksanakan.", ""]
    for s in past:
        out += [
            f"## {md_text(s.topik)} \u2014 {tanggal_panjang(s.tanggal)}", "",
            f"- **Tempat:** {md_text(s.tempat)}, {md_text(s.wilayah)}",
            f"- **Waktu:** pukul {s.jam}",
            f"- **Sasaran:** {md_text(s.audiens)}",
            f"- **Panitia:** {md_text('; '.join(s.panitia))}",
        ]
        if s.laporan is None:
            out += ["- **Laporan:** belum tersedia", ""]
            continue
        out += [f"- **Jumlah peserta:** {s.laporan.peserta} orang", "",
                s.laporan.ringkasan.strip(), ""]
        for photo in s.laporan.foto:
            alt = photo.alt.replace("[", "(").replace("]", ")")
            out += [f"![{alt}](../{photo.path})", ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- iCalendar

def _vtimezone() -> Timezone:
    # Asia/Jakarta (WIB) has been UTC+7 without daylight saving since 1964: one fixed rule.
    tz = Timezone()
    tz.add("tzid", TZ_NAME)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(hours=7))
    standard.add("tzoffsetto", timedelta(hours=7))
    standard.add("tzname", "WIB")
    tz.add_component(standard)
    return tz


def jadwal_ics(sessions: list[Session], page_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Dispendukcapil Kabupaten Trenggalek//Jadwal Sosialisasi//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("x-wr-caldesc", "Jadwal sosialisasi kebijakan kependudukan secara tatap muka "
                            "oleh Dispendukcapil Kabupaten Trenggalek")
    cal.add("x-wr-timezone", TZ_NAME)
    cal.add_component(_vtimezone())
    for s in sorted(sessions, key=lambda s: (s.start, s.uid)):
        event = Event()
        event.add("uid", s.uid)
        # DTSTAMP comes from the data (the session's start, in UTC), never from the clock,
        # so that an unchanged schedule gives an unchanged file.
        event.add("dtstamp", s.start.astimezone(timezone.utc))
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        event.add("summary", f"Sosialisasi: {s.topik}")
        event.add("location", s.lokasi)
        lines = [f"Sasaran: {s.audiens}", f"Panitia: {'; '.join(s.panitia)}"]
        if s.laporan:
            lines.append(f"Peserta: {s.laporan.peserta} orang")
        lines.append(f"Informasi: {page_url}")
        event.add("description", "\n".join(lines))
        event.add("url", page_url)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


# --------------------------------------------------------------------------- entry point

def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    content_dir = Path(content_dir)
    today_ = today()
    sessions = read_sessions(content_dir, today_)
    upcoming, past = split(sessions, today_)
    return {
        f"{OUT_DIR}/jadwal.md": jadwal_md(upcoming, past),
        f"{OUT_DIR}/jadwal.ics": jadwal_ics(sessions, f"{site_url(content_dir)}/{OUT_DIR}/jadwal/"),
        f"{OUT_DIR}/laporan.md": laporan_md(past),
    }
