"""The Bolt app: small listeners that turn Slack requests into service calls and answers into Block Kit.

The answer to a slash command goes in the ack itself (the HTTP response), so a reporter gets it in one round
trip. Everything else (sharing, mentions, DMs, App Home) uses the Web API or the response_url.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.core.answer import Answer, Kind
from bot.core.cache import LRU
from bot.service import Asker, Service, notice
from bot.slack.blocks import SHARE_ACTION, render_home, render_message
from bot.slack.shapes import malformed

log = logs.get()
_MENTION = re.compile(r"<@[A-Z0-9]+>")

#: The Events API subscriptions the listeners below need; the Slack app manifests in deploy/slack declare
#: exactly these (tested), so an app is never subscribed to events nobody handles.
BOT_EVENTS = ("app_mention", "message.im", "app_home_opened")
#: Bot token scopes, each with what needs it. Least privilege: App Home (views.publish), response_url and
#: auth.test need none.
BOT_SCOPES = {
    "commands": "the slash commands",
    "chat:write": "answers in thread to mentions and DMs; reload reports to the maintainers' channel",
    "app_mentions:read": "the app_mention event",
    "im:history": "the message.im event (DMs to the bot)",
    "usergroups:read": "usergroups.users.list, for FACTDESK_MAINTAINER_GROUP",
}
#: Interactive components the answers carry (block_actions action_id).
ACTIONS = (SHARE_ACTION,)


class RenderCache:
    """Rendered messages by (knowledge version, command, question).

    An answer is a pure function of the knowledge and the question, and rendering it through the Block Kit
    models (which validate every object) costs ~10x computing it. Reporters ask the same things again and
    again, so the rendered payload is kept. Notices (status, refusals) depend on who asks and when: never kept.
    """

    def __init__(self, size: int = 2048) -> None:
        self.entries: LRU[tuple[str, str, str], str] = LRU(size)

    def message(self, command: str, text: str, answer: Answer) -> str:
        """The message as JSON text, ready to be the ack's body.

        Keyed by the version the answer itself was computed from, never the store's current one: a reload
        can land between answering and rendering, and must not file an old answer under the new version.
        """
        if answer.kind is Kind.NOTICE or not answer.version:
            return json.dumps(render_message(answer))
        key = (answer.version, command, text)
        found = self.entries.get(key)
        return found if found is not None else self.entries.put(key, json.dumps(render_message(answer)))


class RejectMalformed(AsyncMiddleware):
    """A signed request missing what Slack always sends, or with it in a shape Slack never sends, is
    answered 400 before Bolt routes it (see `malformed`).

    A middleware class rather than a decorated function: Bolt inspects a function's signature to inject its
    arguments on every request, which costs more than this check itself.
    """

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        wrong = malformed(req.body)
        if wrong is not None:
            kind = req.body.get("type")
            log.warning("request_malformed", kind=kind if isinstance(kind, str) else None, field=wrong)
            return BoltResponse(status=400, body=f"malformed request: {wrong}")
        return await next()

    @classmethod
    def install(cls, app: AsyncApp) -> None:
        """First in the chain, ahead of Bolt's own middleware: IgnoringSelfEvents reads `event` unguarded
        (an event that is a string was a 500), and a malformed request need not cost an authorization.
        `app.use` would append it after them; Bolt has no public way to put one first."""
        app._async_middleware_list.insert(0, cls())


def _asker(user: str | None, channel: str | None) -> Asker:
    return Asker(user=user or "", channel=channel or "")


class GroupMembers:
    """Members of a Slack user group, fetched with `usergroups.users.list` and kept for a minute.

    Only maintainers' commands need it, so the lookup is lazy; a failed lookup refuses (nobody is promoted
    to maintainer because Slack was unreachable) and is retried on the next command.
    """

    def __init__(self, client: AsyncWebClient, ttl: float = 60.0) -> None:
        self.client = client
        self.ttl = ttl
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    async def of(self, group: str) -> frozenset[str]:
        now = time.monotonic()
        found = self._members.get(group)
        if found and now - found[0] < self.ttl:
            return found[1]
        try:
            reply = await self.client.usergroups_users_list(usergroup=group)
        except Exception as e:  # SlackApiError, network: refuse rather than fail the command
            log.warning("usergroup_lookup_failed", group=group, error=str(e))
            return frozenset()
        members = frozenset(str(u) for u in reply.get("users") or ())
        self._members[group] = (now, members)
        return members


def build_app(service: Service, *, signing_secret: str, client: AsyncWebClient, **bolt: Any) -> AsyncApp:
    """Register one slash command per topic, the share button, mentions, DMs and App Home."""
    # process_before_response: the slash command's answer is the ack, computed in the listener itself, so the
    # runner need not start it as a task and poll for its ack every 10 ms (a 10 ms floor under every answer).
    # Work that talks to Slack (sharing, mentions, DMs, App Home) runs as lazy listeners after the ack.
    app = AsyncApp(signing_secret=signing_secret, client=client, process_before_response=True, **bolt)

    RejectMalformed.install(app)

    rendered = RenderCache()
    groups = GroupMembers(client)

    async def slash(ack: AsyncAck, command: dict[str, Any]) -> None:
        text = command.get("text", "")
        asker = _asker(command["user_id"], command.get("channel_id"))
        group = service.maintainer_group
        if group and service.needs_groups(asker, text) and asker.user in await groups.of(group):
            asker = Asker(asker.user, asker.channel, frozenset({group}))
        answer = service.answer(command["command"], text, asker)
        # Acked as JSON text: Bolt sends a body that starts with "{" as application/json, unchanged, which
        # spares serialising the same payload on every request (tests check the content type).
        await ack(rendered.message(command["command"], text, answer))

    # Any command: topics come from the knowledge, and a reload may add one. Unknown ones get a notice.
    app.command(re.compile(r"^/"))(slash)

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def share(body: dict[str, Any], respond: AsyncRespond) -> None:
        user = body["user"]["id"]
        try:
            value = json.loads(body["actions"][0].get("value") or "")
            command, text = str(value["c"]), str(value["q"])
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("share_malformed", user=user)
            await respond(render_message(notice("Cannot share", "That button is broken; ask again.")))
            return
        asker = _asker(user, (body.get("channel") or {}).get("id"))
        answer = service.answer(command, text, asker)
        message = render_message(answer, response_type="in_channel", shared_by=user)
        await respond(**message, replace_original=False, delete_original=True)
        log.info("answer_shared", topic=command, kind=answer.kind.value, user=user, channel=asker.channel)

    async def in_thread(event: dict[str, Any], say_client: AsyncWebClient, text: str) -> None:
        command, _, rest = text.strip().partition(" ")
        if not command.startswith("/"):
            command, rest = "", text
        commands = service.commands()
        topic = command if command in commands else (commands[0] if len(commands) == 1 else None)
        answer = service.answer(
            topic, rest if command in commands else text, _asker(event.get("user"), event["channel"])
        )
        message = render_message(answer)
        message.pop("response_type", None)
        await say_client.chat_postMessage(
            channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], **message
        )

    async def mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        await in_thread(event, client, _MENTION.sub("", event.get("text", "")))

    async def direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # only people's own DMs; never answer a bot, an edit or ourselves
        await in_thread(event, client, event.get("text", ""))

    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        catalog = service.store.catalog
        if catalog is None:
            return
        await client.views_publish(user_id=event["user"], view=render_home(catalog.knowledge))

    app.action(SHARE_ACTION)(ack=just_ack, lazy=[share])
    app.event("app_mention")(ack=just_ack, lazy=[mention])
    app.event("message")(ack=just_ack, lazy=[direct_message])
    app.event("app_home_opened")(ack=just_ack, lazy=[home])
    return app
