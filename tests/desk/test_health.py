"""The health check of the desk and its dependencies."""

from __future__ import annotations

import socket
import time
from dataclasses import replace


async def test_health_reports_rasa_unreachable(client):
    started = time.monotonic()
    _, response = await client.get("/health")
    elapsed = time.monotonic() - started

    assert response.status == 200
    assert response.json == {
        "status": "degraded",
        "desk": "ok",
        "database": "ok",
        "rasa": "unreachable",
        "action_server": "unreachable",
    }
    assert elapsed < 1.5


async def test_health_is_ok_when_dependencies_answer(bot_client):
    _, response = await bot_client.get("/health")

    assert response.status == 200
    assert response.json["status"] == "ok"
    assert response.json["rasa"] == "ok"
    assert response.json["action_server"] == "ok"


async def test_health_probes_time_out_after_one_second(
    settings, fake_rasa, make_client
):
    # Rasa's URL is a listening socket that is never read, so the connection
    # opens but no response comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = make_client(
            replace(settings, rasa_url=silent_url, action_server_url=fake_rasa.url)
        )

        started = time.monotonic()
        _, response = await client.get("/health")
        elapsed = time.monotonic() - started

    assert response.json["rasa"] == "unreachable"
    assert response.json["action_server"] == "ok"
    assert elapsed < 2


async def test_health_is_503_when_database_fails(settings, make_client, tmp_path):
    broken = f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'desk.db'}"
    client = make_client(replace(settings, database_url=broken))

    _, response = await client.get("/health")

    assert response.status == 503
    assert response.json["database"] == "error"
    assert response.json["desk"] == "ok"
