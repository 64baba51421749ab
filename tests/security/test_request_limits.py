"""Request bodies are refused before they are read: by declared length, or while streaming."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.responses import PlainTextResponse

from gaodi.ui.web.limits import ANONYMOUS_LIMIT, BodyLimit
from tests.web.conftest import make_site
from tests.web.helpers import csrf_of, login
from tests.web.seed import PASSWORD


async def _reading_app(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads its whole body, as a form parser does."""
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    await PlainTextResponse("read it all")(scope, receive, send)


def _call(
    app: BodyLimit,
    headers: list[tuple[bytes, bytes]],
    chunks: int,
    size: int,
    path: str = "/data/import",
) -> tuple[int, int]:
    """(status, chunks the client had to hand over) for a body of ``chunks`` × ``size``."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * size, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], pulled


def test_a_declared_gigabyte_is_refused_before_a_byte_is_read() -> None:
    app = BodyLimit(_reading_app, request_max=1024, upload_max=4096)
    status, pulled = _call(
        app, [(b"content-length", str(1 << 30).encode())], 1 << 14, 1 << 16, "/login"
    )
    assert (status, pulled) == (413, 0)


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit() -> None:
    app = BodyLimit(_reading_app, request_max=1024, upload_max=4096)
    # 16,384 chunks of 64 KiB (1 GiB) offered; the anonymous limit is 64 KiB: two chunks pass it.
    status, pulled = _call(app, [], 1 << 14, 1 << 16, "/login")
    assert status == 413 and pulled == 2


def test_limits_by_who_asks_and_what_they_send() -> None:
    app = BodyLimit(_reading_app, request_max=8192, upload_max=1 << 20)
    cookie = [(b"cookie", b"gaodi_session=abc")]
    assert _call(app, cookie, 1, 8192)[0] == 200
    assert _call(app, cookie, 2, 8192)[0] == 413
    multipart = [*cookie, (b"content-type", b"multipart/form-data; boundary=x")]
    assert _call(app, multipart, 16, 65536)[0] == 200  # 1 MiB upload under its own limit
    token = [(b"authorization", b"Bearer gd_x")]
    assert _call(app, token, 1, 8192)[0] == 200
    assert _call(app, [], 1, ANONYMOUS_LIMIT + 1)[0] == 413
    # a visitor's session cookie does not widen the log-in form's limit
    assert _call(app, cookie, 1, ANONYMOUS_LIMIT + 1, "/login")[0] == 413


def test_through_the_app(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    try:
        client = site.client()
        token = csrf_of(client.get("/login").text)
        big = {"username": "x" * (ANONYMOUS_LIMIT + 10), "password": "p", "csrf_token": token}
        response = client.post("/login", data=big, follow_redirects=False)
        assert response.status_code == 413
        assert "请求内容过大" in response.text
        csrf = login(client, site.world.users["admin"], PASSWORD)
        # A 3 MB CSV upload: over the form limit of a plain request body, within the upload limit.
        rows = "园区名称,级别\n" + "".join(f"示例园区{i},provincial\n" for i in range(120_000))
        response = client.post(
            "/data/import",
            data={"entity": "parks", "csrf_token": csrf, "dry_run": "1"},
            files={"file": ("parks.csv", rows.encode("utf-8"), "text/csv")},
            follow_redirects=False,
        )
        assert response.status_code != 413, response.text[:300]
        api = client.post(
            "/api/v1/plans",
            content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
            headers={"content-type": "application/json", "x-csrf-token": csrf},
        )
        assert api.status_code == 413 and api.json()["error"] == "too_large"
    finally:
        site.engine.dispose()


def test_a_running_server_cuts_off_a_chunked_flood_to_login(tmp_path: Path) -> None:
    """End to end through uvicorn on loopback: 1 GiB offered in chunks without a length; the
    server answers 413 and stops reading long before the client has sent it all."""
    import select
    import socket
    import threading
    import time

    import uvicorn

    site = make_site(tmp_path)
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        chunk = b"username=" + b"x" * 65527  # 64 KiB
        offered, sent, reply = 1 << 14, 0, b""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
            )
            try:
                for _ in range(offered):
                    if select.select([sock], [], [], 0)[0]:
                        break  # the server has answered: stop offering
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += 1
            except OSError:
                pass  # the server closed the connection under the client
            while select.select([sock], [], [], 5)[0]:
                try:
                    data = sock.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                reply += data
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert "请求内容过大".encode() in reply
        # Far from the gigabyte: the limit plus what the kernel's socket buffers held.
        assert sent < offered // 16, sent
    finally:
        server.should_exit = True
        thread.join(10)
        site.engine.dispose()
