"""Every setting name the bot reads, as written in bot/config.py: what the deploy files may set."""

from __future__ import annotations

import re

from tests.support.paths import ROOT

CONFIG_NAMES = set(re.findall(r'"((?:FACTDESK|SLACK)_[A-Z_]+)"', (ROOT / "bot" / "config.py").read_text("utf-8")))
