"""Ask a topic the way every adapter does: through the service, the one door to answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Answer
from bot.core.store import KnowledgeStore
from bot.service import Asker, Service


@dataclass(frozen=True)
class Door:
    """A loaded knowledge folder and the service over it, asked as one topic's slash command."""

    service: Service
    command: str

    def answer(self, text: str, asker: Asker | None = None) -> Answer:
        return self.service.answer(self.command, text, asker)


def open_door(folder: Path, command: str) -> Door:
    store = KnowledgeStore(folder)
    outcome = store.reload()
    assert outcome.ok, [str(p) for p in outcome.errors]
    return Door(Service(store), command)


def entry_ids(answer: Answer) -> list[str | None]:
    """The entries an answer offers, in order: what a test of relevance checks (the first one leads)."""
    return [i.entry_id for i in answer.items]
