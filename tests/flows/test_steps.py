"""The runner, one step kind and engine rule at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from actions.flows import FlowEngine, FlowRegistry, UserTurn
from actions.flows import session as session_module
from tests.flows.conftest import TODAY, Conversation, MakeFolder

Chat = Callable[..., Conversation]

MAIN = """\
flows:
  main:
    name: 测试流程
    description: main
    nlu_trigger:
      - intent: start_main
    steps:
      - action: utter_hello
      - id: ask_name
        collect: name
      - id: ask_colour
        collect: colour
        buttons:
          - {title: 红色, value: red, synonyms: [红]}
          - {title: 蓝色, value: blue}
        next:
          - if: slots.colour = "red"
            then:
              - set_slots:
                  - mood: happy
                next: done
          - else: done
      - id: done
        action: utter_done
        next: END
slots:
  name: {type: text}
  colour: {type: categorical, values: [red, blue]}
  mood: {type: text}
responses:
  utter_hello: [{text: 你好}]
  utter_ask_name: [{text: 您叫什么？}]
  utter_ask_colour: [{text: 选颜色}]
  utter_done: [{text: '{name}选了{colour}，心情{mood}'}]
"""


def test_action_step_sends_response_and_continues(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)

    chat.start("开始", "start_main")

    assert chat.texts == ["你好", "您叫什么？"]
    assert chat.step == "ask_name"


def test_collect_step_offers_answer_and_repair_buttons(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")

    chat.say("小王")

    assert chat.last_text == "选颜色"
    assert chat.button_titles == [
        "红色",
        "蓝色",
        "上一步",
        "重复一遍",
        "退出",
        "转人工",
    ]
    payloads = [b["payload"] for b in chat.result.replies[-1].buttons]
    assert payloads == [
        '/flow_answer{"flow_slot":"colour","flow_value":"red"}',
        '/flow_answer{"flow_slot":"colour","flow_value":"blue"}',
        "/flow_back",
        "/flow_repeat",
        "/flow_cancel",
        "/request_human",
    ]


def test_set_slots_and_response_fields(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    chat.say("小王")

    result = chat.press("红色")

    # The colour shows as its button title; the flow ended, so no state.
    assert chat.texts == ["小王选了红色，心情happy"]
    assert result.state is None


def test_branch_else_skips_set_slots(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    chat.say("小王")

    chat.say("蓝色")

    assert chat.texts == ["小王选了蓝色，心情"]


def test_collect_skips_a_filled_slot(engine_over: Callable[..., FlowEngine]) -> None:
    engine = engine_over(main=MAIN)

    result = engine.start(
        "main", {"slots": {"name": "老李"}}, UserTurn("开始", None, 0)
    )

    assert [reply.text for reply in result.replies] == ["你好", "选颜色"]


def test_ask_before_filling_asks_a_filled_slot(
    engine_over: Callable[..., FlowEngine],
) -> None:
    engine = engine_over(
        main=MAIN.replace(
            "        collect: name\n",
            "        collect: name\n        ask_before_filling: true\n",
        )
    )

    result = engine.start(
        "main", {"slots": {"name": "老李"}}, UserTurn("开始", None, 0)
    )

    assert result.replies[-1].text == "您叫什么？"
    assert "name" not in result.state["slots"]


@pytest.fixture
def engine_over(make_folder: MakeFolder) -> Callable[..., FlowEngine]:
    def build(**files: str) -> FlowEngine:
        return FlowEngine(FlowRegistry(make_folder(files)), today=lambda: TODAY)

    return build


NOOP = """\
flows:
  main:
    description: noop branching
    steps:
      - noop: true
        next:
          - if: slots.vip
            then:
              - action: utter_vip
                next: END
          - else:
              - action: utter_normal
                next: END
slots:
  vip: {type: bool, initial_value: false}
responses:
  utter_vip: [{text: 贵宾}]
  utter_normal: [{text: 普通}]
"""


def test_noop_branches_on_initial_and_given_values(
    engine_over: Callable[..., FlowEngine],
) -> None:
    engine = engine_over(main=NOOP)

    plain = engine.start("main", None, UserTurn("", None, 0))
    vip = engine.start("main", {"slots": {"vip": True}}, UserTurn("", None, 0))

    assert [r.text for r in plain.replies] == ["普通"]
    assert [r.text for r in vip.replies] == ["贵宾"]


LINKS = """\
flows:
  first:
    description: links on
    nlu_trigger: [{intent: start_first}]
    steps:
      - collect: name
      - link: second
  second:
    description: linked
    steps:
      - action: utter_second
      - collect: colour
  handoff:
    description: hands off
    nlu_trigger: [{intent: start_handoff}]
    steps:
      - collect: name
      - link: pattern_human_handoff
slots:
  name: {type: text}
  colour: {type: text}
responses:
  utter_ask_name: [{text: 名字？}]
  utter_second: [{text: '第二个流程，名字是{name}'}]
  utter_ask_colour: [{text: 颜色？}]
