"""The texts of the e-mail the portal sends to citizens, in Bahasa Indonesia."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

from .calendar import Deadline
from .formatting import jam, tanggal_panjang
from .rendering import render_reply

SIGNATURE = (
    "Hormat kami,\n"
    "Layanan Pengaduan\n"
    "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek\n\n"
    "E-mail ini dikirim otomatis; mohon tidak membalas e-mail ini. "
    "Jangan berikan kode pelacakan kepada orang yang tidak Anda percayai."
)


def acknowledgment(code: str, received_at: datetime, due: Deadline, base_url: str,
                   category: str) -> tuple[str, str]:
    subject = f"Pengaduan Anda telah kami terima (kode {code})"
    body = (
        "Terima kasih, pengaduan Anda telah kami terima dan tercatat.\n\n"
        f"Kode pelacakan : {code}\n"
        f"Kategori       : {category}\n"
        f"Diterima       : {tanggal_panjang(received_at)}, pukul {jam(received_at)} WIB\n"
        f"Batas tanggapan: {tanggal_panjang(due.due)}\n\n"
        "Simpan kode pelacakan ini. Untuk melihat perkembangan pengaduan Anda, buka\n"
        f"{base_url.rstrip('/')}/pengaduan/lacak dan masukkan kode tersebut.\n\n"
        "Langkah berikutnya: petugas menelaah pengaduan Anda. Bila diperlukan, kami akan\n"
        "meminta informasi tambahan melalui halaman pelacakan dan e-mail ini.\n\n"
        + SIGNATURE
    )
    return subject, body


def mail_domain(base_url: str) -> str:
    """The host part of the public address, for Message-IDs."""
    return re.sub(r"^[a-z]+://", "", base_url).split("/")[0].split(":")[0] or "localhost"


def _track_hint(code: str, base_url: str) -> str:
    return (f"Perkembangan pengaduan dapat dilihat di {base_url.rstrip('/')}/pengaduan/lacak "
            f"dengan kode pelacakan {code}.\n\n")


def not_fit(code: str, reason: str, base_url: str) -> tuple[str, str]:
    return (f"Hasil telaah pengaduan Anda (kode {code})",
            "Pengaduan Anda telah kami telaah dan tidak dapat kami tindak lanjuti.\n\n"
            f"Alasan: {reason}\n\n" + _track_hint(code, base_url) +
            "Bila Anda tidak puas, Anda dapat menyampaikan pengaduan kepada Ombudsman Republik Indonesia "
            "(www.ombudsman.go.id).\n\n" + SIGNATURE)


def information_requested(code: str, note: str, base_url: str) -> tuple[str, str]:
    return (f"Kami memerlukan informasi tambahan (kode {code})",
            "Untuk menindaklanjuti pengaduan Anda, kami memerlukan informasi tambahan:\n\n"
            f"{note}\n\n"
            f"Tambahkan informasi melalui {base_url.rstrip('/')}/pengaduan/lacak dengan kode {code}. "
            "Selama kami menunggu, batas waktu tanggapan dihentikan sementara. Bila informasi tidak "
            "kami terima dalam batas waktu, pengaduan dianggap dicabut.\n\n" + SIGNATURE)


def withdrawn(code: str) -> tuple[str, str]:
    return (f"Pengaduan Anda dianggap dicabut (kode {code})",
            "Informasi tambahan yang kami minta tidak kami terima sampai batas waktu, sehingga pengaduan "
            "Anda dianggap dicabut. Anda dapat menyampaikan pengaduan baru kapan saja.\n\n" + SIGNATURE)


class _PlainText(HTMLParser):
    """The reply's HTML (render_reply's short allow-list) as text a person reads in any mail
    program or chat: bullets and numbers for lists, no Markdown marks, links as "text (address)"."""

    BLOCKS = {"p", "ul", "ol", "blockquote", "h3", "h4"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # per open list: [kind, next number]
        self.quote = 0
        self.href: str | None = None

    def _break(self, blank: bool) -> None:
        text = "".join(self.out).rstrip(" ")
        want = "\n\n" if blank else "\n"
        if text and not text.endswith(want):
            text = text.rstrip("\n") + want
        self.out = [text]

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._break(blank=not self.lists)
            if tag in ("ul", "ol"):
                self.lists.append([tag, 1])
            elif tag == "blockquote":
                self.quote += 1
        elif tag == "li":
            self._break(blank=False)
            kind = self.lists[-1] if self.lists else ["ul", 1]
            bullet = "\u2022 " if kind[0] == "ul" else f"{kind[1]}. "
            kind[1] += 1
            self.out.append("   " * (len(self.lists) - 1) + bullet)
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "a" and self.href:
            self.out.append(f" ({self.href.removeprefix('mailto:')})")
            self.href = None
        if tag in self.BLOCKS:
            self._break(blank=not self.lists)

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        at_line_start = not "".join(self.out) or "".join(self.out).endswith("\n")
        if at_line_start and not text.strip():
            return  # the newlines markdown puts between tags
        if self.quote and at_line_start:
            text = "> " + text.lstrip()
        self.out.append(text)


def reply_text(markdown: str) -> str:
    """A reply as plain text: rendered by the one rule (render_reply), then read as a person would."""
    parser = _PlainText()
    parser.feed(render_reply(markdown))
    parser.close()
    lines = [line.strip() if not line.lstrip().startswith(("\u2022", "> ")) and not re.match(r"\s*\d+\. ", line)
             else line.rstrip() for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reply(code: str, text: str, nomor: str, base_url: str, rating_url: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML alternative of the reply e-mail."""
    track = f"{base_url.rstrip('/')}/pengaduan/lacak"
    plain = (f"Nomor surat: {nomor}\n\n{reply_text(text)}\n\n" + _track_hint(code, base_url) +
             "Mohon nilai tanggapan kami, dan beri tahu kami bila masalah Anda belum selesai:\n"
             f"{rating_url}\n\n" + SIGNATURE)
    signature = "".join(f"<p>{escape(block).replace(chr(10), '<br>')}</p>" for block in SIGNATURE.split("\n\n"))
    html = (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"></head><body>'
            f"<p>Nomor surat: {escape(nomor)}</p>{render_reply(text)}"
            f'<p>Perkembangan pengaduan dapat dilihat di <a href="{escape(track)}">{escape(track)}</a> '
            f"dengan kode pelacakan {escape(code)}.</p>"
            f"<p>Mohon nilai tanggapan kami, dan beri tahu kami bila masalah Anda belum selesai: "
            f'<a href="{escape(rating_url)}">{escape(rating_url)}</a></p>{signature}</body></html>')
    return f"Tanggapan atas pengaduan Anda (kode {code})", plain, html


