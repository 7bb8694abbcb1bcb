"""The 16 SOP pages of Bidang PIAK, generated from content/data/sop/*.yml.

Outputs (paths relative to content/):

- sop/index.md          the list of SOPs, each with its number and number of steps;
- sop/<slug>.md         one page per SOP: its number, the steps as an ordered list (one line
                        each, details folded; the diagram's text alternative), the flow diagram,
                        then the document's header data, legal basis, qualifications, related
                        SOPs, equipment, warnings and sign-off, each folded;
- sop/<slug>.svg        the flow diagram: one lane per executor role, one box per step, arrows
                        in order; hand-built SVG, system fonts only, scales to the page width;
- sop/<slug>-vertikal.svg  the same flow in one column, each box naming its executor, drawn at
                        the width of a phone's text column (shown instead on narrow screens).

The data are read and checked by portal.domain.sop (re-exported here: `load_all`,
`load_one`, `Sop`), so the site and the portal read the same file the same way.
The Markdown needs attr_list, md_in_html, def_list and admonition.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path

from ..domain.formatting import tanggal
from ..domain.sop import Langkah, Sop, load_all, load_one  # noqa: F401  (re-exported)

__all__ = ["generate", "load_all", "load_one", "Sop", "render_page", "render_index", "render_svg",
           "render_svg_narrow"]

OUT_DIR = "sop"
OUTPUTS = (f"{OUT_DIR}/*",)
SOURCE = "dokumen SOP Bidang PIAK Dispendukcapil Kabupaten Trenggalek"


def generate(content_dir: Path, preview: bool) -> dict[str, str | bytes]:
    sops = load_all(content_dir)
    if not sops:
        return {}
    by_title = {_norm(s.judul_asli): s for s in sops}
    out: dict[str, str | bytes] = {f"{OUT_DIR}/index.md": render_index(sops)}
    for sop in sops:
        out[f"{OUT_DIR}/{sop.slug}.md"] = render_page(sop, by_title)
        out[f"{OUT_DIR}/{sop.slug}.svg"] = render_svg(sop)
        out[f"{OUT_DIR}/{sop.slug}{NARROW_SUFFIX}"] = render_svg_narrow(sop)
    return out


# ---------------------------------------------------------------------------- text helpers

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def md(text: str) -> str:
    "Text as literal Markdown: HTML-escaped, every Markdown-special character backslash-escaped."
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False).replace("&gt;", ">"))


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _front_matter(title: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"


def _disahkan(sop: Sop) -> str:
    "The date of the sign-off sheet ('Trenggalek, 08 Desember 2017'), else the effective date."
    if sop.lembar_pengesahan and "," in sop.lembar_pengesahan.tempat_tanggal:
        return sop.lembar_pengesahan.tempat_tanggal.split(",", 1)[1].strip()
    return tanggal(sop.tanggal_efektif)


def _source_line(sop: Sop) -> str:
    return f"Sumber: {SOURCE} (nomor {md(sop.nomor)}, disahkan {md(_disahkan(sop))})."


def _list(items, ordered: bool = False) -> str:
    return "\n".join(f"{i}. {md(t)}" if ordered else f"- {md(t)}" for i, t in enumerate(items, 1)) + "\n"


# ---------------------------------------------------------------------------- index page

def render_index(sops: list[Sop]) -> str:
    nomor = sorted({s.nomor for s in sops})
    first = sops[0]
    lines = [
        _front_matter("Standar Operasional Prosedur (SOP)"),
        "# Standar Operasional Prosedur (SOP) Bidang PIAK\n",
        f"Bidang Pengelolaan Informasi Administrasi Kependudukan (PIAK) Dispendukcapil Kabupaten Trenggalek "
        f"bekerja menurut {len(sops)} SOP berikut. Setiap halaman memuat langkah-langkah, pelaksana, "
        f"kelengkapan, waktu dan keluaran setiap langkah, beserta bagan alurnya.\n",
    ]
    if len(nomor) == 1:
        lines.append(f"Dokumen SOP memberi satu nomor untuk seluruh SOP: **{md(nomor[0])}**, "
                     f"berlaku sejak {md(tanggal(first.tanggal_efektif))}.\n")
    lines.append("")
    for sop in sops:
        lines.append(f"{sop.urutan}. [{md(sop.nama)}]({sop.slug}.md)  \n"
                     f"    Nomor {md(sop.nomor)}, {len(sop.langkah)} langkah")
    lines.append("")
    if any(step.pelaksana_disimpulkan for sop in sops for step in sop.langkah):
        lines.append("Dalam teks dokumen sumber, tanda pelaksana pada sebagian tabel langkah tidak terbaca. "
                     "Pelaksana langkah tersebut ditandai *pelaksana disimpulkan dari teks kegiatan* "
                     "beserta alasannya.\n")
    lines.append(f"Sumber: {SOURCE} (nomor {', '.join(md(n) for n in nomor)}, disahkan {md(_disahkan(first))}).\n")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- SOP page

def render_page(sop: Sop, by_title: dict[str, Sop] | None = None) -> str:
    """One SOP's page, compact enough for a phone: the number and the steps first, each step one
    line (its details folded), then the diagram; the document's other parts folded at the end."""
    by_title = by_title or {}
    title = f"SOP {sop.nama}"
    out = [_front_matter(title), f"# {md(title)}\n"]
    out.append(f"Nomor SOP {md(sop.nomor)}, berlaku sejak {tanggal(sop.tanggal_efektif)}: "
               f"{len(sop.langkah)} langkah ([lihat langkah-langkah](#langkah)), dengan bagan alurnya.\n")

    deadlines = sop.tenggat_portal()
    if deadlines:
        out.append("## Batas waktu di portal\n")
        out.append("Portal Dispendukcapil menghitung tenggat berikut dari data SOP ini:\n")
        for t in deadlines.values():
            jenis = "hari kerja" if t.jenis == "kerja" else "hari kalender"
            out.append(f"- **{md(t.nama)}**: {t.hari} {jenis} ({md(t.dasar)})")
        out.append("")

    out.append("## Langkah-langkah {#langkah}\n")
    inferred = [s for s in sop.langkah if s.pelaksana_disimpulkan]
    all_inferred = len(inferred) == len(sop.langkah)
    out.append("Ketuk sebuah langkah untuk melihat kelengkapan, waktu, dan hasilnya.\n")
    if inferred:
        # Said once for the page (it used to follow every step), with what marks it on the page.
        which = ("Pelaksana setiap langkah SOP ini" if all_inferred
                 else "Pelaksana yang bertanda \\* (dan kotak bergaris putus-putus pada bagan)")
        out.append(f"{which} disimpulkan dari teks kegiatan, karena tanda pelaksana tidak "
                   "terbaca dalam teks dokumen sumber.\n")
    out.append('<ol class="sop-langkah" markdown="block">')
    for step in sop.langkah:
        out.append(_render_step(sop, step, mark_inferred=not all_inferred))
    out.append("</ol>\n")

    out.append("## Bagan alur\n")
    roles = ", ".join(p.nama for p in sop.pelaksana)
    alt = (f"Bagan alur SOP {sop.nama}: {len(sop.langkah)} langkah dalam {len(sop.pelaksana)} lajur pelaksana "
           f"({roles}). Uraian lengkap setiap langkah ada pada daftar langkah di atas.")
    w, h = _svg_size(sop)
    nw, nh = _narrow_size(sop)
    # On a screen without Material's sidebars (below 60em: phones, tablets) the same flow stacked in
    # one column is shown instead (site CSS, .sop-bagan-*): drawn at the width of a phone's text
    # column, its text keeps its drawn size on a 360 px phone, where the lane diagram's shrank to
    # about 5 px. The hidden one is lazy, so the browser does not fetch it.
    out.append(f'[![{md(alt)}]({sop.slug}.svg){{ width="{w}" height="{h}" loading="lazy" }}]({sop.slug}.svg)'
               '{ .sop-bagan-lajur }')
    column_alt = (f"Bagan alur SOP {sop.nama}: {len(sop.langkah)} langkah berurutan, pelaksananya tertulis pada "
                  "setiap kotak. Uraian lengkap setiap langkah ada pada daftar langkah di atas.")
    out.append(f'[![{md(column_alt)}]({sop.slug}{NARROW_SUFFIX}){{ width="{nw}" height="{nh}" loading="lazy" }}]'
               f'({sop.slug}{NARROW_SUFFIX}){{ .sop-bagan-kolom }}\n')
    out.append("Ketuk bagan untuk membukanya dalam ukuran penuh.\n")

    out.append("## Dokumen SOP\n")
    k = sop.disahkan_oleh
    signer = ", ".join(md(x) for x in (k.nama, k.pangkat) if x)
    header = [f"Nomor SOP\n:   {md(sop.nomor)}\n",
              f"Tanggal pembuatan\n:   {tanggal(sop.tanggal_pembuatan)}\n",
              f"Tanggal revisi\n:   {tanggal(sop.tanggal_revisi)}\n",
              f"Tanggal efektif\n:   {tanggal(sop.tanggal_efektif)}\n",
              f"Disahkan oleh\n:   {signer}  \n    {md(k.jabatan)}\n",
              "Pelaksana\n" + "".join(f":   {_role_label(p)}\n" for p in sop.pelaksana)]
    out.append(_folded("Nomor, tanggal, pengesahan, dan pelaksana", "\n".join(header)))
    out.append(_folded("Dasar hukum", _list(sop.dasar_hukum, ordered=True)))
    out.append(_folded("Kualifikasi pelaksana", _list(sop.kualifikasi_pelaksana, ordered=True)))
    out.append(_folded("Keterkaitan dengan SOP lain", _related(sop, by_title)))
    out.append(_folded("Peralatan dan perlengkapan",
                       _list(sop.peralatan) if sop.peralatan else "Tidak dicantumkan dalam dokumen SOP.\n"))
    out.append(_folded("Peringatan", _list(sop.peringatan) if sop.peringatan else "Tidak dicantumkan dalam dokumen SOP.\n"))
    out.append(_folded("Pencatatan dan pendataan",
                       _list(sop.pencatatan) if sop.pencatatan else "Tidak diisi dalam dokumen SOP.\n"))
    if sop.lembar_pengesahan:
        lp = sop.lembar_pengesahan
        text = f"{md(lp.tempat_tanggal)}\n\n"
        if lp.mengetahui:
            text += "Mengetahui\n" + "".join(f":   {_pejabat(p)}\n" for p in lp.mengetahui) + "\n"
        if lp.menyetujui:
            text += f"Menyetujui\n:   {_pejabat(lp.menyetujui)}\n"
        out.append(_folded("Pengesahan", text))

    notes = ([sop.nomor_catatan] if sop.nomor_catatan else []) + list(sop.catatan) + \
        [f"{p.nama}: {c}" for p in sop.pelaksana for c in p.catatan] + \
        (list(sop.lembar_pengesahan.catatan) if sop.lembar_pengesahan else [])
    if notes:
        out.append(_folded("Catatan transkripsi",
                           "Halaman ini disalin dari teks dokumen SOP apa adanya, termasuk pengulangan dan "
                           "salah ketiknya. Catatan berikut menjelaskan bagian yang janggal.\n\n"
                           + "\n".join(f"- {md(n)}" for n in notes) + "\n"))

    out.append("---\n")
    out.append(_source_line(sop) + "\n")
    return "\n".join(out)


