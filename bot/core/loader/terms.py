"""The topic's glossary (`terms:`), checked: each term leads to the sources' words, once, and nowhere else.

A term is what reporters type ("nk"); its meaning is the words the sources use ("north korea"), which the
question is rewritten into (`bot.core.glossary`). So a term that is also an entry's alias would make the same
words mean two things (refused); a meaning holding another term would be rewritten again (refused: write the
sources' words); and a meaning no entry uses can only turn a question into a miss (a warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.core.glossary import key_words
from bot.core.index import stem
from bot.core.kinds import KINDS
from bot.core.model import Topic
from bot.core.text import tokens

if TYPE_CHECKING:
    from bot.core.loader.build import Builder


def checked(ctx: Builder, raw: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The glossary as (term, meaning) pairs, each problem reported at its line."""
    aliases = {" ".join(tokens(alias)): (owner, path) for alias, (owner, path) in ctx.aliases.items()}
    seen: dict[tuple[str, ...], str] = {}
    out = []
    for typed, meant in raw.items():
        at = ("terms", typed)
        words = key_words(typed)
        if not words:
            ctx.doc.error(at, f"term {typed!r} holds no word to match; write the word reporters type", key=True)
            continue
        if words in seen:
            ctx.doc.error(at, f"term {typed!r} is the same words as {seen[words]!r}; keep one", key=True)
            continue
        seen[words] = typed
        claimed = aliases.get(" ".join(words))
        if claimed:
            line, _ = ctx.doc.at(claimed[1])
            ctx.doc.error(
                at,
                f"term {typed!r} is also an alias of {claimed[0]!r} (line {line}): a reporter typing it already "
                "gets that entry; remove the term or the alias",
                key=True,
            )
            continue
        if not tokens(meant):
            ctx.doc.error(at, f"the meaning of {typed!r} holds no word; write the words the sources use")
            continue
        out.append((typed, meant))
    for typed, meant in out:
        said = tokens(meant)
        inner = next((t for w, t in seen.items() if _within(w, said)), None)
        if inner is not None:
            ctx.doc.error(
                ("terms", typed),
                f"the meaning of {typed!r} holds the term {inner!r}, which is rewritten too; write the words the "
                "sources use",
            )
    return tuple(out)


def _within(words: tuple[str, ...], said: list[str]) -> bool:
    n = len(words)
    return any(tuple(said[i : i + n]) == words for i in range(len(said) - n + 1))


def unused(ctx: Builder, topic: Topic) -> None:
    """Warn of a meaning with words no entry uses: the rewritten question could only find nothing."""
    if not topic.terms:
        return
    wanted = {stem(w) for _, meant in topic.terms for w in tokens(meant)}
    for kind in KINDS:
        if kind.doc is None:
            continue
        for entry in topic.section(kind):
            doc = kind.doc(topic, entry)
            wanted -= {stem(w) for w in tokens(" ".join((*doc.keys, doc.body)))}
            if not wanted:
                return
    for typed, meant in topic.terms:
        missing = [w for w in tokens(meant) if stem(w) in wanted]
        if missing:
            ctx.warning(
                ("terms", typed),
                f"no entry uses {', '.join(map(repr, missing))} (the meaning of {typed!r}): a question with "
                f"{typed!r} in it will find nothing; write the words the entries use",
            )
