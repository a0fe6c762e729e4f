"""`factdesk`: a thin command line over the library.

Every command has --help with an example. Errors are one line on stderr and an exit code, never a traceback:
a maintainer at a terminal needs to know what to fix, not where in our code it was noticed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.cli.arguments import parser
from bot.cli.commands import UsageError
from bot.config import ConfigError, Settings

__all__ = ["UsageError", "main", "parser"]


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
