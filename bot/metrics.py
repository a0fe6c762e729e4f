"""Prometheus metrics, on a registry of their own so that two apps in one process (tests) never collide.

With several worker processes (`serve --workers N`) each worker counts into files under
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode, which `serve` sets up), and a scrape, whichever
worker answers it, adds them all up: otherwise each scrape would see one worker's share.
"""

from __future__ import annotations

import bisect
import os
import threading
import time
import weakref
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
FLUSH_SECONDS = 1.0


def _flusher(ref: weakref.ref[Metrics]) -> None:
    """Push each process's tallies into the shared metrics once a second, until the `Metrics` is gone."""
    while True:
        time.sleep(FLUSH_SECONDS)
        metrics = ref()
        if metrics is None:
            return
        metrics.flush()
        del metrics


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
        # Tallies in plain Python between flushes: in multiprocess mode each inc/observe of prometheus_client
        # writes to a memory-mapped file under a lock (~6 us, six a request: ~5% of an uncached answer's CPU).
        self._lock = threading.Lock()
        self._counts: dict[Any, float] = {}
        self._observed: dict[Any, list[float]] = {}  # histogram child -> [sum, count per bucket..., +Inf]
        self._thread: threading.Thread | None = None

    def _child(self, metric: Any, *labels: str) -> Any:
        """`metric.labels(...)`, memoised: the lookup validates and locks every call, ~10% of a request."""
        key = (metric._name, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def _count(self, child: Any) -> None:
        with self._lock:
            self._counts[child] = self._counts.get(child, 0.0) + 1.0
        if self._thread is None:
            self._start()

    def _observe(self, child: Any, seconds: float) -> None:
        with self._lock:
            tally = self._observed.get(child)
            if tally is None:
                tally = self._observed[child] = [0.0] * (len(LATENCY_BUCKETS) + 2)
            tally[0] += seconds
            tally[1 + bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=_flusher, args=(weakref.ref(self),), daemon=True)
                self._thread.start()

    def flush(self) -> None:
        """Add the tallies since the last flush to the metrics (every second, and before each scrape)."""
        with self._lock:
            counts, self._counts = self._counts, {}
            observed, self._observed = self._observed, {}
        for child, n in counts.items():
            child.inc(n)
        for child, tally in observed.items():
            child._sum.inc(tally[0])  # a histogram child's sum and buckets: what its observe() adds to
            for bucket, n in zip(child._buckets, tally[1:], strict=True):
                if n:
                    bucket.inc(n)

    def answered(self, kind: str, seconds: float) -> None:
        self._count(self._child(self.answers, kind))
        self._observe(self.answer_seconds, seconds)
        if kind == "miss":
            self._count(self.misses)

    def reloaded(self, ok: bool) -> None:
        self.reloads.labels("ok" if ok else "refused").inc()

    def request(self, route: str, status: int, seconds: float) -> None:
        self._count(self._child(self.requests, route, str(status)))
        self._observe(self._child(self.latency, route), seconds)

    def render(self) -> bytes:
        self.flush()
        folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if folder:
            every_worker = CollectorRegistry()
            MultiProcessCollector(every_worker, path=folder)  # type: ignore[no-untyped-call]
            return generate_latest(every_worker)
        return generate_latest(self.registry)
