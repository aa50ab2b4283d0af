"""Ask the labelled retrieval questions through the whole bot and score the replies.

``bench.retrieval`` scores the desk's search alone. Citizens get more than
that: NLU picks a topic, the actions search the whole base and the topic's
category, and the reply is a direct answer, up to three suggested questions
or a request to rephrase. This module sends every labelled question of
``desk.kb.evaluation.LABELLED_SETS`` through the desk's citizen API, each in
a new conversation, and sorts the reply into one outcome:

- answered right: the reply carries the labelled entry's answer;
- answered wrong: it carries another entry's answer;
- suggested: it offers the labelled entry among its suggested questions;
- suggested others: it offers suggestions, none of them the labelled entry;
- not found: anything else (rephrase request, human offer, chit-chat, error).

"Offered first" counts a right answer, or suggestions that put the labelled
entry first; "offered" counts a right answer, or the entry among the
suggestions. They are the bot's counterparts of hit@1 and hit@3.

``make bench`` includes this section; ``python -m bench.bot_answers`` starts
its own desk, Rasa server and action server and prints it.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desk.devstack import ROOT, ServiceStack, ask_in_new_conversation
from desk.kb.evaluation import LABELLED_SETS, load_labelled_questions
from desk.kb.question_files import Question, display_path
from desk.kb.seed_files import read_seed_dir

SECTION_HEADING = "## The bot on the labelled questions"
CHOOSE_ENTRY_PREFIX = "/choose_kb_entry"
# Asked until the bot answers it, before any scored question: a cold Rasa can
# take longer than the desk waits, and the desk then apologises.
WARM_UP_QUESTION = "社保卡丢了怎么补办"
WARM_UP_TRIES = 10
OUTCOMES = (
    "answered right",
    "answered wrong",
    "suggested",
    "suggested others",
    "not found",
)


@dataclass(frozen=True)
class BotReply:
    """The entry the bot answered with, if any, and the entries it suggested."""

    answered: str | None
    suggested: list[str]


@dataclass
class BotScore:
    """Outcomes of one set of labelled questions."""

    name: str
    outcomes: Counter[str] = field(default_factory=Counter)
    offered_first: int = 0
    offered: int = 0

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def add(self, question: Question, reply: BotReply) -> None:
        """Count one reply to ``question``."""
        expected = question.entry_id
        if reply.answered is not None:
            right = reply.answered == expected
            self.outcomes["answered right" if right else "answered wrong"] += 1
            self.offered_first += right
            self.offered += right
        elif reply.suggested:
            found = expected in reply.suggested
            self.outcomes["suggested" if found else "suggested others"] += 1
            self.offered_first += reply.suggested[0] == expected
            self.offered += found
        else:
            self.outcomes["not found"] += 1


def read_reply(body: Any, entry_of_answer: dict[str, str]) -> BotReply:
    """Find the answered entry and the suggested entries in a desk reply."""
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list):
        return BotReply(None, [])
    for message in messages:
        entry_id = entry_of_answer.get((message.get("text") or "").strip())
        if entry_id is not None:
            return BotReply(entry_id, [])
    suggested = [
        entry_id
        for message in messages
        for button in message.get("buttons") or []
        if (entry_id := suggested_entry(button.get("payload") or "")) is not None
    ]
    return BotReply(None, suggested)


def suggested_entry(payload: str) -> str | None:
    """Return the entry id of a "choose this entry" button payload, or None."""
    if not payload.startswith(CHOOSE_ENTRY_PREFIX):
        return None
    try:
        entities = json.loads(payload[len(CHOOSE_ENTRY_PREFIX) :])
    except ValueError:
        return None
    entry_id = entities.get("kb_entry_id") if isinstance(entities, dict) else None
    return entry_id if isinstance(entry_id, str) else None


def ask(desk_url: str, text: str) -> Any:
    """Ask ``text`` in a new conversation; return the reply body, None on error."""
    status, body = ask_in_new_conversation(desk_url, text)
    return body if status == 200 else None


def measure_bot(desk_url: str, seeds_dir: Path = ROOT / "seeds") -> list[BotScore]:
    """Ask every labelled question through the desk at ``desk_url``."""
    entry_of_answer = {
        entry.answer.strip(): entry.id for entry in read_seed_dir(seeds_dir).entries
    }
    warm_up(desk_url, entry_of_answer)
    scores = []
    for name, path in LABELLED_SETS.items():
        score = BotScore(name)
        for question in load_labelled_questions([path]):
            score.add(
                question, read_reply(ask(desk_url, question.text), entry_of_answer)
            )
        scores.append(score)
    return scores


def warm_up(desk_url: str, entry_of_answer: dict[str, str]) -> None:
    """Ask ``WARM_UP_QUESTION`` until the bot answers or suggests.

    Raises:
        RuntimeError: the bot did not answer in ``WARM_UP_TRIES`` tries.
    """
    for _ in range(WARM_UP_TRIES):
        reply = read_reply(ask(desk_url, WARM_UP_QUESTION), entry_of_answer)
        if reply.answered or reply.suggested:
            return
    raise RuntimeError(
        f"the bot did not answer {WARM_UP_QUESTION!r} in {WARM_UP_TRIES} tries; "
        "check that Rasa and the action server started (see their logs)"
    )


def render_bot_section(scores: Sequence[BotScore]) -> list[str]:
    """Render the outcomes per set as Markdown lines, heading first."""
    sets = ", ".join(
        f"{score.total} in `{display_path(LABELLED_SETS[score.name])}`"
        for score in scores
    )
    lines = [
        SECTION_HEADING,
        "",
        "Every labelled question sent through the desk's citizen API in a new "
        f"conversation ({sets}), so NLU, the actions' search order and the "
        "reply rules all take part. Offered first: the right direct answer, or "
        "the labelled entry as the first suggestion. Offered: the right direct "
        "answer, or the labelled entry among the suggestions.",
        "",
        "| set | " + " | ".join(OUTCOMES) + " | offered first | offered |",
        "| --- |" + " --- |" * (len(OUTCOMES) + 2),
    ]
    for score in scores:
        cells = [score.name, *(str(score.outcomes[o]) for o in OUTCOMES)]
        cells += [_share(score.offered_first, score.total)]
        cells += [_share(score.offered, score.total)]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _share(count: int, total: int) -> str:
    return f"{count / total * 100:.1f} %" if total else "-"


def main() -> None:
    """Start the services, ask every labelled question and print the section."""
    with tempfile.TemporaryDirectory() as workdir:
        stack = ServiceStack(workdir=Path(workdir))
        try:
            stack.start_all()
            scores = measure_bot(stack.desk_url)
        finally:
            stack.stop_all()
    print("\n".join(render_bot_section(scores)))


if __name__ == "__main__":
    main()
