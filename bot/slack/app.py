"""The Bolt app: small listeners that turn Slack requests into service calls and answers into Block Kit.

The answer to a slash command goes in the ack itself (the HTTP response), so a reporter gets it in one round
trip. Everything else (sharing, mentions, DMs, App Home) uses the Web API or the response_url.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import logs
from bot.core.answer import Answer, Kind
from bot.core.cache import LRU
from bot.core.query import MAX_QUERY_CHARS
from bot.core.text import clip
from bot.service import Asker, Service, notice
from bot.slack.blocks import (
    CHECK_SHORTCUT,
    CITE_ACTION,
    MORE_ACTION,
    SHARE_ACTION,
    SUGGEST_ACTION,
    SUGGEST_ACTIONS,
    citation_plain,
    render_message,
)
from bot.slack.bolt import App
from bot.slack.commands import SlashCommands
from bot.slack.home import render_home
from bot.slack.identity import Identity, Installations, quiet_bolt_token_warning
from bot.slack.middleware import DropRetries, GroupMembers, TrackedLazyListeners
from bot.slack.shapes import malformed
from bot.state import MemoryState, SharedState

log = logs.get()
_MENTION = re.compile(r"<@[A-Z0-9]+>")

#: The Events API subscriptions the listeners below need; the Slack app manifests in deploy/slack declare
#: exactly these (tested), so an app is never subscribed to events nobody handles.
BOT_EVENTS = ("app_mention", "message.im", "app_home_opened", "app_uninstalled", "tokens_revoked")
#: Bot token scopes, each with what needs it. Least privilege: App Home (views.publish), response_url and
#: auth.test need none.
BOT_SCOPES = {
    "commands": "the slash commands",
    "chat:write": "answers in thread to mentions and DMs, private answers to the message shortcut; reload reports "
    "to the maintainers' channel",
    "app_mentions:read": "the app_mention event",
    "im:history": "the message.im event (DMs to the bot)",
    "usergroups:read": "usergroups.users.list, for FACTDESK_MAINTAINER_GROUP",
}
#: Interactive components the answers carry (block_actions action_id).
ACTIONS = (SHARE_ACTION, CITE_ACTION, SUGGEST_ACTION, MORE_ACTION)
#: Message shortcuts (callback_id): "Check with factdesk" on any message.
SHORTCUTS = (CHECK_SHORTCUT,)
#: A response_url works for 30 minutes; a second click on the same Share button within that is a double click.
#: https://docs.slack.dev/interactivity/handling-user-interaction/#message_responses
SHARE_TTL = 1800.0


#: What the rendered payloads kept may weigh in all (characters of JSON): a payload is ~2-10 KB, at most
#: ~150 KB (50 blocks of 3,000 characters), so a few hundred long answers cannot take the pod's memory.
RENDERED_BYTES = 32_000_000


class RenderCache:
    """Rendered messages by (knowledge version, command, question).

    An answer is a pure function of the knowledge and the question, and rendering it still costs more than
    computing it (even as plain dicts, bot/slack/kit.py). Reporters ask the same things again and
    again, so the rendered payload is kept. Notices (status, refusals) depend on who asks and when: never kept.
    """

    def __init__(self, size: int = 2048, budget: int = RENDERED_BYTES) -> None:
        self.entries: LRU[tuple[str, str, str], str] = LRU(size, budget=budget, weigh=len, doorkeeper=True)

    def message(self, command: str, key: str, answer: Answer) -> str:
        """The message as JSON text, ready to be the ack's body; `key` is the question's (`Question.key`, the
        service's `answer_key` of the text, "" for none).

        Keyed by the version the answer itself was computed from, never the store's current one: a reload
        can land between answering and rendering, and must not file an old answer under the new version.
        """
        if answer.kind is Kind.NOTICE or not answer.version or not key:
            return json.dumps(render_message(answer))
        kept = (answer.version, command, key)  # as the service keys its answers
        found = self.entries.get(kept)
        return found if found is not None else self.entries.put(kept, json.dumps(render_message(answer)))


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


def _asker(user: str | None, channel: str | None, workspace: str | None = None) -> Asker:
    return Asker(user=user or "", channel=channel or "", workspace=workspace or "")


def slack_unescape(text: str) -> str:
    """Message text arrives with &, < and > escaped by Slack: read it as typed (echoes are escaped again)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _button_value(body: dict[str, Any]) -> tuple[str, str, str | None]:
    value = json.loads(body["actions"][0].get("value") or "")
    return str(value["c"]), str(value["q"]), (str(value["v"]) if value.get("v") else None)


async def _post(url: str, payload: dict[str, Any]) -> tuple[bool, str]:
    """Send to a response_url, waiting out a 429; (ok, what Slack said)."""
    hook = AsyncWebhookClient(url)
    hook.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    try:
        reply = await hook.send_dict(payload)
    except Exception as e:  # unreachable: said to the log and, where possible, to the reporter
        return False, type(e).__name__
    return reply.status_code == 200, (reply.body or "")[:100]


def build_app(
    service: Service,
    *,
    signing_secret: str,
    client: AsyncWebClient,
    state: SharedState | None = None,
    identity: Identity | None = None,
    installations: Installations | None = None,
    **bolt: Any,
) -> AsyncApp:
    """Register one slash command per topic, the share and citation buttons, the message shortcut, mentions, DMs,
    App Home and the uninstall events.

    Requests are authorised from memory (`identity`, one workspace) or from a cached installation
    (`installations`, many): no Web API call stands between a slash command and its ack.
    """
    state = state or MemoryState()
    authorize = installations.authorizer() if installations else (identity or Identity(client.token or "")).authorizer()
    quiet_bolt_token_warning()
    # Bolt gets a client without a token: with one, it would authorise through auth.test on the request path.
    # Each request's client is a copy carrying the token `authorize` returned (and these retry handlers).
    app_client = AsyncWebClient(token=None, base_url=client.base_url, timeout=client.timeout)
    app_client.retry_handlers = list(client.retry_handlers)
    # process_before_response: the slash command's answer is the ack, computed in the listener itself, so the
    # runner need not start it as a task and poll for its ack every 10 ms (a 10 ms floor under every answer).
    # Work that talks to Slack (sharing, mentions, DMs, App Home) runs as lazy listeners after the ack.
    if "oauth_settings" in bolt:  # Bolt takes the authorize function from the OAuth settings then
        bolt["oauth_settings"].authorize = authorize
    else:
        bolt["authorize"] = authorize
    app = App(signing_secret=signing_secret, client=app_client, process_before_response=True, **bolt)

    def who(user: str | None, channel: str | None, team: str | None = None) -> Asker:
        """Who asked. The team id counts (status, misses) only with many workspaces: one workspace is ""."""
        return _asker(user, channel, team if installations is not None else None)

    app.listener_runner.lazy_listener_runner = TrackedLazyListeners(app.logger)

    RejectMalformed.install(app)
    app.use(DropRetries(state))

    rendered = RenderCache()
    groups = GroupMembers()

    async def slash(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = command.get("text", "")
        asker = who(command["user_id"], command.get("channel_id"), command.get("team_id"))
        question = service.question(command["command"], text)
        group = service.maintainer_group
        if (
            group
            and service.needs_groups(question, asker)
            and asker.user in await groups.of(group, client, asker.workspace)
        ):
            asker = Asker(asker.user, asker.channel, frozenset({group}), workspace=asker.workspace)
        answer = service.respond(question, asker)
        # Acked as JSON text: Bolt sends a body that starts with "{" as application/json, unchanged, which
        # spares serialising the same payload on every request (tests check the content type).
        await ack(rendered.message(command["command"], question.key, answer))

    # Any command: topics come from the knowledge, and a reload may add one. Unknown ones get a notice.
    SlashCommands(app, slash).install(app)  # first among the listeners, without Bolt's argument injection

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def share(body: dict[str, Any], respond: AsyncRespond) -> None:
        """Post the answer the reporter saw to the channel, then remove their private copy: two requests.

        Slack treats `delete_original` as a request of its own, so it is never sent with the message. A second
        click (or a retry reaching another replica) posts nothing; an answer the knowledge has changed since is
        shown again privately instead of being shared unseen.
        """
        user = body["user"]["id"]
        url = str(body.get("response_url") or "")
        try:
            command, text, version = _button_value(body)
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("share_malformed", user=user)
            await respond(**render_message(notice("Cannot share", "That button is broken; ask again."), share=False))
            return
        channel = (body.get("channel") or {}).get("id")
        team = (body.get("team") or {}).get("id")
        asker = who(user, channel, team)
        answer = service.answer(command, text, asker)
        if version and answer.version != version:
            log.info("share_outdated", topic=command, user=user)
            fresh = render_message(answer, changed=True)
            await respond(**fresh, replace_original=True)
            return
        container = body.get("container") or {}
        click = f"share:{team}:{channel}:{user}:{container.get('message_ts') or url}"
        if not await state.claim(click, SHARE_TTL):
            log.info("share_repeated", topic=command, user=user)
            return
        message = render_message(answer, response_type="in_channel", shared_by=user)
        ok, said = await _post(url, {**message, "replace_original": False})
        if not ok:
            log.warning("share_failed", topic=command, user=user, error=said)
            sorry = notice("Not shared", "Slack did not take the message for the channel; your answer is still here.")
            await respond(**render_message(sorry, share=False), replace_original=False)
            return
        deleted, said = await _post(url, {"delete_original": True})
        if not deleted:
            log.info("share_private_copy_kept", user=user, error=said)
        log.info("answer_shared", topic=command, kind=answer.kind.value, user=user, channel=asker.channel)

    async def cite(body: dict[str, Any], respond: AsyncRespond) -> None:
        """Outlet, headline, date and link of every source in the answer, as plain lines to paste into copy."""
        user = body["user"]["id"]
        try:
            command, text, _ = _button_value(body)
        except (ValueError, KeyError, TypeError, IndexError):
            await respond(**render_message(notice("No citation", "That button is broken; ask again."), share=False))
            return
        answer = service.answer(command, text, who(user, None, (body.get("team") or {}).get("id")))
        lines = citation_plain(answer)
        title = "Citation" if len(lines) == 1 else "Citations"
        said = notice(title, "\n".join(lines) or "This answer cites no source.")
        await respond(**render_message(said, share=False), replace_original=False)

    async def ask_privately(body: dict[str, Any], respond: AsyncRespond) -> None:
        """A button that carries a question ("Did you mean", or the part an answer left out): answered to whoever
        clicked only, as a new message under the one they are reading, which stays as it is."""
        user = body["user"]["id"]
        try:
            command, text, _ = _button_value(body)
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("button_malformed", user=user)
            await respond(**render_message(notice("Cannot ask", "That button is broken; ask again."), share=False))
            return
        text = clip(text, MAX_QUERY_CHARS)
        team = (body.get("team") or {}).get("id")
        answer = service.answer(command, text, who(user, (body.get("channel") or {}).get("id"), team))
        await respond(**render_message(answer), replace_original=False)  # render_message: ephemeral
        log.info("button_answered", topic=command, kind=answer.kind.value, user=user)

    def _question(text: str) -> tuple[str | None, str]:
        command, _, rest = text.strip().partition(" ")
        if command.startswith("/") and command in service.commands():
            return command, rest
        return None, text  # no topic named: the service picks the only one, or asks which

    async def in_thread(event: dict[str, Any], say_client: AsyncWebClient, text: str, team: str | None) -> None:
        topic, question = _question(slack_unescape(text))
        answer = service.answer(topic, question, who(event.get("user"), event["channel"], team))
        message = render_message(answer, share=False)  # Share on a public reply would delete the reply
        message.pop("response_type", None)
        await say_client.chat_postMessage(
            channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], **message
        )

    async def mention(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await in_thread(event, client, _MENTION.sub("", event.get("text", "")), context.team_id)

    async def direct_message(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return  # only people's own DMs; never answer a bot, an edit or ourselves
        await in_thread(event, client, event.get("text", ""), context.team_id)

    async def check_message(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        """The message shortcut: answer about a message, in its thread, to the one who asked only.

        Slash commands cannot be typed in a thread; this is how a reporter checks a claim where it was made.
        """
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or ""
        message = body.get("message") or {}
        words = clip(" ".join(slack_unescape(_MENTION.sub("", message.get("text") or "")).split()), MAX_QUERY_CHARS)
        topic, question = _question(words)
        answer = service.answer(topic, question, who(user, channel, (body.get("team") or {}).get("id")))
        payload = render_message(answer, share=False)
        payload.pop("response_type", None)
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=message.get("thread_ts") or message.get("ts"), **payload
            )
        except Exception as e:  # the bot is not in that channel: Slack's response_url still reaches the reporter
            log.info("shortcut_answer_via_response_url", error=str(e)[:100] or type(e).__name__)
            await respond(**payload, response_type="ephemeral")

    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        knowledge = service.knowledge()
        if knowledge is None:
            return
        await client.views_publish(user_id=event["user"], view=render_home(knowledge))

    revocations = AsyncTokenRevocationListeners(installations.store) if installations else None

    async def uninstalled(context: AsyncBoltContext) -> None:
        log.warning("app_uninstalled", team=context.team_id, enterprise=context.enterprise_id)
        if installations and revocations:
            installations.forget(context.enterprise_id, context.team_id)
            await revocations.handle_app_uninstalled_events(context)

    async def revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        log.warning("tokens_revoked", team=context.team_id, bots=len((event.get("tokens") or {}).get("bot") or ()))
        if installations and revocations:
            installations.forget(context.enterprise_id, context.team_id)
            await revocations.handle_tokens_revoked_events(event, context)

    app.action(SHARE_ACTION)(ack=just_ack, lazy=[share])
    app.action(CITE_ACTION)(ack=just_ack, lazy=[cite])
    app.action(re.compile(SUGGEST_ACTIONS))(ack=just_ack, lazy=[ask_privately])
    app.action(re.compile(rf"^{MORE_ACTION}(:\d+)?$"))(ack=just_ack, lazy=[ask_privately])
    app.shortcut(CHECK_SHORTCUT)(ack=just_ack, lazy=[check_message])
    app.event("app_mention")(ack=just_ack, lazy=[mention])
    app.event("message")(ack=just_ack, lazy=[direct_message])
    app.event("app_home_opened")(ack=just_ack, lazy=[home])
    app.event("app_uninstalled")(ack=just_ack, lazy=[uninstalled])
    app.event("tokens_revoked")(ack=just_ack, lazy=[revoked])
    return app
