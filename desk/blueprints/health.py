"""Placeholder blueprint until the health routes land."""

from sanic import Blueprint

bp = Blueprint("health")
