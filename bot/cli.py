"""`factdesk`: a thin command line over the library.

Every command has --help with an example. Errors are one line on stderr and an exit code, never a traceback:
a maintainer at a terminal needs to know what to fix, not where in our code it was noticed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings


class UsageError(Exception):
    """A one-line error for the user."""


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


def _knowledge(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.knowledge) if getattr(args, "knowledge", None) else settings.knowledge


# -- check -------------------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.loader import load

    root = Path(args.path) if args.path else settings.knowledge
    t0 = time.perf_counter()
    result = load(root)
    from bot.core import expect

    if result.ok and result.knowledge and expect.wanted(result.knowledge):  # the maintainers' own expectations
        from bot.core.engine import Catalog

        result.problems.extend(expect.check(Catalog.build(result.knowledge)))
    took = (time.perf_counter() - t0) * 1000
    for p in result.problems:
        if p.severity == "error" or not args.quiet:
            print(p.github() if args.format == "github" else p)
    if result.ok and result.knowledge:
        for t in result.knowledge.topics:
            print(f"{Path(t.path).name}: {t.count_text()} — ok")
        if args.timing:
            print(f"checked in {took:.1f} ms", file=sys.stderr)
        return 0
    n = len(result.errors)
    print(f"{root}: {n} error{'s' if n != 1 else ''} — not loaded", file=sys.stderr)
    return 1


# -- ask ---------------------------------------------------------------------------------------------
def _service(root: Path) -> Any:
    """The same door Slack uses, over knowledge loaded once: `ask` and the console count and log like the bot."""
    from bot.core.store import KnowledgeStore
    from bot.service import Service

    store = KnowledgeStore(root)
    outcome = store.reload()
    if not outcome.ok:
        first = outcome.errors[0] if outcome.errors else "no knowledge"
        raise UsageError(f"knowledge in {root} has errors (run `factdesk check {root}`): {first}")
    return Service(store)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.blocks import render_message
    from bot.terminal.render import render_text

    service = _service(_knowledge(args, settings))
    commands = service.commands()
    if args.command is not None and args.command not in commands and "/" + args.command not in commands:
        raise UsageError(f"no topic answers {args.command}; choose one of: {', '.join(commands)}")
    payload = render_message(service.answer(args.command, " ".join(args.text)))
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_text(payload), end="")
    return 0


# -- extract, report -------------------------------------------------------------------------------
def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.dates import DateError, parse_date
    from bot.core.extract import extract, to_yaml

    try:
        published = parse_date(args.published)
    except DateError as e:
        raise UsageError(f"--published: {e}") from None
    try:
        text = Path(args.article).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {args.article}: {e}") from None
    proposal = extract(text, args.source_id, published)
    header = (
        f"# Proposed from {args.article} (source {args.source_id}, published {published.iso()}).\n"
        "# A draft to curate, not knowledge: check every speaker_guess against `people` (then rename the field to\n"
        "# `speaker` with the person's id), trim quotes, write each `what` and `text`, delete what is not worth\n"
        "# keeping, and run `factdesk check`. Dates were resolved against the publication date; `as_written` keeps\n"
        "# the article's words.\n"
    )
    print(to_yaml(proposal, header), end="")
    print(
        f"proposed {len(proposal.quotes)} quotes, {len(proposal.timeline)} dated mentions, {len(proposal.facts)} facts",
        file=sys.stderr,
    )
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    import urllib.error
    import urllib.request

    url = args.url.rstrip("/") + "/misses"
    headers = {"Authorization": f"Bearer {settings.admin_token}"} if settings.admin_token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            misses = json.loads(r.read())
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise UsageError(f"cannot read {url}: {e}") from None
    from bot.misses import printable

    if not misses:
        print("No unanswered questions yet.")
        return 0
    try:  # what reporters typed, so never raw to this terminal: colour codes and title sequences are stripped
        rows = [(int(row["count"]), printable(str(row["query"]))) for row in misses[: args.top]]
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"{url} did not answer a list of misses: {e}") from None
    print("Most asked, not answered (every replica; no user ids are kept):")
    for count, query in rows:
        print(f"{count:>6}  {query}")
    return 0


# -- schema ------------------------------------------------------------------------------------------
def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.loader import schema

    text = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
    if args.write:
        Path(args.write).write_text(text, "utf-8")
        print(f"wrote {args.write}")
    else:
        print(text, end="")
    return 0


# -- console, serve, socket, start -------------------------------------------------------------------
def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.console import run_console

    return run_console(_service(_knowledge(args, settings)), sys.stdin, sys.stdout)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_http()
    from bot.launch import serve

    return serve(settings, host=args.host, port=args.port, workers=args.workers, knowledge=_knowledge(args, settings))


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_socket()
    from bot.launch import socket_mode

    return socket_mode(settings, knowledge=_knowledge(args, settings))


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """The main job: Slack when credentials are set, the local console otherwise."""
    if settings.app_token and settings.bot_token:
        return cmd_socket(args, settings)
    if settings.signing_secret and (settings.bot_token or settings.oauth):
        args.host, args.port, args.workers = settings.host, settings.port, settings.workers
        return cmd_serve(args, settings)
    print("No Slack credentials set: starting the local console (see README to connect Slack).", file=sys.stderr)
    from bot import logs

    logs.configure(settings.log_format, debug=settings.debug, secrets=settings.secrets(), quiet=True)
    return cmd_console(args, settings)


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
        help="draft a YAML fragment from a new article",
        description="Propose quotes (with likely speakers), resolved dates and numbers from an article, to curate.",
        epilog="example:\n  factdesk extract knowledge/sources/yonhap-via-korea-herald-2024-06-20.txt \\\n"
        "      --source-id yonhap --published 2024-06-20T11:01+09:00 > draft.yaml",
        formatter_class=_formatter,
    )
    p.add_argument("article", help="the article's text file")
    p.add_argument("--source-id", required=True, help="the id the source will have in `sources`")
    p.add_argument("--published", required=True, help="publication date, e.g. 2024-06-20 or 2024-06-20T11:01+09:00")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "report",
        help="the questions the bot could not answer, most frequent first",
        description="Ask a running bot which questions found nothing, so maintainers know what to add next.",
        epilog="example:\n  factdesk report --url http://127.0.0.1:3000 --top 20",
        formatter_class=_formatter,
    )
    p.add_argument("--url", default="http://127.0.0.1:3000", help="the running bot (default: %(default)s)")
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
    p.add_argument("--port", type=int, default=None, help="port (default: $FACTDESK_PORT or 3000)")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        settings = Settings.from_env()
        from bot import logs

        logs.configure(
            settings.log_format,
            debug=settings.debug,
            secrets=settings.secrets(),
            quiet=args.cmd not in ("serve", "socket", "start"),
        )
        code: int = args.func(args, settings)
        return code
    except (UsageError, ConfigError) as e:
        print(f"factdesk: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
