"""Bolt's AsyncApp, with each request's Web API client copied from a prepared one instead of built anew.

Bolt gives every request a client of its own (so that authorisation can set that request's token on it
without touching anyone else's), and builds it with `AsyncWebClient(...)`: about 8 us a request, most of it
reading the proxy variables from the environment again and setting up a logger, for a client that a slash
command answered in its ack never uses. Here the client is a shallow copy of one prepared per workspace (the
same settings Bolt passes, the proxy read once): still one object per request, still its own token and
retry handlers, at a tenth of the cost.

`tests/slack/test_bolt.py` builds the context both ways, Bolt's and this, and compares them field by field,
so a Bolt release that changes what a request's context holds fails a test instead of drifting silently.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger import get_bolt_app_logger
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

MAX_PREPARED = 1024  # workspaces with a prepared client; past that, a request's client is built as Bolt does


class App(AsyncApp):
    """AsyncApp whose per-request clients are copies of a prepared client per workspace."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Bolt names an app after the file that made it (its logger's name): that file, not this one.
        kwargs.setdefault("name", os.path.basename(sys._getframe(1).f_code.co_filename))
        super().__init__(*args, **kwargs)
        self._prepared: dict[str | None, AsyncWebClient] = {}

    def _build_client(self, team_id: str | None) -> AsyncWebClient:
        """A client exactly as Bolt's `_init_context` builds one (with the app's token, for this workspace)."""
        base = self._async_client
        return AsyncWebClient(
            token=self._token,
            base_url=base.base_url,
            timeout=base.timeout,
            ssl=base.ssl,
            proxy=base.proxy,
            session=base.session,
            trust_env_in_session=base.trust_env_in_session,
            headers=base.headers,
            team_id=team_id,
            logger=base.logger,
            retry_handlers=base.retry_handlers.copy() if base.retry_handlers is not None else None,
        )

    def request_client(self, team_id: str | None) -> AsyncWebClient:
        """A new client for one request: a copy of the workspace's prepared client, with its own lists and
        parameters, so that setting its token (authorisation does) changes this request's client only."""
        prepared = self._prepared.get(team_id)
        if prepared is None:
            if len(self._prepared) >= MAX_PREPARED:
                return self._build_client(team_id)
            prepared = self._prepared[team_id] = self._build_client(team_id)
        client: AsyncWebClient = object.__new__(AsyncWebClient)
        client.__dict__.update(prepared.__dict__)
        client.default_params = dict(prepared.default_params)
        if prepared.retry_handlers is not None:
            client.retry_handlers = list(prepared.retry_handlers)
        return client

    def _init_context(self, req: AsyncBoltRequest) -> None:
        context = req.context
        context["logger"] = get_bolt_app_logger(app_name=self.name, base_logger=self._base_logger)
        context["token"] = self._token
        context["client"] = self.request_client(context.team_id)
        context["listener_runner"] = self.listener_runner
