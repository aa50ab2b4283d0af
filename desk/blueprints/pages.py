"""Placeholder blueprint until the pages routes land."""

from sanic import Blueprint

bp = Blueprint("pages")
