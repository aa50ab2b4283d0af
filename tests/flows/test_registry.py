"""Reloading flow files: live edits, invalid edits and the check interval."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from actions.flows import FlowLoadError, FlowRegistry
from tests.flows.conftest import MakeFolder

GOOD = """\
flows:
  demo:
    description: demo
    steps:
      - action: utter_hello
responses:
  utter_hello: [{{text: {text}}}]
"""
BROKEN = """\
flows:
  demo:
    description: demo
    steps:
      - action: utter_missing
"""


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def edit(path: Path, text: str) -> None:
    """Write ``text`` and move the modification time forward."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def hello(registry: FlowRegistry) -> str:
    return registry.current().responses["utter_hello"].variations[0].text


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folder(make_folder: MakeFolder) -> Path:
    return make_folder(demo=GOOD.format(text="第一版"))


def test_registry_reloads_a_changed_file(folder: Path, clock: Clock) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "demo.yml", GOOD.format(text="第二版"))

    clock.now += 2.0

    assert hello(registry) == "第二版"


def test_registry_checks_at_most_every_two_seconds(folder: Path, clock: Clock) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "demo.yml", GOOD.format(text="第二版"))

    clock.now += 1.9
    assert hello(registry) == "第一版"

    clock.now += 0.1
    assert hello(registry) == "第二版"


def test_registry_keeps_last_valid_version(
    folder: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "demo.yml", BROKEN)
    clock.now += 2.0

    with caplog.at_level(logging.ERROR, logger="actions.flows.registry"):
        text = hello(registry)

    assert text == "第一版"
    assert [(e.line, e.message.split(" is ")[0]) for e in registry.errors] == [
        (5, "response 'utter_missing'")
    ]
    assert "flows.reload.rejected" in caplog.text
    assert "demo.yml line=5" in caplog.text


def test_registry_logs_a_rejected_edit_once(
    folder: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "demo.yml", BROKEN)

    with caplog.at_level(logging.ERROR, logger="actions.flows.registry"):
        for _ in range(3):
            clock.now += 2.0
            registry.current()

    assert caplog.text.count("flows.reload.rejected") == 1


def test_registry_takes_a_fixed_edit(folder: Path, clock: Clock) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "demo.yml", BROKEN)
    clock.now += 2.0
    registry.current()

    edit(folder / "demo.yml", GOOD.format(text="修好了"))
    clock.now += 2.0

    assert hello(registry) == "修好了"
    assert registry.errors == []


def test_registry_adds_and_removes_files(folder: Path, clock: Clock) -> None:
    registry = FlowRegistry(folder, clock=clock)
    other = GOOD.replace("demo", "other").replace("utter_hello", "utter_other")
    edit(folder / "other.yml", other.format(text="另一个"))
    clock.now += 2.0
    assert sorted(registry.current().flows) == ["demo", "other"]

    (folder / "other.yml").unlink()
    clock.now += 2.0
    assert sorted(registry.current().flows) == ["demo"]


def test_registry_leaves_out_a_file_that_never_validated(
    make_folder: MakeFolder,
) -> None:
    folder = make_folder(
        demo=GOOD.format(text="好的"), broken=BROKEN.replace("demo", "bad")
    )

    registry = FlowRegistry(folder)

    assert sorted(registry.current().flows) == ["demo"]
    assert [e.file.rsplit("/", 1)[-1] for e in registry.errors] == ["broken.yml"]


def test_registry_keeps_a_file_whose_dependency_broke(
    folder: Path, clock: Clock
) -> None:
    # uses.yml needs the slot that shared.yml declares.
    edit(
        folder / "shared.yml",
        "flows:\n  s:\n    description: s\n    steps:\n"
        "      - action: utter_hello\nslots:\n  colour: {type: text}\n",
    )
    edit(
        folder / "uses.yml",
        "flows:\n  u:\n    description: u\n    steps:\n"
        "      - collect: colour\nresponses:\n  utter_ask_colour: [{text: 颜色？}]\n",
    )
    registry = FlowRegistry(folder, clock=clock)
    assert sorted(registry.current().flows) == ["demo", "s", "u"]

    # An invalid edit of shared.yml keeps its last valid version, so uses.yml
    # still finds the slot.
    edit(folder / "shared.yml", "flows: [not a map]\n")
    clock.now += 2.0

    assert sorted(registry.current().flows) == ["demo", "s", "u"]
    assert registry.errors[0].file.endswith("shared.yml")


def test_registry_keeps_config_when_an_edit_breaks_it(
    folder: Path, clock: Clock
) -> None:
    registry = FlowRegistry(folder, clock=clock)
    edit(folder / "config.yml", "engine: {}\n")
    clock.now += 2.0

    flow_set = registry.current()

    assert flow_set.config.texts["resume_prefix"] == "继续刚才的步骤："
    assert all(e.file.endswith("config.yml") for e in registry.errors)


def test_registry_without_valid_config_raises(folder: Path) -> None:
    (folder / "config.yml").write_text("texts: {}\n", "utf-8")

    registry = FlowRegistry(folder)

    with pytest.raises(FlowLoadError, match="config.yml"):
        registry.current()
