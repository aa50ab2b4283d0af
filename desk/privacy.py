"""Masking of ID-card and mobile numbers before text reaches a log.

Only the standard library is imported here, so the action server and Rasa's
logging configuration use this module too.
"""

from __future__ import annotations

import logging
import re
import unicodedata

# Mainland resident ID numbers: 18 characters (17 digits and a check digit or
# X), or the older 15 digits. Mobile numbers: 11 digits starting 13 to 19,
# optionally after +86. Text is NFKC-normalised first, so full-width digits
# match as well.
ID_CARD_PATTERN = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])")
MOBILE_PATTERN = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")


def _mask(match: re.Match[str]) -> str:
    number = match.group(0)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_personal_data(text: str) -> str:
    """Return ``text`` with the middle of ID-card and mobile numbers starred."""
    normalized = unicodedata.normalize("NFKC", text)
    masked = ID_CARD_PATTERN.sub(_mask, normalized)
    masked = MOBILE_PATTERN.sub(_mask, masked)
    return text if masked == normalized else masked


class PersonalDataFilter(logging.Filter):
    """Logging filter that masks personal data in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


def install_log_masking() -> None:
    """Attach the masking filter to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(PersonalDataFilter())