"""


def test_link_ends_the_flow_and_starts_the_next(chat_in: Chat) -> None:
    chat = chat_in(links=LINKS)
    chat.start("开始", "start_first")

    chat.say("小王")

    # The first flow's slots were reset when it ended.
    assert chat.texts == ["第二个流程，名字是", "颜色？"]
    assert [frame["flow"] for frame in chat.state["frames"]] == ["second"]
    assert chat.slots == {}


def test_link_to_handoff_pattern_hands_off(chat_in: Chat) -> None:
    chat = chat_in(links=LINKS)
    chat.start("开始", "start_handoff")

    result = chat.say("小王")

    assert result.state is None
    assert result.handoff == {
        "flow": "handoff",
        "flow_name": "handoff",
        "step": "2_link_pattern_human_handoff",
        "step_text": None,
        "slots": {"name": "小王"},
        "answers": [{"question": "名字？", "answer": "小王"}],
    }


CALLS = """\
flows:
  parent:
    description: calls a child
    nlu_trigger: [{intent: start_parent}]
    persisted_slots: [name]
    steps:
      - collect: name
      - call: child
      - action: utter_after
  child:
    description: called
    if: false
    steps:
      - collect: colour
        reset_after_flow_ends: false
      - action: utter_child_done
        next: END
slots:
  name: {type: text}
  colour: {type: text}
responses:
  utter_ask_name: [{text: 名字？}]
  utter_ask_colour: [{text: 颜色？}]
  utter_child_done: [{text: 子流程结束}]
  utter_after: [{text: '回到父流程：{name}，{colour}'}]
"""


def test_call_runs_child_and_returns(chat_in: Chat) -> None:
    chat = chat_in(calls=CALLS)
    chat.start("开始", "start_parent")

    chat.say("小王")
    assert chat.last_text == "颜色？"
    assert [(f["flow"], f["kind"]) for f in chat.state["frames"]] == [
        ("parent", "root"),
        ("child", "call"),
    ]

    result = chat.say("绿")

    assert chat.texts == ["子流程结束", "回到父流程：小王，绿"]
    assert result.state is None


def test_persisted_slots_survive_the_flow(chat_in: Chat) -> None:
    chat = chat_in(calls=CALLS)
    chat.start("开始", "start_parent")
    chat.say("小王")

    result = chat.say("绿")

    # name is in persisted_slots; colour's collect step keeps it too.
    assert result.persisted_slots == {"name": "小王", "colour": "绿"}


def test_guarded_flow_is_never_triggered(
    engine_over: Callable[..., FlowEngine],
) -> None:
    guarded = CALLS.replace(
        "    if: false\n", "    if: false\n    nlu_trigger: [{intent: start_child}]\n"
    )
    engine = engine_over(calls=guarded)

    assert engine.trigger_for(UserTurn("子", "start_child", 0.99), None) is None
    assert engine.trigger_for(UserTurn("父", "start_parent", 0.99), None) == "parent"


ANSWERS = """\
flows:
  main:
    description: answer types
    steps:
      - collect: age
        answer: number
        rejections:
          - if: slots.age < 16
            utter: utter_too_young
      - collect: birthday
        answer: date
        invalid_utter: utter_bad_date
        rejections:
          - if: context.age_years < 18
            utter: utter_adult_only
      - collect: note
      - action: utter_done
slots:
  age: {type: float}
  birthday: {type: text}
  note: {type: text}
responses:
  utter_ask_age: [{text: 年龄？}]
  utter_too_young: [{text: 太小了}]
  utter_ask_birthday: [{text: 生日？}]
  utter_bad_date: [{text: 日期不对}]
  utter_adult_only: [{text: 需要成年}]
  utter_ask_note: [{text: 备注？}]
  utter_done: [{text: '{age}岁，{birthday}，{note}'}]
