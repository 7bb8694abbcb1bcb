"""The SOP data files (content/data/sop/*.yml): dataclasses, a loader and the schema check.

One file per SOP of Bidang PIAK, transcribed from the office's SOP document. The site build
(portal.publish.sop), the complaint portal (portal.domain.catalog reads the complaint SOP's
deadlines) and reports read them through `load_all` / `load_one`, so every reader sees data
that passed the same check. A malformed file raises DataError naming the file, the position
("langkah 3, kolom waktu (baris 57)") and the problem, in Indonesian for the web team.

Plain Python and PyYAML only: no schema library.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from . import datafile
from .errors import DataError

SOP_DIR = Path("data") / "sop"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROLE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
JENIS_TENGGAT = ("kerja", "kalender")

# "1 hari", "15 mnit" (the document's own spelling), "0": a number and a unit.
WAKTU = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)?\s*$")
SATUAN = {"detik": "detik", "menit": "menit", "mnit": "menit", "jam": "jam", "hari": "hari",
          "minggu": "minggu", "pekan": "minggu", "bulan": "bulan", "tahun": "tahun"}


# ---------------------------------------------------------------------------- dataclasses

@dataclass(frozen=True)
class Pejabat:
    jabatan: str
    nama: str
    pangkat: str = ""
    nip: str = ""


@dataclass(frozen=True)
class LembarPengesahan:
    tempat_tanggal: str
    mengetahui: tuple[Pejabat, ...]
    menyetujui: Pejabat | None
    catatan: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pelaksana:
    "An executor role: one column of the SOP's step table."
    kode: str
    nama: str  # the column heading, as the document writes it
    kelompok: str | None = None  # a heading spanning several columns ("DINAS KEPENDUDUKAN ...")
    catatan: tuple[str, ...] = ()


@dataclass(frozen=True)
class Durasi:
    jumlah: int
    satuan: str | None  # detik, menit, jam, hari, minggu, bulan, tahun; None for a bare "0"


@dataclass(frozen=True)
class SubLangkah:
    huruf: str
    kegiatan: str


@dataclass(frozen=True)
class TenggatLangkah:
    "Marks a step whose waktu the portal counts a deadline with."
    kode: str
    nama: str
    jenis: str


@dataclass(frozen=True)
class Langkah:
    nomor: int
    kegiatan: str
    pelaksana: tuple[str, ...]  # role codes
    pelaksana_disimpulkan: bool = False  # the document's marks were lost; inferred from the text
    dasar_pelaksana: str | None = None
    kelengkapan: str | None = None
    waktu: str | None = None
    output: str | None = None
    keterangan: str | None = None
    sub_langkah: tuple[SubLangkah, ...] = ()
    catatan: tuple[str, ...] = ()
    tenggat: TenggatLangkah | None = None

    @property
    def durasi(self) -> Durasi | None:
        return parse_waktu(self.waktu) if self.waktu else None


@dataclass(frozen=True)
class Tenggat:
    "A deadline the complaint portal counts (same fields as portal.domain.catalog.TimeStandard)."
    kode: str
    nama: str
    hari: int
    jenis: str
    dasar: str


@dataclass(frozen=True)
class Sop:
    slug: str  # the file name without .yml; also the page name sop/<slug>.md
    path: Path
    nomor: str
    nama: str
    judul_asli: str
    urutan: int
    tanggal_pembuatan: dt.date
    tanggal_revisi: dt.date
    tanggal_efektif: dt.date
    disahkan_oleh: Pejabat
    dasar_hukum: tuple[str, ...]
    kualifikasi_pelaksana: tuple[str, ...]
    keterkaitan: tuple[str, ...]
    peralatan: tuple[str, ...]
    peringatan: tuple[str, ...]
    pencatatan: tuple[str, ...]
    pelaksana: tuple[Pelaksana, ...]
    langkah: tuple[Langkah, ...]
    nomor_catatan: str | None = None
    lembar_pengesahan: LembarPengesahan | None = None
    tenggat: dict[str, Tenggat] = field(default_factory=dict)  # the legal limits (top-level block)
    catatan: tuple[str, ...] = ()

    def peran(self, kode: str) -> Pelaksana:
        return next(p for p in self.pelaksana if p.kode == kode)

    def tenggat_portal(self) -> dict[str, Tenggat]:
        """Every deadline the portal counts: the top-level legal limits plus the steps marked
        with `tenggat`, whose number of days is read from the step's own waktu."""
        out = {}
        for step in self.langkah:
            if step.tenggat:
                t = step.tenggat
                out[t.kode] = Tenggat(t.kode, t.nama, step.durasi.jumlah, t.jenis,
                                      f"SOP {self.nomor} langkah {step.nomor}")
        out.update(self.tenggat)
        return out


