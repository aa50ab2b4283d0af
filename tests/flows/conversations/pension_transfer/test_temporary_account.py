"""Men 50+ and women 40+ moving away from their household registration."""

from __future__ import annotations

import pytest

from tests.flows.conftest import Conversation

TEMPORARY = "按规定，男性年满50周岁、女性年满40周岁，跨省到不是户籍所在地的地方参保的"


@pytest.mark.parametrize(
    ("sex", "age", "home", "temporary"),
    [
        ("男", "52", "不是户籍所在地", True),
        ("男", "50", "不是户籍所在地", True),
        ("男", "49", "不是户籍所在地", False),
        ("女", "40", "不是户籍所在地", True),
        ("女", "39", "不是户籍所在地", False),
        ("男", "55", "是户籍所在地", False),
        ("女", "45", "是户籍所在地", False),
    ],
)
def test_temporary_account_case(
    chat: Conversation, sex: str, age: str, home: str, temporary: bool
) -> None:
    # Citizen crosses provinces and gives sex, age and household registration.
    chat.start("跨省转移", "start_pension_transfer_guide")
    chat.press("跨省转移")
    chat.press(sex)
    chat.say(age)

    chat.press(home)

    # The temporary-account message comes before the channel question.
    assert chat.texts[0].startswith(TEMPORARY) is temporary
    assert chat.last_text == "您想在网上办理，还是到窗口办理？"
