"""Placeholder blueprint until the kb routes land."""

from sanic import Blueprint

bp = Blueprint("kb")