def parse_waktu(text: str) -> Durasi | None:
    "'1 hari' -> Durasi(1, 'hari'); '15 mnit' -> Durasi(15, 'menit'); '0' -> Durasi(0, None); else None."
    m = WAKTU.match(text)
    if not m:
        return None
    jumlah, unit = int(m.group(1)), m.group(2)
    if unit is None:
        return Durasi(jumlah, None) if jumlah == 0 else None
    satuan = SATUAN.get(unit.lower())
    return Durasi(jumlah, satuan) if satuan else None


# ---------------------------------------------------------------------------- loading

def load_all(content_dir: str | Path) -> list[Sop]:
    "Every SOP under content/data/sop/, checked, in the document's order (`urutan`)."
    folder = Path(content_dir) / SOP_DIR
    sops = [load_one(p) for p in sorted(folder.glob("*.yml"))] if folder.is_dir() else []
    by_judul: dict[str, Sop] = {}
    for sop in sops:
        if sop.judul_asli.casefold() in by_judul:
            raise DataError(sop.path, "kolom judul_asli", f"judul '{sop.judul_asli}' sudah dipakai oleh "
                            f"{by_judul[sop.judul_asli.casefold()].path.name}")
        by_judul[sop.judul_asli.casefold()] = sop
    return datafile.in_urutan_order(sops)


def load_one(path: str | Path) -> Sop:
    "One SOP file, checked; DataError on the first problem found."
    path = Path(path)
    data, lines = datafile.read_yaml(path)
    return _Checker(path, lines).sop(data)


# ---------------------------------------------------------------------------- the check

TOP_FIELDS = ("nomor", "nomor_catatan", "nama", "judul_asli", "urutan", "tanggal", "disahkan_oleh",
              "lembar_pengesahan", "dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan",
              "peringatan", "pencatatan", "pelaksana", "langkah", "tenggat", "catatan")
STEP_FIELDS = ("nomor", "kegiatan", "pelaksana", "pelaksana_disimpulkan", "dasar_pelaksana", "kelengkapan",
               "waktu", "output", "keterangan", "sub_langkah", "catatan", "tenggat")
PEJABAT_FIELDS = ("jabatan", "nama", "pangkat", "nip")

