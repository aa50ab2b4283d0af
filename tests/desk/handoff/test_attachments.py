"""Image uploads: accepted by content, not by name; size limit; who may read them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from desk.services.attachments import MAX_ATTACHMENT_BYTES
from tests.desk.handoff.conftest import hand_off

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64


async def upload(citizen, data: bytes, name: str, content_type: str, field="file"):
    _, response = await citizen.client.post(
        f"/api/conversations/{citizen.id}/attachments",
        files={field: (name, data, content_type)},
        headers=citizen.headers,
    )
    return response


@pytest.mark.parametrize(
    ("data", "name", "declared", "content_type"),
    [
        (PNG, "photo.png", "image/png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg", "image/jpeg"),
        (GIF, "anim.gif", "image/gif", "image/gif"),
        (WEBP, "pic.webp", "image/webp", "image/webp"),
        # The content decides, not the name or the declared type.
        (PNG, "notes.txt", "text/plain", "image/png"),
    ],
)
async def test_image_is_stored_and_served(
    citizen_factory, data, name, declared, content_type
):
    citizen = await citizen_factory()

    response = await upload(citizen, data, name, declared)

    assert response.status == 201, response.text
    message = response.json["message"]
    assert message["sender"] == "citizen"
    assert message["image"].startswith("/api/attachments/")
    _, image = await citizen.client.get(message["image"])
    assert image.status == 200
    assert image.body == data
    assert image.headers["content-type"] == content_type
    assert image.headers["x-content-type-options"] == "nosniff"
    transcript = await citizen.transcript()
    assert transcript["messages"][-1]["image"] == message["image"]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (PDF, "scan.png", "a PDF document"),
        (HEIC, "IMG_0001.jpg", "HEIC photo"),
        (b"hello", "photo.png", "another type"),
        (b"", "photo.png", "an empty file"),
    ],
)
async def test_other_content_is_415(citizen_factory, data, name, words):
    citizen = await citizen_factory()

    response = await upload(citizen, data, name, "image/png")

    assert response.status == 415
    assert words in response.json["error"]
    assert "PNG, JPEG, GIF or WebP" in response.json["error"]


async def test_image_over_five_megabytes_is_413(citizen_factory):
    citizen = await citizen_factory()
    data = PNG + b"\x00" * MAX_ATTACHMENT_BYTES

    response = await upload(citizen, data, "big.png", "image/png")

    assert response.status == 413
    assert "5 MB" in response.json["error"]


async def test_upload_needs_file_field_and_token(citizen_factory):
    citizen = await citizen_factory()

    wrong_field = await upload(citizen, PNG, "a.png", "image/png", field="image")
    _, no_token = await citizen.client.post(
        f"/api/conversations/{citizen.id}/attachments",
        files={"file": ("a.png", PNG, "image/png")},
    )

    assert wrong_field.status == 422
    assert '"file"' in wrong_field.json["error"]
    assert no_token.status == 401


async def test_image_access_rules(org_client, citizen_factory, set_online, agent_login):
    await set_online("alpha_window")
    citizen = await citizen_factory()
    await hand_off(org_client, citizen)
    image_url = (await upload(citizen, PNG, "a.png", "image/png")).json["message"][
        "image"
    ]
    bare_url = urlsplit(image_url).path
    token = parse_qs(urlsplit(image_url).query)["token"][0]

    # The test client keeps cookies, so the anonymous requests come first.
    _, anonymous = await org_client.get(bare_url)
    _, wrong_token = await org_client.get(f"{bare_url}?token=x{token}")
    _, bearer = await org_client.get(bare_url, headers=citizen.headers)
    window = await agent_login("alpha_window")
    beta = await agent_login("beta_window")
    same_agency = await window.get(bare_url)
    other_agency = await beta.get(bare_url)
    _, unknown = await org_client.get(f"/api/attachments/{'0' * 32}?token={token}")

    assert anonymous.status == 401
    assert wrong_token.status == 401
    assert bearer.status == 200
    assert same_agency.status == 200
    assert other_agency.status == 403
    assert unknown.status == 404
