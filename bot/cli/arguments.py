"""`factdesk`'s argument parser: every command, its options, and its --help with an example.

Apart from the commands so that the whole surface a user types (names, options, defaults, help texts) reads
in one place.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.commands import (
    cmd_ask,
    cmd_check,
    cmd_console,
    cmd_extract,
    cmd_report,
    cmd_schema,
    cmd_serve,
    cmd_snapshot,
    cmd_socket,
    cmd_start,
)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _knowledge_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--knowledge",
        metavar="DIR",
        type=Path,
        default=None,
        help="knowledge folder or file (default: $FACTDESK_KNOWLEDGE or ./knowledge)",
    )


def _port(value: str) -> int:
    """argparse type for --port: a port number, not whatever int() accepts (99999 would wrap around)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range: a port is from 1 to 65535")
    return port


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="factdesk",
        description="Sourced answers for newsroom teams, in Slack and in the terminal.",
        epilog="example:\n  factdesk ask article4\n  factdesk check knowledge/",
        formatter_class=_formatter,
    )
    sub = top.add_subparsers(dest="cmd", metavar="COMMAND")

    p = sub.add_parser(
        "check",
        help="validate and verify knowledge files",
        description="Load, validate and verify knowledge; print each problem as file:line:col.",
        epilog=(
            "example:\n  factdesk check knowledge/\n  factdesk check knowledge/pact.yaml --quiet\n"
            "  factdesk check knowledge/ --format github    # in a GitHub Actions workflow"
        ),
        formatter_class=_formatter,
    )
    p.add_argument("path", nargs="?", help="knowledge folder or file (default: $FACTDESK_KNOWLEDGE or ./knowledge)")
    p.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    p.add_argument("--timing", action="store_true", help="print how long loading and checking took")
    p.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: workflow commands, so each problem shows on its line in a pull request",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "snapshot",
        help="check the knowledge and compile it into a snapshot servers start from in about a second",
        description=(
            "Load, verify, index and check expectations (as `check`), then write the compiled snapshot into the\n"
            "cache folder a server reads ($FACTDESK_CACHE). A server uses it only while every knowledge file and\n"
            "the code are exactly as they were; otherwise it loads the files in full. Run it when the image is\n"
            "built, or in an init container after the knowledge is checked out."
        ),
        epilog="example:\n  factdesk snapshot knowledge/\n  factdesk snapshot /git/current/knowledge --into /tmp/fd",
        formatter_class=_formatter,
    )
    p.add_argument("path", nargs="?", help="knowledge folder or file (default: $FACTDESK_KNOWLEDGE or ./knowledge)")
    p.add_argument("--into", metavar="DIR", help="the cache folder to write into (default: $FACTDESK_CACHE)")
    p.add_argument("--quiet", action="store_true", help="print errors only, not warnings")
    p.set_defaults(func=cmd_snapshot, knowledge=None)

    p = sub.add_parser(
        "ask",
        help="answer a question as the bot would",
        description="TEXT is what a reporter types after the slash command.",
        epilog="example:\n  factdesk ask article4\n  factdesk ask --json when was the 1961 treaty scrapped",
        formatter_class=_formatter,
    )
    _knowledge_arg(p)
    p.add_argument("--command", default=None, help="the slash command picking the topic (default: the only one)")
    p.add_argument("--json", action="store_true", help="print the exact Slack message payload")
    p.add_argument("text", nargs="*", help="the question")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "extract",
        help="draft knowledge from a new article (quotes, dates, facts)",
        description=(
            "Propose every quote with its speaker, every date (resolved, with the article's words kept) and the\n"
            "sentences whose numbers are facts, in the topic file's layout. Headline, byline, datelines, captions\n"
            "and page furniture propose nothing. Open questions are YAML comments. With --into, the draft is\n"
            "added to the topic file and the article archived next to it: delete what you do not want, answer\n"
            "the questions, and `factdesk check` passes."
        ),
        epilog="example:\n"
        "  factdesk extract article.txt --source-id interfax-2024-12-05 --published 2024-12-05 > draft.yaml\n"
        "  factdesk extract article.txt --source-id interfax-2024-12-05 --published 2024-12-05 \\\n"
        "      --outlet Interfax --link https://interfax.com/… --into knowledge/pact.yaml",
        formatter_class=_formatter,
    )
    p.add_argument("article", help="the article's text file (as copied from the page: furniture is skipped)")
    p.add_argument("--source-id", required=True, help="the id the source will have in `sources`")
    p.add_argument("--published", required=True, help="publication date, e.g. 2024-06-20 or 2024-06-20T11:01+09:00")
    p.add_argument("--outlet", help="the outlet's name (default: the dateline's agency, else asked in a comment)")
    p.add_argument("--headline", help="the headline (default: the article's first line)")
    p.add_argument("--link", help="where the article is published")
    p.add_argument("--into", metavar="TOPIC.yaml", help="add the draft to this topic file and archive the article")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "report",
        help="the questions the bot could not answer, most frequent first",
        description="Ask a running bot which questions found nothing, so maintainers know what to add next.",
        epilog=(
            "The bot answers /misses only with FACTDESK_ADMIN_TOKEN (sent as a Bearer token; set the same value\n"
            "here as on the server), or from loopback when the server has none.\n\n"
            "example:\n  factdesk report --top 20\n"
            "  FACTDESK_ADMIN_TOKEN=… factdesk report --url https://factdesk.example.org"
        ),
        formatter_class=_formatter,
    )
    p.add_argument(
        "--url",
        default=None,
        help="the running bot (default: http://$FACTDESK_HOST:$FACTDESK_PORT, i.e. 127.0.0.1:3000)",
    )
    p.add_argument("--top", type=int, default=20, help="how many to list (default: %(default)s)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "schema",
        help="print the knowledge JSON Schema",
        description="Print (or write) the JSON Schema editors use to validate knowledge files.",
        epilog="example:\n  factdesk schema --write knowledge/schema.json",
        formatter_class=_formatter,
    )
    p.add_argument("--write", metavar="FILE", help="write the schema to FILE")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "console",
        help="ask questions locally, as in Slack",
        description="A local stand-in for Slack: type `/pact article4` and see the Slack answer as text.",
        epilog="example:\n  factdesk console\n  echo '/pact timeline' | factdesk console",
        formatter_class=_formatter,
    )
    _knowledge_arg(p)
    p.set_defaults(func=cmd_console)

    p = sub.add_parser(
        "serve",
        help="serve Slack over HTTP (/slack/events, /healthz, /metrics)",
        description="HTTP mode. Needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.",
        epilog="example:\n  factdesk serve --host 0.0.0.0 --port 3000",
        formatter_class=_formatter,
    )
    _knowledge_arg(p)
    p.add_argument("--host", default=None, help="address to listen on (default: $FACTDESK_HOST or 127.0.0.1)")
    p.add_argument("--port", type=_port, default=None, help="port (default: $FACTDESK_PORT or 3000)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: $FACTDESK_WORKERS or 1)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "socket",
        help="serve Slack over Socket Mode (no public URL needed)",
        description="Socket Mode. Needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN.",
        epilog="example:\n  SLACK_APP_TOKEN=xapp-… SLACK_BOT_TOKEN=xoxb-… factdesk socket",
        formatter_class=_formatter,
    )
    _knowledge_arg(p)
    p.set_defaults(func=cmd_socket)

    p = sub.add_parser(
        "start",
        help="the main job: Slack if credentials are set, else the local console",
        description="Socket Mode with SLACK_APP_TOKEN, HTTP with SLACK_SIGNING_SECRET, else the console.",
        epilog="example:\n  factdesk start",
        formatter_class=_formatter,
    )
    _knowledge_arg(p)
    p.set_defaults(func=cmd_start)
    return top
