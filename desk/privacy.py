"""Masking of ID-card, mobile and landline numbers before text reaches a log.

Only the standard library is imported here, so the action server and Rasa's
logging configuration use this module too.
"""

from __future__ import annotations

import logging
import re
import unicodedata

# Mainland resident ID numbers: 18 characters (17 digits and a check digit or
# X), also typed in groups of 6, 8 and 4 or 6, 4, 4 and 4 with spaces or
# dashes, or the older 15 digits. Mobile numbers: 11 digits starting 13 to
# 19, optionally after +86. Text is NFKC-normalised first, so full-width
# digits match as well, and JSON escapes of full-width digits ("\uff11") are
# read as digits. A number may follow a JSON escape such as "\u53f7", whose
# last character is a digit, so the escape counts as a boundary too.
_START = r"(?:(?<=\\u[0-9a-fA-F]{4})|(?<!\d))"
ID_CARD_PATTERN = re.compile(
    _START
    + r"""(
        \d{6}[- ]?\d{8}[- ]?\d{3}[\dXx]
      | \d{6}[- ]?\d{4}[- ]?\d{4}[- ]?\d{3}[\dXx]
      | \d{15}
    )(?![\dXx])""",
    re.VERBOSE,
)
_FULL_WIDTH_DIGIT_ESCAPE = re.compile(r"\\u[fF][fF]1([0-9])")
MOBILE_PATTERN = re.compile(
    _START + r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"
)
# Landline numbers with their area code, such as 0538-8221234 or (0538)8221234,
# which citizens leave as contact numbers.
LANDLINE_PATTERN = re.compile(_START + r"\(?0\d{2,3}\)?[- ]?\d{7,8}(?!\d)")


def _mask(match: re.Match[str]) -> str:
    number = match.group(0)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_personal_data(text: str) -> str:
    """Return ``text`` with the middle of ID-card and mobile numbers starred."""
    normalized = unicodedata.normalize("NFKC", text)
    normalized = _FULL_WIDTH_DIGIT_ESCAPE.sub(r"\1", normalized)
    masked = ID_CARD_PATTERN.sub(_mask, normalized)
    masked = MOBILE_PATTERN.sub(_mask, masked)
    masked = LANDLINE_PATTERN.sub(_mask, masked)
    return text if masked == normalized else masked


def _mask_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    masked = mask_personal_data(message)
    if masked != message:
        record.msg = masked
        record.args = None


def install_log_masking() -> None:
    """Mask personal data in every log record this process creates.

    The masking sits in the log record factory rather than in a handler,
    because Rasa's command line replaces the root handler with its own
    coloured one. Calling this twice installs the masking once.
    """
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def create_masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _mask_record(record)
        return record

    create_masked_record.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(create_masked_record)


def mask_phone(phone: str) -> str:
    """Return a phone number of any format with all but its first 3 and last 2
    digits starred, for logs."""
    digits = [index for index, character in enumerate(phone) if character.isdigit()]
    keep = set(digits[:3] + digits[-2:])
    return "".join(
        character if not character.isdigit() or index in keep else "*"
        for index, character in enumerate(phone)
    )
