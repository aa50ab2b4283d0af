"""Alembic migrations of the desk database."""