class _Checker(datafile.Checker):
    def pejabat(self, data: dict, key: str, where: tuple, required: bool = True) -> Pejabat | None:
        value = self.get(data, key, dict, where, required)
        return None if value is None else self.pejabat_value(value, where + (key,))

    def pejabat_value(self, value: Any, where: tuple) -> Pejabat:
        if not isinstance(value, dict):
            self.fail(where, f"harus berupa {datafile.TYPE_NAMES[dict]} (jabatan, nama, pangkat, nip)")
        self.keys(value, PEJABAT_FIELDS, where)
        return Pejabat(self.get(value, "jabatan", str, where), self.get(value, "nama", str, where),
                       self.get(value, "pangkat", str, where, False) or "",
                       str(self.get(value, "nip", str, where, False) or ""))

    # -- the file
    def sop(self, data: Any) -> Sop:
        if not isinstance(data, dict):
            self.fail((), "isi berkas harus berupa kumpulan kolom (nomor, nama, langkah, ...)")
        slug = self.path.stem
        if not SLUG.match(slug):
            self.fail((), "nama berkas hanya boleh huruf kecil, angka dan tanda hubung, misalnya "
                          "'penanganan-pengaduan.yml'")
        self.keys(data, TOP_FIELDS, ())
        w = ()
        nomor = self.get(data, "nomor", str, w)
        nama = self.get(data, "nama", str, w)
        judul = self.get(data, "judul_asli", str, w)
        urutan = self.get(data, "urutan", int, w)
        if urutan < 1:
            self.fail(("urutan",), "urutan harus 1 atau lebih")
        tanggal = self.get(data, "tanggal", dict, w)
        self.keys(tanggal, ("pembuatan", "revisi", "efektif"), ("tanggal",))
        dates = {k: self.get(tanggal, k, dt.date, ("tanggal",)) for k in ("pembuatan", "revisi", "efektif")}
        pelaksana = self.roles(data)
        langkah = self.steps(data, [p.kode for p in pelaksana])
        sop = Sop(
            slug=slug, path=self.path, nomor=nomor, nama=nama, judul_asli=judul, urutan=urutan,
            tanggal_pembuatan=dates["pembuatan"], tanggal_revisi=dates["revisi"], tanggal_efektif=dates["efektif"],
            disahkan_oleh=self.pejabat(data, "disahkan_oleh", w),
            dasar_hukum=self.texts(data, "dasar_hukum", w),
            kualifikasi_pelaksana=self.texts(data, "kualifikasi_pelaksana", w),
            keterkaitan=self.texts(data, "keterkaitan", w),
            peralatan=self.texts(data, "peralatan", w),
            peringatan=self.texts(data, "peringatan", w),
            pencatatan=self.texts(data, "pencatatan", w),
            pelaksana=pelaksana, langkah=langkah,
            nomor_catatan=self.get(data, "nomor_catatan", str, w, False),
            lembar_pengesahan=self.pengesahan(data),
            tenggat=self.tenggat(data),
            catatan=self.texts(data, "catatan", w, False, accept_str=True),
        )
        clash = set(sop.tenggat) & {s.tenggat.kode for s in langkah if s.tenggat}
        if clash:
            self.fail(("tenggat", min(clash)), f"tenggat '{min(clash)}' sudah ditentukan oleh sebuah langkah")
        return sop

    def pengesahan(self, data: dict) -> LembarPengesahan | None:
        value = self.get(data, "lembar_pengesahan", dict, (), False)
        if value is None:
            return None
        w = ("lembar_pengesahan",)
        self.keys(value, ("tempat_tanggal", "mengetahui", "menyetujui", "catatan"), w)
        mengetahui = self.get(value, "mengetahui", list, w, False) or []
        return LembarPengesahan(
            tempat_tanggal=self.get(value, "tempat_tanggal", str, w),
            mengetahui=tuple(self.pejabat_value(p, w + ("mengetahui", i)) for i, p in enumerate(mengetahui)),
            menyetujui=self.pejabat(value, "menyetujui", w, False),
            catatan=self.texts(value, "catatan", w, False, accept_str=True),
        )

    def roles(self, data: dict) -> tuple[Pelaksana, ...]:
        items = self.get(data, "pelaksana", list, ())
        if not items:
            self.fail(("pelaksana",), "daftar pelaksana kosong; tulis setiap kolom pelaksana tabel langkah")
        out, seen = [], set()
        for i, item in enumerate(items):
            w = ("pelaksana", i)
            if not isinstance(item, dict):
                self.fail(w, "harus berupa kumpulan kolom (kode, nama)")
            self.keys(item, ("kode", "nama", "kelompok", "catatan"), w)
            kode = self.get(item, "kode", str, w)
            if not ROLE_CODE.match(kode):
                self.fail(w + ("kode",), f"kode '{kode}' hanya boleh huruf kecil, angka dan garis bawah, "
                                         "diawali huruf (misalnya 'kasi_siak')")
            if kode in seen:
                self.fail(w + ("kode",), f"kode pelaksana '{kode}' dipakai dua kali")
            seen.add(kode)
            out.append(Pelaksana(kode, self.get(item, "nama", str, w), self.get(item, "kelompok", str, w, False),
                                 self.texts(item, "catatan", w, False, accept_str=True)))
        return tuple(out)

    def steps(self, data: dict, roles: list[str]) -> tuple[Langkah, ...]:
        items = self.get(data, "langkah", list, ())
        if not items:
            self.fail(("langkah",), "daftar langkah kosong")
        # Label every step first, so that a message about step 3 says "langkah 3".
        numbers = [item.get("nomor") if isinstance(item, dict) else None for item in items]
        for i, n in enumerate(numbers):
            if isinstance(n, int) and not isinstance(n, bool):
                self.step_label[i] = f"langkah {n}" if numbers.count(n) == 1 else f"langkah ke-{i + 1} (nomor {n})"
        out, first_index = [], {}
        for i, item in enumerate(items):
            w = ("langkah", i)
            if not isinstance(item, dict):
                self.fail(w, "setiap langkah harus berupa kumpulan kolom (nomor, kegiatan, pelaksana, ...)")
            self.keys(item, STEP_FIELDS, w)
            nomor = self.get(item, "nomor", int, w)
            if nomor in first_index:
                self.fail(w + ("nomor",), f"nomor langkah {nomor} dipakai dua kali "
                                          f"(juga pada langkah ke-{first_index[nomor] + 1} dalam daftar)")
            first_index[nomor] = i
            if nomor != i + 1:
                self.fail(w + ("nomor",), f"nomor langkah harus berurutan mulai 1; di sini diharapkan {i + 1}, "
                                          f"tertulis {nomor}")
            who = self.get(item, "pelaksana", list, w)
            if not who:
                self.fail(w + ("pelaksana",), "setiap langkah perlu sedikitnya satu pelaksana")
            for j, kode in enumerate(who):
                if not isinstance(kode, str):
                    self.fail(w + ("pelaksana", j), f"kode pelaksana harus berupa teks, bukan {datafile.describe(kode)}")
                if kode not in roles:
                    self.fail(w + ("pelaksana", j), f"pelaksana '{kode}' tidak ada dalam daftar pelaksana SOP "
                                                    f"ini ({', '.join(roles)})")
            inferred = self.get(item, "pelaksana_disimpulkan", bool, w, False) or False
            basis = self.get(item, "dasar_pelaksana", str, w, False)
            if inferred and not basis:
                self.fail(w + ("pelaksana_disimpulkan",), "pelaksana yang disimpulkan perlu 'dasar_pelaksana' "
                                                          "(alasan penyimpulan)")
            waktu = self.get(item, "waktu", str, w, False)
            if waktu is not None and parse_waktu(waktu) is None:
                self.fail(w + ("waktu",), f"waktu '{waktu}' tidak dikenali; tulis angka dan satuan, misalnya "
                                          "'1 hari', '30 menit', '1 tahun'")
            subs = self.get(item, "sub_langkah", list, w, False) or []
            sub_out, letters = [], set()
            for j, sub in enumerate(subs):
                ws = w + ("sub_langkah", j)
                if not isinstance(sub, dict):
                    self.fail(ws, "setiap sub-langkah harus berupa kumpulan kolom (huruf, kegiatan)")
                self.keys(sub, ("huruf", "kegiatan"), ws)
                huruf = self.get(sub, "huruf", str, ws)
                if huruf in letters:
                    self.fail(ws + ("huruf",), f"huruf sub-langkah '{huruf}' dipakai dua kali")
                letters.add(huruf)
                sub_out.append(SubLangkah(huruf, self.get(sub, "kegiatan", str, ws)))
            out.append(Langkah(
                nomor=nomor, kegiatan=self.get(item, "kegiatan", str, w), pelaksana=tuple(who),
                pelaksana_disimpulkan=inferred, dasar_pelaksana=basis,
                kelengkapan=self.get(item, "kelengkapan", str, w, False),
                waktu=waktu, output=self.get(item, "output", str, w, False),
                keterangan=self.get(item, "keterangan", str, w, False),
                sub_langkah=tuple(sub_out), catatan=self.texts(item, "catatan", w, False, accept_str=True),
                tenggat=self.step_tenggat(item, w, waktu),
            ))
        return tuple(out)

    def step_tenggat(self, item: dict, w: tuple, waktu: str | None) -> TenggatLangkah | None:
        value = self.get(item, "tenggat", dict, w, False)
        if value is None:
            return None
        wt = w + ("tenggat",)
        self.keys(value, ("kode", "nama", "jenis"), wt)
        jenis = self.get(value, "jenis", str, wt)
        if jenis not in JENIS_TENGGAT:
            self.fail(wt + ("jenis",), f"jenis harus 'kerja' atau 'kalender', bukan '{jenis}'")
        durasi = parse_waktu(waktu) if waktu else None
        if durasi is None or durasi.satuan != "hari":
            self.fail(w + ("waktu",), "langkah dengan tenggat portal memerlukan waktu dalam hari, "
                                      "misalnya '1 hari'")
        return TenggatLangkah(self.get(value, "kode", str, wt), self.get(value, "nama", str, wt), jenis)

    def tenggat(self, data: dict) -> dict[str, Tenggat]:
        value = self.get(data, "tenggat", dict, (), False)
        out = {}
        for kode, rule in (value or {}).items():
            w = ("tenggat", kode)
            if not isinstance(rule, dict):
                self.fail(w, "harus berupa kumpulan kolom (nama, hari, jenis, dasar)")
            self.keys(rule, ("nama", "hari", "jenis", "dasar"), w)
            hari = self.get(rule, "hari", int, w)
            if hari < 0:
                self.fail(w + ("hari",), "jumlah hari tidak boleh negatif")
            jenis = self.get(rule, "jenis", str, w)
            if jenis not in JENIS_TENGGAT:
                self.fail(w + ("jenis",), f"jenis harus 'kerja' atau 'kalender', bukan '{jenis}'")
            out[str(kode)] = Tenggat(str(kode), self.get(rule, "nama", str, w), hari, jenis,
                                     self.get(rule, "dasar", str, w))
        return out
