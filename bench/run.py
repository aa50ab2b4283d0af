"""Measure the assistant end to end and write docs/benchmarks.md.

The script starts its own desk, Rasa server and action server on free
loopback ports (desk.devstack). One run measures reply latency and
throughput through the desk and directly against Rasa's REST channel at
concurrency 1 and 10. It also measures peak memory of each process,
training time, intent accuracy on the held-out NLU file and, in-process,
knowledge-base retrieval (bench/retrieval.py), and it asks the labelled
retrieval questions through the whole bot (bench/bot_answers.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from bench.bot_answers import BotScore, measure_bot, render_bot_section
from bench.machine import machine_description
from bench.retrieval import RetrievalBenchmark, measure_retrieval, render_section
from desk.devstack import ROOT, ServiceStack

# Questions sent in the latency runs: consultation topics, chit-chat and a
# question no entry answers, so every reply path is measured.
QUESTIONS = [
    "灵活就业人员怎么交职工养老保险",
    "养老保险关系从外省转回泰安要办什么",
    "养老金资格认证在手机上怎么做",
    "男职工现在多少岁退休",
    "怎么给父母开通医保个账家庭共济",
    "异地住院怎么备案",
    "社保卡丢了怎么补办",
    "你好",
    "谢谢你",
    "外星人会不会交社保呢啦啦啦",
]
REQUESTS_PER_WORKER = 40
CONCURRENCY_LEVELS = (1, 10)


@dataclass
class RunResult:
    """Latencies of one load run, in seconds, and its wall time."""

    target: str
    concurrency: int
    latencies: list[float]
    wall_time: float
    errors: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_time

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))
        return ordered[index]


async def _desk_worker(
    client: httpx.AsyncClient, desk_url: str, latencies: list[float]
) -> int:
    created = await client.post(f"{desk_url}/api/conversations", json={})
    body = created.json()
    url = f"{desk_url}/api/conversations/{body['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {body['token']}"}
    errors = 0
    for index in range(REQUESTS_PER_WORKER):
        text = QUESTIONS[index % len(QUESTIONS)]
        started = time.perf_counter()
        response = await client.post(url, json={"text": text}, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200 or response.json()["status"] != "bot":
            errors += 1
    return errors


async def _rasa_worker(
    client: httpx.AsyncClient, rasa_url: str, latencies: list[float]
) -> int:
    sender = uuid.uuid4().hex
    errors = 0
    for index in range(REQUESTS_PER_WORKER):
        text = QUESTIONS[index % len(QUESTIONS)]
        started = time.perf_counter()
        response = await client.post(
            f"{rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
        )
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200 or not response.json():
            errors += 1
    return errors


async def measure(stack: ServiceStack, target: str, concurrency: int) -> RunResult:
    """Run ``concurrency`` conversations in parallel against one target."""
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=30) as client:
        if target == "desk":
            workers = [
                _desk_worker(client, stack.desk_url, latencies)
                for _ in range(concurrency)
            ]
        else:
            workers = [
                _rasa_worker(client, stack.rasa_url, latencies)
                for _ in range(concurrency)
            ]
        started = time.perf_counter()
        errors = sum(await asyncio.gather(*workers))
        wall_time = time.perf_counter() - started
    return RunResult(target, concurrency, latencies, wall_time, errors)


def peak_memory_mib(pid: int) -> float:
    """Return the peak resident set size (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"VmHWM missing for process {pid}")


