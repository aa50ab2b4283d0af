"""Tokenizer of questions: normalisation, jieba words, synonyms and bigrams.

``Tokenizer.tokenize`` turns a question into index terms in five steps:

1. ``normalize_text`` folds full-width, traditional and upper-case characters.
2. Synonym phrases of two or more characters become their canonical term.
3. jieba segments the text, with the domain dictionary and every canonical
   synonym added as words, so 个账共济 stays one word.
4. One-character synonym tokens fold (交 to 缴费), and stop words go:
   particles, pronouns and question words, which carry little about the topic.
5. Each run of Chinese content words also yields its character bigrams,
   prefixed with ``BIGRAM_PREFIX``, so a typo inside a long word or a word
   that jieba split differently still shares most bigrams with the entry.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import jieba  # type: ignore[import-untyped]

from desk.kb.normalize import normalize_text
from desk.kb.synonyms import Synonyms
from desk.settings import ROOT

logger = logging.getLogger(__name__)

DEFAULT_DICTIONARY = ROOT / "data" / "dictionary" / "terms.txt"

# Marks a character-bigram term, which keeps bigrams apart from words of the
# same two characters so that each kind gets its own weight in the ranking.
BIGRAM_PREFIX = "~"

# Particles, pronouns, politeness and question words. Question words (怎么,
# 多少, 哪里) are here because nearly every entry is a question, so they would
# match everywhere and pull short unrelated entries up.
STOP_WORDS = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 哦 嘛 么 啦 哈 嗯 喔 诶 哎 呗 滴 之 着 得 地 过
    我 我们 你 你们 您 他 她 它 他们 她们 咱 咱们 俺 人家
    请问 请 问 问问 想问 问一下 咨询 咨询一下 一下 下 帮 帮我 帮忙 麻烦
    谢谢 谢了 多谢 你好 您好 在吗 老师 同志 小姐 先生
    好 好的 行 对的 是的 嗯嗯 哦哦 ok 收到 明白 知道了 没事
    a an the is are do does can i my me to of in on for how what where when why
    怎么 怎么样 怎样 如何 咋 咋样 咋办 怎么办 怎么弄 怎么搞 怎办
    什么 啥 哪 哪里 哪儿 哪些 哪个 多少 几 多久 多长时间 为什么 为啥
    是否 是不是 能不能 能否 可不可以 有没有 会不会 要不要 行不行 可以吗
    是 在 有 和 与 及 或 或者 还是 就 都 也 还 又 才 再 已经 能 可以 会 可
    去 到 给 把 被 让 对 从 跟 向 这 那 这个 那个 这些 那些 个 一 一个 些
    想 要 该 应该 需 现在 目前 一直 如果 的话 然后 但是 因为 所以
    到底 究竟 才能 具体 大概 一般 其实 请教 弄 搞
    """.split()
)

_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_HAS_WORD_CHARACTER = re.compile(r"\w")
# Terms of texts already tokenized, keyed by the tokenizer's configuration, so
# that rebuilding the index after one entry changed segments only that entry.
# Cleared when it grows past ``TOKEN_CACHE_SIZE`` texts.
TOKEN_CACHE_SIZE = 100_000
_token_cache: dict[tuple[int, str], tuple[str, ...]] = {}


class Tokenizer:
    """Turn text into the terms that the BM25 index stores and queries."""

    def __init__(
        self, synonyms: Synonyms, dictionary: Path | None = DEFAULT_DICTIONARY
    ) -> None:
        """Prepare jieba with ``dictionary`` (if the file exists) and synonyms."""
        self.synonyms = synonyms
        canonical_words = sorted(
            {term for term in synonyms.canonical_of.values() if len(term) >= 2}
        )
        self._segmenter = _load_segmenter(
            str(dictionary) if dictionary else None, tuple(canonical_words)
        )
        self._cache_key = hash(
            (str(dictionary), tuple(sorted(synonyms.canonical_of.items())))
        )

    def tokenize(self, text: str) -> list[str]:
        """Return the word terms of ``text`` followed by its bigram terms."""
        key = (self._cache_key, text)
        cached = _token_cache.get(key)
        if cached is None:
            if len(_token_cache) >= TOKEN_CACHE_SIZE:
                _token_cache.clear()
            cached = _token_cache[key] = tuple(self._tokenize(text))
        return list(cached)

    def _tokenize(self, text: str) -> list[str]:
        normalized = self.synonyms.replace_phrases(normalize_text(text))
        words: list[str] = []
        bigrams: list[str] = []
        run = ""
        for token in self._segmenter.lcut(normalized, HMM=False):
            word = self.synonyms.canonical(token.strip())
            if not _HAS_WORD_CHARACTER.search(word) or word in STOP_WORDS:
                bigrams.extend(_bigrams(run))
                run = ""
                continue
            words.append(word)
            if _CJK_ONLY.match(word):
                run += word
            else:
                bigrams.extend(_bigrams(run))
                run = ""
        bigrams.extend(_bigrams(run))
        return words + bigrams


def _bigrams(run: str) -> Iterable[str]:
    return (BIGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1))


@functools.lru_cache(maxsize=4)
def _load_segmenter(dictionary: str | None, words: tuple[str, ...]) -> jieba.Tokenizer:
    """Build one jieba instance per dictionary and word list, then reuse it.

    A private instance keeps the added words out of jieba's global tokenizer,
    which other code in the process may use with its own dictionary.
    """
    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    if dictionary and Path(dictionary).exists():
        segmenter.load_userdict(dictionary)
        logger.info("kb.tokenizer.dictionary path=%s", dictionary)
    elif dictionary:
        logger.warning("kb.tokenizer.dictionary_missing path=%s", dictionary)
    for word in words:
        segmenter.add_word(word)
    return segmenter
