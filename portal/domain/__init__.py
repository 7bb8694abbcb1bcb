"""Plain-Python domain logic (regions, NIK, tracking codes, working-day calendar); no Flask here."""
