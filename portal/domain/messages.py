"""The texts of the e-mail the portal sends to citizens, in Bahasa Indonesia."""

from __future__ import annotations

import re
from datetime import datetime

from .calendar import Deadline
from .formatting import jam, tanggal_panjang

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


def reply(code: str, text: str, nomor: str, base_url: str, rating_url: str) -> tuple[str, str]:
    return (f"Tanggapan atas pengaduan Anda (kode {code})",
            f"Nomor surat: {nomor}\n\n{text}\n\n" + _track_hint(code, base_url) +
            "Mohon nilai tanggapan kami, dan beri tahu kami bila masalah Anda belum selesai:\n"
            f"{rating_url}\n\n" + SIGNATURE)


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
