"""What each `factdesk` command does, over the library; the argument parser is in `bot.cli.arguments`.

Kept apart from the parser so that each command reads as the few calls into the library it is, and so that
neither half grows past what a reader holds. A command gets the parsed arguments and the settings and returns
an exit code; what the user got wrong is a `UsageError`, one line, printed by `bot.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import SERVING, ConfigError, Settings


class UsageError(Exception):
    """A one-line error for the user."""


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
    words = list(args.text)
    if args.command is None and words and words[0] in commands:  # typed as in Slack: "/pact article4"
        args.command = words.pop(0)
    payload = render_message(service.answer(args.command, " ".join(words)))
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
