"""E-mail addresses typed by citizens and staff. One rule for every form: email-validator's
reading of the standards (no DNS look-up), not a pattern, which let
`victim,attacker@evil.example` through as one address."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class InvalidEmail(ValueError):
    "Not one valid e-mail address."


def normalise(address: str | None, *, example: str = "nama@contoh.id") -> str:
    """The address in its normalized form (domain in lower case, Unicode normalized), or ""
    when nothing was typed. Raises InvalidEmail with a message for the person who typed it."""
    address = (address or "").strip()
    if not address:
        return ""
    try:
        # Deliverability is not checked: no network look-up while a citizen waits, and an
        # office without DNS still accepts complaints. ASCII local parts only: not every SMTP
        # relay speaks SMTPUTF8, and a queued message that can never be sent helps no one.
        return validate_email(address, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError:
        if any(sep in address for sep in ",;"):
            raise InvalidEmail(f"Alamat e-mail tidak valid: isi satu alamat saja. Contoh: {example}") from None
        raise InvalidEmail(f"Alamat e-mail tidak valid. Contoh: {example}") from None