# Complaints that came in by these channels are answered by WhatsApp (the citizen gave a phone number).
WHATSAPP_CHANNELS = ("whatsapp", "telepon")


def whatsapp_number(phone: str) -> str | None:
    """An Indonesian number in the international form wa.me expects (62..., digits only), or None
    when what was written is not a number we can message."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if re.fullmatch(r"62\d{8,13}", digits) else None


def whatsapp_link(phone: str, code: str, text: str, nomor: str, base_url: str) -> str | None:
    """A wa.me link that opens a chat with the citizen, the approved reply (as plain text) and the
    tracking address already written; the operator only presses send."""
    number = whatsapp_number(phone)
    if number is None:
        return None
    message = (f"Tanggapan atas pengaduan Anda (kode {code})\nNomor surat: {nomor}\n\n{reply_text(text)}\n\n"
               + _track_hint(code, base_url).strip()
               + "\n\nDinas Kependudukan dan Pencatatan Sipil Kabupaten Trenggalek")
    return f"https://wa.me/{number}?text={quote(message, safe='')}"


def reopened(code: str, note: str, base_url: str) -> tuple[str, str]:
    return (f"Pengaduan Anda kami tangani kembali (kode {code})",
            "Terima kasih atas penilaian Anda. Pengaduan Anda kami buka kembali dan kami tangani ulang.\n\n"
            f"{note}\n\n" + _track_hint(code, base_url) + SIGNATURE)


def kept_closed(code: str, note: str, base_url: str) -> tuple[str, str]:
    return (f"Tanggapan lanjutan atas pengaduan Anda (kode {code})",
            "Terima kasih atas penilaian Anda. Setelah kami tinjau ulang, pengaduan Anda kami nyatakan "
            f"selesai dengan penjelasan berikut:\n\n{note}\n\n" + _track_hint(code, base_url) +
            "Bila Anda tidak puas, Anda dapat menyampaikan pengaduan kepada Ombudsman Republik Indonesia "
            "(www.ombudsman.go.id).\n\n" + SIGNATURE)
