"""The ticket service: one open ticket per conversation, masked excerpts."""

from __future__ import annotations

import asyncio
import re

import pytest

from desk.db import create_engine, create_sessionmaker
from desk.models.conversation import Conversation
from desk.services.tickets import EXCERPT_MAX_CHARS, excerpt, open_ticket

ID_NUMBER = "370102199003071234"


async def test_concurrent_handoffs_create_one_ticket(settings, start_conversation):
    conversation = await start_conversation()
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)

    async def open_in_own_session() -> tuple[int, bool]:
        async with sessionmaker() as session:
            loaded = await session.get(Conversation, conversation.id)
            assert loaded is not None
            ticket, created = await open_ticket(
                session=session, conversation=loaded, reason="requested"
            )
            return ticket.id, created

    try:
        results = await asyncio.gather(*(open_in_own_session() for _ in range(5)))
    finally:
        await engine.dispose()

    assert sum(created for _, created in results) == 1
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert (await conversation.transcript())["status"] == "queued"


@pytest.mark.parametrize("prefix_length", [0, 40, EXCERPT_MAX_CHARS - 10])
def test_excerpt_masks_before_shortening(prefix_length):
    text = "问" * prefix_length + f"身份证{ID_NUMBER}结尾"

    printed = excerpt(text)

    assert len(printed) <= EXCERPT_MAX_CHARS
    assert not re.search(r"\d{6}", printed), printed


@pytest.mark.parametrize(
    ("text", "printed"),
    [(None, "-"), ("", "-"), ("第一行\n第二行\t完", "第一行 第二行 完")],
)
def test_excerpt_is_one_line(text, printed):
    assert excerpt(text) == printed
