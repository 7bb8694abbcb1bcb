"""Complaint tracking codes that a citizen can read over the phone and nobody can guess.

A code is 11 random Crockford base32 characters (55 bits from `secrets`) plus one Luhn mod N
check character, shown in groups of four: "K7QM-2XHD-9PWR". The alphabet has no I, L, O or U,
so what is heard or handwritten maps back to one character, and the check character lets
the portal say "salah ketik" instead of "tidak ditemukan" when a single character is wrong.
"""

from __future__ import annotations

import enum
import re
import secrets

from stdnum import luhn

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
CODE_LENGTH = RANDOM_LENGTH + 1
GROUP = 4

_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_IGNORED = re.compile(r"[\s.\-]+")
# Crockford's decoding rules for letters that are left out because they look like others.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


class CodeStatus(enum.Enum):
    VALID = "valid"
    MISTYPED = "mistyped"  # right shape, but the check character does not match
    MALFORMED = "malformed"  # wrong length or characters outside the alphabet


def check_character(body: str) -> str:
    """The Luhn mod 32 check character for the 11 random characters."""
    # Luhn mod N over the Crockford alphabet: a single wrong character and most swaps of
    # neighbours change it.
    return luhn.calc_check_digit(body, ALPHABET)


def new_code() -> str:
    """A fresh random code in display form, e.g. "K7QM-2XHD-9PWR"."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return display(body + check_character(body))


def normalise(typed: str) -> str:
    """Upper-case, drop spaces/hyphens/dots and map look-alike letters (O->0, I/L->1, U->V)."""
    return _IGNORED.sub("", typed or "").upper().translate(_LOOKALIKES)


def display(compact: str) -> str:
    """Group a compact code in fours with hyphens: "K7QM2XHD9PWR" -> "K7QM-2XHD-9PWR"."""
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def check(typed: str) -> tuple[CodeStatus, str]:
    """Classify what the citizen typed; return the status and the display form.

    A malformed input is returned normalised but not grouped, since grouping suggests it is
    a real code.
    """
    compact = normalise(typed)
    if len(compact) != CODE_LENGTH or any(c not in _VALUE for c in compact):
        return CodeStatus.MALFORMED, compact
    if check_character(compact[:-1]) != compact[-1]:
        return CodeStatus.MISTYPED, display(compact)
    return CodeStatus.VALID, display(compact)
