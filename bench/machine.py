"""Description of the machine a benchmark runs on, for the report."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine_description() -> str:
    """Describe the CPU, core count and memory of this machine."""
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return f"{cpu}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB"
