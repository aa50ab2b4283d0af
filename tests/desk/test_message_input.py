"""Validation of citizen messages: bodies, lengths, tokens and payloads."""

from __future__ import annotations

import sqlite3

import pytest

from desk.settings import MAX_MESSAGE_CHARS


def stored_messages(database_path, conversation_id):
    with sqlite3.connect(database_path) as db:
        return db.execute(
            "SELECT sender, text, payload FROM messages "
            "WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()


@pytest.mark.parametrize(
    ("raw_body", "expected_words"),
    [
        (b"", "Missing request body"),
        (b"   ", "Missing request body"),
        (b"{text: 1}", "Invalid JSON in request body"),
        (b'{"text": "unterminated', "Invalid JSON in request body"),
        (b"\xff\xfe", "not UTF-8"),
        (b'"just a string"', "expected a JSON object, got a JSON string"),
        (b"null", "expected a JSON object, got a JSON null"),
        (b"{}", "Missing message"),
        (b'{"text": null}', "Missing message"),
        (b'{"message": "hi"}', "Missing message"),
        (b'{"text": "a", "payload": "/b"}', "not both"),
        (b'{"text": 12}', '"text": expected a string, got a JSON number'),
        (b'{"text": ["a"]}', '"text": expected a string, got a JSON array'),
        (b'{"text": {"a": 1}}', '"text": expected a string, got a JSON object'),
        (b'{"text": true}', '"text": expected a string, got a JSON boolean'),
        (b'{"payload": 3}', '"payload": expected a string, got a JSON number'),
        (b'{"text": "a\\u0000b"}', "NUL character"),
    ],
    ids=[
        "empty-body",
        "whitespace-body",
        "unquoted-key",
        "truncated-json",
        "not-utf8",
        "json-string",
        "json-null",
        "empty-object",
        "null-text",
        "unknown-field",
        "text-and-payload",
        "number-text",
        "array-text",
        "object-text",
        "boolean-text",
        "number-payload",
        "nul-in-text",
    ],
)
async def test_post_message_rejects_bad_body_with_400(
    client, start_conversation, database_path, raw_body, expected_words
):
    conversation = await start_conversation()

    _, response = await client.post(
        conversation.messages_url, content=raw_body, headers=conversation.headers
    )

    assert response.status == 400
    assert expected_words in response.json["error"]
    assert stored_messages(database_path, conversation.id) == []


async def test_post_message_over_limit_is_413(start_conversation, database_path):
    conversation = await start_conversation()

    response = await conversation.send({"text": "长" * (MAX_MESSAGE_CHARS + 1)})

    assert response.status == 413
    error = response.json["error"]
    assert str(MAX_MESSAGE_CHARS) in error
    assert "Shorten the message or split it" in error
    assert response.json["max_chars"] == MAX_MESSAGE_CHARS
    assert stored_messages(database_path, conversation.id) == []


async def test_post_message_at_limit_is_accepted(start_conversation, database_path):
    conversation = await start_conversation()
    text = "长" * MAX_MESSAGE_CHARS

    response = await conversation.send({"text": text})

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == ("citizen", text, None)


async def test_post_message_counts_emoji_as_one_character(start_conversation):
    conversation = await start_conversation()

    response = await conversation.send({"text": "😀" * MAX_MESSAGE_CHARS})

    assert response.status == 200


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t", "\u3000\u3000", "\u200b", "\ufeff \u200b"],
    ids=["empty", "space", "newline-tab", "ideographic-space", "zero-width", "bom"],
)
async def test_post_blank_text_prompts_and_stores_nothing(
    start_conversation, database_path, text
):
    conversation = await start_conversation()

    response = await conversation.send({"text": text})

    assert response.status == 200
    assert response.json["status"] == "bot"
    assert response.json["message_id"] is None
    [reply] = response.json["messages"]
    assert "请输入" in reply["text"]
    assert stored_messages(database_path, conversation.id) == []


@pytest.mark.parametrize("text", ["是", "嗯", "好", "?", "😀", "👍🏻", "🙏🙏🙏", "1"])
async def test_post_short_or_emoji_text_is_stored(
    start_conversation, database_path, text
):
    conversation = await start_conversation()

    response = await conversation.send({"text": text})

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == ("citizen", text, None)


@pytest.mark.parametrize(
    ("text", "stored_text"),
    [
        ("/request_human", "/request_human"),
        ("//restart", "//restart"),
        ("  /ask_pension_benefits{}", "/ask_pension_benefits{}"),
    ],
)
async def test_post_slash_text_is_stored_as_typed(
    start_conversation, database_path, text, stored_text
):
    conversation = await start_conversation()

    response = await conversation.send({"text": text})

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == (
        "citizen",
        stored_text,
        None,
    )


async def test_post_slash_text_does_not_request_human(start_conversation):
    conversation = await start_conversation()

    # Typing the payload of the human button must not act like clicking it.
    response = await conversation.send({"text": "/request_human"})

    assert response.json["status"] == "bot"


