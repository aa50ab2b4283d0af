"""Flow files to model: schema check, CALM feature check and step building."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from actions.flows.calm import unsupported_features
from actions.flows.config import CONFIG_FILE_NAME, FlowConfig, load_config
from actions.flows.errors import FlowError
from actions.flows.model import (
    END,
    ActionStep,
    Branch,
    Button,
    CallStep,
    CollectStep,
    Flow,
    FlowSet,
    LinkStep,
    Location,
    NoopStep,
    Option,
    Rejection,
    ResponseDef,
    SetSlotsStep,
    SlotDef,
    Step,
    Trigger,
    Variation,
)
from actions.flows.source import Path_, SourceFile, display_name, read_source
from actions.flows.validator import assemble

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "flows" / "schema.json"
STEP_KINDS = ("action", "collect", "set_slots", "link", "call", "noop")


@dataclass
class FileContent:
    """Flows, slots and responses of one flow file."""

    name: str
    flows: dict[str, Flow] = field(default_factory=dict)
    slots: dict[str, SlotDef] = field(default_factory=dict)
    responses: dict[str, ResponseDef] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _schema_validator() -> Draft202012Validator:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return Draft202012Validator(json.load(handle))


def flow_files(folder: Path) -> list[Path]:
    """Return the flow files of ``folder``: every YAML file but the config."""
    paths = [*folder.glob("*.yml"), *folder.glob("*.yaml")]
    return sorted(path for path in paths if path.name != CONFIG_FILE_NAME)


def read_config(folder: Path) -> tuple[FlowConfig | None, list[FlowError]]:
    """Read and check the folder's config.yml."""
    path = folder / CONFIG_FILE_NAME
    if not path.is_file():
        message = (
            f"missing {CONFIG_FILE_NAME}: the flows need its repair words and texts"
        )
        return None, [FlowError(display_name(path), 1, message)]
    source, errors = read_source(path)
    if source is None:
        return None, errors
    config, config_errors = load_config(source)
    return config, errors + config_errors


def load_folder(folder: Path) -> tuple[FlowSet | None, list[FlowError]]:
    """Load and check every flow file of ``folder``; return the set or all errors."""
    config, errors = read_config(folder)
    contents: list[FileContent] = []
    for path in flow_files(folder):
        source, read_errors = read_source(path)
        errors.extend(read_errors)
        if source is None:
            continue
        content, file_errors = load_flow_file(source, config)
        errors.extend(file_errors)
        if content is not None:
            contents.append(content)
    if config is None or errors:
        return None, sorted(set(errors))
    return assemble(contents, config)


def load_flow_file(
    source: SourceFile, config: FlowConfig | None
) -> tuple[FileContent | None, list[FlowError]]:
    """Check one parsed flow file and build its flows, slots and responses."""
    calm_errors, rejected = unsupported_features(source)
    errors = calm_errors + _schema_errors(source, rejected)
    if errors:
        return None, sorted(set(errors))
    builder = _FileBuilder(source, config)
    content = builder.build()
    if builder.errors:
        return None, sorted(set(builder.errors))
    return content, []


def _schema_errors(source: SourceFile, rejected: set[Path_]) -> list[FlowError]:
    validator = _schema_validator()
    errors: list[FlowError] = []
    for error in validator.iter_errors(source.data):
        path = tuple(error.absolute_path)
        located = _schema_message(error, path, rejected)
        if located is not None:
            errors.append(source.error(*located))
    return errors


def _schema_message(
    error: ValidationError, path: Path_, rejected: set[Path_]
) -> tuple[Path_, str] | None:
    """Word a schema error for trainers and locate it; None drops it."""
    step_schema = _schema_validator().schema["$defs"]["step"]
    if error.validator == "anyOf" and error.schema is step_schema:
        return path, "a step needs one of the keys " + ", ".join(STEP_KINDS)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        unexpected = [key for key in error.instance if key not in allowed]
        unexpected = [key for key in unexpected if (*path, key) not in rejected]
        if not unexpected:
            return None
        kinds = [key for key in error.instance if key in STEP_KINDS]
        if len(kinds) > 1:
            message = "a step has exactly one of the keys " + ", ".join(STEP_KINDS)
            return path, f"{message}; this one has {' and '.join(kinds)}"
        names = ", ".join(f"'{key}'" for key in unexpected)
        message = f"unknown key {names}; allowed here: {', '.join(sorted(allowed))}"
        return (*path, unexpected[0]), message
    where = "/".join(str(part) for part in path) or "the file"
    return path, f"{where}: {error.message}"


