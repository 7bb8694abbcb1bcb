"""The Indeks Kepuasan Masyarakat (PermenPANRB 14/2017): the index from the elements' NRR and its band."""

from __future__ import annotations

# The rating form's questions and the SKM elements (unsur) of PermenPANRB 14/2017 they stand for.
SKM_ELEMENTS = (
    ("waktu", 3, "Waktu Penyelesaian"),
    ("perilaku", 7, "Perilaku Pelaksana"),
    ("penanganan", 8, "Penanganan Pengaduan, Saran dan Masukan"),
)
# PermenPANRB 14/2017 (as KepMenPAN 25/2004): the converted index (IKM x 25) and its bands.
BANDS = ((88.31, "A", "Sangat Baik"), (76.61, "B", "Baik"), (65.00, "C", "Kurang Baik"), (25.00, "D", "Tidak Baik"))


def band(konversi: float) -> tuple[str, str]:
    """Mutu and kinerja of a converted index (25-100), PermenPANRB 14/2017."""
    value = round(konversi, 2)
    for floor, mutu, kinerja in BANDS:
        if value >= floor:
            return mutu, kinerja
    return BANDS[-1][1], BANDS[-1][2]


def ikm(nrr: list[float]) -> dict:
    """IKM from the elements' NRR (1-4): each element weighs the same (1/number of elements, as
    PermenPANRB 14/2017's 1/9 for nine), IKM = sum of weighted NRR; konversi = IKM x 25."""
    if not nrr:
        return {"ikm": None, "konversi": None, "mutu": None, "kinerja": None, "bobot": None}
    weight = 1 / len(nrr)
    value = sum(v * weight for v in nrr)
    konversi = round(value * 25, 2)
    mutu, kinerja = band(konversi)
    return {"ikm": round(value, 3), "konversi": konversi, "mutu": mutu, "kinerja": kinerja,
            "bobot": round(weight, 3)}