@pytest.mark.parametrize(
    "payload", ["/request_human", "/restart", "", "/greet", "转人工服务"]
)
async def test_post_payload_not_offered_is_422(
    start_conversation, database_path, payload
):
    # A fresh conversation has seen no buttons, so every payload is unknown.
    conversation = await start_conversation()

    response = await conversation.send({"payload": payload})

    assert response.status == 422
    assert '{"text": "…"}' in response.json["error"]
    assert stored_messages(database_path, conversation.id) == []


async def test_post_payload_of_other_conversation_is_422(start_conversation):
    offered = await start_conversation()
    other = await start_conversation()
    # The first conversation gets the human button with the apology.
    await offered.send({"text": "你好"})

    response = await other.send({"payload": "/request_human"})

    assert response.status == 422


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": "Token x"},
        {"Authorization": ""},
    ],
    ids=["missing", "wrong", "other-scheme", "empty"],
)
async def test_post_message_without_valid_token_is_401(
    client, start_conversation, database_path, headers
):
    conversation = await start_conversation()

    _, response = await client.post(
        conversation.messages_url, json={"text": "你好"}, headers=headers
    )

    assert response.status == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert stored_messages(database_path, conversation.id) == []


async def test_post_message_checks_token_before_body(client, start_conversation):
    conversation = await start_conversation()

    _, response = await client.post(
        conversation.messages_url,
        content=b"{broken",
        headers={"Authorization": "Bearer not-the-token"},
    )

    assert response.status == 401


@pytest.mark.parametrize(
    "conversation_id",
    ["0123456789abcdef0123456789abcdef", "unknown", "%E4%BD%A0%E5%A5%BD"],
)
async def test_post_message_to_unknown_conversation_is_404(client, conversation_id):
    _, response = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "你好"},
        headers={"Authorization": "Bearer some-token"},
    )

    assert response.status == 404


@pytest.mark.parametrize(
    ("raw_body", "name", "code_point"),
    [
        ('{"text": "\\ud800养老"}', "text", "U+D800"),
        ('{"text": "养老\\udfff"}', "text", "U+DFFF"),
        ('{"text": "\\ude00\\ud83d"}', "text", "U+DE00"),
        ('{"payload": "/request_human\\udc00"}', "payload", "U+DC00"),
    ],
    ids=["high-surrogate-first", "low-surrogate-last", "reversed-pair", "payload"],
)
async def test_post_message_with_unpaired_surrogate_is_400(
    client, start_conversation, database_path, raw_body, name, code_point
):
    conversation = await start_conversation()

    _, response = await client.post(
        conversation.messages_url,
        content=raw_body.encode("utf-8"),
        headers=conversation.headers,
    )

    assert response.status == 400
    error = response.json["error"]
    assert f'Invalid "{name}"' in error
    assert "invalid Unicode (an unpaired surrogate" in error
    assert code_point in error
    assert "send UTF-8 text" in error
    assert stored_messages(database_path, conversation.id) == []


async def test_post_message_with_surrogate_pair_is_stored(
    client, start_conversation, database_path
):
    conversation = await start_conversation()

    # A valid pair of escapes is one character, U+1F600.
    _, response = await client.post(
        conversation.messages_url,
        content=b'{"text": "\\ud83d\\ude00"}',
        headers=conversation.headers,
    )

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == ("citizen", "😀", None)


async def test_post_message_trims_before_limit(start_conversation, database_path):
    conversation = await start_conversation()
    text = "长" * MAX_MESSAGE_CHARS

    response = await conversation.send({"text": f"  {text}\n\u3000"})

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == ("citizen", text, None)


async def test_post_message_over_limit_after_trimming_is_413(
    start_conversation, database_path
):
    conversation = await start_conversation()

    response = await conversation.send({"text": f"  {'长' * (MAX_MESSAGE_CHARS + 1)} "})

    assert response.status == 413
    assert response.json["length"] == MAX_MESSAGE_CHARS + 1
    assert response.json["max_chars"] == MAX_MESSAGE_CHARS
    assert stored_messages(database_path, conversation.id) == []


async def test_post_message_stores_trimmed_text(start_conversation, database_path):
    conversation = await start_conversation()

    response = await conversation.send({"text": "\ufeff\u200b 怎么办理退休？\n\n"})

    assert response.status == 200
    assert stored_messages(database_path, conversation.id)[0] == (
        "citizen",
        "怎么办理退休？",
        None,
    )


async def test_post_long_blank_text_prompts_instead_of_413(
    start_conversation, database_path
):
    conversation = await start_conversation()

    response = await conversation.send({"text": " " * (MAX_MESSAGE_CHARS + 1)})

    assert response.status == 200
    assert response.json["message_id"] is None
    assert stored_messages(database_path, conversation.id) == []
