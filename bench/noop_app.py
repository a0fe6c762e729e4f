"""The baseline for the end-to-end benchmarks: a do-nothing Bolt AsyncApp on the same uvicorn settings.

It verifies the signature and the token exactly as factdesk does, matches commands the way factdesk does
(any command, by pattern), then acks every slash command with "ok". With `--process-before-response` it is
also configured as factdesk's app is (the ack returned as soon as the listener returns, instead of Bolt
polling for it every 10 ms), for a like-for-like baseline.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

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

    @app.command(re.compile(r"^/"))
    async def noop(ack: AsyncAck) -> None:
        await ack("ok")

    return AsyncSlackRequestHandler(app)


def factory() -> AsyncSlackRequestHandler:
    """Each worker's app, when there are several (uvicorn imports this in every worker process)."""
    return build(os.environ.get("NOOP_PROCESS_BEFORE_RESPONSE") == "1")


if __name__ == "__main__":
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print("usage: python -m bench.noop_app [--process-before-response] [--workers N] PORT\n"
              "e.g. python -m bench.noop_app --process-before-response --workers 2 3100")  # fmt: skip
        sys.exit(0)
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 1
    options: dict[str, Any] = {"host": "127.0.0.1", "port": int(sys.argv[-1]), "log_level": "warning",
                               "access_log": False}  # fmt: skip
    if workers > 1:  # as `factdesk serve --workers N` runs: uvicorn's worker processes on one socket
        os.environ["NOOP_PROCESS_BEFORE_RESPONSE"] = "1" if "--process-before-response" in sys.argv else "0"
        uvicorn.run("bench.noop_app:factory", factory=True, workers=workers, **options)
    else:
        uvicorn.run(build("--process-before-response" in sys.argv), **options)
