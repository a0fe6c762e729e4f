"""Prometheus metrics, on a registry of their own so that two apps in one process (tests) never collide.

With several worker processes (`serve --workers N`) each worker counts into files under
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode, which `serve` sets up), and a scrape, whichever
worker answers it, adds them all up: otherwise each scrape would see one worker's share.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "factdesk_http_requests", "HTTP requests by route and status", ["route", "status"], registry=r
        )
        self.latency = Histogram(
            "factdesk_http_request_seconds", "HTTP request latency", ["route"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.answers = Counter("factdesk_answers", "Answers by kind", ["kind"], registry=r)
        self.answer_seconds = Histogram(
            "factdesk_answer_seconds", "Time to compute an answer", buckets=LATENCY_BUCKETS, registry=r
        )
        self.misses = Counter("factdesk_misses", "Questions the knowledge had no answer for", registry=r)
        self.reloads = Counter("factdesk_reloads", "Knowledge reloads by result", ["result"], registry=r)
        self.ready = Gauge(
            "factdesk_knowledge_ready", "1 when knowledge is loaded", registry=r, multiprocess_mode="livemin"
        )

        self._children: dict[tuple[str, ...], Any] = {}

    def _child(self, metric: Any, *labels: str) -> Any:
        """`metric.labels(...)`, memoised: the lookup validates and locks every call, ~10% of a request."""
        key = (metric._name, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def answered(self, kind: str, seconds: float) -> None:
        self._child(self.answers, kind).inc()
        self.answer_seconds.observe(seconds)
        if kind == "miss":
            self.misses.inc()

    def reloaded(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "refused").inc()

    def request(self, route: str, status: int, seconds: float) -> None:
        self._child(self.requests, route, str(status)).inc()
        self._child(self.latency, route).observe(seconds)

    def render(self) -> bytes:
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if folder:
            every_worker = CollectorRegistry()
            MultiProcessCollector(every_worker, path=folder)  # type: ignore[no-untyped-call]
            return generate_latest(every_worker)
        return generate_latest(self.registry)
