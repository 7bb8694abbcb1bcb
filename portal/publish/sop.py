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
                        The two diagrams are drawn by portal.publish.sop_diagram (re-exported here).

The data are read and checked by portal.domain.sop (re-exported here: `load_all`,
`load_one`, `Sop`), so the site and the portal read the same file the same way.
The Markdown needs attr_list, md_in_html, def_list and admonition.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ..domain.formatting import tanggal
from ..domain.sop import Langkah, Sop, load_all, load_one  # noqa: F401  (re-exported)
from .sop_diagram import NARROW_SUFFIX, narrow_size, render_svg, render_svg_narrow, svg_size

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
    w, h = svg_size(sop)
    nw, nh = narrow_size(sop)
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