def _condition_text(value: Any) -> str | None:
    """Return a condition as text; YAML reads `if: false` as a boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _FileBuilder:
    def __init__(self, source: SourceFile, config: FlowConfig | None) -> None:
        self.source = source
        self.config = config
        self.errors: list[FlowError] = []

    def build(self) -> FileContent:
        data = self.source.data
        content = FileContent(name=self.source.name)
        for name, spec in (data.get("slots") or {}).items():
            content.slots[name] = self._slot(name, spec)
        for name, variations in (data.get("responses") or {}).items():
            content.responses[name] = self._response(name, variations)
        for flow_id, spec in data["flows"].items():
            content.flows[flow_id] = _FlowBuilder(self, flow_id, spec).build()
        return content

    def location(self, path: Path_) -> Location:
        return Location(self.source.name, self.source.line(path))

    def _slot(self, name: str, spec: dict[str, Any]) -> SlotDef:
        return SlotDef(
            name=name,
            type=spec["type"],
            location=self.location(("slots", name)),
            values=list(spec.get("values", [])),
            initial_value=spec.get("initial_value"),
        )

    def _response(self, name: str, variations: list[dict[str, Any]]) -> ResponseDef:
        built = [
            Variation(
                text=item["text"],
                buttons=[
                    Button(b["title"], b["payload"]) for b in item.get("buttons", [])
                ],
                image=item.get("image"),
            )
            for item in variations
        ]
        return ResponseDef(name, built, self.location(("responses", name)))


class _FlowBuilder:
    def __init__(self, file: _FileBuilder, flow_id: str, spec: dict[str, Any]) -> None:
        self.file = file
        self.flow_id = flow_id
        self.spec = spec
        self.path: Path_ = ("flows", flow_id)
        self.steps: dict[str, Step] = {}
        self.counter = 0

    def build(self) -> Flow:
        spec = self.spec
        top = self.build_list(spec["steps"], (*self.path, "steps"), nested=False)
        return Flow(
            id=self.flow_id,
            name=spec.get("name") or self.flow_id,
            description=spec["description"],
            location=self.file.location(self.path),
            steps=self.steps,
            first_step=top[0].id,
            triggers=self._triggers(),
            guard=_condition_text(spec.get("if")),
            guard_line=self.file.source.line((*self.path, "if")),
            persisted_slots=list(spec.get("persisted_slots", [])),
            persisted_line=self.file.source.line((*self.path, "persisted_slots")),
        )

    def _triggers(self) -> list[Trigger]:
        triggers = []
        for index, item in enumerate(self.spec.get("nlu_trigger", [])):
            intent = item["intent"]
            line = self.file.source.line((*self.path, "nlu_trigger", index))
            if isinstance(intent, str):
                triggers.append(Trigger(intent, None, line))
            else:
                threshold = intent.get("confidence_threshold")
                triggers.append(Trigger(intent["name"], threshold, line))
        return triggers

    def build_list(self, items: list[Any], path: Path_, *, nested: bool) -> list[Step]:
        built = [
            self.build_step(item, (*path, index)) for index, item in enumerate(items)
        ]
        for current, following in zip(built, built[1:], strict=False):
            if not current.explicit_next:
                current.next = following.id
        built[-1].ends_nested_list = nested
        return built

    def build_step(self, raw: dict[str, Any], path: Path_) -> Step:
        kind = next(key for key in STEP_KINDS if key in raw)
        self.counter += 1
        suffix = f"_{raw[kind]}" if isinstance(raw[kind], str) else ""
        step_id = raw.get("id") or f"{self.counter}_{kind}{suffix}"
        common: dict[str, Any] = {
            "id": step_id,
            "flow_id": self.flow_id,
            "location": self.file.location(path),
            "explicit_next": "next" in raw,
            "key_lines": {str(key): self.file.source.line((*path, key)) for key in raw},
        }
        if step_id in self.steps:
            self.file.errors.append(
                self.file.source.error(path, f"duplicate step id '{step_id}'")
            )
        step = self._make(kind, raw, path, common)
        self.steps[step_id] = step
        if "next" in raw:
            step.next = self.build_next(raw["next"], (*path, "next"))
        return step

    def _make(
        self, kind: str, raw: dict[str, Any], path: Path_, common: dict[str, Any]
    ) -> Step:
        if kind == "action":
            return ActionStep(**common, action=raw["action"])
        if kind == "collect":
            return self._collect(raw, path, common)
        if kind == "set_slots":
            values = {
                key: value for item in raw["set_slots"] for key, value in item.items()
            }
            keep = raw.get("reset_after_flow_ends", True)
            return SetSlotsStep(**common, values=values, reset_after_flow_ends=keep)
        if kind == "link":
            return LinkStep(**common, target=raw["link"])
        if kind == "call":
            return CallStep(**common, target=raw["call"])
        return NoopStep(**common)

    def _collect(
        self, raw: dict[str, Any], path: Path_, common: dict[str, Any]
    ) -> CollectStep:
        slot = raw["collect"]
        options = [
            Option(item["title"], item["value"], list(item.get("synonyms", [])))
            for item in raw.get("buttons", [])
        ]
        options_list = raw.get("buttons_from")
        if options_list:
            options = self._config_options(options_list, (*path, "buttons_from"))
        rejections = [
            Rejection(
                condition=str(_condition_text(item["if"])),
                utter=item["utter"],
                line=self.file.source.line((*path, "rejections", index)),
            )
            for index, item in enumerate(raw.get("rejections", []))
        ]
        return CollectStep(
            **common,
            slot=slot,
            utter=raw.get("utter") or f"utter_ask_{slot}",
            ask_before_filling=raw.get("ask_before_filling", False),
            reset_after_flow_ends=raw.get("reset_after_flow_ends", True),
            rejections=rejections,
            options=options,
            options_list=options_list,
            answer=raw.get("answer") or ("choice" if options else "text"),
            invalid_utter=raw.get("invalid_utter"),
            force_slot_filling=raw.get("force_slot_filling", False),
        )

    def _config_options(self, name: str, path: Path_) -> list[Option]:
        config = self.file.config
        if config is None:
            return []
        if name not in config.options:
            known = ", ".join(sorted(config.options)) or "none"
            self.file.errors.append(
                self.file.source.error(
                    path,
                    f"buttons_from names '{name}', which is not a list under "
                    f"options: in {config.file} (known: {known})",
                )
            )
            return []
        return list(config.options[name])

    def build_next(self, raw: Any, path: Path_) -> str | list[Branch]:
        if isinstance(raw, str):
            return raw
        is_branch = ["if" in item or "else" in item for item in raw]
        if all(is_branch):
            return [
                self._branch(item, (*path, index)) for index, item in enumerate(raw)
            ]
        if any(is_branch):
            self.file.errors.append(
                self.file.source.error(
                    path,
                    "a next list holds either if/then/else branches or steps, not both",
                )
            )
            return END
        nested = self.build_list(raw, path, nested=True)
        return [Branch(None, nested[0].id, self.file.source.line(path))]

    def _branch(self, item: dict[str, Any], path: Path_) -> Branch:
        line = self.file.source.line(path)
        if "else" in item:
            return Branch(None, self._target(item["else"], (*path, "else")), line)
        condition = _condition_text(item["if"])
        return Branch(condition, self._target(item["then"], (*path, "then")), line)

    def _target(self, raw: Any, path: Path_) -> str:
        if isinstance(raw, str):
            return raw
        return self.build_list(raw, path, nested=True)[0].id
