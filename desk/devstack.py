"""Start the desk, the Rasa server and the action server on free loopback ports.

Used by the end-to-end tests, the benchmark and the real-question run, so
each of them talks to real services over real HTTP without touching the
databases of `make run`. Besides the standard library it imports only
desk.tracker_store, which needs PyYAML, so the bot's Python 3.10 environment
can use this module too.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from desk.tracker_store import tracker_store_from_url

ROOT = Path(__file__).resolve().parent.parent
DESK_BIN = ROOT / ".venv" / "bin" / "desk"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
RASA_LAUNCHER = ROOT / "scripts" / "rasa_masked.py"
DEFAULT_MODEL = ROOT / "models" / "current.tar.gz"


class StackError(RuntimeError):
    """A service failed to start or to become ready in time."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    """Send one JSON request and return the status and the decoded body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw = error.read()
        status = error.code
    text = raw.decode() if raw else ""
    try:
        return status, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, text


def ask_in_new_conversation(desk_url: str, text: str) -> tuple[int, Any]:
    """Send ``text`` to the desk as a citizen's first message; return the reply.

    The status and body are those of creating the conversation when that
    fails, otherwise those of sending the message.
    """
    status, created = http_json("POST", desk_url + "/api/conversations", {})
    if status != 201:
        return status, created
    url = f"{desk_url}/api/conversations/{created['conversation_id']}/messages"
    return http_json(
        "POST",
        url,
        {"text": text},
        headers={"Authorization": f"Bearer {created['token']}"},
        timeout=30,
    )


