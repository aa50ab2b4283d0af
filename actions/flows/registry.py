"""The flows folder, reloaded when a file changes, keeping valid versions.

A trainer's edit goes live without restarting the action server. An edit
that does not validate is logged and the file's last valid version stays in
use; a file that never validated is left out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from actions.flows.config import CONFIG_FILE_NAME, FlowConfig
from actions.flows.errors import FlowError, FlowLoadError
from actions.flows.loader import FileContent, flow_files, load_flow_file, read_config
from actions.flows.model import FlowSet
from actions.flows.source import display_name, read_source
from actions.flows.validator import assemble

logger = logging.getLogger(__name__)

# Seconds between two looks at the files' modification times.
DEFAULT_CHECK_INTERVAL = 2.0

Signature = tuple[int, int]


@dataclass
class _Version:
    signature: Signature
    content: FileContent


class FlowRegistry:
    """Loads every flow file of a folder and reloads the ones that change."""

    def __init__(
        self,
        folder: Path | str,
        *,
        check_interval: float = DEFAULT_CHECK_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = Path(folder)
        self.check_interval = check_interval
        self.clock = clock
        self.errors: list[FlowError] = []
        self._lock = threading.Lock()
        self._seen: dict[Path, Signature] = {}
        self._valid: dict[Path, _Version] = {}
        self._config: FlowConfig | None = None
        self._flow_set: FlowSet | None = None
        self._last_check = clock()
        self.reload()

    def current(self) -> FlowSet:
        """Return the flows, reloading first if a file changed since the last look.

        Raises:
            FlowLoadError: no valid version of the config exists.
        """
        with self._lock:
            now = self.clock()
            if now - self._last_check >= self.check_interval:
                self._last_check = now
                if self._scan() != self._seen:
                    self._reload_locked()
            if self._flow_set is None:
                raise FlowLoadError(self.errors)
            return self._flow_set

    def reload(self) -> None:
        """Read the folder again now."""
        with self._lock:
            self._reload_locked()

    def _scan(self) -> dict[Path, Signature]:
        paths = [*flow_files(self.folder), self.folder / CONFIG_FILE_NAME]
        signatures: dict[Path, Signature] = {}
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            signatures[path] = (stat.st_mtime_ns, stat.st_size)
        return signatures

    def _reload_locked(self) -> None:
        seen = self._scan()
        errors: list[FlowError] = []
        config_path = self.folder / CONFIG_FILE_NAME
        config_changed = self._config is None or seen.get(
            config_path
        ) != self._seen.get(config_path)
        if config_changed:
            config, config_errors = read_config(self.folder)
            errors.extend(config_errors)
            if config is not None:
                self._config = config
        if self._config is None:
            self._finish(seen, errors, None)
            return
        candidates, changed = self._candidates(seen, config_changed, errors)
        flow_set = self._assemble(candidates, changed, errors)
        self._finish(seen, errors, flow_set)

    def _candidates(
        self, seen: dict[Path, Signature], config_changed: bool, errors: list[FlowError]
    ) -> tuple[dict[Path, _Version], set[Path]]:
        candidates: dict[Path, _Version] = {}
        changed: set[Path] = set()
        for path in flow_files(self.folder):
            signature = seen.get(path)
            old = self._valid.get(path)
            if signature is None:
                continue
            if old and old.signature == signature and not config_changed:
                candidates[path] = old
                continue
            source, file_errors = read_source(path)
            content = None
            if source is not None:
                content, load_errors = load_flow_file(source, self._config)
                file_errors = file_errors + load_errors
            errors.extend(file_errors)
            if content is not None and not file_errors:
                candidates[path] = _Version(signature, content)
                changed.add(path)
            elif old is not None:
                candidates[path] = old
        return candidates, changed

    def _assemble(
        self,
        candidates: dict[Path, _Version],
        changed: set[Path],
        errors: list[FlowError],
    ) -> FlowSet | None:
        """Assemble the candidates, falling back file by file until they validate."""
        assert self._config is not None
        while True:
            contents = [version.content for version in candidates.values()]
            flow_set, set_errors = assemble(contents, self._config)
            if flow_set is not None:
                self._valid = dict(candidates)
                return flow_set
            errors.extend(set_errors)
            bad = {error.file for error in set_errors}
            culprits = [path for path in candidates if display_name(path) in bad]
            if not culprits:
                return None
            for path in culprits:
                old = self._valid.get(path)
                if path in changed and old is not None:
                    candidates[path] = old
                    changed.discard(path)
                else:
                    del candidates[path]

    def _finish(
        self,
        seen: dict[Path, Signature],
        errors: list[FlowError],
        flow_set: FlowSet | None,
    ) -> None:
        self._seen = seen
        self.errors = sorted(set(errors))
        for error in self.errors:
            logger.error(
                "flows.reload.rejected file=%s line=%d error=%s",
                error.file,
                error.line,
                error.message,
            )
        if flow_set is not None:
            self._flow_set = flow_set
        if self._flow_set is not None:
            logger.info(
                "flows.reload.done flows=%d files=%d errors=%d",
                len(self._flow_set.flows),
                len(self._flow_set.files),
                len(self.errors),
            )
