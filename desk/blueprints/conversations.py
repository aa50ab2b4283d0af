"""Placeholder blueprint until the conversations routes land."""

from sanic import Blueprint

bp = Blueprint("conversations")
