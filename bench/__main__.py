"""`python -m bench [search|serve|quality] ...` (also `./run bench`)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "search"
    rest = argv[1:]
    if what == "search":
        from bench import search

        return search.main(rest)
    if what == "quality":
        from bench import quality

        return quality.main(rest)
    if what == "serve":
        from bench import serve

        return serve.main(rest)
    print(
        "usage: python -m bench search [SIZES] | serve [--seconds S] [--rounds R] [--workers] | quality [FILES]\n"
        "e.g. python -m bench search 1000,10000   or   python -m bench quality --help",
        file=sys.stderr,
    )
    return 2


sys.exit(main(sys.argv[1:]))
