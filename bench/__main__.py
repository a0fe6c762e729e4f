"""`python -m bench COMMAND ...` (also `./run bench COMMAND ...`); `--help` after any command says more."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "search": "search latency, load time and memory per size, beside a naive scan and SQLite FTS5",
    "startup": "cold start to /healthz 200 from a snapshot, and with a full load: wall time and peak RSS",
    "reload": "latency of a steady request stream during edits + reloads; RSS after 1 and after N reloads",
    "serve": "cached and uncached answers against the do-nothing Bolt app; --workers for 1 -> 2 scaling",
    "soak": "signed traffic while the server is attacked: answers lost, 5xx, p99 calm vs attacked, RSS growth",
    "extract": "factdesk extract on hand-labelled real articles (quotes, speakers, dates), and its time per size",
    "quality": "labelled questions: right answer, honest miss or misleading, per class (answerable, not, traps)",
    "all": "startup, reload and serve (with --workers) on one generated knowledge base",
}


def run_all(argv: list[str]) -> int:
    from bench import reload, serve, startup
    from bench.harness import lab

    p = argparse.ArgumentParser(
        prog="python -m bench all",
        description="startup, reload and serve (with --workers) in one run, on one generated knowledge base.",
        epilog="example: python -m bench all --entries 100000 --seconds 8 --rounds 3",
    )
    p.add_argument("--entries", type=int, default=100_000, help="synthetic knowledge size (default 100000)")
    p.add_argument("--seconds", type=float, default=8.0, help="length of one serve round (default 8)")
    p.add_argument("--rounds", type=int, default=3, help="serve rounds; also cold starts (default 3)")
    args = p.parse_args(argv)
    with lab(args.entries) as the_lab:
        ok = startup.run(the_lab, args.rounds)[1]
        ok &= reload.run(the_lab, 5, 4, 0.01, 10.0)[1]
        ok &= serve.run(the_lab, args.seconds, args.rounds, 16, True)[1]
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    what, rest = (argv[0], argv[1:]) if argv else ("search", [])
    if what in ("-h", "--help", "help"):
        print("usage: python -m bench COMMAND [--help | options]\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:<8} {text}")
        print("\nexample: python -m bench startup --entries 100000")
        return 0
    if what in COMMANDS and what != "all":
        module = importlib.import_module(f"bench.{what}")
        code: int = module.main(rest)
        return code
    if what == "all":
        return run_all(rest)
    print(
        f"python -m bench: unknown command {what!r}; one of {', '.join(COMMANDS)} (--help says more)", file=sys.stderr
    )
    return 2


sys.exit(main(sys.argv[1:]))
