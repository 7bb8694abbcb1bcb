"""The wording of each letter, written once.

`blocks` turns a gathered context (document_context.gather) into the letter's blocks in order:
its title, label : value fields, paragraphs, numbered points, the disposisi boxes, the reply and
the signature, each with its finished text. document_templates/letter.html lays the blocks out as
HTML (and so PDF), document_docx.py as .docx; neither holds a sentence of its own, so a change of
wording here reaches the PDF, the .docx and the HTML together.

Block types: title (text), place_date (text), fields (rows of (label, value); a list value is
several numbered lines), rule, address (lines), paragraph (text), numbered (points of (heading,
paragraphs)), boxes (rows of cells (label, value): a str is written after the label, a list as
paragraphs below it; one cell spans the row), reply (the approved reply, from the context), and
signature (place_date, position, name, below).
"""

from __future__ import annotations


def _signature(who: dict, place_date: str | None = None) -> dict:
    below = ([who["pangkat"]] if who.get("pangkat") else []) + ([f"NIP. {who['nip']}"] if who.get("nip") else [])
    return {"type": "signature", "place_date": place_date,
            "position": f"{who['jabatan']}," if who.get("jabatan") else None, "name": who["nama"], "below": below}


def _nota_dinas(c: dict) -> list[dict]:
    return [
        {"type": "title", "text": c["judul"]},
        {"type": "fields", "rows": [("Yth.", c["kepada"]), ("Dari", c["dari"]), ("Tembusan", c["tembusan"]),
                                    ("Tanggal", c["tanggal"]), ("Nomor", c["nomor"]), ("Sifat", c["sifat"]),
                                    ("Lampiran", c["lampiran"]), ("Hal", c["hal"])]},
        {"type": "rule"},
        {"type": "paragraph",
         "text": f"Bersama ini kami laporkan pengaduan masyarakat yang diterima pada tanggal {c['diterima']} "
                 f"(Kode pengaduan: {c['kode_pengaduan']}), dengan uraian sebagai berikut:"},
        {"type": "numbered", "points": [("Ringkasan pengaduan:", c["ringkasan"]), ("Hasil telaah:", c["telaah"])]},
        {"type": "paragraph", "text": "Demikian kami laporkan, mohon arahan dan disposisi lebih lanjut."},
        _signature(c["penandatangan"]),
    ]


def _lembar_disposisi(c: dict) -> list[dict]:
    nota = c["nota"]
    rows = [
        [("Surat dari:", nota["dari"]), ("Kode pengaduan:", c["kode_pengaduan"])],
        [("Nomor surat:", nota["nomor"]), ("Sifat:", nota["sifat"])],
        [("Tanggal surat:", nota["tanggal"]), ("Tanggal disposisi:", c["tanggal"])],
        [("Hal:", nota["hal"])],
        [("Diteruskan kepada:", [f"Yth. {c['diteruskan_kepada']}"]), ("Dengan hormat harap:", c["instruksi"])],
        [("Batas waktu penyelesaian:", c["batas"])],
    ]
    return [
        {"type": "title", "text": c["judul"]},
        # A row written as paragraphs is the one staff fill in by hand on paper: it gets room.
        {"type": "boxes", "rows": [{"cells": row, "tall": any(isinstance(v, list) for _, v in row)} for row in rows]},
        _signature(c["penandatangan"], f"{c['kota']}, {c['tanggal']}"),
    ]


def _surat_tanggapan(c: dict) -> list[dict]:
    return [
        {"type": "place_date", "text": f"{c['kota']}, {c['tanggal']}"},
        {"type": "fields", "rows": [("Nomor", c["nomor"]), ("Sifat", c["sifat"]), ("Lampiran", c["lampiran"]),
                                    ("Hal", c["hal"])]},
        {"type": "address", "lines": ["Yth.", c["kepada"], "di Tempat"]},
        {"type": "paragraph",
         "text": f"Menindaklanjuti pengaduan {c['sapaan']} yang kami terima pada tanggal {c['diterima']} "
                 f"(Kode pengaduan: {c['kode_pengaduan']}), bersama ini kami sampaikan tanggapan sebagai berikut:"},
        {"type": "reply"},
        {"type": "paragraph", "text": f"Demikian tanggapan ini kami sampaikan. Atas perhatian {c['sapaan']}, kami "
                                      "ucapkan terima kasih."},
        _signature(c["penandatangan"]),
    ]


_LETTERS = {"nota-dinas": _nota_dinas, "lembar-disposisi": _lembar_disposisi, "surat-tanggapan": _surat_tanggapan}


def blocks(kind: str, context: dict) -> list[dict]:
    """The blocks of the letter of this kind, in order, with their finished text."""
    return _LETTERS[kind](context)
