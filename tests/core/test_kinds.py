"""Entry kinds are declared once: the registry, the schema, counts in English and the one disk cache agree."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import get_args

import pytest

from bot.core import diskcache
from bot.core.engine import Catalog, TopicEngine, documents
from bot.core.kinds import KINDS, by_name, kind_of
from bot.core.kinds.person import PersonKind
from bot.core.kinds.quote import QuoteKind
from bot.core.loader import load, schema
from bot.core.model import Topic
from bot.core.query import parse
from tests.support.paths import FIXTURES


def _mini() -> Topic:
    result = load(FIXTURES / "mini")
    assert result.knowledge is not None
    return result.knowledge.topics[0]


def test_every_section_of_the_schema_is_a_registered_kind_and_back() -> None:
    entries = {name for name, prop in schema()["properties"].items() if prop.get("items", {}).get("type") == "object"}
    assert {k.section for k in KINDS} == entries
    assert (
        len({k.name for k in KINDS}) == len({k.plural for k in KINDS}) == len({k.section for k in KINDS}) == len(KINDS)
    )


def test_closed_vocabularies_are_the_schemas() -> None:
    items = schema()["properties"]
    assert set(get_args(PersonKind)) == set(items["people"]["items"]["properties"]["kind"]["enum"])
    assert set(get_args(QuoteKind)) == set(items["quotes"]["items"]["properties"]["kind"]["enum"])


def test_the_builder_files_every_entry_under_its_kind() -> None:
    topic = _mini()
    for kind in KINDS:
        assert topic.section(kind), f"mini has one of each kind, but no {kind.plural}"
        assert all(kind_of(e) is kind for e in topic.section(kind))


def test_counts_are_english_one_way_everywhere() -> None:
    topic = _mini()
    assert topic.count_text() == "1 source, 1 article, 1 quote, 2 events, 1 fact, 1 person, 1 cited provision"
    help_text = TopicEngine.build(topic).help(parse("help")).intro or ""
    assert "from 1 curated source: 1 article, 1 quote, 2 events, 1 fact and 1 cited provision, each" in help_text


def test_every_indexed_entry_names_itself_and_renders_as_its_kind() -> None:
    topic = _mini()
    engine = TopicEngine.build(topic)
    docs = documents(topic)
    # index order
    assert [d.kind for d in docs] == ["article", "quote", "event", "event", "fact", "person", "provision"]
    for doc in docs:
        assert isinstance(doc.keys, tuple)
        item = engine.item(doc.ref)
        assert item.entry_id == doc.entry_id and item.citations
    with pytest.raises(TypeError):
        engine.item(object())


def test_a_kind_pickles_as_the_registered_one() -> None:
    for kind in KINDS:
        assert pickle.loads(pickle.dumps(kind)) is kind is by_name(kind.name)


def test_cache_fingerprint_covers_every_file_of_the_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a hand-kept list: a change in any module, however deep, makes every cached value stale."""
    core = tmp_path / "core"
    shutil.copytree(diskcache.CORE, core, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(diskcache, "CORE", core)
    seen = set()
    for changed in (None, core / "kinds" / "fact.py", core / "loader" / "build.py", core / "schema.json"):
        if changed is not None:
            changed.write_bytes(changed.read_bytes() + b"\n")
        diskcache.code_fingerprint.cache_clear()
        seen.add(diskcache.code_fingerprint())
    diskcache.code_fingerprint.cache_clear()
    assert len(seen) == 4


def test_loader_and_engine_share_one_cache_and_reuse_it(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    cache = tmp_path / "cache"
    first = load(folder, cache)
    assert first.knowledge is not None
    built = Catalog.build(first.knowledge, cache)
    assert len(list(cache.glob("*.index.pickle"))) == 1 and len(list(cache.glob("*.pickle"))) == 2
    second = load(folder, cache)
    assert second.knowledge is not None
    reused = Catalog.build(second.knowledge, cache)
    engine = reused.engine("/mini")
    assert engine is not None and engine.index is not built.engines["/mini"].index
    # The cached index is bound to the freshly loaded entries: answers point into the new model.
    hit = engine.index.search(["approval"]).hits[0]
    assert hit.entry.ref is second.knowledge.topics[0].facts[0]


def test_a_new_kind_is_its_module_and_its_schema_section() -> None:
    """Provisions (the last kind added) are loaded, checked, counted, indexed, searched, rendered and summarised
    on reload by the registry alone: outside their module, only the answers about article numbers name them."""
    core = Path(__file__).resolve().parents[2] / "bot"
    naming = sorted(
        str(p.relative_to(core))
        for p in core.rglob("*.py")
        if "kinds.provision" in p.read_text("utf-8") and p.name != "provision.py"
    )
    assert naming == ["core/engine.py", "core/phrases.py"]
    provisions = by_name("provision")
    assert provisions.section in schema()["properties"]
    topic = _mini()
    engine = TopicEngine.build(topic)
    (found,) = [h for h in engine.index.search(("harbour", "act")).hits if h.entry.kind == "provision"]
    assert engine.item(found.entry.ref).citations[0].source_id == "gazette"
