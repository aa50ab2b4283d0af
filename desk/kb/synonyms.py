"""Synonym groups that fold colloquial words and typos to one canonical term.

``seeds/synonyms.yml`` contains a ``synonyms:`` list of groups, and the first item
of each group is the canonical term. The same folding runs at index and at
query time, so 交钱, 教费 and 缴纳 all match an entry that says 缴费.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from desk.kb.errors import SeedError
from desk.kb.normalize import normalize_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Synonyms:
    """Mapping from every variant to its canonical term.

    Variants of two or more characters are replaced in the text before
    segmentation, so a phrase such as 外地看病 folds even when the segmenter
    would split it. One-character variants (交, 缴) are replaced only when the
    segmenter emits them as a whole token, because replacing the character
    inside words such as 提交 or 交通 would be wrong.
    """

    canonical_of: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]]) -> Synonyms:
        """Build the mapping from groups whose first item is canonical."""
        canonical_of: dict[str, str] = {}
        for group in groups:
            terms = [normalize_text(term) for term in group]
            for term in terms:
                canonical_of.setdefault(term, terms[0])
        phrases = sorted(
            (term for term in canonical_of if len(term) >= 2),
            key=lambda term: (-len(term), term),
        )
        pattern = (
            re.compile("|".join(map(_phrase_pattern, phrases))) if phrases else None
        )
        return cls(canonical_of=canonical_of, _pattern=pattern)

    @property
    def terms(self) -> list[str]:
        """Every term of every group, variants and canonical terms alike."""
        return list(self.canonical_of)

    def replace_phrases(self, text: str) -> str:
        """Replace each variant of two or more characters in normalised text."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: self.canonical_of[match[0]], text)

    def canonical(self, token: str) -> str:
        """Return the canonical term of ``token``, or ``token`` itself."""
        return self.canonical_of.get(token, token)


def _phrase_pattern(term: str) -> str:
    """Return the regex of ``term``, whose Latin-letter ends match word edges only."""
    pattern = re.escape(term)
    if term[0].isascii() and term[0].isalnum():
        pattern = r"(?<![a-z0-9])" + pattern
    if term[-1].isascii() and term[-1].isalnum():
        pattern += r"(?![a-z0-9])"
    return pattern


def load_synonyms(path: Path) -> Synonyms:
    """Read and validate a synonyms file. A missing file gives no synonyms.

    Raises:
        SeedError: if the file is not a ``synonyms:`` list of groups of at
            least two strings, or if a term belongs to two groups.
    """
    if not path.exists():
        logger.warning("kb.synonyms.missing path=%s", path)
        return Synonyms()
    with path.open(encoding="utf-8") as stream:
        document = yaml.safe_load(stream) or {}
    groups = document.get("synonyms") if isinstance(document, dict) else None
    if not isinstance(groups, list):
        raise SeedError(f"{path}: expected a top-level 'synonyms:' list of groups")
    _validate_groups(path, groups)
    synonyms = Synonyms.from_groups(groups)
    logger.info(
        "kb.synonyms.loaded groups=%d terms=%d", len(groups), len(synonyms.terms)
    )
    return synonyms


def _validate_groups(path: Path, groups: list[object]) -> None:
    group_of: dict[str, int] = {}
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2:
            raise SeedError(
                f"{path}: group {number} must be a list of at least 2 terms, "
                f"found {group!r}"
            )
        for term in group:
            if not isinstance(term, str) or not term.strip():
                raise SeedError(
                    f"{path}: group {number} has {term!r}; every term must be "
                    "a non-empty string"
                )
            key = normalize_text(term)
            first = group_of.setdefault(key, number)
            if first != number:
                raise SeedError(
                    f"{path}: term {term!r} is in group {first} and group "
                    f"{number}; keep it in one group"
                )
