"""The SOP flow diagrams of the SOP pages (portal.publish.sop): hand-built SVG, system fonts only.

- render_svg: one lane per executor role, one box per step, arrows in order; scales to the page
  width (sop/<slug>.svg);
- render_svg_narrow: the same flow in one column, each box naming its executor, drawn at the width
  of a phone's text column (sop/<slug>-vertikal.svg, shown instead on narrow screens).

`svg_size` and `narrow_size` give their drawn sizes for the page's <img> width and height.
"""

from __future__ import annotations

import html
import textwrap

from ..domain.sop import Sop

LANE_W = 184
MARGIN = 8
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif"
BOX_FONT, HEAD_FONT, LINE_H, HEAD_LINE_H = 13, 12, 16, 15
BOX_CHARS, HEAD_CHARS, BOX_LINES = 21, 20, 5
GAP = 30  # vertical space between two boxes (room for the arrow)
# Colours (contrast against their background, WCAG 2.x): text #1a1a1a on #e8f0fa ≈ 15:1;
# white on #1f4e79 ≈ 8.6:1; the lane fill #f3f6fa and white need no text contrast; box
# border #1f4e79 and arrows #333333 are ≥ 3:1 against every fill (non-text contrast).
INK, HEAD_BG, HEAD_INK, GROUP_BG, LANE_A, LANE_B, BOX_BG, BOX_LINE, ARROW = (
    "#1a1a1a", "#1f4e79", "#ffffff", "#dce6f2", "#ffffff", "#f3f6fa", "#e8f0fa", "#1f4e79", "#333333")


def _wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width, break_long_words=True) or [""]
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _layout(sop: Sop):
    lanes = {p.kode: i for i, p in enumerate(sop.pelaksana)}
    has_group = any(p.kelompok for p in sop.pelaksana)
    group_h = 0
    if has_group:
        group_lines = max(len(_wrap(p.kelompok or "", HEAD_CHARS * 2)) for p in sop.pelaksana)
        group_h = group_lines * HEAD_LINE_H + 12
    head_lines = max(len(_wrap(p.nama, HEAD_CHARS)) for p in sop.pelaksana)
    head_h = head_lines * HEAD_LINE_H + 14
    top = MARGIN + group_h + head_h + 16
    rows, y = [], top
    for step in sop.langkah:
        idx = sorted(lanes[k] for k in step.pelaksana)
        span = idx[-1] - idx[0] + 1 if idx == list(range(idx[0], idx[-1] + 1)) else 1
        text = _wrap(f"{step.nomor}. {step.kegiatan}", BOX_CHARS * span + 4 * (span - 1), BOX_LINES)
        box_h = len(text) * LINE_H + 16
        rows.append((step, text, y, box_h))
        y += box_h + GAP
    legend_h = 40 if any(s.pelaksana_disimpulkan for s in sop.langkah) else 0
    width = 2 * MARGIN + LANE_W * len(sop.pelaksana)
    height = y - GAP + 16 + legend_h + MARGIN
    return lanes, group_h, head_h, rows, width, height


def svg_size(sop: Sop) -> tuple[int, int]:
    *_, width, height = _layout(sop)
    return width, height


def _x(text: str) -> str:
    return html.escape(text, quote=True)


