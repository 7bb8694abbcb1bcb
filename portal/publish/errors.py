"""The one error a site data file can cause (defined with the domain, which reads the same files)."""

from ..domain.errors import DataError

__all__ = ["DataError"]