def measure_training_time() -> float:
    """Train the full model from scratch into a temporary folder; return seconds."""
    with tempfile.TemporaryDirectory() as workdir:
        env = dict(os.environ, RASA_CACHE_DIRECTORY=str(Path(workdir) / "cache"))
        started = time.perf_counter()
        subprocess.run(
            [
                str(ROOT / ".venv-rasa" / "bin" / "rasa"),
                "train",
                "--config",
                "config.yml",
                "--domain",
                "domain",
                "--data",
                "data",
                "--out",
                workdir,
                "--force",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def load_heldout() -> list[tuple[str, str]]:
    """Return (text, intent) pairs of the held-out NLU test file."""
    with (ROOT / "tests" / "nlu" / "heldout.yml").open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    pairs = []
    for block in document["nlu"]:
        for line in block["examples"].splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                pairs.append((text, block["intent"]))
    return pairs


def measure_nlu_accuracy(stack: ServiceStack) -> tuple[float, int]:
    """Parse the held-out file through the running model; return accuracy, size."""
    pairs = load_heldout()
    correct = 0
    with httpx.Client(timeout=30) as client:
        for text, intent in pairs:
            parsed = client.post(stack.parse_url, json={"text": text})
            if parsed.json()["intent"]["name"] == intent:
                correct += 1
    return correct / len(pairs), len(pairs)


def render_report(
    runs: list[RunResult],
    memory: dict[str, float],
    training_seconds: float | None,
    accuracy: tuple[float, int],
    retrieval: RetrievalBenchmark,
    bot_scores: list[BotScore],
) -> str:
    """Render the benchmark figures as the Markdown of docs/benchmarks.md."""
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine_description()}. Measured on "
        f"{time.strftime('%Y-%m-%d')} with `make bench` "
        "(`bench/run.py`), which starts its own desk, Rasa server and action "
        "server on loopback ports and writes this page.",
        "",
        "## Reply latency and throughput",
        "",
        f"Each conversation sends {REQUESTS_PER_WORKER} messages in turn from a "
        f"fixed list of {len(QUESTIONS)} (topic questions, chit-chat and one "
        "question nothing answers). `desk` is the citizen's path "
        "(desk → Rasa → action server → desk search); `rasa` posts the same "
        "messages straight to Rasa's REST channel, which still calls the action "
        "server and the desk's search.",
        "",
        "| target | concurrency | requests | errors | p50 ms | p95 ms | replies/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        lines.append(
            f"| {run.target} | {run.concurrency} | {len(run.latencies)} | "
            f"{run.errors} | {statistics.median(run.latencies) * 1000:.0f} | "
            f"{run.percentile(0.95) * 1000:.0f} | {run.throughput:.1f} |"
        )
    lines += ["", "Overhead of the desk over Rasa alone (ratio of medians):", ""]
    by_key = {(run.target, run.concurrency): run for run in runs}
    for concurrency in CONCURRENCY_LEVELS:
        desk = statistics.median(by_key["desk", concurrency].latencies)
        rasa = statistics.median(by_key["rasa", concurrency].latencies)
        lines.append(
            f"- concurrency {concurrency}: desk/rasa = {desk / rasa:.2f}, "
            f"{(desk - rasa) * 1000:+.0f} ms (target: at most 1.10)"
        )
    lines += [
        "",
        "Medians of 40 requests move by several milliseconds between runs on "
        "a shared two-core machine, so one run's ratio at concurrency 1 is "
        "only a rough reading; compare several runs.",
        "",
        "## Memory",
        "",
        "Peak resident set size (VmHWM) of each process after the load runs:",
        "",
        "| process | peak MiB |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {mib:.0f} |" for name, mib in memory.items()]
    lines += [
        "",
        "## Training and NLU accuracy",
        "",
        "- Full training (`rasa train --force`, empty cache): "
        + (
            f"{training_seconds:.0f} s."
            if training_seconds is not None
            else "not measured in this run (`--skip-training`)."
        ),
        f"- Intent accuracy on the held-out file (`tests/nlu/heldout.yml`, "
        f"{accuracy[1]} utterances): {accuracy[0] * 100:.1f} %.",
        "",
        *render_section(retrieval),
        *render_bot_section(bot_scores),
    ]
    return "\n".join(lines)


async def run_load(stack: ServiceStack) -> list[RunResult]:
    """Warm both paths up, then run every target at every concurrency."""
    await measure(stack, "desk", 1)
    runs = []
    for concurrency in CONCURRENCY_LEVELS:
        for target in ("desk", "rasa"):
            runs.append(await measure(stack, target, concurrency))
    return runs


def main() -> None:
    """Run every measurement and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="Markdown file to write the figures to",
    )
    parser.add_argument(
        "--skip-training",
        action="store_true",
        help="do not measure training time (it takes minutes)",
    )
    args = parser.parse_args()
    retrieval = measure_retrieval()
    with tempfile.TemporaryDirectory() as workdir:
        # Each load conversation sends more messages a minute than the
        # per-conversation limit allows, and the limit is not what is measured.
        stack = ServiceStack(
            workdir=Path(workdir),
            extra_env={"DESK_MESSAGES_PER_MINUTE": "100000"},
        )
        try:
            stack.start_all()
            runs = asyncio.run(run_load(stack))
            memory = {
                name: peak_memory_mib(process.pid)
                for name, process in stack.processes.items()
            }
            accuracy = measure_nlu_accuracy(stack)
            bot_scores = measure_bot(stack.desk_url)
        finally:
            stack.stop_all()
    training_seconds = None if args.skip_training else measure_training_time()
    report = render_report(
        runs, memory, training_seconds, accuracy, retrieval, bot_scores
    )
    args.output.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
