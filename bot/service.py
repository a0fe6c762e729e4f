"""What every adapter (Slack over HTTP, Socket Mode, the console) asks of the bot, in one place.

The service turns a command and its text into an `Answer`, handles the maintainers' words (`status`,
`reload`), counts questions that found nothing (no user ids kept), and logs one event per answer. It imports
nothing from Slack: adapters hand it plain strings and render what it returns.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot import logs
from bot.core.answer import Answer, Item, Kind
from bot.core.cache import LRU
from bot.core.model import Knowledge
from bot.core.query import QueryKind, parse
from bot.core.store import KnowledgeStore, Outcome
from bot.core.text import fold
from bot.metrics import Metrics

log = logs.get()
MAX_MISSES_KEPT = 5000
MAX_ANSWERS_KEPT = 4096

Notify = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked: ids only, for logs and for the maintainer check. Never their words in a log line."""

    user: str = ""
    channel: str = ""
    groups: frozenset[str] = frozenset()
    workspace: str = ""  # the Slack team id, so status and misses can be per workspace


def notice(title: str, text: str, command: str = "") -> Answer:
    return Answer(Kind.NOTICE, title, intro=text, command=command, shareable=False)


class Service:
    def __init__(
        self,
        store: KnowledgeStore,
        *,
        maintainers: frozenset[str] = frozenset(),
        maintainer_group: str | None = None,
        metrics: Metrics | None = None,
        debug: bool = False,
    ) -> None:
        self.store = store
        self.maintainers = maintainers
        self.maintainer_group = maintainer_group
        self.metrics = metrics or Metrics()
        self.debug = debug
        self.misses: Counter[str] = Counter()
        self._answers: LRU[tuple[str, str, str], Answer] = LRU(MAX_ANSWERS_KEPT)
        self._background: set[asyncio.Task[Outcome]] = set()
        self.notify: Notify | None = None  # set by an adapter that can reach the maintainers' channel

    # -- answering -------------------------------------------------------------------------------
    def is_maintainer(self, asker: Asker) -> bool:
        return asker.user in self.maintainers or (
            self.maintainer_group is not None and self.maintainer_group in asker.groups
        )

    def needs_groups(self, asker: Asker, text: str) -> bool:
        """Whether the maintainer check for this question needs the asker's user groups from Slack.

        Looking a group up costs a Web API call, so adapters make it only for maintainers' commands asked by
        someone not already listed by id.
        """
        return (
            self.maintainer_group is not None
            and asker.user not in self.maintainers
            and parse(text).kind in (QueryKind.STATUS, QueryKind.RELOAD)
        )

    def commands(self) -> list[str]:
        catalog = self.store.catalog
        return [t.command for t in catalog.knowledge.topics] if catalog else []

    def knowledge(self) -> Knowledge | None:
        """The live knowledge, or None while it loads."""
        return self.store.catalog.knowledge if self.store.catalog else None

    def answer(self, command: str | None, text: str, asker: Asker | None = None) -> Answer:
        asker = asker or Asker()
        t0 = time.perf_counter()
        answer = self._answer(command, text, asker)
        took = time.perf_counter() - t0
        self.metrics.answered(answer.kind.value, took)
        if answer.kind is Kind.MISS:
            self._count_miss(text)
        extra = {"text": text} if self.debug else {}
        log.info(
            "command_answered",
            topic=command,
            kind=answer.kind.value,
            latency_ms=round(took * 1000, 2),
            user=asker.user,
            channel=asker.channel,
            **extra,
        )
        return answer

    def _answer(self, command: str | None, text: str, asker: Asker) -> Answer:
        catalog = self.store.catalog
        if catalog is None:
            return notice("Warming up", "The knowledge is still loading. Please ask again in a few seconds.")
        engine = catalog.engine(command)
        if engine is None:
            return notice("Unknown topic", f"No topic answers {command}. Known: {', '.join(self.commands())}.")
        key = (catalog.knowledge.version, engine.topic.command, text)
        cached = self._answers.get(key)
        if cached is not None:
            return cached
        kind = parse(text).kind
        if kind in (QueryKind.STATUS, QueryKind.RELOAD):
            if not self.is_maintainer(asker):
                return notice(
                    "For maintainers only",
                    f"`{kind.value}` is a maintainers' command. Ask `{engine.topic.command} help` for what I know.",
                    engine.topic.command,
                )
            return self.status(engine.topic.command) if kind is QueryKind.STATUS else self.request_reload()
        # pure in (knowledge version, topic, text), so kept
        return self._answers.put(key, replace(engine.answer(text), version=catalog.knowledge.version))

    def _count_miss(self, text: str) -> None:
        key = " ".join(fold(text).split())[:200]
        if key and (key in self.misses or len(self.misses) < MAX_MISSES_KEPT):
            self.misses[key] += 1

    # -- maintainers -----------------------------------------------------------------------------
    def status(self, command: str = "") -> Answer:
        catalog = self.store.catalog
        lines = [f"*State:* {self.store.state}"]
        if catalog:
            k = catalog.knowledge
            lines.append(
                f"*Version:* `{k.version}` loaded {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(k.loaded_at))}"
            )
            for t in k.topics:
                lines.append(f"*{t.command}* ({Path(t.path).name}): {t.count_text()}")
        lines.append(f"*Reloads:* {self.store.reloads}")
        if self.store.pending:
            lines.append("*Pending errors (last good knowledge still served):*")
            lines += [f"• `{p}`" for p in self.store.pending[:10]]
        top = self.misses.most_common(10)
        if top:
            lines.append("*Most asked, not answered:*")
            lines += [f"• {n}× {q}" for q, n in top]
        items = tuple(Item(kind="status", text=line) for line in lines)
        return Answer(Kind.NOTICE, "factdesk status", items, command=command, shareable=False)

    def request_reload(self) -> Answer:
        """Reload off the request path; the outcome is reported to the maintainers' channel and the log."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            outcome = self.store.reload()
            return notice("Reloaded" if outcome.ok else "Reload refused", describe(outcome))
        task = loop.create_task(self.reload_now())
        self._background.add(task)  # keep a reference until done, or the task may be collected mid-reload
        task.add_done_callback(self._background.discard)
        return notice("Reloading", "Reloading the knowledge now; the result goes to the maintainers' channel.")

    async def reload_now(self) -> Outcome:
        outcome = await asyncio.to_thread(self.store.reload)
        await self.reloaded(outcome)
        return outcome

    async def reloaded(self, outcome: Outcome) -> None:
        self.metrics.reloaded(outcome.ok)
        if outcome.ok:
            log.info(
                "knowledge_reloaded",
                version=outcome.version,
                changes=outcome.change.summary() if outcome.change else "",
                took_ms=round(outcome.took_ms, 1),
            )
        else:
            log.error("knowledge_reload_refused", errors=[str(p) for p in outcome.problems if p.severity == "error"])
        if self.notify:
            try:
                await self.notify(describe(outcome))
            except Exception as e:  # a channel we cannot reach must not stop reloads
                log.warning("maintainers_notify_failed", error=str(e))


def describe(outcome: Outcome) -> str:
    """The maintainers' channel message for a reload."""
    if outcome.ok:
        change = outcome.change.summary() if outcome.change else "no entry changed"
        return f"Knowledge reloaded (version `{outcome.version}`): {change}. Took {outcome.took_ms:.0f} ms."
    errors = [str(p) for p in outcome.problems if p.severity == "error"]
    shown = "\n".join(f"• `{e}`" for e in errors[:10])
    more = f"\n… and {len(errors) - 10} more" if len(errors) > 10 else ""
    return f"Knowledge reload refused: the last good knowledge is still served. Fix:\n{shown}{more}"
