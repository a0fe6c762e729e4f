"""`python -m bench [search|serve|extract] ...` (also `./run bench`)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "search"
    rest = argv[1:]
    if what == "search":
        from bench import search

        return search.main(rest)
    if what == "extract":
        from bench import extract

        return extract.main(rest)
    if what == "serve":
        from bench import serve

        return serve.main(rest)
    print(
        "usage: python -m bench search [SIZES] | serve [--seconds S] [--rounds R] [--workers] | extract [WORDS]\n"
        "e.g. python -m bench search 1000,10000",
        file=sys.stderr,
    )
    return 2


sys.exit(main(sys.argv[1:]))
