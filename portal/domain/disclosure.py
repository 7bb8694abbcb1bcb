"""Honest small numbers in published statistics: suppression of small cells in a breakdown.

PermenPANRB-style public statistics (complaints-domain.md section 4): in every breakdown below the
kabupaten (month, channel, category, kecamatan, reason for "not fit") a count from 1 to
REPORT_MIN_COUNT - 1 is shown as "< 3". Because the breakdown's total is shown, one suppressed
cell could be recovered by subtraction; `suppress` therefore hides further cells ("×") until no
hidden cell can be derived from the total, or, when that is impossible, shows the total only.
Zeros are shown: they identify nobody. Used by the annual complaint report and the SKM results.
"""

from __future__ import annotations

from .formatting import angka


DEFAULT_MIN_COUNT = 3
# Below this many, a percentage is written with its count: "50 % (2 dari 4)".
SMALL_BASE = 30
HIDDEN = "\u00d7"  # a cell hidden so that a "< 3" cannot be recovered from the total


def share(k: int, n: int) -> dict:
    """A share with its count; on a small base the text carries the count: "50 % (2 dari 4)"."""
    if n == 0:
        return {"k": 0, "n": 0, "persen": None, "teks": "tidak ada data"}
    pct = round(100 * k / n, 1)
    if n < SMALL_BASE:
        return {"k": k, "n": n, "persen": pct, "teks": f"{angka(round(100 * k / n))} % ({k} dari {n})"}
    return {"k": k, "n": n, "persen": pct, "teks": f"{angka(pct, 1)} %"}


def _disclosed(cells: list[tuple[int, int]], total: int) -> bool:
    """Whether some hidden cell's value follows from the total. `cells` are the (low, high) bounds a
    reader knows for each hidden cell; the hidden cells sum to `total`. Interval sums of integer
    ranges are contiguous, so a cell is pinned exactly when its feasible range is one value."""
    lo_sum = sum(lo for lo, _ in cells)
    hi_sum = sum(hi for _, hi in cells)
    for lo, hi in cells:
        low = max(lo, total - (hi_sum - hi))
        high = min(hi, total - (lo_sum - lo))
        if low >= high:
            return True
    return False


def suppress(counts: list[int], min_count: int) -> tuple[list[str], bool]:
    """How each cell of a breakdown is shown, and whether only the total may be shown.

    Returns (marks, total_only): marks[i] is "" (shown), "kecil" (1 .. min_count-1: "< 3") or
    "sekunder" (hidden so that a small cell cannot be recovered from the total)."""
    marks = ["kecil" if 0 < c < min_count else "" for c in counts]
    if "kecil" not in marks:
        return marks, False
    total = sum(counts)
    while True:
        hidden = [i for i, m in enumerate(marks) if m]
        bounds = [(1, min_count - 1) if marks[i] == "kecil" else (min_count, total) for i in hidden]
        if not _disclosed(bounds, sum(counts[i] for i in hidden)):
            return marks, False
        candidates = sorted((c, i) for i, c in enumerate(counts) if c > 0 and not marks[i])
        if not candidates:
            return marks, True
        marks[candidates[0][1]] = "sekunder"


def breakdown(title: str, rows: list[tuple[str, str, int]], min_count: int, total_label: str = "Jumlah") -> dict:
    """A breakdown below the kabupaten with its small cells suppressed; raw counts of hidden cells
    are not kept (this dict goes into the public JSON as it is)."""
    counts = [c for _, _, c in rows]
    marks, total_only = suppress(counts, min_count)
    out_rows = []
    for (code, label, count), mark in zip(rows, marks):
        if total_only and count > 0:
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": HIDDEN})
        elif mark == "kecil":
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": f"< {min_count}"})
        elif mark == "sekunder":
            out_rows.append({"kode": code, "label": label, "jumlah": None, "tampil": HIDDEN})
        else:
            out_rows.append({"kode": code, "label": label, "jumlah": count, "tampil": angka(count)})
    notes = []
    if any(marks):
        notes.append(f"Jumlah 1 sampai {min_count - 1} ditampilkan sebagai \u201c< {min_count}\u201d agar "
                     "pengadu tidak dapat dikenali.")
    if "sekunder" in marks and not total_only:
        notes.append(f"Tanda {HIDDEN} menyembunyikan angka lain agar angka \u201c< {min_count}\u201d tidak "
                     "dapat dihitung dari jumlah keseluruhan.")
    if total_only:
        notes.append("Rinciannya tidak ditampilkan karena angkanya terlalu kecil; hanya jumlah keseluruhan "
                     "yang disajikan.")
    return {"judul": title, "baris": out_rows, "total": sum(counts), "total_label": total_label,
            "hanya_total": total_only, "catatan": " ".join(notes) or None}
