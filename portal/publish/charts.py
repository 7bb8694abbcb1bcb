"""Charts rendered at build time as small, self-contained SVG, each with its data as a table.

Phone-first: the SVG is drawn at the width of the text column of a 360 px phone (328 CSS px)
and carries that size, so on a phone it is shown at 1:1 and no text is scaled below its drawn
size (at least 13 px). Each bar's label stands on its own line above the bar, so long category
names are shown whole and the bars keep the full width. Every chart carries role="img", a
<title> and a <desc>, and is followed on the page by a Markdown table of the same numbers for
screen readers and for copying.
"""

from __future__ import annotations

import textwrap
from html import escape

from ..domain.formatting import angka

INK, MUTED, GRID = "#1b1b1b", "#4a4a4a", "#c8d3d9"
# Two colours with at least 3:1 contrast against white and told apart without colour vision.
COLOURS = ("#0b4f6c", "#b3541e")
# The text column of Material on a 360 px screen is 328 px wide: drawn at that width, a chart is
# never scaled down on a phone (a wider drawing was shown at half size, its text at 6-8 px).
WIDTH = 328
LABEL_FONT, VALUE_FONT = 14, 13
# Average advance of a character of the system sans-serif, in em; to size text without a browser.
CHAR_EM = 0.56


def change(previous: float, current: float, decimals: int = 0) -> str:
    """The change between two values, signed, with its percentage: "+2.233 (+0,30 %)"."""
    diff = current - previous
    sign = "+" if diff > 0 else ("\u2212" if diff < 0 else "\u00b1")
    text = f"{sign}{angka(abs(diff), decimals)}"
    if previous:
        text += f" ({sign}{angka(abs(diff) * 100 / previous, 2)} %)"
    return text


def _text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR_EM


def _svg(title: str, desc: str, height: int, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" role="img" aria-labelledby="t d" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="{LABEL_FONT}">'
            f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>'
            + "".join(body) + "</svg>\n")


def bars(title: str, labels: list[str], series: list[tuple[str, list[float]]], *, decimals: int = 0,
         unit: str = "", label_chars: int = 44, show_change: bool = False) -> str:
    """Horizontal bars, one group per label and one bar per series (at most two series).

    Each label stands above its bars, wrapped at label_chars characters (at most two lines).
    With show_change (one series, e.g. a trend), each bar after the first is labelled with its
    change from the one before, so that a difference of a few tenths of a percent, invisible in
    bars that start at zero, is still read."""
    if show_change and len(series) != 1:
        raise ValueError("show_change needs exactly one series")
    values_text = [[f"{angka(v, decimals)}{unit}" for v in values] for _, values in series]
    if show_change:
        values = series[0][1]
        values_text[0] = [text if i == 0 else f"{text} {change(values[i - 1], values[i], decimals)}"
                          for i, text in enumerate(values_text[0])]
    value_w = max((_text_width(t, VALUE_FONT) for texts in values_text for t in texts), default=0) + 8
    plot_w = max(WIDTH / 3, WIDTH - 2 - value_w)
    wrap = max(12, min(label_chars, int(WIDTH / (LABEL_FONT * CHAR_EM))))
    bar_h, bar_gap, line_h = 14, 4, LABEL_FONT + 4
    top = 28 if len(series) > 1 else 4
    peak = max([v for _, values in series for v in values] + [1])
    body = []
    if len(series) > 1:
        x = 0
        for i, (name, _) in enumerate(series):
            body.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{COLOURS[i]}"/>'
                        f'<text x="{x + 20}" y="18" fill="{INK}">{escape(name)}</text>')
            x += 32 + _text_width(name, LABEL_FONT)
    y = top
    for row, label in enumerate(labels):
        lines = textwrap.wrap(label, wrap)[:2] or [""]
        for line in lines:
            y += line_h
            body.append(f'<text x="0" y="{y - 4}" fill="{INK}">{escape(line)}</text>')
        y += 2
        for i, (_, values) in enumerate(series):
            w = plot_w * values[row] / peak
            body.append(f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[i]}"/>'
                        f'<text x="{w + 5:.1f}" y="{y + 11}" fill="{MUTED}" font-size="{VALUE_FONT}">'
                        f'{escape(values_text[i][row])}</text>')
            y += bar_h + bar_gap
        y += 6
    height = y + 2
    body.append(f'<line x1="0.5" y1="{top}" x2="0.5" y2="{height}" stroke="{GRID}"/>')
    desc = "; ".join(f"{label}: " + ", ".join(f"{name} {values_text[s][i]}" for s, (name, _) in enumerate(series))
                     for i, label in enumerate(labels))
    return _svg(title, desc, round(height), body)


def pyramid(title: str, groups: list[str], male: list[int], female: list[int]) -> str:
    """A population pyramid: the youngest group at the bottom, men left, women right."""
    row_h, centre_w, top = 18, 52, 26
    height = top + row_h * len(groups) + 6
    half = (WIDTH - centre_w) / 2 - 2
    peak = max(male + female + [1])
    mid_left, mid_right = (WIDTH - centre_w) / 2, (WIDTH + centre_w) / 2
    body = [f'<text x="{mid_left - 4}" y="17" text-anchor="end" fill="{COLOURS[0]}" font-weight="bold">Laki-laki</text>',
            f'<text x="{mid_right + 4}" y="17" fill="{COLOURS[1]}" font-weight="bold">Perempuan</text>']
    for i, group in enumerate(reversed(groups)):
        k = len(groups) - 1 - i
        y = top + i * row_h
        lw, rw = half * male[k] / peak, half * female[k] / peak
        body += [f'<rect x="{mid_left - lw:.1f}" y="{y + 2}" width="{lw:.1f}" height="{row_h - 4}" fill="{COLOURS[0]}"/>',
                 f'<rect x="{mid_right}" y="{y + 2}" width="{rw:.1f}" height="{row_h - 4}" fill="{COLOURS[1]}"/>',
                 f'<text x="{WIDTH / 2}" y="{y + row_h - 5}" text-anchor="middle" fill="{INK}" font-size="{VALUE_FONT}">'
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
