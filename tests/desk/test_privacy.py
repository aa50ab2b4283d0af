"""Masking of ID-card and mobile numbers."""

from __future__ import annotations

import json
import logging

import pytest

from desk.privacy import install_log_masking, mask_personal_data

ID_NUMBER = "370902198807154512"
MOBILE = "13905381234"


@pytest.mark.parametrize(
    "text",
    [
        f"身份证{ID_NUMBER}",
        f"身份证{ID_NUMBER[:-1]}X",
        "老身份证370902880715451",
        f"手机{MOBILE}",
        "手机+86 139-0538-1234",
        "手机１３９０５３８１２３４",
        json.dumps(f"我的身份证号{ID_NUMBER}，手机{MOBILE}"),
        json.dumps("我手机１３９０５３８１２３４"),
        "身份证370902 19880715 4512",
        "身份证370902-19880715-4512",
        "身份证370902 1988 0715 4512",
    ],
)
def test_mask_hides_the_middle_digits(text: str) -> None:
    masked = mask_personal_data(text)

    assert "0538" not in masked
    assert "８８０７" not in masked
    assert "198807" not in masked
    assert "880715" not in masked


@pytest.mark.parametrize(
    "text", ["缴费满15年", "2025年1月1日起", "电话12333", "金额1234567.89元"]
)
def test_mask_keeps_ordinary_numbers(text: str) -> None:
    assert mask_personal_data(text) == text


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    caplog.set_level(logging.INFO)

    logging.getLogger("test").info("citizen wrote %s", f"号码{MOBILE}")

    assert MOBILE not in caplog.text
    assert "139******34" in caplog.text
