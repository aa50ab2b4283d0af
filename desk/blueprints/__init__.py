"""Blueprints of the desk, one per resource."""
