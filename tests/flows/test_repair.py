"""Repair at every question: back, repeat, cancel, handoff, corrections, digressions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from actions.flows.repair import button_answer, parse_payload, repair_command
from actions.flows.turns import UserTurn
from tests.flows.conftest import Conversation

Chat = Callable[..., Conversation]

FORM = """\
flows:
  form:
    name: 登记
    description: asks three things
    nlu_trigger: [{intent: start_form}]
    steps:
      - id: ask_kind
        collect: kind
        buttons:
          - {title: 单位, value: company, synonyms: [公司]}
          - {title: 个人, value: person, synonyms: [自己]}
      - id: ask_id_number
        collect: id_number
      - id: ask_birthday
        collect: birthday
        answer: date
      - id: ask_agree
        collect: agree
        buttons:
          - {title: 同意, value: true}
          - {title: 不同意, value: false}
      - action: utter_summary
  strict:
    description: a question that allows no digression
    nlu_trigger: [{intent: start_strict}]
    steps:
      - collect: note
        force_slot_filling: true
      - action: utter_note
slots:
  kind: {type: categorical, values: [company, person]}
  id_number: {type: text}
  birthday: {type: text}
  agree: {type: bool}
  note: {type: text}
responses:
  utter_ask_kind: [{text: 单位还是个人？}]
  utter_ask_id_number: [{text: 证件号？}]
  utter_ask_birthday: [{text: 生日？}]
  utter_ask_agree: [{text: 同意吗？}]
  utter_summary: [{text: '{kind}，{birthday}，{agree}'}]
  utter_ask_note: [{text: 留言？}]
  utter_note: [{text: '收到：{note}'}]
