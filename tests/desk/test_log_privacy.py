"""Personal data in messages must not reach the logs."""

from __future__ import annotations

import logging

from desk.services.dialogue import REQUEST_HUMAN_PAYLOAD

ID_NUMBER = "370102199003071234"
MOBILE = "13812345678"


async def test_logs_hold_no_id_or_mobile_number(
    client, start_conversation, service_headers, caplog
):
    caplog.set_level(logging.DEBUG)
    conversation = await start_conversation()

    # Turn 1: the citizen types personal data; Rasa is down, so the desk apologises.
    await conversation.send({"text": f"我的身份证号{ID_NUMBER}，电话{MOBILE}"})
    # Turn 2: the citizen clicks the human button, so a ticket copies the message.
    await conversation.send({"payload": REQUEST_HUMAN_PAYLOAD})
    await client.get("/api/handoffs", headers=service_headers)

    assert caplog.records, "the desk logged nothing, so the check proves nothing"
    for record in caplog.records:
        message = record.getMessage()
        assert ID_NUMBER not in message, record.name
        assert MOBILE not in message, record.name
        # Message text may appear at DEBUG (aiosqlite logs SQL parameters),
        # masked as above, but never at INFO or higher.
        if record.levelno >= logging.INFO:
            assert "身份证号" not in message, record.name
    assert ID_NUMBER not in caplog.text
    assert MOBILE not in caplog.text
