"""The benchmarks' command line and clean-up (their figures are for `./run bench`, not for the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import ANSWER_CACHE, UNCACHED_QUERIES, Lab, starts, throughput, wait_listening
from bot.core.cache import LRU
from tests.support.paths import ROOT


@pytest.mark.parametrize("command", ["", "search", "startup", "reload", "serve", "all"])
def test_every_bench_command_has_help_with_an_example(command: str) -> None:
    args = [sys.executable, "-m", "bench", *([command] if command else []), "--help"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "example" in done.stdout and "Traceback" not in done.stderr


def test_a_bad_argument_is_one_line_not_a_traceback() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "search", "ten"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "whole numbers" in done.stderr


def test_the_lab_leaves_nothing_behind() -> None:
    with Lab(60) as lab:
        folder = lab.tmp
        server = lab.noop()
        wait_listening(server)
        assert (folder / "knowledge" / "synth.yaml").exists() and len(lab.uncached) > len(lab.cached)
    assert not folder.exists()
    assert server.proc.poll() is not None
    assert not Path(f"/proc/{server.proc.pid}").exists() or server.proc.returncode is not None


def test_the_c_load_generator_answers_as_the_python_one_counts() -> None:
    with Lab(60) as lab:
        if lab.client is None:
            pytest.skip("no C compiler on this machine: the benchmarks use the Python load generator")
        server = lab.noop()
        wait_listening(server)
        native = throughput(server, lab.uncached, 0.5, 4, lab.client)
        python = throughput(server, lab.uncached, 0.5, 4)
        assert (lab.tmp / "loadgen").exists()
    for got in (native, python):
        assert got["rps"] > 50 and got["errors"] == 0 and 0 < got["p50"] <= got["p99"]
        assert got["client_cpu_ms_per_request"] > 0 and got["cpu_ms_per_request"] > 0
    assert not lab.tmp.exists()


def test_the_uncached_mix_is_never_answered_from_the_caches() -> None:
    """Connections asking in turn, each walking the mix from its start: no question comes back while an answer
    cache (with or without its doorkeeper) still holds it."""
    firsts = starts(UNCACHED_QUERIES, 16)
    plain: LRU[int, int] = LRU(ANSWER_CACHE)
    kept: LRU[int, int] = LRU(ANSWER_CACHE, doorkeeper=True)
    hits = 0
    for step in range(3 * UNCACHED_QUERIES // 16):
        for first in firsts:
            text = (first + step) % UNCACHED_QUERIES
            hits += (plain.get(text) is not None) + (kept.get(text) is not None)
            plain.put(text, text)
            kept.put(text, text)
    assert hits == 0
    assert len({(f + s) % UNCACHED_QUERIES for f in firsts for s in range(UNCACHED_QUERIES // 16)}) == UNCACHED_QUERIES


def test_a_servers_log_is_counted_as_it_grows(tmp_path: Path) -> None:
    from bench.harness import Server

    log = tmp_path / "server.log"
    log.write_bytes(b'{"event": "knowledge_reloaded"}\n{"event": "knowledge_rebu')
    server = Server("s", subprocess.Popen([sys.executable, "-c", "pass"]), 0, log)
    server.proc.wait()
    assert server.reloads() == 1 and server.count("knowledge_rebuilt") == 0
    with log.open("ab") as f:
        f.write(b'ilt"}\n{"event": "knowledge_reloaded"}\n')
    assert server.count("knowledge_rebuilt") == 1 and server.reloads() == 2
    assert server.count("knowledge_reloaded") == 2  # asking again counts nothing twice
