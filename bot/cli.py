"""`factdesk`: a thin command line over the library.

Every command has --help with an example. Errors are one line on stderr and an exit code, never a traceback:
a maintainer at a terminal needs to know what to fix, not where in our code it was noticed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import SERVING, ConfigError, Settings


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


def _existing(path: Path, settings: Settings, *, given: str | None) -> Path:
    """The knowledge path, or one line saying which setting points nowhere (`given` names an explicit one)."""
    if path.exists():
        return path
    if given:
        raise UsageError(f"{given} {path}: no such file or folder")
    if settings.knowledge_env:
        raise ConfigError(
            f"FACTDESK_KNOWLEDGE={settings.knowledge_env!r}: no such file or folder; "
            "set it to your knowledge folder (e.g. ./knowledge) or unset it"
        )
    raise UsageError(
        f"no knowledge folder at ./{path}: run from the project folder, "
        "or pass --knowledge DIR or set FACTDESK_KNOWLEDGE"
    )


def _knowledge(args: argparse.Namespace, settings: Settings) -> Path:
    if getattr(args, "knowledge", None):
        return _existing(Path(args.knowledge), settings, given="--knowledge")
    return _existing(settings.knowledge, settings, given=None)


def _port(value: str) -> int:
    """argparse type for --port: a port number, not whatever int() accepts (99999 would wrap around)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range: a port is from 1 to 65535")
    return port


# -- check -------------------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.loader import load

    root = (
        _existing(Path(args.path), settings, given="path")
        if args.path
        else _existing(settings.knowledge, settings, given=None)
    )
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


def cmd_snapshot(args: argparse.Namespace, settings: Settings) -> int:
    """Check the knowledge as `check` does and write the compiled snapshot a server then starts from."""
    from bot.core import snapshot

    root = _existing(Path(args.path), settings, given="path") if args.path else _knowledge(args, settings)
    into = args.into or settings.cache_dir
    if into is None:
        raise UsageError("FACTDESK_CACHE is off: pass --into DIR, the FACTDESK_CACHE the server will use")
    t0 = time.perf_counter()
    try:
        written, problems = snapshot.build(root, Path(into))
    except OSError as e:
        raise UsageError(f"cannot write the snapshot into {into}: {e.strerror or e}") from None
    for p in problems:
        if p.severity == "error" or not args.quiet:
            print(p)
    if written is None:
        print(f"{root}: has errors — no snapshot written (run `factdesk check {root}`)", file=sys.stderr)
        return 1
    print(f"{written}: snapshot of {root} in {time.perf_counter() - t0:.1f} s")
    return 0


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
    import shutil

    import yaml

    from bot.core.dates import DateError, parse_date
    from bot.core.extract import Topic, add_to_topic, draft, extract, to_yaml

    try:
        published = parse_date(args.published)
    except DateError as e:
        raise UsageError(f"--published: {e}") from None
    article = Path(args.article)
    try:
        text = article.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {article}: {getattr(e, 'strerror', None) or e}") from None
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.source_id):
        raise UsageError(
            f"--source-id {args.source_id!r}: use lower-case letters, digits and dashes, e.g. reuters-2024-12-05"
        )
    archive = (
        f"sources/{args.source_id}.txt"
        if args.source_id.endswith(published.iso()[:10])
        else (f"sources/{args.source_id}-{published.iso()[:10]}.txt")
    )
    topic = Topic()
    topic_text = ""
    if args.into:
        try:
            topic_text = Path(args.into).read_text("utf-8")
            topic = Topic.read(yaml.safe_load(topic_text))
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"cannot read {args.into}: {getattr(e, 'strerror', None) or e}") from None
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{args.into}:{mark.line + 1}:{mark.column + 1}" if mark else args.into
            raise UsageError(
                f"{where}: not valid YAML ({getattr(e, 'problem', None) or 'unreadable'}); "
                f"fix it first (`factdesk check {args.into}` shows where)"
            ) from None
        if args.source_id in topic.ids:
            raise UsageError(f"--source-id {args.source_id!r} is already an id in {args.into}; choose another")
    proposal = extract(text, args.source_id, published)
    sections = draft(proposal, source_id=args.source_id, published=published, archive=archive,
                     outlet=args.outlet, headline=args.headline, link=args.link, topic=topic)  # fmt: skip
    n = {k: sum("- id:" in block for block in v) for k, v in sections.items()}
    asked = sum("- id:" not in block for block in sections["timeline"])
    counts = f"{n['quotes']} quotes, {n['timeline']} dated events, {n['facts']} facts, {n['people']} new people" + (
        f" ({asked} date{'s' if asked != 1 else ''} asked about in comments)" if asked else ""
    )
    if not args.into:
        header = (
            f"# Proposed from {article.name} (source {args.source_id}, published {published.iso()}).\n"
            "# A draft to curate, not knowledge.\n"
            "# Paste each section's entries under the same key of the topic file (or run again with --into FILE),\n"
            f"# copy the article to {archive} next to it, delete what is not worth keeping, answer the\n"
            "# questions in the comments, and run `factdesk check`.\n"
        )
        print(to_yaml(sections, header), end="")
        print(f"proposed {counts}", file=sys.stderr)
        return 0
    target = Path(args.into).parent / archive
    if target.exists() and target.read_text("utf-8") != text:
        raise UsageError(f"{target} already exists with other text; choose another --source-id")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(article, target)
    Path(args.into).write_text(add_to_topic(topic_text, sections), "utf-8")
    print(f"added {counts} to {args.into}; archived the article as {target}", file=sys.stderr)
    print(f"now delete what is not worth keeping, answer the # questions, and run `factdesk check {args.into}`",
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    import urllib.error
    import urllib.request

    if args.url:
        base = args.url
    else:
        settings.require_valid("FACTDESK_PORT")
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        base = f"http://{'[' + host + ']' if ':' in host else host}:{settings.port}"
    url = base.rstrip("/") + "/misses"
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
        try:
            Path(args.write).write_text(text, "utf-8")
        except OSError as e:
            raise UsageError(f"cannot write {args.write}: {e.strerror or e}") from None
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
    overridden = {"FACTDESK_PORT": args.port, "FACTDESK_WORKERS": args.workers}  # options win over the variables
    settings.require_valid(*(name for name in SERVING if overridden.get(name) is None))
    from bot.launch import serve

    return serve(settings, host=args.host, port=args.port, workers=args.workers, knowledge=_knowledge(args, settings))


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_socket()
    settings.require_serving()
    from bot.launch import socket_mode

    return socket_mode(settings, knowledge=_knowledge(args, settings))


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """The main job: Slack when credentials are set, the local console otherwise."""
    mode = settings.slack_mode()  # some Slack credentials but not enough: an error naming what is missing
    if mode == "socket":
        return cmd_socket(args, settings)
    if mode == "http":
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


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        settings = Settings.from_env(strict=False)  # each command checks the settings it uses
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
