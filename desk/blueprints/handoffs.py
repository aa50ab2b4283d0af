"""Placeholder blueprint until the handoffs routes land."""

from sanic import Blueprint

bp = Blueprint("handoffs")
