"""`desk tickets` and `desk migrate` as an operator runs them."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys

from desk.services.dialogue import REQUEST_HUMAN_PAYLOAD

ID_NUMBER = "370102199003071234"


async def run_desk(*arguments: str, database_url: str) -> tuple[int, str, str]:
    """Run the desk command line in a child process and return its result."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desk.cli",
        *arguments,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_tickets_command_prints_masked_ticket(start_conversation, settings):
    conversation = await start_conversation()
    await conversation.send({"text": f"我要办退休，身份证{ID_NUMBER}"})
    response = await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})
    assert response.json["status"] == "queued"

    code, output, errors = await run_desk("tickets", database_url=settings.database_url)

    assert code == 0, errors
    [row] = [line for line in output.splitlines() if conversation.id in line]
    assert "queued" in row
    assert "assistant_unavailable" in row
    assert "我要办退休" in row
    assert "370*************34" in row
    assert ID_NUMBER not in output
    assert output.splitlines()[0].split()[:3] == ["ID", "STATE", "TOPIC"]


async def test_tickets_command_on_empty_database(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    code, _, errors = await run_desk("migrate", database_url=database_url)
    assert code == 0, errors

    code, output, errors = await run_desk("tickets", database_url=database_url)

    assert code == 0, errors
    assert output.strip() == "No open handoff tickets."


async def test_migrate_creates_tables_in_empty_file_twice(tmp_path):
    path = tmp_path / "fresh.db"
    database_url = f"sqlite+aiosqlite:///{path}"

    first = await run_desk("migrate", database_url=database_url)
    second = await run_desk("migrate", database_url=database_url)

    assert first[0] == 0, first[2]
    assert second[0] == 0, second[2]
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"conversations", "messages", "handoff_tickets"} <= tables
