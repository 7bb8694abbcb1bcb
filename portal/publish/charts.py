"""Charts rendered at build time as small, self-contained SVG, each with its data as a table.

Phone-first: one column of horizontal bars reads on a 360 px screen without zooming; text in
the SVG uses the page's system font at a size that stays legible when the SVG is scaled down.
Every chart carries role="img", a <title> and a <desc>, and is followed on the page by a
Markdown table of the same numbers for screen readers and for copying.
"""

from __future__ import annotations

from html import escape

from babel.numbers import format_decimal

INK, MUTED, GRID = "#1b1b1b", "#4a4a4a", "#c8d3d9"
# Two colours with at least 3:1 contrast against white and told apart without colour vision.
COLOURS = ("#0b4f6c", "#b3541e")
WIDTH = 640


def angka(value: float, decimals: int = 0) -> str:
    """A number written the Indonesian way: 753.810; 1,23."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="id")


def persen(value: float, decimals: int = 1) -> str:
    return f"{angka(value, decimals)} %"


def _svg(title: str, desc: str, height: int, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="t d" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
            f'font-size="15"><title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
            + "".join(body) + "</svg>\n")


def bars(title: str, labels: list[str], series: list[tuple[str, list[float]]], *, decimals: int = 0,
         unit: str = "", label_chars: int = 22) -> str:
    """Horizontal bars, one group per label and one bar per series (at most two series).

    Labels are cut at label_chars characters; the label column widens with it (about 7.7 px
    a character), so long category names (education, occupation) can be shown whole."""
    label_w, row_h, bar_h = max(170, round(label_chars * 7.7)), 14 + 16 * len(series), 14
    top = 30 if len(series) > 1 else 8
    height = top + row_h * len(labels) + 8
    peak = max([v for _, values in series for v in values] + [1])
    plot_w = WIDTH - label_w - 90
    body = []
    if len(series) > 1:
        x = label_w
        for i, (name, _) in enumerate(series):
            body.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{COLOURS[i]}"/>'
                        f'<text x="{x + 20}" y="20" fill="{INK}">{escape(name)}</text>')
            x += 30 + 9 * len(name)
    for row, label in enumerate(labels):
        y = top + row * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5:.0f}" text-anchor="end" fill="{INK}">'
                    f'{escape(label[:label_chars])}</text>')
        for i, (_, values) in enumerate(series):
            w = plot_w * values[row] / peak
            by = y + 4 + i * 16
            body.append(f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[i]}"/>'
                        f'<text x="{label_w + w + 6:.1f}" y="{by + 12}" fill="{MUTED}" font-size="13">'
                        f'{angka(values[row], decimals)}{escape(unit)}</text>')
    body.append(f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{height - 6}" stroke="{GRID}"/>')
    desc = "; ".join(f"{label}: " + ", ".join(f"{name} {angka(values[i], decimals)}{unit}" for name, values in series)
                     for i, label in enumerate(labels))
    return _svg(title, desc, height, body)


def pyramid(title: str, groups: list[str], male: list[int], female: list[int]) -> str:
    """A population pyramid: the youngest group at the bottom, men left, women right."""
    row_h, centre_w, top = 18, 70, 30
    height = top + row_h * len(groups) + 8
    half = (WIDTH - centre_w) / 2 - 10
    peak = max(male + female + [1])
    mid_left, mid_right = (WIDTH - centre_w) / 2, (WIDTH + centre_w) / 2
    body = [f'<text x="{mid_left - 4}" y="20" text-anchor="end" fill="{COLOURS[0]}" font-weight="bold">Laki-laki</text>',
            f'<text x="{mid_right + 4}" y="20" fill="{COLOURS[1]}" font-weight="bold">Perempuan</text>']
    for i, group in enumerate(reversed(groups)):
        k = len(groups) - 1 - i
        y = top + i * row_h
        lw, rw = half * male[k] / peak, half * female[k] / peak
        body += [f'<rect x="{mid_left - lw:.1f}" y="{y + 2}" width="{lw:.1f}" height="{row_h - 4}" fill="{COLOURS[0]}"/>',
                 f'<rect x="{mid_right}" y="{y + 2}" width="{rw:.1f}" height="{row_h - 4}" fill="{COLOURS[1]}"/>',
                 f'<text x="{WIDTH / 2}" y="{y + row_h - 5}" text-anchor="middle" fill="{INK}" font-size="13">'
                 f'{escape(group)}</text>']
    desc = "; ".join(f"{g}: laki-laki {angka(m)}, perempuan {angka(f)}" for g, m, f in zip(groups, male, female))
    return _svg(title, desc, height, body)


def table(headers: list[str], rows: list[list], *, align_right_from: int = 1) -> str:
    """A Markdown table; numbers formatted the Indonesian way, cells escaped."""
    def cell(v):
        if isinstance(v, bool) or v is None:
            return "" if v is None else ("ya" if v else "tidak")
        if isinstance(v, int):
            return angka(v)
        if isinstance(v, float):
            return angka(v, 2)
        return escape(str(v)).replace("|", "\\|")
    sep = ["---" if i < align_right_from else "--:" for i in range(len(headers))]
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def figure(svg_path: str, alt: str, headers: list[str], rows: list[list], caption: str = "", *,
           align_right_from: int = 1) -> str:
    """Markdown that shows the chart and, right after it, its data table."""
    cap = f"\n*{escape(caption)}*\n" if caption else ""
    return (f"![{escape(alt)}]({svg_path}){{ loading=lazy }}\n{cap}\n"
            f"{table(headers, rows, align_right_from=align_right_from)}\n")
