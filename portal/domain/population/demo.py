"""Demo population data ("data contoh"): a complete, consistent, simulated dataset in schema.py's layout.

    python -m portal.domain.population.demo [--content-dir content] [--if-empty] [--periods 2023-S2,...]

Writes content/data/kependudukan/<periode>/<topic>.csv and meta.yml for every period, for all
14 kecamatan and 157 desa/kelurahan, with `contoh: true` in meta.yml so that every page built
from it says the figures are simulated. Only the kabupaten total of Semester II 2024 is real:
753,810 = 378,680 laki-laki + 375,130 perempuan (Dukcapil, Kepmendagri 300.2.2-2430/2025
annex); everything below the kabupaten, and every other period, is simulated.

How it is made (deterministic: every random draw comes from a generator seeded with a fixed
string, so two runs write identical files):

- The anchor period (2024-S2) splits the published totals per sex over the desa by weights
  (a rough size per kecamatan, a random share per desa, kelurahan larger), by largest remainder,
  so the sums are exact.
- Events per semester per desa and sex: births ~7 per 1,000 (CBR ~14 per year, 105 boys per
  100 girls), deaths ~3.5 per 1,000 (CDR ~7), arrivals ~4.5 and departures ~5 per 1,000. The
  population of the other periods follows EXACTLY from the balancing equation, backwards
  (P(t-1) = P(t) - lahir + mati - datang + pindah) and forwards.
- Every breakdown by category is a partition of the desa's population per sex (largest
  remainder again): age groups from a base structure with desa noise and slow ageing; marital
  status, education and occupation from age-specific shares summed over the desa's age groups;
  religion from desa shares.
- Families: KK = population / an average size around 3.1 (anggota_keluarga = population).
  KTP-el: wajib KTP = the population aged 17 and over (15-19 counted as 3/5 aged 17+);
  sudah_rekam <= wajib_ktp, sudah_cetak <= sudah_rekam. Akta: anak 0-17 = 0-14 + 3/5 of 15-19.

`--if-empty` does nothing when any period already exists (scripts/run uses it). Without it,
existing periods are rewritten only when their meta.yml says `contoh: true`: real data
published by the importer (contoh: false) is never overwritten.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
from pathlib import Path

import yaml

from .. import regions
from . import schema

PERIODS = ("2023-S2", "2024-S1", "2024-S2", "2025-S1", "2025-S2")
ANCHOR = "2024-S2"
ANCHOR_TOTALS = {"laki_laki": 378_680, "perempuan": 375_130}
SOURCE = "Data contoh (simulasi); total kabupaten Semester II 2024 sesuai publikasi Dukcapil"
SEED = "trenggalek-data-contoh-1"

# Rough relative sizes of the kecamatan (thousands), only to make the simulation plausible.
KECAMATAN_WEIGHT = {
    "35.03.01": 82, "35.03.02": 56, "35.03.03": 51, "35.03.04": 63, "35.03.05": 50, "35.03.06": 56,
    "35.03.07": 39, "35.03.08": 73, "35.03.09": 29, "35.03.10": 63, "35.03.11": 73, "35.03.12": 51,
    "35.03.13": 57, "35.03.14": 27,
}
COASTAL = {"35.03.01", "35.03.02", "35.03.08"}  # Panggul, Munjungan, Watulimo: fishing

# Per semester, per person.
BIRTH, DEATH, IN, OUT = 0.0070, 0.0035, 0.0045, 0.0050
BOYS_SHARE = 105 / 205

# Base age structure per sex (per cent), ageing slowly from period to period.
AGE_BASE = {
    "laki_laki": (6.4, 6.9, 7.2, 7.4, 7.0, 6.7, 6.8, 7.1, 7.3, 7.1, 6.8, 6.0, 5.0, 3.9, 2.6, 2.8),
    "perempuan": (6.0, 6.5, 6.8, 6.9, 6.6, 6.5, 6.7, 7.1, 7.3, 7.2, 6.9, 6.2, 5.3, 4.3, 3.0, 3.6),
}

# Age bands used for the conditional shares: group index ranges into AGE_GROUPS.
BANDS = {"0-4": range(0, 1), "5-9": range(1, 2), "10-14": range(2, 3), "15-19": range(3, 4),
         "20-24": range(4, 5), "25-29": range(5, 6), "30-34": range(6, 7), "35-49": range(7, 10),
         "50-64": range(10, 13), "65+": range(13, 16)}

# Marital status (Belum kawin, Kawin, Cerai hidup, Cerai mati) by band and sex.
KAWIN = {
    "laki_laki": {"0-4": (1, 0, 0, 0), "5-9": (1, 0, 0, 0), "10-14": (1, 0, 0, 0), "15-19": (.97, .03, 0, 0),
                  "20-24": (.75, .24, .01, 0), "25-29": (.40, .58, .02, 0), "30-34": (.15, .82, .03, 0),
                  "35-49": (.05, .91, .03, .01), "50-64": (.02, .90, .03, .05), "65+": (.01, .78, .02, .19)},
    "perempuan": {"0-4": (1, 0, 0, 0), "5-9": (1, 0, 0, 0), "10-14": (1, 0, 0, 0), "15-19": (.90, .095, .005, 0),
                  "20-24": (.40, .57, .03, 0), "25-29": (.15, .81, .04, 0), "30-34": (.07, .88, .04, .01),
                  "35-49": (.03, .87, .05, .05), "50-64": (.02, .72, .05, .21), "65+": (.01, .40, .04, .55)},
}

_ADULT_EDU = (.03, .07, .33, .22, .26, .01, .015, .06, .004, .0005)
PENDIDIKAN_SHARE = {  # schema.PENDIDIKAN order
    "0-4": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0), "5-9": (.2, .8, 0, 0, 0, 0, 0, 0, 0, 0),
    "10-14": (0, .45, .45, .10, 0, 0, 0, 0, 0, 0), "15-19": (0, .02, .15, .53, .30, 0, 0, 0, 0, 0),
    "20-24": (.01, .03, .18, .25, .43, .02, .03, .05, 0, 0), "25-29": _ADULT_EDU, "30-34": _ADULT_EDU,
    "35-49": _ADULT_EDU, "50-64": (.08, .14, .42, .15, .15, .01, .01, .04, .003, .0003),
    "65+": (.25, .25, .35, .07, .06, 0, .005, .015, .002, 0),
}


def _job(**shares) -> tuple[float, ...]:
    names = {"belum": "Belum/tidak bekerja", "rt": "Mengurus rumah tangga", "pelajar": "Pelajar/mahasiswa",
             "pensiun": "Pensiunan", "pns": "Pegawai negeri sipil", "tni": "TNI", "polri": "POLRI",
             "dagang": "Perdagangan", "petani": "Petani/pekebun", "ternak": "Peternak", "nelayan": "Nelayan/perikanan",
             "karyawan": "Karyawan swasta", "buruh": "Buruh harian lepas", "buruhtani": "Buruh tani/perkebunan",
             "pedagang": "Pedagang", "perangkat": "Perangkat desa", "wiraswasta": "Wiraswasta", "lain": "Lainnya"}
    by_name = {names[k]: v for k, v in shares.items()}
    return tuple(by_name.get(p, 0.0) for p in schema.PEKERJAAN)


PEKERJAAN_SHARE = {
    "laki_laki": {
        "child": _job(belum=1),
        "school": _job(pelajar=.95, belum=.05),
        "15-19": _job(pelajar=.74, belum=.08, buruh=.05, petani=.04, karyawan=.05, wiraswasta=.03, lain=.01),
        "20-24": _job(pelajar=.12, belum=.12, buruh=.15, petani=.12, buruhtani=.06, karyawan=.22, wiraswasta=.13,
                      pedagang=.03, dagang=.02, nelayan=.01, tni=.006, polri=.006, lain=.01),
        "adult": _job(belum=.04, petani=.30, buruhtani=.08, buruh=.12, wiraswasta=.14, karyawan=.12, pedagang=.04,
                      dagang=.02, nelayan=.02, ternak=.01, pns=.02, tni=.004, polri=.004, perangkat=.006, lain=.04,
                      pensiun=.003),
        "65+": _job(belum=.25, petani=.40, buruhtani=.08, wiraswasta=.08, pedagang=.04, pensiun=.08, ternak=.02,
                    lain=.05),
    },
    "perempuan": {
        "child": _job(belum=1),
        "school": _job(pelajar=.95, belum=.05),
        "15-19": _job(pelajar=.76, belum=.07, rt=.06, karyawan=.05, buruh=.02, wiraswasta=.02, pedagang=.01, lain=.01),
        "20-24": _job(pelajar=.13, belum=.10, rt=.30, karyawan=.20, buruh=.05, petani=.05, wiraswasta=.09,
                      pedagang=.05, dagang=.02, lain=.01),
        "adult": _job(rt=.38, petani=.14, buruhtani=.05, buruh=.05, wiraswasta=.10, karyawan=.08, pedagang=.06,
                      dagang=.02, belum=.05, pns=.025, perangkat=.002, ternak=.005, nelayan=.003, lain=.03),
        "65+": _job(rt=.45, belum=.25, petani=.18, pedagang=.04, pensiun=.04, lain=.04),
    },
}
JOB_BAND = {"0-4": "child", "5-9": "school", "10-14": "school", "15-19": "15-19", "20-24": "20-24", "25-29": "adult",
            "30-34": "adult", "35-49": "adult", "50-64": "adult", "65+": "65+"}

AGAMA_BASE = (98.9, 0.65, 0.30, 0.02, 0.04, 0.01, 0.08)  # schema.AGAMA order, per cent


# --------------------------------------------------------------------------- helpers

def apportion(total: int, weights: list[float]) -> list[int]:
    """Split a whole number by weights so that the parts sum to it exactly (largest remainder).

    Ties are broken by position, so the result is deterministic."""
    if total < 0:
        raise ValueError("total must be >= 0")
    s = sum(weights)
    if total == 0 or s <= 0:
        parts = [0] * len(weights)
        if total and weights:  # no weight at all: everything in the first category
            parts[0] = total
        return parts
    exact = [total * w / s for w in weights]
    parts = [math.floor(x) for x in exact]
    short = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return parts


def _rng(*key) -> random.Random:
    return random.Random("|".join((SEED, *map(str, key))))


def _noise(rng: random.Random, sigma: float) -> float:
    return math.exp(rng.gauss(0, sigma))


def _count(rng: random.Random, mean: float) -> int:
    """A non-negative whole number around mean (normal approximation of a Poisson count)."""
    return max(0, round(rng.gauss(mean, math.sqrt(max(mean, 1)))))


def all_desa() -> list[regions.Region]:
    return sorted((d for k in regions.kecamatan_list() for d in regions.desa_list(k.kode)), key=lambda d: d.kode)


def _kecamatan_of(kode_desa: str) -> str:
    return kode_desa.rsplit(".", 1)[0]


# --------------------------------------------------------------------------- the simulation

def _populations(periods: list[str]) -> tuple[dict, dict]:
    """({periode: {desa: {sex: n}}}, {periode: {desa: events}}), anchored on ANCHOR."""
    desa = all_desa()
    weights, ratio = {}, {}
    for d in desa:
        rng = _rng("size", d.kode)
        w = KECAMATAN_WEIGHT[_kecamatan_of(d.kode)] / len(regions.desa_list(_kecamatan_of(d.kode)))
        weights[d.kode] = w * _noise(rng, 0.3) * (1.4 if d.jenis == "kelurahan" else 1.0)
        ratio[d.kode] = _noise(rng, 0.02)
    codes = [d.kode for d in desa]
    male = apportion(ANCHOR_TOTALS["laki_laki"], [weights[c] * ratio[c] for c in codes])
    female = apportion(ANCHOR_TOTALS["perempuan"], [weights[c] / ratio[c] for c in codes])
    pop = {ANCHOR: {c: {"laki_laki": m, "perempuan": f} for c, m, f in zip(codes, male, female)}}
    all_periods = sorted(set(periods) | {ANCHOR}, key=schema.period_end)
    events: dict[str, dict] = {}

    def draw(periode: str, base: dict) -> dict:
        out = {}
        for c in codes:
            rng = _rng("events", periode, c)
            total = base[c]["laki_laki"] + base[c]["perempuan"]
            births = _count(rng, total * BIRTH * _noise(rng, 0.08))
            boys = sum(rng.random() < BOYS_SHARE for _ in range(births))
            e = {"lahir_laki_laki": boys, "lahir_perempuan": births - boys}
            for sex in ("laki_laki", "perempuan"):
                n = base[c][sex]
                old = 1.1 if sex == "laki_laki" else 0.9
                e[f"mati_{sex}"] = _count(rng, n * DEATH * old)
                e[f"datang_{sex}"] = _count(rng, n * IN * _noise(rng, 0.2))
                e[f"pindah_{sex}"] = _count(rng, n * OUT * _noise(rng, 0.2))
            out[c] = e
        return out

    def change(e: dict, sex: str) -> int:
        return e[f"lahir_{sex}"] - e[f"mati_{sex}"] + e[f"datang_{sex}"] - e[f"pindah_{sex}"]

    i = all_periods.index(ANCHOR)
    for k in range(i, 0, -1):  # backwards: P(t-1) = P(t) - change(t)
        now, before = all_periods[k], all_periods[k - 1]
        events[now] = draw(now, pop[now])
        pop[before] = {c: {s: pop[now][c][s] - change(events[now][c], s) for s in ("laki_laki", "perempuan")}
                       for c in codes}
    for k in range(i + 1, len(all_periods)):  # forwards: P(t) = P(t-1) + change(t)
        before, now = all_periods[k - 1], all_periods[k]
        events[now] = draw(now, pop[before])
        pop[now] = {c: {s: pop[before][c][s] + change(events[now][c], s) for s in ("laki_laki", "perempuan")}
                    for c in codes}
    first = all_periods[0]
    events[first] = draw(first, pop[first])  # the events of the earliest period, before which nothing is kept
    return pop, events


def _age_groups(kode: str, periode: str, index: int, sex: str, n: int) -> list[int]:
    rng = _rng("age", kode, sex)  # the desa's own character, the same in every period
    urban = regions.get(kode).jenis == "kelurahan"
    weights = []
    for g, base in enumerate(AGE_BASE[sex]):
        w = base * _noise(rng, 0.07)
        if g >= 12:  # 60+: slow ageing, about 1 % per semester
            w *= 1 + 0.01 * index
        if urban and 4 <= g <= 7:
            w *= 1.08
        weights.append(w)
    return apportion(n, weights)


def _by_band(ages: list[int], table: dict[str, tuple], band_key=lambda b: b) -> list[float]:
    width = len(next(iter(table.values())))
    expected = [0.0] * width
    for band, groups in BANDS.items():
        n = sum(ages[g] for g in groups)
        shares = table[band_key(band)]
        s = sum(shares)
        for j, p in enumerate(shares):
            expected[j] += n * p / s
    return expected


def _under_17(ages: list[int]) -> int:
    return sum(ages[0:3]) + round(ages[3] * 3 / 5)


def generate_period(periode: str, index: int, pop: dict, events: dict) -> dict[str, list[tuple]]:
    """{topic: [row, ...]} for one period, rows as schema.csv_header describes."""
    rows: dict[str, list[tuple]] = {t.code: [] for t in schema.TOPICS}
    for d in all_desa():
        c = d.kode
        kec = _kecamatan_of(c)
        rng = _rng("period", periode, c)
        char = _rng("desa", c)  # traits of the desa that do not change between periods
        urban = d.jenis == "kelurahan"
        n = pop[c]
        total = n["laki_laki"] + n["perempuan"]
        rows["penduduk"].append((c, n["laki_laki"], n["perempuan"], total))
        ages = {s: _age_groups(c, periode, index, s, n[s]) for s in ("laki_laki", "perempuan")}
        for g, group in enumerate(schema.AGE_GROUPS):
            rows["umur"].append((c, group, ages["laki_laki"][g], ages["perempuan"][g]))
        e = events[c]
        rows["kelahiran_kematian"].append((c, *(e[f] for f in schema.TOPIC["kelahiran_kematian"].columns)))
        rows["mutasi"].append((c, *(e[f] for f in schema.TOPIC["mutasi"].columns)))

        size = 3.15 * _noise(char, 0.05) * (0.96 if urban else 1.0) * (1 - 0.002 * index)
        rows["keluarga"].append((c, max(1, round(total / size)), total))

        adults = sum(n[s] - _under_17(ages[s]) for s in ages)
        rekam = min(adults, round(adults * min(0.999, (0.978 + 0.003 * index) * _noise(rng, 0.004))))
        cetak = min(rekam, round(rekam * min(0.999, 0.988 * _noise(rng, 0.003))))
        rows["ktp_el"].append((c, adults, rekam, cetak))
        children = sum(_under_17(ages[s]) for s in ages)
        akta = min(children, round(children * min(0.999, (0.935 + 0.008 * index) * _noise(rng, 0.01))))
        rows["akta_kelahiran"].append((c, children, akta))

        agama_w = [b * _noise(char, 0.5 if i else 0.0) for i, b in enumerate(AGAMA_BASE)]
        parts = {s: apportion(n[s], agama_w) for s in ages}
        rows["agama"] += [(c, cat, parts["laki_laki"][i], parts["perempuan"][i]) for i, cat in enumerate(schema.AGAMA)]

        def edu_key(band):
            return band

        parts = {}
        for s in ages:
            w = _by_band(ages[s], PENDIDIKAN_SHARE, edu_key)
            lift = 1.8 if urban else _noise(char, 0.15)
            w = [x * (lift if j >= 4 else 1) * (0.9 if s == "perempuan" and j >= 5 else 1) for j, x in enumerate(w)]
            parts[s] = apportion(n[s], w)
        rows["pendidikan"] += [(c, cat, parts["laki_laki"][i], parts["perempuan"][i])
                               for i, cat in enumerate(schema.PENDIDIKAN)]

        parts = {}
        for s in ages:
            w = _by_band(ages[s], PEKERJAAN_SHARE[s], JOB_BAND.get)
            j_nelayan = schema.PEKERJAAN.index("Nelayan/perikanan")
            j_petani = schema.PEKERJAAN.index("Petani/pekebun")
            j_karyawan = schema.PEKERJAAN.index("Karyawan swasta")
            if kec in COASTAL:
                w[j_nelayan] *= 6
            if urban:
                w[j_petani] *= 0.25
                w[j_karyawan] *= 1.8
            parts[s] = apportion(n[s], w)
        rows["pekerjaan"] += [(c, cat, parts["laki_laki"][i], parts["perempuan"][i])
                              for i, cat in enumerate(schema.PEKERJAAN)]

        parts = {s: apportion(n[s], _by_band(ages[s], KAWIN[s])) for s in ages}
        rows["status_kawin"] += [(c, cat, parts["laki_laki"][i], parts["perempuan"][i])
                                 for i, cat in enumerate(schema.STATUS_KAWIN)]
    return rows


def generate(periods=PERIODS) -> dict[str, dict[str, str]]:
    """{periode: {file name: text}} for every period: the topic CSVs and meta.yml."""
    periods = sorted(set(periods), key=schema.period_end)
    for p in periods:
        schema.period_end(p)
    pop, events = _populations(periods)
    order = sorted(pop, key=schema.period_end)
    out = {}
    for periode in periods:
        rows = generate_period(periode, order.index(periode), pop[periode], events[periode])
        files = {}
        for topic in schema.TOPICS:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(schema.csv_header(topic))
            writer.writerows(rows[topic.code])
            files[f"{topic.code}.csv"] = buf.getvalue()
        meta = {"periode": periode, "tanggal_potong": schema.period_end(periode), "sumber": SOURCE, "contoh": True}
        files["meta.yml"] = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        out[periode] = files
    return out


def data_dir(content_dir: str | Path) -> Path:
    return Path(content_dir) / "data" / "kependudukan"


def existing_periods(content_dir: str | Path) -> dict[str, bool | None]:
    """{periode: contoh flag (None when meta.yml is missing or unreadable)} for each period folder."""
    found = {}
    root = data_dir(content_dir)
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not schema.PERIOD.match(folder.name):
            continue
        try:
            meta = yaml.safe_load((folder / "meta.yml").read_text(encoding="utf-8")) or {}
            found[folder.name] = bool(meta.get("contoh")) if isinstance(meta, dict) else None
        except (OSError, yaml.YAMLError):
            found[folder.name] = None
    return found


def write(content_dir: str | Path, periods=PERIODS, *, if_empty: bool = False) -> list[str]:
    """Write the demo periods; returns the periods written. Never overwrites real data."""
    existing = existing_periods(content_dir)
    if if_empty and existing:
        return []
    written = []
    for periode, files in generate(periods).items():
        if periode in existing and existing[periode] is not True:
            print(f"Periode {periode} berisi data asli (contoh: false); tidak ditimpa.", file=sys.stderr)
            continue
        folder = data_dir(content_dir) / periode
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            target = folder / name
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
        written.append(periode)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Tulis data kependudukan contoh (simulasi) untuk situs.")
    parser.add_argument("--content-dir", default="content")
    parser.add_argument("--if-empty", action="store_true",
                        help="hanya bila content/data/kependudukan/ belum berisi periode apa pun")
    parser.add_argument("--periods", default=",".join(PERIODS), help="periode, dipisah koma (bawaan: %(default)s)")
    args = parser.parse_args(argv)
    periods = [p.strip() for p in args.periods.split(",") if p.strip()]
    written = write(args.content_dir, periods, if_empty=args.if_empty)
    if written:
        print(f"Data contoh ditulis: {', '.join(written)} di {data_dir(args.content_dir)}")
    elif args.if_empty:
        print("Data kependudukan sudah ada; data contoh tidak ditulis.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
