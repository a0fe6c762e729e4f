"""Synthetic knowledge of any size for tests, made by the benchmarks' generator.

The generator stays in bench/synth.py: the benchmarks own it (its sizes and word frequencies are tuned for
load), and bench must run without the test suite. Tests reach it only through this one door, so a change to
its signature is one edit here.
"""

from __future__ import annotations

from pathlib import Path

from bench.synth import generate


def synthetic_knowledge(folder: Path, entries: int) -> Path:
    """Write a valid topic (`/synth`) of `entries` entries with its archived sources under `folder`."""
    generate(folder, entries)
    return folder
