"""The texts of the e-mail the portal sends to citizens, in Bahasa Indonesia."""

from __future__ import annotations

from datetime import datetime

from .calendar import Deadline, format_tanggal

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
        f"Diterima       : {format_tanggal(received_at.date())}, pukul {received_at:%H.%M} WIB\n"
        f"Batas tanggapan: {format_tanggal(due.due)}\n\n"
        "Simpan kode pelacakan ini. Untuk melihat perkembangan pengaduan Anda, buka\n"
        f"{base_url.rstrip('/')}/pengaduan/lacak dan masukkan kode tersebut.\n\n"
        "Langkah berikutnya: petugas menelaah pengaduan Anda. Bila diperlukan, kami akan\n"
        "meminta informasi tambahan melalui halaman pelacakan dan e-mail ini.\n\n"
        + SIGNATURE
    )
    return subject, body
