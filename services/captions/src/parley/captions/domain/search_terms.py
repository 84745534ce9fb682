"""What a search query asks for, as words and phrases, and the same in each database's syntax:
nothing the caller types is ever passed to a full-text parser as syntax (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARTS = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Terms:
    """Every phrase must match (a phrase of one word is a word)."""

    phrases: tuple[tuple[str, ...], ...]

    def fts5(self) -> str:
        """SQLite FTS5: each phrase double-quoted (words only: no quote survives in them)."""
        return " ".join('"' + " ".join(phrase) + '"' for phrase in self.phrases)

    def websearch(self) -> str:
        """PostgreSQL ``websearch_to_tsquery``: words, and quoted phrases."""
        return " ".join(
            phrase[0] if len(phrase) == 1 else '"' + " ".join(phrase) + '"'
            for phrase in self.phrases
        )


def parse(query: str) -> Terms:
    """``query``'s words; text in double quotes is one phrase. Everything but letters and digits
    (operators, ``*``, ``NEAR(``, ``:``, a lone quote) only separates words."""
    phrases: list[tuple[str, ...]] = []
    for match in _PARTS.finditer(query):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            words = tuple(_WORD.findall(quoted.lower()))
            if words:
                phrases.append(words)
        else:
            phrases.extend((word,) for word in _WORD.findall(bare.lower()))
    return Terms(tuple(phrases))
