"""The one door to answers: every adapter (Slack over HTTP, Socket Mode, the console, `factdesk ask`) comes here.

The service parses a reporter's text once into a `Question`, answers it from the live knowledge, handles the
maintainers' words (`status`, `reload`), counts questions that found nothing (no user ids kept), and logs one
event per answer. It speaks in values (`Answer`, `Outcome`) and imports nothing from Slack: adapters hand it
plain strings and render what it returns, in Block Kit or in plain text.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot import logs
from bot.core.answer import Answer, Item, ItemKind, Kind
from bot.core.cache import LRU
from bot.core.engine import Catalog
from bot.core.model import Knowledge, Topic
from bot.core.query import MAX_QUERY_CHARS, Query, QueryKind, parse
from bot.core.store import KnowledgeStore, Outcome
from bot.core.text import fold
from bot.metrics import Metrics
from bot.misses import Misses
from bot.state import MemoryState

log = logs.get()
#: Answers kept per process. A key is at most (version, command, MAX_QUERY_CHARS folded characters), so the
#: cache holds at most ~4096 × 0.5 KB of keys plus the answers themselves, whatever reporters type.
MAX_ANSWERS_KEPT = 4096

#: Told about every reload, good or refused; an adapter that can reach the maintainers renders the outcome.
Notify = Callable[[Outcome], Awaitable[None]]

MAINTAINER_WORDS = (QueryKind.STATUS, QueryKind.RELOAD)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked: ids only, for logs and for the maintainer check. Never their words in a log line."""

    user: str = ""
    channel: str = ""
    groups: frozenset[str] = frozenset()
    workspace: str = ""  # the Slack team id, so status and misses can be per workspace


@dataclass(frozen=True, slots=True)
class Question:
    """A reporter's text, parsed once, with the topic it goes to (None when no topic could be chosen)."""

    command: str | None
    text: str
    query: Query
    key: str  # answer_key(text): what the answer caches file it under ("" for a text too long to keep)

    @property
    def for_maintainers(self) -> bool:
        return self.query.kind in MAINTAINER_WORDS


def notice(title: str, text: str, command: str = "", query: str = "") -> Answer:
    return Answer(Kind.NOTICE, title, intro=text, command=command, query=query, shareable=False)


def _either(commands: list[str], last: str = "or") -> str:
    """ "/mini or /other", "/a, /b or /c": the commands a reporter can choose from."""
    return ", ".join(commands[:-1]) + f" {last} " + commands[-1] if len(commands) > 1 else "".join(commands)


def answer_key(text: str) -> str:
    """Questions that differ only in case, accents or spacing share an answer (and a cache entry)."""
    return " ".join(fold(text).split())


