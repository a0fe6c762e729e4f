"""The body Bolt's listeners get is the one Bolt itself would read (with the "payload" fault fixed), whatever the
body: generated form bodies and JSON, compared with Bolt's own request object and urllib's parse_qsl."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.http import FORM, bolt_request, form_body, form_fields
from tests.support import slack_client as sc

# Characters that mean something in a form body, and some that are not ASCII.
raw_text = st.text(alphabet=st.sampled_from('ab=&%+2F0A7e{}"payload é€\x00 '), max_size=60)
fields = st.dictionaries(st.text(max_size=12), st.text(max_size=30), max_size=8)


def bolts_reading(raw: str, query: str, headers: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """What the listeners got before: Bolt's own request, its body re-read by field when it mentions "payload"."""
    req = AsyncBoltRequest(body=raw, query=query, headers=headers)
    if "payload" in raw and (req.content_type or "").startswith(FORM) and not raw.lstrip().startswith("{"):
        body = form_body(raw)
        return body, dict(build_async_context(AsyncBoltContext({}), body))
    return req.body, dict(req.context)


def outcome(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except Exception as e:  # an unreadable body: the server answers 400 either way
        return type(e)


@settings(max_examples=400, deadline=None)
@given(raw_text)
def test_form_fields_are_parse_qsl_with_blank_values(raw: str) -> None:
    assert form_fields(raw) == dict(parse_qsl(raw, keep_blank_values=True))


@settings(max_examples=300, deadline=None)
@given(fields, st.sampled_from([FORM, f"{FORM}; charset=utf-8", "application/json", "text/plain", ""]), raw_text)
def test_the_listeners_get_the_body_and_context_bolt_would_give_them(form: dict[str, str], kind: str, raw: str) -> None:
    headers = {"content-type": kind} if kind else {}
    for body in (urlencode(form), raw, json.dumps(form), urlencode({"payload": json.dumps(form)})):
        ours = outcome(lambda b: (lambda r: (r.body, dict(r.context)))(bolt_request(b, "", headers)), body)
        assert ours == outcome(bolts_reading, body, "", headers), body


def test_a_slash_command_reads_as_slack_sent_it() -> None:
    raw = sc.command_body("who said 100% + more & <less>", command="/pact").decode()
    req = bolt_request(raw, "", {"content-type": FORM})
    assert req.body["text"] == "who said 100% + more & <less>" and req.body["command"] == "/pact"
    assert req.raw_body == raw and req.context.team_id == "T0NEWS" and req.context.user_id == "U0REPORTER"
