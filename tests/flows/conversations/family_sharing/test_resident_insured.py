"""A resident-insured citizen learns that they cannot open sharing."""

from __future__ import annotations

from tests.flows.conftest import Conversation


def test_resident_insured_cannot_open_sharing(chat: Conversation) -> None:
    # Citizen starts the guide.
    chat.start("家庭共济怎么开通", "start_family_sharing_guide")

    # Citizen types "我是居民医保" → explanation, a human button, and the end.
    result = chat.say("我是居民医保")

    assert chat.texts == [
        "参加城乡居民医保的人员没有医保个人账户，所以不能开通家庭共济。如果您的家人参加了职工医保，"
        "可以由家人开通共济，再用家人的个人账户为您缴纳城乡居民医保。需要人工帮助请点“转人工”。"
    ]
    assert result.replies[0].buttons == [
        {"title": "转人工", "payload": "/request_human"}
    ]
    assert result.state is None
