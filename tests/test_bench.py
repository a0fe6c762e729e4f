"""The benchmarks' command line and clean-up (their figures are for `./run bench`, not for the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import Lab, throughput, wait_listening
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
