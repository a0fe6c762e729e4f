"""The slash-command listener: the request a reporter waits on, matched and called at Bolt's lowest cost.

A listener registered with `app.command(...)` is matched by a function whose parameters Bolt inspects, and
called with arguments Bolt builds by inspecting its parameters again: on every request, Bolt assembles every
argument any listener could ask for (say, respond, client, context, body, payload...) to pass the two or three
asked for. For a cached answer that was as much CPU as the answer, its log line and its metrics together.

`SlashCommands` is still a Bolt listener: Bolt dispatches to it after the global middleware (authorization,
RejectMalformed, DropRetries), runs it with its listener runner and error handler, and sends its ack. It only
matches with one plain test of the body and calls its function with the ack, the command and the request's
client directly. It goes first among the listeners, so a slash command is matched before any other is tried.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.listener.async_listener import AsyncCustomListener
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

#: What answers a slash command: called with the ack, the command's fields (the request body) and the client.
Slash = Callable[[AsyncAck, dict[str, Any], AsyncWebClient], Awaitable[None]]


class SlashCommands(AsyncCustomListener):
    """Every slash command (a body with a `command` starting with "/"), as `app.command(re.compile("^/"))`
    would match it, to `function(ack, command, client)`."""

    def __init__(self, app: AsyncApp, function: Slash) -> None:
        super().__init__(
            app_name=app.name,
            ack_function=function,
            lazy_functions=[],
            matchers=[],
            middleware=[],
            base_logger=logging.getLogger("slack_bolt"),
        )
        self.function = function

    async def async_matches(self, *, req: AsyncBoltRequest, resp: BoltResponse) -> bool:
        command = req.body.get("command")
        return isinstance(command, str) and command.startswith("/")

    async def run_ack_function(self, *, request: AsyncBoltRequest, response: BoltResponse) -> BoltResponse | None:
        context = request.context
        await self.function(context.ack, request.body, context.client)
        return None

    def install(self, app: AsyncApp) -> None:
        """First among the listeners. Bolt has no public way to add a listener object, only functions it wraps
        in its own (tests/slack/test_commands.py checks the slash command still goes through Bolt's dispatch)."""
        app._async_listeners.insert(0, self)