def render_svg(sop: Sop) -> str:
    lanes, group_h, head_h, rows, width, height = _layout(sop)
    n_lanes = len(sop.pelaksana)
    label = (f"Bagan alur SOP {sop.nama}: {len(sop.langkah)} langkah, {n_lanes} lajur pelaksana "
             f"({', '.join(p.nama for p in sop.pelaksana)}).")
    desc = " ".join(f"Langkah {s.nomor}: {s.kegiatan} (pelaksana: "
                    f"{', '.join(sop.peran(k).nama for k in s.pelaksana)})." for s in sop.langkah)
    o = _svg_head(width, height, label, desc)
    lanes_top = MARGIN + group_h
    lanes_bottom = rows[-1][2] + rows[-1][3] + 16
    # Group headings spanning several lanes ("DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL").
    if group_h:
        i = 0
        while i < n_lanes:
            group = sop.pelaksana[i].kelompok
            j = i
            while j + 1 < n_lanes and sop.pelaksana[j + 1].kelompok == group:
                j += 1
            if group:
                x0, w = MARGIN + i * LANE_W, (j - i + 1) * LANE_W
                o.append(f'<rect x="{x0}" y="{MARGIN}" width="{w}" height="{group_h}" fill="{GROUP_BG}" '
                         f'stroke="{BOX_LINE}" stroke-width="1"/>')
                o.append(_text_block(_wrap(group, (HEAD_CHARS * w) // LANE_W), x0 + w / 2, MARGIN + 8,
                                     HEAD_FONT, HEAD_LINE_H, INK, bold=True))
            i = j + 1
    # Lanes and their headings.
    for p, i in lanes.items():
        x0 = MARGIN + i * LANE_W
        o.append(f'<rect x="{x0}" y="{lanes_top}" width="{LANE_W}" height="{lanes_bottom - lanes_top}" '
                 f'fill="{LANE_A if i % 2 == 0 else LANE_B}" stroke="{BOX_LINE}" stroke-width="1"/>')
        o.append(f'<rect x="{x0}" y="{lanes_top}" width="{LANE_W}" height="{head_h}" fill="{HEAD_BG}" '
                 f'stroke="{BOX_LINE}" stroke-width="1"/>')
        o.append(_text_block(_wrap(sop.peran(p).nama, HEAD_CHARS), x0 + LANE_W / 2, lanes_top + 7,
                             HEAD_FONT, HEAD_LINE_H, HEAD_INK, bold=True))
    # Boxes: one per step, in its role's lane (spanning adjacent lanes for a shared step).
    boxes = []
    for step, text, y, box_h in rows:
        idx = sorted(lanes[k] for k in step.pelaksana)
        groups, run = [], [idx[0]]
        for i in idx[1:]:
            if i == run[-1] + 1:
                run.append(i)
            else:
                groups.append(run)
                run = [i]
        groups.append(run)
        rects = []
        for run in groups:
            x0 = MARGIN + run[0] * LANE_W + 10
            w = (run[-1] - run[0] + 1) * LANE_W - 20
            dash = ' stroke-dasharray="6 4"' if step.pelaksana_disimpulkan else ""
            o.append(f'<rect x="{x0}" y="{y}" width="{w}" height="{box_h}" rx="6" fill="{BOX_BG}" '
                     f'stroke="{BOX_LINE}" stroke-width="1.5"{dash}/>')
            o.append(_text_block(text, x0 + w / 2, y + 8, BOX_FONT, LINE_H, INK))
            rects.append((x0, w))
        if len(rects) > 1:  # non-adjacent lanes: join the boxes of one step
            for (xa, wa), (xb, _) in zip(rects, rects[1:]):
                o.append(f'<line x1="{xa + wa}" y1="{y + box_h / 2}" x2="{xb}" y2="{y + box_h / 2}" '
                         f'stroke="{ARROW}" stroke-width="1.5" stroke-dasharray="3 3"/>')
        boxes.append((rects[0][0] + rects[0][1] / 2, y, box_h))
    # Arrows in step order: straight down within a lane, an elbow between lanes.
    for (xa, ya, ha), (xb, yb, _) in zip(boxes, boxes[1:]):
        y1, y2 = ya + ha, yb
        if abs(xa - xb) < 1:
            d = f"M{xa},{y1} L{xb},{y2 - 1}"
        else:
            mid = y1 + (y2 - y1) / 2
            d = f"M{xa},{y1} L{xa},{mid} L{xb},{mid} L{xb},{y2 - 1}"
        o.append(f'<path d="{d}" fill="none" stroke="{ARROW}" stroke-width="1.5" marker-end="url(#panah)"/>')
    if any(s.pelaksana_disimpulkan for s in sop.langkah):
        ly = lanes_bottom + 12
        o.append(f'<rect x="{MARGIN + 2}" y="{ly}" width="28" height="16" rx="3" fill="{BOX_BG}" '
                 f'stroke="{BOX_LINE}" stroke-width="1.5" stroke-dasharray="6 4"/>')
        legend = _wrap("= pelaksana disimpulkan dari teks kegiatan", max(20, (width - 60) // 7))
        o.append(f'<text x="{MARGIN + 38}" y="{ly + 12}" font-size="12" fill="{INK}">'
                 + "".join(f'<tspan x="{MARGIN + 38}" dy="{0 if k == 0 else 14}">{_x(t)}</tspan>'
                           for k, t in enumerate(legend[:2])) + "</text>")
    o.append("</svg>\n")
    return "\n".join(o)


def _svg_head(width: int, height: int, label: str, desc: str) -> list[str]:
    """The opening of both diagrams: size, accessible name and description, arrow head, white ground."""
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_x(label)}" font-family="{_x(FONT)}">',
            f"<title>{_x(label)}</title>",
            f"<desc>{_x(desc)}</desc>",
            "<defs><marker id=\"panah\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
            f"markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{ARROW}\"/>"
            "</marker></defs>",
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']


def _text_block(lines: list[str], x: float, top: float, size: int, line_h: int, fill: str,
                bold: bool = False, centred: bool = True) -> str:
    """Lines of text from `top`, centred on `x` (the lanes' boxes) or starting at it (one column)."""
    anchor = ' text-anchor="middle"' if centred else ""
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(f'<tspan x="{x:g}" dy="{size if k == 0 else line_h}">{_x(t)}</tspan>'
                    for k, t in enumerate(lines))
    return f'<text x="{x:g}" y="{top:g}" font-size="{size}" fill="{fill}"{anchor}{weight}>{spans}</text>'


# ---------------------------------------------------------------------------- one-column diagram

NARROW_SUFFIX = "-vertikal.svg"
NARROW_W = 328  # Material's text column on a 360 px phone: the diagram is shown at 1:1 there
N_ROLE_FONT, N_BOX_FONT, N_LINE_H, N_GAP, N_PAD = 13, 14, 18, 20, 8
# Characters per line, from the average advance of the system sans-serif (wider for the bold
# executor names, often in capitals), so that no line runs past its box.
N_CHARS = int((NARROW_W - 2 * N_PAD - 4) / (N_BOX_FONT * 0.6))
N_ROLE_CHARS = int((NARROW_W - 2 * N_PAD - 4) / (N_ROLE_FONT * 0.74))
N_LINES = 3  # the full text is in the step list just above the diagram


def _narrow_layout(sop: Sop):
    rows, y = [], 2
    for step in sop.langkah:
        who = ", ".join(sop.peran(k).nama for k in step.pelaksana)
        role = _wrap(f"{step.nomor}. {who}", N_ROLE_CHARS, 2)
        text = _wrap(step.kegiatan, N_CHARS, N_LINES)
        box_h = N_PAD + len(role) * (N_ROLE_FONT + 3) + 4 + len(text) * N_LINE_H + N_PAD - 2
        rows.append((step, role, text, y, box_h))
        y += box_h + N_GAP
    legend = (_wrap("Garis putus-putus: pelaksana disimpulkan dari teks kegiatan.", N_CHARS)
              if any(s.pelaksana_disimpulkan for s in sop.langkah) else [])
    height = y - N_GAP + 4 + (len(legend) * N_LINE_H + 8 if legend else 0)
    return rows, legend, height


def narrow_size(sop: Sop) -> tuple[int, int]:
    _, _, height = _narrow_layout(sop)
    return NARROW_W, round(height)


def render_svg_narrow(sop: Sop) -> str:
    """The flow in one column: a box per step, its executor on the box's first line."""
    rows, legend, height = _narrow_layout(sop)
    label = (f"Bagan alur SOP {sop.nama}: {len(sop.langkah)} langkah berurutan, "
             f"pelaksana tertulis pada setiap kotak.")
    desc = " ".join(f"Langkah {s.nomor}: {s.kegiatan} (pelaksana: "
                    f"{', '.join(sop.peran(k).nama for k in s.pelaksana)})." for s in sop.langkah)
    o = _svg_head(NARROW_W, round(height), label, desc)
    for n, (step, role, text, y, box_h) in enumerate(rows):
        dash = ' stroke-dasharray="6 4"' if step.pelaksana_disimpulkan else ""
        o.append(f'<rect x="1" y="{y}" width="{NARROW_W - 2}" height="{box_h}" rx="6" fill="{BOX_BG}" '
                 f'stroke="{BOX_LINE}" stroke-width="1.5"{dash}/>')
        role_h = len(role) * (N_ROLE_FONT + 3)
        o.append(f'<rect x="1" y="{y}" width="{NARROW_W - 2}" height="{N_PAD + role_h}" rx="6" fill="{HEAD_BG}"/>')
        o.append(_text_block(role, N_PAD + 2, y + N_PAD - 3, N_ROLE_FONT, N_ROLE_FONT + 3, HEAD_INK, bold=True,
                                 centred=False))
        o.append(_text_block(text, N_PAD + 2, y + N_PAD + role_h, N_BOX_FONT, N_LINE_H, INK, centred=False))
        if n + 1 < len(rows):
            x = NARROW_W / 2
            o.append(f'<path d="M{x},{y + box_h} L{x},{y + box_h + N_GAP - 1}" fill="none" stroke="{ARROW}" '
                     f'stroke-width="1.5" marker-end="url(#panah)"/>')
    if legend:
        ly = rows[-1][3] + rows[-1][4] + 10
        o.append(_text_block(legend, 2, ly, N_ROLE_FONT, N_LINE_H, INK, centred=False))
    o.append("</svg>\n")
    return "\n".join(o)

