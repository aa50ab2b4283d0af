"""Errors found in flow files, each tied to a file and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FlowError:
    """One problem in a flow file, as trainers see it in `make validate`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FlowLoadError(Exception):
    """Flow files could not be loaded; ``errors`` lists every problem found."""

    def __init__(self, errors: list[FlowError]) -> None:
        self.errors = sorted(errors)
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in flow files:\n{lines}")
