"""Placeholder generator; see portal/publish/__init__.py for the contract."""


def generate(content_dir, preview):
    return {}
