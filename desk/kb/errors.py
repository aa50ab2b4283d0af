"""Errors of the knowledge-base loader."""


class SeedError(ValueError):
    """Invalid seed files. The message names the file, the item and the fix."""