class Service:
    def __init__(
        self,
        store: KnowledgeStore,
        *,
        maintainers: frozenset[str] = frozenset(),
        maintainer_group: str | None = None,
        metrics: Metrics | None = None,
        notify: Notify | None = None,
        misses: Misses | None = None,
        debug: bool = False,
    ) -> None:
        self._store = store
        self.maintainers = maintainers
        self.maintainer_group = maintainer_group
        self.metrics = metrics or Metrics()
        self._notify = notify
        self.debug = debug
        self.misses = misses or Misses(MemoryState())  # the server passes one backed by its shared state
        self._answers: LRU[tuple[str, str, str], Answer] = LRU(MAX_ANSWERS_KEPT, doorkeeper=True)
        self._parsed: LRU[str, tuple[Query, str]] = LRU(MAX_ANSWERS_KEPT, doorkeeper=True)
        self._background: set[asyncio.Task[Outcome]] = set()

    # -- what adapters may read ------------------------------------------------------------------
    def knowledge(self) -> Knowledge | None:
        """The live knowledge, or None while the first load is under way."""
        catalog = self._store.catalog
        return catalog.knowledge if catalog else None

    def commands(self) -> list[str]:
        knowledge = self.knowledge()
        return [t.command for t in knowledge.topics] if knowledge else []

    def top_misses(self, workspace: str = "", n: int = 10) -> list[tuple[str, int]]:
        """The most asked unanswered questions as this process knows them now, control characters stripped."""
        return self.misses.snapshot(workspace, n)

    # -- answering -------------------------------------------------------------------------------
    def question(self, command: str | None, text: str) -> Question:
        """Parse once. A command that names no topic stays as typed, so the answer can say so.

        Parsing is a pure function of the text, and reporters ask the same things again and again: the parse
        and the cache key are kept with the answers (texts up to MAX_QUERY_CHARS only, so the memory is bounded).
        """
        parsed = self._parsed.get(text)
        if parsed is None:
            if len(text) > MAX_QUERY_CHARS:
                return Question(command, text, parse(text), "")
            parsed = self._parsed.put(text, (parse(text), answer_key(text)))
        return Question(command, text, *parsed)

    def is_maintainer(self, asker: Asker) -> bool:
        return asker.user in self.maintainers or (
            self.maintainer_group is not None and self.maintainer_group in asker.groups
        )

    def needs_groups(self, question: Question, asker: Asker) -> bool:
        """Whether answering needs the asker's user groups from Slack.

        Looking a group up costs a Web API call, so adapters make it only for maintainers' commands asked by
        someone not already listed by id.
        """
        return question.for_maintainers and self.maintainer_group is not None and asker.user not in self.maintainers

    def answer(self, command: str | None, text: str, asker: Asker | None = None) -> Answer:
        """Parse and answer: the whole door for adapters that need no user-group lookup in between."""
        return self.respond(self.question(command, text), asker)

    def respond(self, question: Question, asker: Asker | None = None) -> Answer:
        asker = asker or Asker()
        t0 = time.perf_counter()
        answer = self._respond(question, asker)
        took = time.perf_counter() - t0
        self.metrics.answered(answer.kind.value, took)
        if answer.kind is Kind.MISS:
            self.misses.count(question.text, asker.workspace)  # in memory, O(1); the server flushes it
        extra = {"text": question.text} if self.debug else {}
        log.info(
            "command_answered",
            topic=question.command,
            kind=answer.kind.value,
            latency_ms=round(took * 1000, 2),
            user=asker.user,
            channel=asker.channel,
            **extra,
        )
        return answer

    def _topic(self, catalog: Catalog, question: Question) -> Topic | Answer:
        command = question.command
        topic = catalog.knowledge.topic_for(command)
        if topic is not None:
            return topic
        if command is None:
            return self._route(catalog, question)
        known = ", ".join(t.command for t in catalog.knowledge.topics)
        return notice("Unknown topic", f"No topic answers {command}. Known: {known}.")

    def _route(self, catalog: Catalog, question: Question) -> Topic | Answer:
        """A question without a command, with several topics: the one topic that has an answer, or ask which.

        Only questions a topic can answer are tried (not help, nor the maintainers' words, which are per topic).
        Each try is an ordinary, cached answer; a topic whose answer is a miss has nothing on it.
        """
        topics = catalog.knowledge.topics
        commands = [t.command for t in topics]
        q = question.query
        if q.kind is QueryKind.TOO_LONG:
            return notice("That question is too long", "Please ask in a few words.", query=q.raw)
        if q.kind not in (QueryKind.HELP, *MAINTAINER_WORDS):
            answering = [t for t in topics if self._cached(catalog, t, question).kind is not Kind.MISS]
            if len(answering) == 1:
                return answering[0]
            if not answering:
                return Answer(
                    Kind.MISS, "No answer in the curated sources",
                    intro=f"No topic has an answer to that ({_either(commands)}). "
                    "Nothing is guessed: every answer comes from a checked source.",
                    query=q.raw, suggestions=tuple(f"{c} help" for c in commands[:3]), shareable=False,
                )  # fmt: skip
            commands = [t.command for t in answering]
            intro = f"{_either(commands, 'and')} both have an answer" if len(commands) == 2 else "Several topics answer"
            return Answer(
                Kind.NOTICE, "Which topic?", intro=f"{intro}: ask one of them.", query=q.raw,
                suggestions=tuple(f"{c} {q.raw.strip()}" for c in commands[:3]), shareable=False,
            )  # fmt: skip
        return Answer(
            Kind.NOTICE, "Which topic?", intro=f"Several topics are loaded: start with one of {_either(commands)}.",
            query=q.raw, suggestions=tuple(f"{c} help" for c in commands[:3]), shareable=False,
        )  # fmt: skip

    def _cached(self, catalog: Catalog, topic: Topic, question: Question) -> Answer:
        """The topic's answer, pure in (knowledge version, topic, text), so kept."""
        key = (catalog.knowledge.version, topic.command, question.key)
        cached = self._answers.get(key)
        return cached if cached is not None else self._answers.put(key, catalog.answer(topic, question.query))

    def _respond(self, question: Question, asker: Asker) -> Answer:
        catalog = self._store.catalog
        if catalog is None:
            return notice("Warming up", "The knowledge is still loading. Please ask again in a few seconds.")
        topic = self._topic(catalog, question)
        if isinstance(topic, Answer):
            return topic
        q = question.query
        if q.kind in MAINTAINER_WORDS:
            if not self.is_maintainer(asker):
                return notice(
                    "For maintainers only",
                    f'"{q.kind.value}" is a maintainers\' command. Ask "{topic.command} help" for what I know.',
                    topic.command,
                )
            return self.status(topic.command, asker.workspace) if q.kind is QueryKind.STATUS else self.request_reload()
        if q.kind is QueryKind.TOO_LONG:  # never cached: its key would be the long text itself
            return catalog.answer(topic, q)
        return self._cached(catalog, topic, question)

    # -- maintainers -----------------------------------------------------------------------------
    def status(self, command: str = "", workspace: str = "") -> Answer:
        """The bot's state as labelled lines: adapters decide how a label looks."""
        store = self._store
        lines: list[tuple[str, str]] = [("State", store.state)]
        knowledge = self.knowledge()
        if knowledge:
            loaded = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(knowledge.loaded_at))
            lines.append(("Version", f"{knowledge.version}, loaded {loaded}"))
            lines += [(t.command, f"{Path(t.path).name}: {t.count_text()}") for t in knowledge.topics]
        lines.append(("Reloads", str(store.reloads)))
        lines += [("Pending error (the last good knowledge is still served)", str(p)) for p in store.pending[:10]]
        lines += [("Asked, not answered", f"{n}× {q}") for q, n in self.top_misses(workspace)]
        items = tuple(Item(kind=ItemKind.STATUS, heading=label, text=text) for label, text in lines)
        return Answer(Kind.NOTICE, "factdesk status", items, command=command, shareable=False)

    def request_reload(self) -> Answer:
        """Reload off the request path; the outcome is reported to the maintainers' channel and the log."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            outcome = self._store.reload()
            self._log_reload(outcome)
            return notice("Reloaded" if outcome.ok else "Reload refused", outcome.summary())
        task = loop.create_task(self.reload_now())
        self._background.add(task)  # keep a reference until done, or the task may be collected mid-reload
        task.add_done_callback(self._background.discard)
        return notice("Reloading", "Reloading the knowledge now; the result goes to the maintainers' channel.")

    async def reload_now(self) -> Outcome:
        outcome = await asyncio.to_thread(self._store.reload)
        await self.reloaded(outcome)
        return outcome

    def _log_reload(self, outcome: Outcome) -> None:
        self.metrics.reloaded(outcome.ok)
        if outcome.ok:
            log.info(
                "knowledge_reloaded",
                version=outcome.version,
                changes=outcome.change.summary() if outcome.change else "",
                took_ms=round(outcome.took_ms, 1),
            )
        else:
            log.error("knowledge_reload_refused", errors=[str(p) for p in outcome.errors])

    async def reloaded(self, outcome: Outcome) -> None:
        self._log_reload(outcome)
        if self._notify:
            try:
                await self._notify(outcome)
            except Exception as e:  # a channel we cannot reach must not stop reloads
                log.warning("maintainers_notify_failed", error=str(e))
