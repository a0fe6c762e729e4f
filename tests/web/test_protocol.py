"""How a response leaves the server: its head and body in one write, never a head held back."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.web.protocol import ResponseWriter

HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"


class Recorded:
    """A transport that records what is written and whether it was closed."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def _writer() -> tuple[ResponseWriter, Recorded, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    recorded = Recorded()
    return ResponseWriter(recorded, loop), recorded, loop  # type: ignore[arg-type]


def test_a_head_and_its_body_are_one_write() -> None:
    writer, recorded, loop = _writer()
    writer.write(HEAD)
    assert recorded.writes == []
    writer.write(b"{}")
    assert recorded.writes == [HEAD + b"{}"]
    loop.run_until_complete(asyncio.sleep(0))  # the flush scheduled with the head finds nothing left
    assert recorded.writes == [HEAD + b"{}"]
    loop.close()


def test_a_head_whose_body_is_late_goes_out_on_the_next_turn_of_the_loop() -> None:
    writer, recorded, loop = _writer()
    writer.write(HEAD)
    loop.run_until_complete(asyncio.sleep(0))
    assert recorded.writes == [HEAD]
    writer.write(b"{}")
    assert recorded.writes == [HEAD, b"{}"]
    loop.close()


def test_100_continue_is_not_held_and_close_writes_a_held_head_first() -> None:
    writer, recorded, loop = _writer()
    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert recorded.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    writer.write(HEAD)
    writer.close()
    assert recorded.writes[-1] == HEAD and recorded.closed and writer.is_closing()
    assert writer.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is the transport's own
    loop.close()
