"""Unified social credit codes (统一社会信用代码) of enterprises, GB 32100-2015.

A code has 18 characters from a 31-character alphabet (digits and capital
letters without I, O, Z, S and V). The last character is a check character
computed from the first 17 with the weights of the standard.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18


def check_character(first_17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(
        ALPHABET.index(character) * weight
        for character, weight in zip(first_17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Return what is wrong with ``code``, or None when it is a valid code.

    The code is checked as given: callers strip spaces and upper-case first
    if they accept such input.
    """
    if len(code) != CODE_LENGTH:
        return f"it has {len(code)} characters, but a code has {CODE_LENGTH}"
    invalid = sorted({character for character in code if character not in ALPHABET})
    if invalid:
        return (
            f"it contains {''.join(invalid)!r}, but a code uses only digits and "
            "the capital letters A-Y without I, O, S, V and Z"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"its check character is {code[17]!r}, but the first 17 characters "
            f"give {expected!r}; check the code for a typing error"
        )
    return None
