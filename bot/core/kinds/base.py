"""What an entry kind declares, once: the seam between the knowledge files, the index and the answers.

Each kind of entry (source, person, article, quote, event, fact) is one module of this package holding its
model and a `KIND = EntryKind(...)` that says everything the rest of the core needs to know about it. The
loader, the topic's counts, the reload summary, the index and the engine's dispatch loop over the registry
(`bot.core.kinds.KINDS`) instead of naming kinds, so a new kind is one module plus its part of schema.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.core.text import counted

if TYPE_CHECKING:
    from bot.core.answer import Item
    from bot.core.index import Doc
    from bot.core.loader.build import Builder
    from bot.core.model import Topic


class Entry(Protocol):
    """Every entry is named by a unique id within its topic (ids are checked unique at load)."""

    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=Entry)

Raw = list[dict[str, Any]]


@dataclass(frozen=True, slots=True, eq=False)
class EntryKind(Generic[E]):
    """One kind of entry. Compared by identity: there is one of each, in the registry."""

    name: str  # what the index and answer items call it: "event"
    section: str  # its list in a topic file: "timeline"
    singular: str  # "event", for counts
    plural: str  # "events": how counts and reload summaries name it
    model: type[E]
    order: int  # where it comes in counts and in the index (ties rank by index order)
    build: Callable[[Builder, Raw], tuple[E, ...]]  # check the section's raw entries and build them
    item: Callable[[Topic, E], Item]  # how one entry becomes an answer item, with its citation
    title: Callable[[E], str]  # an answer's title when this entry is the best match
    doc: Callable[[Topic, E], Doc] | None = None  # what the index sees of it; None: not searched

    def count(self, n: int) -> str:
        return counted(n, self.singular, self.plural)

    def __reduce__(self) -> tuple[Callable[[str], EntryKind[Any]], tuple[str]]:
        """Pickled by name, so a cached topic refers to the registered kind, not a copy of it."""
        from bot.core.kinds import by_name

        return by_name, (self.name,)
