"""Metrics tallied in plain Python between flushes say exactly what prometheus_client's own calls would."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Histogram, generate_latest

from bot.metrics import FLUSH_SECONDS, LATENCY_BUCKETS, Metrics

SECONDS = (0.0, 0.0004, 0.0005, 0.0051, 0.003, 0.02, 0.3, 2.5, 7.0)


def _lines(text: bytes, prefix: str) -> list[str]:
    return [line for line in text.decode().splitlines() if line.startswith(prefix)]


def test_tallied_latencies_are_the_histogram_prometheus_would_keep() -> None:
    metrics = Metrics()
    direct = CollectorRegistry()
    reference = Histogram("factdesk_http_request_seconds", "", ["route"], buckets=LATENCY_BUCKETS, registry=direct)
    for s in SECONDS:
        metrics.request("/slack/events", 200, s)
        reference.labels("/slack/events").observe(s)
    prefix = "factdesk_http_request_seconds_"
    ours = [line for line in _lines(metrics.render(), prefix) if "_created" not in line]
    theirs = [line for line in _lines(generate_latest(direct), prefix) if "_created" not in line]
    assert ours == theirs and any('le="+Inf"' in line for line in ours)
    assert _lines(metrics.render(), "factdesk_http_requests_total") == [
        f'factdesk_http_requests_total{{route="/slack/events",status="200"}} {float(len(SECONDS))}'
    ]


def test_tallies_reach_the_metrics_without_a_scrape() -> None:
    """With several workers a scrape is answered by one of them from every worker's files: each flushes on its own."""
    metrics = Metrics()
    metrics.answered("miss", 0.001)
    deadline = time.monotonic() + 10 * FLUSH_SECONDS
    while metrics.misses._value.get() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert metrics.misses._value.get() == 1