"""


def test_number_answer_with_rejection(engine_over: Callable[..., FlowEngine]) -> None:
    chat = Conversation(engine_over(main=ANSWERS))
    chat.state = {"slots": {}}
    chat.result = chat.engine.start("main", None, UserTurn("", None, 0))
    chat.state = chat.result.state

    chat.say("十二")
    assert chat.texts == ["太小了", "年龄？"]

    chat.say("三十")
    assert chat.texts == ["生日？"]
    assert chat.slots["age"] == 30.0


def test_date_answer_invalid_rejected_and_accepted(
    engine_over: Callable[..., FlowEngine],
) -> None:
    chat = Conversation(engine_over(main=ANSWERS))
    chat.result = chat.engine.start(
        "main", {"slots": {"age": 30.0}}, UserTurn("", None, 0)
    )
    chat.state = chat.result.state

    chat.say("2月30日")
    assert chat.texts == ["日期不对", "生日？"]

    chat.say("2010年1月1日")
    assert chat.texts == ["需要成年", "生日？"]

    chat.say("1995-05-04")
    chat.say("无")
    assert chat.texts == ["30岁，1995-05-04，无"]


def test_unreadable_answers_offer_a_human(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    chat.say("小王")

    chat.say("绿色")
    assert (
        chat.texts[0]
        == "抱歉，没能识别您的回答。请点选下面的按钮，或直接输入按钮上的文字。"
    )
    assert chat.last_text == "选颜色"

    chat.say("紫色")
    assert chat.texts[0].endswith("如果一直不成功，可以点“转人工”，由工作人员帮您。")

    chat.say("红")
    assert chat.texts == ["小王选了红色，心情happy"]


def test_trigger_for_respects_threshold_and_payload(
    engine_over: Callable[..., FlowEngine],
) -> None:
    engine = engine_over(
        main=MAIN.replace(
            "      - intent: start_main\n",
            "      - intent:\n          name: start_main\n"
            "          confidence_threshold: 0.7\n",
        )
    )

    assert engine.trigger_for(UserTurn("开始", "start_main", 0.69), None) is None
    assert engine.trigger_for(UserTurn("开始", "start_main", 0.7), None) == "main"
    assert (
        engine.trigger_for(UserTurn("开始", None, 0, payload="/start_main"), None)
        == "main"
    )
    assert engine.trigger_for(UserTurn("你好", "greet", 0.99), None) is None


def test_trigger_skips_a_running_flow(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")

    assert (
        chat.engine.trigger_for(UserTurn("开始", "start_main", 0.99), chat.state)
        is None
    )


OTHER = """\
flows:
  other:
    name: 另一件事
    description: interrupts main
    nlu_trigger: [{intent: start_other}]
    steps:
      - collect: city
      - action: utter_city_done
slots:
  city: {type: text}
responses:
  utter_ask_city: [{text: 哪个城市？}]
  utter_city_done: [{text: '{city}，记下了'}]
"""


def test_other_flow_interrupts_and_the_first_resumes(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN, other=OTHER)
    chat.start("开始", "start_main")
    chat.say("小王")

    # At the colour question the citizen starts another procedure.
    chat.say("我要办另一件事", "start_other", 0.9)
    assert chat.last_text == "哪个城市？"
    assert [f["flow"] for f in chat.state["frames"]] == ["main", "other"]

    # When it ends, the colour question comes back.
    chat.say("泰安")
    assert chat.texts == ["泰安，记下了", "继续刚才的步骤：选颜色"]
    assert chat.step == "ask_colour"
    assert chat.slots == {"name": "小王"}


def test_cancel_of_an_interruption_resumes(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN, other=OTHER)
    chat.start("开始", "start_main")
    chat.say("我要办另一件事", "start_other", 0.9)

    chat.say("退出")

    assert chat.texts == [
        "好的，已退出“另一件事”。还有其他问题可以直接问我。",
        "继续刚才的步骤：您叫什么？",
    ]
    assert chat.step == "ask_name"


def test_start_with_a_running_flow_asks_again(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")

    result = chat.engine.start("main", chat.state, UserTurn("开始", "start_main", 0.9))

    assert [reply.text for reply in result.replies] == ["您叫什么？"]


def test_start_rejects_unknown_flow(engine: FlowEngine) -> None:
    with pytest.raises(ValueError, match="unknown flow 'nothing'"):
        engine.start("nothing", None, UserTurn("", None, 0))


def test_handle_needs_an_active_flow(engine: FlowEngine) -> None:
    with pytest.raises(ValueError, match="call start instead"):
        engine.handle({"slots": {"a": 1}}, UserTurn("", None, 0))


def test_handle_rejects_a_malformed_state(engine: FlowEngine) -> None:
    with pytest.raises(ValueError, match="version 7"):
        engine.handle({"version": 7, "frames": []}, UserTurn("", None, 0))


def test_state_from_an_older_flow_version_restarts(chat_in: Chat) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    chat.state["frames"][0]["step"] = "removed_step"

    chat.say("小王")

    assert chat.texts == [
        "这个办事引导刚刚更新过，我们从头开始。",
        "你好",
        "您叫什么？",
    ]
    assert chat.step == "ask_name"


def test_runaway_turn_ends_the_flow(
    chat_in: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    monkeypatch.setattr(session_module, "MAX_STEPS_PER_TURN", 0)

    result = chat.say("小王")

    assert result.state is None
    assert chat.texts == [
        "抱歉，办事引导出了点问题，已经停止。您可以重新开始，或点“转人工”由工作人员帮您。"
    ]
    assert chat.button_titles == ["转人工"]


def test_state_is_json_serialisable(chat_in: Chat) -> None:
    import json

    chat = chat_in(main=MAIN)
    chat.start("开始", "start_main")
    chat.say("小王")

    assert json.loads(json.dumps(chat.state)) == chat.state
    assert chat.state == {
        "version": 1,
        "frames": [
            {
                "flow": "main",
                "step": "ask_colour",
                "kind": "root",
                "trail": ["ask_name"],
                "owned": ["name"],
                "invalid_answers": 0,
            }
        ],
        "slots": {"name": "小王"},
        "turns": 2,
    }