"""


@pytest.fixture
def chat(chat_in: Chat) -> Conversation:
    conversation = chat_in(form=FORM)
    conversation.start("登记", "start_form")
    return conversation


@pytest.mark.parametrize(
    ("turn", "command"),
    [
        (UserTurn("上一步", None, 1.0, payload="/flow_back"), "back"),
        (UserTurn("/flow_repeat", None, 1.0), "repeat"),
        (UserTurn("退出", None, 1.0, payload="/flow_cancel"), "cancel"),
        (UserTurn("转人工", "request_human", 1.0, payload="/request_human"), "human"),
        (UserTurn("上一步", None, 0.0), "back"),
        (UserTurn("返回。", None, 0.0), "back"),
        (UserTurn("再说一遍", None, 0.0), "repeat"),
        (UserTurn("取消", None, 0.0), "cancel"),
        (UserTurn("不办了！", None, 0.0), "cancel"),
        (UserTurn("我要转人工", None, 0.0), "human"),
        (UserTurn("帮我找人工客服", None, 0.0), "human"),
        (UserTurn("能找个工作人员吗", "request_human", 0.85), "human"),
        (UserTurn("回去", "flow_back", 0.9), "back"),
        # Low confidence intents and words inside a sentence are not commands.
        (UserTurn("能找个工作人员吗", "request_human", 0.5), None),
        (UserTurn("我想取消家庭共济绑定", None, 0.0), None),
        (UserTurn("/greet", None, 1.0), None),
    ],
)
def test_repair_command(registry, turn: UserTurn, command: str | None) -> None:
    assert repair_command(turn, registry.current().config) == command


def test_button_answer_reads_payload(registry) -> None:
    config = registry.current().config
    pressed = UserTurn(
        "是", None, 1.0, payload='/flow_answer{"flow_slot":"x","flow_value":true}'
    )

    assert button_answer(pressed, config) == ("x", True)
    assert (
        button_answer(UserTurn('/flow_answer{"flow_slot":1}', None, 1), config) is None
    )
    assert button_answer(UserTurn("/flow_answer{bad json", None, 1), config) is None


def test_parse_payload() -> None:
    assert parse_payload('/choose{"a": 1}') == ("choose", {"a": 1})
    assert parse_payload("/flow_back") == ("flow_back", {})
    assert parse_payload("flow_back") is None


def test_back_asks_previous_question(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")

    chat.press("上一步")

    assert chat.texts == ["证件号？"]
    assert chat.step == "ask_id_number"
    assert "id_number" not in chat.slots


def test_back_at_the_first_question(chat: Conversation) -> None:
    chat.press("上一步")

    assert chat.texts == ["这已经是第一个问题了，没有上一步。", "单位还是个人？"]
    assert chat.step == "ask_kind"


def test_repeat_asks_again_unchanged(chat: Conversation) -> None:
    chat.press("单位")

    chat.say("重复一遍")

    assert chat.texts == ["证件号？"]
    assert chat.slots == {"kind": "company"}


def test_cancel_ends_the_flow(chat: Conversation) -> None:
    chat.press("单位")

    result = chat.press("退出")

    assert chat.texts == ["好的，已退出“登记”。还有其他问题可以直接问我。"]
    assert result.state is None
    assert result.persisted_slots == {}


def test_handoff_masks_id_and_mobile_numbers(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("370902196507150012，电话13912345678")

    result = chat.say("转人工", "request_human", 0.99)

    assert result.state is None
    assert result.replies == []
    assert result.handoff == {
        "flow": "form",
        "flow_name": "登记",
        "step": "ask_birthday",
        # Masking folds full-width punctuation, as desk.privacy does for logs.
        "step_text": "生日？",
        "slots": {"kind": "person", "id_number": "370*************12,电话139******78"},
        "answers": [
            {"question": "单位还是个人？", "answer": "个人"},
            {"question": "证件号？", "answer": "370*************12,电话139******78"},
        ],
    }


def test_correction_by_earlier_button(chat: Conversation) -> None:
    first_question = chat.button_payload("单位")
    chat.press("个人")
    chat.say("张三")

    # The citizen scrolls up and presses 单位 under the first question.
    chat.result = chat.engine.handle(
        chat.state, UserTurn("单位", None, 1.0, payload=first_question)
    )
    chat.state = chat.result.state

    # The id number stays; the flow continues at the first unanswered question.
    assert chat.texts == ["好的，已改为“单位”。", "生日？"]
    assert chat.slots["kind"] == "company"
    assert chat.slots["id_number"] == "张三"


def test_correction_by_typed_answer(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")

    chat.say("不对，是公司办")

    assert chat.texts == ["好的，已改为“单位”。", "生日？"]
    assert chat.slots["kind"] == "company"


def test_correction_of_a_date(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")
    chat.say("1970-01-02")

    chat.say("生日应该是1971年2月3日")

    assert chat.texts == ["好的，已改为“1971-02-03”。", "同意吗？"]
    assert chat.slots["birthday"] == "1971-02-03"


def test_same_answer_is_not_correction(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")

    chat.say("个人")

    assert chat.texts[0].startswith("抱歉，没能识别您的回答")
    assert chat.step == "ask_birthday"


def test_stale_same_button_asks_again(chat: Conversation) -> None:
    same = chat.button_payload("个人")
    chat.press("个人")

    chat.result = chat.engine.handle(
        chat.state, UserTurn("个人", None, 1.0, payload=same)
    )

    assert [reply.text for reply in chat.result.replies] == ["证件号？"]


def test_digression_answers_then_asks_again(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")

    result = chat.say("灵活就业怎么交养老保险", "ask_contribution_payment", 0.92)

    assert result.digression == "灵活就业怎么交养老保险"
    assert chat.texts == ["继续刚才的步骤：生日？"]
    assert chat.step == "ask_birthday"


def test_unsure_question_is_still_a_digression(chat: Conversation) -> None:
    # A reply with question words that answers nothing here goes to the
    # knowledge base even when NLU is unsure of its topic.
    chat.press("个人")
    chat.say("张三")

    result = chat.say("灵活就业怎么交养老保险", "ask_contribution_payment", 0.6)

    assert result.digression == "灵活就业怎么交养老保险"
    assert chat.texts == ["继续刚才的步骤：生日？"]


def test_unreadable_short_reply_is_invalid(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")

    result = chat.say("不太清楚", None, 0.3)

    assert result.digression is None
    assert chat.texts[0].startswith("抱歉，没能识别您的回答")


def test_free_text_yields_to_question(chat: Conversation) -> None:
    chat.press("个人")

    result = chat.say("退休年龄怎么算", "ask_retirement_approval", 0.9)

    assert result.digression == "退休年龄怎么算"
    assert "id_number" not in chat.slots


def test_force_slot_filling_takes_any_text(chat_in: Chat) -> None:
    chat = chat_in(form=FORM)
    chat.start("留言", "start_strict")

    result = chat.say("退休年龄怎么算", "ask_retirement_approval", 0.9)

    assert result.digression is None
    assert chat.texts == ["收到：退休年龄怎么算"]


def test_affirm_answers_yes_no_question(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")
    chat.say("1970-01-02")

    chat.say("嗯嗯好的", "affirm", 0.95)

    assert chat.texts == ["个人，1970-01-02，同意"]


def test_unoffered_button_value_rejected(chat: Conversation) -> None:
    forged = '/flow_answer{"flow_slot":"kind","flow_value":"robot"}'

    chat.result = chat.engine.handle(chat.state, UserTurn("?", None, 1.0, forged))

    assert chat.result.replies[0].text.startswith("抱歉，没能识别您的回答")
    assert "kind" not in chat.result.state["slots"]


def test_button_cannot_fill_typed_question(chat: Conversation) -> None:
    chat.press("个人")
    chat.say("张三")
    forged = '/flow_answer{"flow_slot":"birthday","flow_value":{"a":1}}'

    chat.result = chat.engine.handle(chat.state, UserTurn("?", None, 1.0, forged))

    assert chat.result.replies[0].text.startswith("抱歉，没能识别您的回答")
    assert "birthday" not in chat.result.state["slots"]


def test_question_with_a_button_word_is_digression(chat: Conversation) -> None:
    result = chat.say("单位怎么给职工交社保", "ask_contribution_payment", 0.9)

    assert result.digression == "单位怎么给职工交社保"
    assert "kind" not in chat.slots


def test_whole_button_title_beats_a_confident_intent(chat: Conversation) -> None:
    result = chat.say("单位", "ask_contribution_payment", 0.9)

    assert result.digression is None
    assert chat.slots == {"kind": "company"}
