"""The validate command that `make validate` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from actions.flows.cli import main
from tests.flows.conftest import ROOT, MakeFolder


def test_cli_accepts_the_shipped_flows(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["validate", str(ROOT / "flows")])

    assert status == 0
    assert "flows in 3 files are valid" in capsys.readouterr().out


def test_cli_prints_every_error_and_fails(
    make_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_folder(
        demo="flows:\n  demo:\n    description: d\n    steps:\n"
        "      - action: utter_missing\n      - collect: colour\n"
    )

    status = main(["validate", str(folder)])

    lines = capsys.readouterr().err.splitlines()
    assert status == 1
    assert lines[0].endswith(
        "demo.yml:5: response 'utter_missing' is not defined; "
        "add it under responses: in a flow file"
    )
    assert any(
        line.endswith(
            "demo.yml:6: slot 'colour' is not declared; add it "
            "under slots: in a flow file"
        )
        for line in lines
    )
    assert lines[-1].startswith("3 error(s) in ")


def test_cli_rejects_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", str(tmp_path / "nowhere")])

    assert status == 2
    assert "not a directory" in capsys.readouterr().err


def test_cli_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "actions.flows.cli", "validate", "flows/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "4 flows in 3 files are valid"
