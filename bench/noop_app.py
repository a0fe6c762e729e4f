"""The baseline for the end-to-end benchmark: a do-nothing Bolt AsyncApp on the same uvicorn settings.

It verifies the signature and the token exactly as factdesk does, then acks every slash command with "ok".
With `--process-before-response` it is also configured as factdesk's app is (the ack returned as soon as the
listener returns, instead of Bolt polling for it every 10 ms), for a like-for-like baseline.
"""

from __future__ import annotations

import os
import sys

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build(process_before_response: bool = False) -> AsyncSlackRequestHandler:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=client,
        process_before_response=process_before_response,
    )

    @app.command("/pact")
    async def noop(ack: AsyncAck) -> None:
        await ack("ok")

    return AsyncSlackRequestHandler(app)


if __name__ == "__main__":
    handler = build("--process-before-response" in sys.argv)
    uvicorn.run(handler, host="127.0.0.1", port=int(sys.argv[-1]), log_level="warning", access_log=False)
