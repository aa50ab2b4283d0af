"""The restart wrapper that keeps Rasa and the action server up under honcho."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESPAWN = str(ROOT / "scripts" / "respawn.sh")


def test_failed_command_is_started_again(tmp_path: Path) -> None:
    # The first run fails and leaves a marker file, so the second run succeeds.
    marker = tmp_path / "ran-once"
    command = f"if [ -e {marker} ]; then exit 0; fi; touch {marker}; exit 3"

    result = subprocess.run(
        [RESPAWN, "bash", "-c", command], capture_output=True, text=True, timeout=20
    )

    assert result.returncode == 0
    assert "exited with status 3" in result.stderr


def test_sigterm_stops_wrapper_and_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    process = subprocess.Popen(
        [RESPAWN, "bash", "-c", f"echo $$ > {pid_file}; exec sleep 60"]
    )
    deadline = time.monotonic() + 10
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=10) == 0
    child_pid = int(pid_file.read_text())
    assert not Path(f"/proc/{child_pid}").exists()
