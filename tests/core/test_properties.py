"""Property-based: no input raises, and every answer is cited unless it is help, a miss or a notice."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answer import UNCITED_KINDS
from bot.core.query import parse
from tests.support.asking import Door

WORDS = st.sampled_from(
    ["article", "art.", "4", "IV", "timeline", "1990s", "quote", "who", "said", "kim", "when", "treaty",
     "<!channel>", "&", "１９６１", "scrapped", "sources", "help", "ｘ", "\x00", "\u202e", "😀"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=600), st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_text_gets_an_answer(pact: Door, text: str) -> None:
    parse(text)
    a = pact.answer(text)
    assert a.title
    if a.kind not in UNCITED_KINDS:
        assert a.items, text
        assert all(i.citations for i in a.items), text
    else:
        assert all(not i.citations for i in a.items)
