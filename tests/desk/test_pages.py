"""The chat page, its static files and the OpenAPI document."""

from __future__ import annotations

import re

import yaml

from desk.app import create_app

# Sanic adds these to GET routes, and CORS pre-flight is not part of the API.
UNDOCUMENTED_METHODS = {"HEAD", "OPTIONS"}


def openapi_template(sanic_path: str) -> str:
    """Turn a Sanic route path such as "a/<id:str>" into "/a/{}"."""
    return "/" + re.sub(r"<[^>]+>", "{}", sanic_path.strip("/"))


def documented_operations() -> set[tuple[str, str]]:
    with open("desk/openapi.yaml", encoding="utf-8") as document:
        spec = yaml.safe_load(document)
    return {
        (re.sub(r"\{[^}]+\}", "{}", path), method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_route_is_documented_in_openapi(settings):
    app = create_app(settings, name="desk_openapi_check")
    documented = documented_operations()

    routes = {
        (openapi_template(route.path), method)
        for route in app.router.routes
        for method in route.methods - UNDOCUMENTED_METHODS
    }

    assert routes, "the app registered no routes"
    assert routes - documented == set()


def test_openapi_declares_version_3_1():
    with open("desk/openapi.yaml", encoding="utf-8") as document:
        spec = yaml.safe_load(document)

    assert spec["openapi"].startswith("3.1")


async def test_openapi_document_is_served(client):
    _, response = await client.get("/api/openapi.yaml")

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert "/api/conversations" in yaml.safe_load(response.text)["paths"]


async def test_chat_page_is_served_at_root(client):
    _, response = await client.get("/")

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert '<script src="/static/chat.js"' in response.text
    assert "参保缴费" in response.text


async def test_chat_script_and_style_are_served(client):
    _, script = await client.get("/static/chat.js")
    _, style = await client.get("/static/chat.css")

    assert script.status == 200
    assert "isComposing" in script.text
    assert "innerHTML" not in script.text
    assert style.status == 200


async def test_static_path_outside_folder_is_404(client):
    _, response = await client.get("/static/..%2F..%2Fsettings.py")

    assert response.status == 404


async def test_portal_page_is_served(client):
    _, response = await client.get("/portal")

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert '<script src="/static/portal.js"' in response.text
    assert '<script src="/widget.js" data-agency="taian_city"' in response.text


async def test_widget_script_is_served_for_embedding(client):
    _, script = await client.get("/widget.js")
    _, style = await client.get("/static/widget.css")

    assert script.status == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cross-origin-resource-policy"] == "cross-origin"
    assert "attachShadow" in script.text
    assert "innerHTML" not in script.text
    assert style.status == 200
