"""Trimming and blank detection of citizen text, and the Unicode check."""

from __future__ import annotations

import pytest

from desk.errors import DeskError
from desk.services.request_body import is_blank, reject_invalid_unicode, trim

SCOTLAND_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("text", "trimmed"),
    [
        ("  社保  ", "社保"),
        ("\u3000社保\u3000", "社保"),
        ("\ufeff\u200b社保\u200b", "社保"),
        ("\n社 保\t", "社 保"),
        ("社保", "社保"),
        (f" {SCOTLAND_FLAG} ", SCOTLAND_FLAG),
        ("", ""),
        (" \u200b\ufeff", ""),
    ],
    ids=[
        "spaces",
        "ideographic-spaces",
        "format-characters",
        "inner-space-kept",
        "nothing-to-trim",
        "emoji-tag-sequence-kept",
        "empty",
        "blank",
    ],
)
def test_trim_strips_what_makes_text_blank(text, trimmed):
    assert trim(text) == trimmed
    assert is_blank(text) == (trimmed == "")


def test_reject_invalid_unicode_passes_valid_text():
    reject_invalid_unicode("text", "养老😀")
    reject_invalid_unicode("context", {"slots": ["养老", 1, None]})


def test_reject_invalid_unicode_finds_nested_surrogate():
    with pytest.raises(DeskError) as raised:
        reject_invalid_unicode("context", {"slots": {"\udc00": "养老"}})

    assert 'Invalid "context"' in str(raised.value)
    assert "unpaired surrogate" in str(raised.value)