def _folded(summary: str, markdown_text: str) -> str:
    """A part of the SOP document a citizen rarely needs, folded under its name."""
    return (f'<details class="sop-bagian" markdown="block">\n<summary>{html.escape(summary)}</summary>\n\n'
            f"{markdown_text.rstrip()}\n\n</details>\n")


def _role_label(p) -> str:
    return md(p.nama) + (f" ({md(p.kelompok)})" if p.kelompok else "")


def _pejabat(p) -> str:
    "Name, rank and position; the NIP stays in the data file and is not published."
    return ", ".join(md(x) for x in (p.nama, p.pangkat) if x) + f"  \n    {md(p.jabatan)}"


def _render_step(sop: Sop, step: Langkah, mark_inferred: bool = True) -> str:
    """One step: its number, activity and executor on one folded line; the rest inside."""
    names = md(", ".join(sop.peran(k).nama for k in step.pelaksana))
    star = "\\*" if step.pelaksana_disimpulkan and mark_inferred else ""
    lines = [f'<li id="langkah-{step.nomor}" markdown="block">',
             '<details class="sop-langkah__isi" markdown="block">',
             f'<summary markdown="span">**Langkah {step.nomor}:** {md(step.kegiatan)}  \n'
             f'<span class="sop-pelaksana">Pelaksana: {names}{star}</span></summary>', ""]
    for label, value in (("Kelengkapan", step.kelengkapan), ("Waktu", step.waktu), ("Hasil", step.output),
                         ("Keterangan", step.keterangan)):
        if label == "Waktu" and value and step.tenggat:
            jenis = "hari kerja" if step.tenggat.jenis == "kerja" else "hari kalender"
            lines += [label, f":   {md(value)} (dihitung portal sebagai {step.durasi.jumlah} {jenis})", ""]
        elif value:
            lines += [label, f":   {md(value)}", ""]
        elif label in ("Kelengkapan", "Waktu"):
            lines += [label, ":   tidak dicantumkan", ""]
    if step.pelaksana_disimpulkan and step.dasar_pelaksana:
        lines += ["Dasar penentuan pelaksana", f":   {md(step.dasar_pelaksana)}", ""]
    if step.sub_langkah:
        lines += ["Rincian kegiatan:", ""]
        letters = [s.huruf for s in step.sub_langkah]
        sequential = letters == [chr(ord("a") + i) for i in range(len(letters))]
        lines.append('<ol type="a" markdown="block">' if sequential else '<ul markdown="block">')
        for sub in step.sub_langkah:
            prefix = "" if sequential else f"{md(sub.huruf)}\\. "
            lines.append(f'<li markdown="span">{prefix}{md(sub.kegiatan)}</li>')
        lines += ["</ol>" if sequential else "</ul>", ""]
    if step.catatan:
        lines += ['!!! note "Catatan transkripsi"', ""]
        lines += [f"    - {md(c)}" for c in step.catatan]
        lines.append("")
    lines += ["</details>", "</li>", ""]
    return "\n".join(lines)


def _related(sop: Sop, by_title: dict[str, Sop]) -> str:
    lines = []
    for i, text in enumerate(sop.keterkaitan, 1):
        other = by_title.get(_norm(text))
        if other is sop:
            lines.append(f"{i}. {md(text)} (SOP ini)")
        elif other:
            lines.append(f"{i}. [{md(text)}]({other.slug}.md)")
        else:
            lines.append(f"{i}. {md(text)}")
    return ("\n".join(lines) + "\n") if lines else "Tidak dicantumkan dalam dokumen SOP.\n"


# ---------------------------------------------------------------------------- flow diagram (SVG)

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


def _svg_size(sop: Sop) -> tuple[int, int]:
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


def _narrow_size(sop: Sop) -> tuple[int, int]:
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