@dataclass
class ServiceStack:
    """The three services as child processes, with logs under ``workdir``."""

    workdir: Path
    model: Path = DEFAULT_MODEL
    service_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    rasa_auth_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    desk_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    # Desk database and Rasa tracker store; empty means SQLite files in workdir.
    desk_database_url: str = ""
    tracker_store_url: str = ""
    # LOG_LEVEL of the Rasa and action servers; DEBUG makes them log message
    # text, which the e2e tests use to check the masking of personal data.
    log_level: str = "INFO"
    # More environment variables for every service, such as DESK_SEEDS_DIR.
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @property
    def desk_url(self) -> str:
        return f"http://127.0.0.1:{self.desk_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def parse_url(self) -> str:
        """Return Rasa's /model/parse URL with the API token."""
        return f"{self.rasa_url}/model/parse?token={self.rasa_auth_token}"

    @property
    def database_url(self) -> str:
        return self.desk_database_url or (
            f"sqlite+aiosqlite:///{self.workdir / 'desk.db'}"
        )

    def _tracker_store(self) -> dict[str, Any]:
        url = self.tracker_store_url or f"sqlite:///{self.workdir / 'rasa_tracker.db'}"
        return tracker_store_from_url(url)

    @property
    def flows_dir(self) -> Path:
        """Return the stack's own copy of flows/, which tests may edit."""
        return self.workdir / "flows"

    def log_path(self, name: str) -> Path:
        """Return the file that collects a service's stdout and stderr."""
        return self.workdir / f"{name}.log"

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            DESK_PORT=str(self.desk_port),
            RASA_URL=self.rasa_url,
            # The desk sends tracker events to Rasa's HTTP API when staff
            # close a ticket, and that API checks this token.
            RASA_AUTH_TOKEN=self.rasa_auth_token,
            ACTION_SERVER_URL=self.actions_url,
            DESK_URL=self.desk_url,
            DESK_SERVICE_TOKEN=self.service_token,
            SANIC_HOST="127.0.0.1",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL=self.log_level,
            FLOWS_DIR=str(self.flows_dir),
            # Every test request comes from 127.0.0.1, so the per-address
            # limits of the citizen endpoints would soon refuse the tests.
            DESK_REQUESTS_PER_MINUTE="100000",
            DESK_CONVERSATIONS_PER_MINUTE="100000",
        )
        env.update(self.extra_env)
        return env

    def _spawn(self, name: str, command: list[str]) -> None:
        log = self.log_path(name).open("ab")
        self._logs[name] = log
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self._environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def prepare_desk_database(self) -> None:
        """Migrate a fresh desk database and load the seeds into it."""
        for command in ("migrate", "load-seeds"):
            subprocess.run(
                [str(DESK_BIN), command],
                cwd=ROOT,
                env=self._environment(),
                check=True,
                capture_output=True,
            )

    def run_desk_command(self, *arguments: str, input_text: str = "") -> str:
        """Run the `desk` command line on the stack's database; return stdout.

        Raises:
            subprocess.CalledProcessError: the command exited with an error.
        """
        completed = subprocess.run(
            [str(DESK_BIN), *arguments],
            cwd=ROOT,
            env=self._environment(),
            input=input_text,
            check=True,
            capture_output=True,
            text=True,
        )
        return completed.stdout

    def start_desk(self) -> None:
        """Start the desk and wait until it answers a knowledge-base search.

        The desk builds its search index after it starts serving, and the
        first search waits for that build, which takes seconds. Waiting here
        keeps that wait out of the first test's time limits.
        """
        self._spawn("desk", [str(DESK_BIN), "serve"])
        self._wait("desk", lambda: http_json("GET", self.desk_url + "/health")[0])
        search_url = self.desk_url + "/api/kb/search?q=%E7%A4%BE%E4%BF%9D"
        self._wait("desk", lambda: http_json("GET", search_url)[0])

    def start_actions(self) -> None:
        """Start the action server and wait until its /health route responds."""
        self._spawn(
            "actions",
            [
                str(RASA_PYTHON),
                str(RASA_LAUNCHER),
                "run",
                "actions",
                "--port",
                str(self.actions_port),
                "--actions",
                "actions",
            ],
        )
        self._wait("actions", lambda: http_json("GET", self.actions_url + "/health")[0])

    def start_rasa(self) -> None:
        """Start the Rasa server with the trained model and wait for it to parse."""
        if not self.model.exists():
            raise StackError(f"Model {self.model} not found; run `make train` first.")
        endpoints = self.workdir / "endpoints.yml"
        settings = {
            "action_endpoint": {"url": f"{self.actions_url}/webhook"},
            "tracker_store": self._tracker_store(),
        }
        endpoints.write_text(json.dumps(settings), encoding="utf-8")
        self._spawn(
            "rasa",
            [
                str(RASA_PYTHON),
                str(RASA_LAUNCHER),
                "run",
                "--enable-api",
                # One argument: a token_urlsafe token may start with "-",
                # which argparse would take for an option.
                f"--auth-token={self.rasa_auth_token}",
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--model",
                str(self.model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
        )
        self._wait(
            "rasa",
            lambda: http_json("POST", self.parse_url, {"text": "你好"})[0],
            timeout=180,
        )

    def start_all(self) -> None:
        """Start the action server, Rasa and the desk on a fresh database."""
        if not self.flows_dir.exists():
            shutil.copytree(ROOT / "flows", self.flows_dir)
        self.prepare_desk_database()
        self.start_actions()
        self.start_rasa()
        self.start_desk()

    def restart_desk(self) -> None:
        """Stop the desk and start it again on the same port and database."""
        self.stop("desk")
        self.start_desk()

    def stop(self, name: str) -> None:
        """Stop one service with SIGTERM, then SIGKILL after 10 seconds."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log = self._logs.pop(name, None)
        if log is not None:
            log.close()

    def stop_all(self) -> None:
        """Stop every service this stack started."""
        for name in list(self.processes):
            self.stop(name)

    def _wait(self, name: str, probe: Any, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(
                    f"{name} exited with {process.returncode}; "
                    f"see {self.log_path(name)}"
                )
            try:
                if probe() == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise StackError(
            f"{name} not ready after {timeout} s; see {self.log_path(name)}"
        )
