"""The password policy: what a new password must be, and the one-time passwords the portal makes."""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

# OWASP ASVS 5.0 V6.2: at least 12 characters, at least 64 allowed (hashing cost bounds the
# top), no composition rules, not a common password, not the user's own name.
MIN_PASSWORD = 12
MAX_PASSWORD = 128
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "kata-sandi-umum.txt"


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def _own_words(username: str, display_name: str) -> set[str]:
    """The user name and the name, whole and word by word (words of 3 letters or more)."""
    words = {username.strip().lower(), "".join(display_name.lower().split())}
    for text in (username, display_name):
        words.update(w for w in re.split(r"[\W_]+", text.lower()) if len(w) >= 3)
    return {w for w in words if w}


def password_problem(password: str, *, username: str, display_name: str = "") -> str | None:
    """Why this password may not be used by this account, in words for its user; None when it may."""
    if len(password) < MIN_PASSWORD:
        return (f"Kata sandi minimal {MIN_PASSWORD} karakter (yang Anda isi {len(password)}). "
                "Beberapa kata yang mudah Anda ingat lebih mudah daripada satu kata yang rumit.")
    if len(password) > MAX_PASSWORD:
        return f"Kata sandi paling panjang {MAX_PASSWORD} karakter."
    if password.lower() in _common_passwords() or password.strip().lower() in _common_passwords():
        return "Kata sandi ini terlalu umum: termasuk yang paling sering dipakai orang dan mudah ditebak. Pilih yang lain."
    lowered = password.lower()
    if any(word in lowered for word in _own_words(username, display_name)):
        return "Kata sandi tidak boleh memuat nama pengguna atau nama Anda. Pilih yang lain."
    return None


def new_password(username: str, display_name: str) -> str:
    "A one-time password: 16 random characters that pass the policy, shown once to the administrator."
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, username=username, display_name=display_name) is None:
            return password
