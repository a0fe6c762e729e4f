"""uvicorn's HTTP protocol with the limits it lacks: how long and how large a request's head may be, how long
its body may take, how long a connection may stay silent, and how many connections may be held at once.

uvicorn arms its keep-alive timer only after a response, so a connection that never sends a byte, or that
trickles its headers a byte at a time, was held forever; enough of them exhausted the file descriptors and
nobody, /healthz included, got in. Here every connection must send a request soon after it opens
(IDLE_SECONDS), finish its headers soon after starting them (HEAD_SECONDS) and keep them under
MAX_HEAD_BYTES, then send its whole body soon after its headers (BODY_SECONDS); past MAX_CONNECTIONS a
connection that has said nothing for a while is closed to make room (never one being answered; see _evict).
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

IDLE_SECONDS = 5.0
HEAD_SECONDS = 5.0
#: A whole body must arrive this soon after its headers (Slack sends it at once). Kept here, on the connection,
#: rather than as a timeout around the app's reading: a body that came with its headers, as nearly every one
#: does, then needs no timer at all (arming and cancelling one cost ~7 us a request, 5% of an answer).
BODY_SECONDS = 5.0
MAX_HEAD_BYTES = 32 * 1024
MAX_CONNECTIONS = 512
LOW_WATER = MAX_CONNECTIONS * 7 // 8
YOUNG_SECONDS = 0.25
#: At SIGTERM, how long an idle keep-alive connection stays open (listeners already closed): a request a
#: client wrote just before the signal is still answered, with `Connection: close`.
DRAIN_SECONDS = 2.0


def raise_file_limit() -> int:
    """Lift the soft limit on open files to the hard one: a burst of connections must not reach EMFILE
    before the idle limits above can close them. Returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            return soft
    return soft


class ResponseWriter:
    """The transport a request's response is written through: its head is held until its body's first part
    and both go out in one write (one system call, one TCP segment for a small answer, one wake-up of the
    client) instead of two. A head whose body has not followed by the next turn of the event loop is written
    on its own then, so a response is never held back; everything else is the connection's transport."""

    __slots__ = ("_held", "_loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            data, self._held = self._held + data, None
        elif data.startswith(b"HTTP/1.1 1"):  # 100 Continue, written while the request is still read
            pass
        elif data.startswith(b"HTTP/"):
            self._held = data
            self._loop.call_soon(self.flush)
            return
        self.transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            data, self._held = self._held, None
            self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class GuardedHttpTools(HttpToolsProtocol):
    """HttpToolsProtocol with idle, head-time, head-size and connection-count limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._head_begun = False  # the parser has started a request's head (which may arrive in a body's bytes)
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._since = 0.0
        self._served = False
        self._draining = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._since = self.loop.time()
        # A fresh connection gets the same idle limit as one between requests.
        self.timeout_keep_alive_task = self.loop.call_later(IDLE_SECONDS, self.timeout_keep_alive_handler)
        if len(self.connections) > MAX_CONNECTIONS:  # (closed ones leave the set a moment later)
            self._evict()

    def _idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _quiet(self, now: float) -> bool:
        """No request on its way, and nothing heard since long enough ago to tell."""
        return self._idle() and not self._head_bytes and now - self._since > YOUNG_SECONDS

    def _evict(self) -> None:
        """Make room down to LOW_WATER connections (in one sweep, so that a flood of connections costs one
        sort per few dozen of them, not one scan each): first those that have said nothing for a while (an
        honest client speaks at once), the longest silent first; keep-alive connections that have been
        served only after those; never one with a request on its way or that opened or was answered in the
        last YOUNG_SECONDS (its bytes may simply not have been read yet)."""
        now = self.loop.time()
        open_ = [c for c in self.connections if isinstance(c, GuardedHttpTools) and not c.transport.is_closing()]
        idle = [c for c in open_ if c is not self and c._quiet(now)]
        excess = len(open_) - LOW_WATER
        for c in sorted(idle, key=lambda c: (c._served, c._since))[:excess]:
            c.transport.close()

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
        else:
            self._head_bytes += len(data)
            super().data_received(data)
            if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                self._refuse(431, b"request header fields too large")
        if self._in_head and (self._head_bytes or self._head_begun):
            # A head begun and not finished in these bytes (blank lines count): its clock runs from now. A
            # head that arrives whole, as nearly every one does, never needs a timer of its own.
            self._start_head_clock()
        elif self._body_timer is None and self._body_pending():
            self._body_timer = self.loop.call_later(BODY_SECONDS, self._body_too_slow)  # likewise for a body

    def _body_pending(self) -> bool:
        """A request whose head is read and whose body has not all arrived."""
        cycle = self.cycle
        return not self._in_head and cycle is not None and cycle.more_body and not cycle.response_complete

    def _refuse(self, status: int, reason: bytes) -> None:
        phrase = b"Request Header Fields Too Large" if status == 431 else b"Request Timeout"  # (408)
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            b"content-length: %d\r\n\r\n%s" % (status, phrase, len(reason), reason)
        )
        self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # Bytes are counted from the end of the previous response (on_response_complete); a pipelined
        # request's head that these bytes do not finish gets its clock once they are parsed (data_received).
        self._in_head = True
        self._head_begun = True

    def _start_head_clock(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_begun = False
        self._cancel_head_timer()
        transport = self.transport
        # What the request's cycle, made now, writes its response to (it takes any transport-like object).
        self.transport = cast(asyncio.Transport, ResponseWriter(transport, self.loop))
        try:
            super().on_headers_complete()
        finally:
            self.transport = transport
        if self._draining and self.cycle is not None:
            self.cycle.keep_alive = False

    def shutdown(self) -> None:
        """At SIGTERM uvicorn closed idle keep-alive connections at once, dropping any request already on its
        way; here they get DRAIN_SECONDS to deliver one, answered and then closed. uvicorn waits for every
        connection to close (up to its graceful timeout) before the app's own shutdown."""
        self._draining = True
        if self._idle():
            self.loop.call_later(DRAIN_SECONDS, self._close_if_idle)
        else:
            self.cycle.keep_alive = False

    def _close_if_idle(self) -> None:
        if self._idle() and not self._head_bytes and not self.transport.is_closing():  # a head: its clock runs
            self.transport.close()

    def on_message_complete(self) -> None:
        self._cancel_body_timer()
        super().on_message_complete()

    def _cancel_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_too_slow(self) -> None:
        """A 408 if nothing of the response has gone yet (the app is still waiting for the body); the
        connection is closed either way, which ends the app's wait for the body as a disconnect."""
        self._body_timer = None
        if not self._body_pending() or self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_started:
            self.cycle.response_started = True  # nothing the app sends now may follow this response
            self._refuse(408, b"request body too slow")
        else:
            self.transport.close()

    def on_response_complete(self) -> None:
        self._since = self.loop.time()
        self._served = True
        self._in_head = True
        self._head_bytes = 0
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        self._cancel_body_timer()
        super().connection_lost(exc)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self._refuse(408, b"request headers too slow")
