"""Raw HTTP/1.1 over a socket, for requests no well-behaved client would send: bytes that are not UTF-8 in a
header, chunked bodies without end, heads sent a byte at a time, connections that say nothing."""

from __future__ import annotations

import socket
import time

from tests.support import slack_client as sc


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def head(method: str, path: str, port: int, headers: list[tuple[str, bytes | str]]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1".encode(), f"Host: 127.0.0.1:{port}".encode()]
    for name, value in headers:
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response: status, headers, body (by Content-Length); status 0 if the server closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, {}, data
        data += chunk
    top, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(status_line.split()[1]), headers, rest[:length]


def exchange(port: int, data: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    with connect(port, timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closes this connection within `seconds`, and what it sent before closing."""
    sock.settimeout(0.2)
    got = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True, got
        if not chunk:
            return True, got
        got += chunk
    return False, got


def signed_command(port: int, text: str, command: str, keep_alive: bool = True) -> bytes:
    body = sc.command_body(text, command=command)
    headers: list[tuple[str, bytes | str]] = [
        ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(body))),
        *sc.sign(body).items(), ("Connection", "keep-alive" if keep_alive else "close"),
    ]  # fmt: skip
    return head("POST", "/slack/events", port, headers) + body
