"""A fork server: the warm parent of the upload parser's worker processes.

:func:`gaodi.core.bounds.run_isolated` parses a user's file in a separate process under an
address-space limit, so that a hostile workbook ends the worker, never the server. A fresh
interpreter per file costs about half a second of CPU, nearly all of it importing the reader
(openpyxl, calamine, pydantic). This module keeps one fresh interpreter per calling process that
has imported those modules once, and forks it for every file: the child sets its own limit,
parses, answers and exits (benchmarks/parse_worker.py measures the difference).

Why not :mod:`multiprocessing`'s ``forkserver``: its children prepare themselves from the
caller's ``__main__`` (a console script, a user's notebook or script is run again as
``__mp_main__`` in every worker). Here the server is started as ``python -c`` and a child runs
only :func:`gaodi.core.bounds._forked_entry` on the bytes it is sent.

The server is single-threaded, so forking it is safe (forking a threaded web server is not). It
listens on a Unix socket in a private folder (mode 0700: only the same user, who could run any
code anyway, can reach it) and exits when its owner's pipe closes, that is when the owner exits.

One job: the caller connects; the server forks a child for the connection; the child sends its
process id and waits for the payload, so the caller can hold the child (``pidfd_open``) before
sending it and can always stop exactly that process; the child answers and exits, closing the
connection. No answer (the connection closes empty) means the child died: killed, out of memory
in native code, or crashed.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable

_PID = struct.Struct("!q")
_NAME = struct.Struct("!H")
_SERVER_CODE = "from gaodi.core.forkserver import serve; serve(sys.argv[1], sys.argv[2:])"


def python_command(code: str) -> list[str]:
    """The command of an interpreter that runs ``code`` importing from where this process
    imports, never from the current folder.

    ``python -c`` puts the current folder first on ``sys.path`` and a worker works in its
    caller's folder (relative paths): a ``gettext.py`` or ``json.py`` among the files a user
    sent in would run inside the parser (found in an audit). So the worker starts with ``-P``
    (no such entry) and with this process's own absolute search path: the package, its
    dependencies and whatever the caller was started with (a test run's root, PYTHONPATH).
    """
    path = [entry for entry in sys.path if entry and os.path.isabs(entry)]
    return [sys.executable, "-P", "-c", f"import sys; sys.path[:] = {path!r}; {code}"]


# -- the server (runs in its own interpreter) ---------------------------------------------------


def serve(path: str, modules: list[str]) -> None:
    """Import ``modules``, listen on ``path``, fork a child per connection until stdin closes."""
    for name in modules:
        # a module that fails here fails again in the child that needs it, and says why there
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    # nobody reads stdout after this line: a child's print must not fill the pipe and hang
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(0, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj == 0:
                if not os.read(0, 4096):  # the owner is gone (perhaps without a word)
                    listener.close()
                    # its folder too: an owner that ended by os._exit or a signal cannot
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                        os.rmdir(os.path.dirname(path))
                    return
                continue
            try:
                conn, _ = listener.accept()
                # the module the job runs, imported here once rather than in every child
                conn.settimeout(5)
                module = _read_exactly(conn, _NAME.unpack(_read_exactly(conn, _NAME.size))[0])
                conn.settimeout(None)
            except (OSError, struct.error):
                continue
            if module and module.decode() not in sys.modules:
                with contextlib.suppress(Exception):
                    importlib.import_module(module.decode())
            pid = os.fork()
            if pid == 0:
                _child(conn, listener, selector)  # never returns
            conn.close()


def _reap(signum: int, frame: object) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(conn: socket.socket, listener: socket.socket, selector: selectors.BaseSelector) -> None:
    code = 1
    try:
        selector.close()
        listener.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        conn.sendall(_PID.pack(os.getpid()))
        payload = _read_all(conn)
        from gaodi.core.bounds import _forked_entry

        conn.sendall(_forked_entry(payload))
        conn.close()
        code = 0
    finally:
        os._exit(code)  # never back into the server's loop


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("the connection closed early")
        data += chunk
    return data


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


# -- the caller's side --------------------------------------------------------------------------


class Job:
    """One child at work on one payload."""

    def __init__(self, conn: socket.socket, pid: int) -> None:
        self._conn = conn
        self.pid = pid
        self._pidfd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                # the child waits for its payload, so this is surely that process
                self._pidfd = os.pidfd_open(pid)
            except OSError:
                self._pidfd = None

    def send(self, payload: bytes) -> None:
        self._conn.sendall(payload)
        self._conn.shutdown(socket.SHUT_WR)

    def answer(self, timeout: float) -> bytes:
        """The child's answer, empty if it died without one; TimeoutError after ``timeout``."""
        self._conn.settimeout(timeout)
        try:
            return _read_all(self._conn)
        except TimeoutError:
            raise
        except OSError:  # reset by a dying child
            return b""

    def kill(self) -> None:
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass

    def close(self) -> None:
        self._conn.close()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class _Server:
    def __init__(self, modules: Iterable[str]) -> None:
        self.owner = os.getpid()
        self.folder = tempfile.mkdtemp(prefix="gaodi-parse-")
        self.path = os.path.join(self.folder, "socket")
        self.process = subprocess.Popen(
            [*python_command(_SERVER_CODE), self.path, *sorted(modules)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        if self.process.stdout.readline() != b"ready\n":
            self.close()
            raise OSError("the parser's fork server did not start")
        self.process.stdout.close()

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def start(self, module: str) -> Job:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(self.path)
            conn.settimeout(30)
            name = module.encode()
            conn.sendall(_NAME.pack(len(name)) + name)
            pid = _PID.unpack(_read_exactly(conn, _PID.size))[0]
        except BaseException:
            conn.close()
            raise
        return Job(conn, pid)

    def close(self) -> None:
        if self.owner == os.getpid():
            if self.process.stdin is not None:
                self.process.stdin.close()  # the server's signal to end
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_LOCK = threading.Lock()
_SERVER: _Server | None = None


def start_job(module: str, modules: Iterable[str] = ()) -> Job:
    """A child of this process's fork server, waiting for its payload; the server imports
    ``module`` (the one the job runs) before forking it, if it has not yet. A new server starts
    with ``modules`` imported. Raises OSError if no server can be started."""
    global _SERVER
    with _LOCK:
        if _SERVER is None or not _SERVER.alive():
            if _SERVER is not None and _SERVER.owner == os.getpid():
                _SERVER.close()
            _SERVER = _Server(modules)
        server = _SERVER
    try:
        return server.start(module)
    except OSError:
        # the server died since it was checked: start a new one, once
        with _LOCK:
            if _SERVER is server:
                server.close()
                _SERVER = _Server(modules)
            server = _SERVER
        return server.start(module)


def stop() -> None:
    """Stop this process's fork server (it also ends by itself when this process exits)."""
    global _SERVER
    with _LOCK:
        if _SERVER is not None and _SERVER.owner == os.getpid():
            _SERVER.close()
        _SERVER = None


atexit.register(stop)
