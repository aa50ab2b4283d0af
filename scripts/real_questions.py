"""Send a file of questions through the desk and count how each one ended.

Each line of the file is one question, asked in a new conversation. The
outcome of each is one of: answered (an answer of a social-insurance entry),
other_agency (the reply names the agency that handles it), suggestions (the
bot offered candidate questions), fallback (the bot asked to rephrase or
said it cannot help), handoff (the conversation went to a human), chit_chat
(greeting or thanks), error (HTTP error or no reply).

The questions themselves are printed only with --details, to the terminal,
so a file of real questions never ends up in the repository.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from desk.devstack import ROOT, ServiceStack, ask_in_new_conversation

OUTCOMES = (
    "answered",
    "other_agency",
    "suggestions",
    "fallback",
    "handoff",
    "chit_chat",
    "error",
)


def load_answers() -> dict[str, str]:
    """Return the category of every knowledge-base answer text."""
    answers: dict[str, str] = {}
    for path in sorted((ROOT / "seeds" / "kb").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            for entry in yaml.safe_load(handle)["entries"]:
                answers[entry["answer"].strip()] = entry["category"]
    return answers


def classify(status: int, body: Any, answers: dict[str, str]) -> str:
    """Return the outcome of one reply from the desk."""
    if status != 200 or not isinstance(body, dict):
        return "error"
    if body.get("status") != "bot":
        return "handoff"
    messages = body.get("messages") or []
    if not messages:
        return "error"
    texts = [(message.get("text") or "").strip() for message in messages]
    payloads = [b["payload"] for m in messages for b in m.get("buttons") or []]
    categories = [answers[text] for text in texts if text in answers]
    if categories:
        return "other_agency" if categories[0] == "other_agencies" else "answered"
    if any("不归社保中心" in text for text in texts):
        return "other_agency"
    if any(p.startswith("/choose_kb_entry") for p in payloads):
        return "suggestions"
    if "/request_human" in payloads:
        return "fallback"
    return "chit_chat"


def run(desk_url: str, questions: list[str], details: bool) -> Counter[str]:
    """Ask every question and count the outcomes."""
    answers = load_answers()
    counts: Counter[str] = Counter()
    for question in questions:
        status, body = ask_in_new_conversation(desk_url, question)
        outcome = classify(status, body, answers)
        counts[outcome] += 1
        if details:
            last = (body.get("messages") or [{}])[-1] if isinstance(body, dict) else {}
            print(f"{outcome:13} {question} -> {(last.get('text') or '')[:60]}")
    return counts


def main() -> None:
    """Parse arguments, run the questions and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("questions", type=Path, help="text file, one question a line")
    parser.add_argument(
        "--desk-url",
        help="desk to ask, e.g. http://127.0.0.1:8000; by default the script "
        "starts its own desk, Rasa server and action server",
    )
    parser.add_argument(
        "--details", action="store_true", help="print each question and its outcome"
    )
    args = parser.parse_args()
    if not args.questions.is_file():
        parser.error(f"questions file {args.questions} not found; pass a text file")
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [line.strip() for line in lines if line.strip()]
    if args.desk_url:
        counts = run(args.desk_url.rstrip("/"), questions, args.details)
    else:
        with tempfile.TemporaryDirectory() as workdir:
            stack = ServiceStack(workdir=Path(workdir))
            try:
                stack.start_all()
                counts = run(stack.desk_url, questions, args.details)
            finally:
                stack.stop_all()
    print(f"questions: {len(questions)}")
    for outcome in OUTCOMES:
        print(f"{outcome}: {counts[outcome]}")


if __name__ == "__main__":
    main()
