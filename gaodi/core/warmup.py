"""Warm-up after a data change: the expensive data caches recomputed before a visitor asks.

Every audited write bumps the data version (:func:`gaodi.audit.service.data_version`), and the
caches of derived data (:mod:`gaodi.core.memo`: the parks' 亩均 evaluation, the city's tier
frame, the ranking figures, the plan board, the chain diagnoses) are keyed by it: after a write
the first visitor of each heavy page paid for the whole computation (0.5–3 s on the medium demo).
A :class:`Warmer` runs the features' declared ``warm`` callables (``gaodi/<feature>/feature.py``,
assembled by :func:`gaodi.features.warms`) in the background once per new data version, so the
first visitor finds the data computed — or, arriving during the warm-up, waits for the one
computation under way (the memo's single flight) instead of starting a second.

Bounded: one thread per process (one warm-up at a time, never two), at most one pass per data
version; it waits while requests are being answered (it yields to them, up to ``MAX_DEFER``
seconds, so a stream of requests cannot starve it forever — they would then compute the
caches themselves, as before); it stops on shutdown between two warms; an error is logged, not
raised (a warm-up is an optimisation: the page computes what it needs anyway).

Permissions do not change: a warm computes only scope-free data (the whole city's frames and
evaluations, which every page narrows to its viewer's scope afterwards) or entries keyed by
:func:`gaodi.core.memo.scope_key` of the system principal (an administrator of no scope), which
only an administrator of no scope reads. Rendered HTML is never warmed (it is per language,
per scope, per page).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("gaodi.warmup")

#: A warm: computes some data cache for the session's database (its result is thrown away).
Warm = Callable[[Session], Any]

#: Seconds between two looks at the data version (a write through this process pokes the
#: warmer at once; this catches writes made by another process or the CLI).
POLL_SECONDS = 2.0
#: Seconds a warm waits for the requests under way to finish before it runs anyway.
MAX_DEFER = 10.0


class Busy:
    """ASGI middleware counting the HTTP requests under way (the warmer yields to them) and
    poking the warmer after a request that may have written (any method but GET/HEAD/OPTIONS)."""

    def __init__(self, app: Any, warmer: Warmer) -> None:
        self.app = app
        self.warmer = warmer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        self.warmer.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.warmer.leave(scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS"))


class Warmer:
    """Runs ``warms`` in one background thread after each change of ``version(session)``.

    ``sessions()`` opens a session on the served database; ``serving()`` is the context the
    warms run in (the web app's :func:`gaodi.core.clock.serving` of its database, so the city's
    day is the one its requests see)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        version: Callable[[Session], int],
        warms: Sequence[tuple[str, Warm]],
        *,
        serving: Callable[[], AbstractContextManager[Any]] = nullcontext,
        poll_seconds: float = POLL_SECONDS,
        max_defer: float = MAX_DEFER,
    ) -> None:
        self.sessions = sessions
        self.version = version
        self.warms = list(warms)
        self.serving = serving
        self.poll_seconds = poll_seconds
        self.max_defer = max_defer
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        #: The data version last warmed (None: none yet).
        self.warmed: int | None = None
        #: Data versions warmed, in order (for tests and benchmarks: one entry per pass).
        self.passes: list[int] = []
        #: (warm name, error text) of the warms that failed (logged as well).
        self.errors: list[tuple[str, str]] = []
        self._passed = threading.Condition()

    # ----------------------------------------------------------------- requests

    def enter(self) -> None:
        with self._idle:
            self._busy += 1

    def leave(self, wrote: bool = False) -> None:
        with self._idle:
            self._busy -= 1
            if self._busy <= 0:
                self._idle.notify_all()
        if wrote:
            self.poke()

    def poke(self) -> None:
        """Look at the data version now rather than at the next poll."""
        self._wake.set()

    def _wait_idle(self) -> None:
        deadline = time.monotonic() + self.max_defer
        with self._idle:
            while self._busy > 0 and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._idle.wait(min(left, 0.05))

    # ----------------------------------------------------------------- life

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._wake.set()  # warm once at start
        self._thread = threading.Thread(target=self._loop, name="gaodi-warmup", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the warm under way (none is started once asked to stop)."""
        self._stop.set()
        self._wake.set()
        with self._idle:
            self._idle.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("warm-up still running %.0f s after shutdown was asked", timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.run_once()
            except Exception:  # a warm-up must never take the server down
                log.exception("warm-up: reading the data version failed")

    def run_once(self) -> bool:
        """Warm if the data version changed since the last pass; True if a pass ran."""
        with self.serving():
            with self.sessions() as session:
                current = self.version(session)
            if current == self.warmed:
                return False
            for name, warm in self.warms:
                self._wait_idle()
                if self._stop.is_set():
                    return False  # not warmed: a later start warms this version again
                started = time.monotonic()
                try:
                    with self.sessions() as session:
                        warm(session)
                except Exception as exc:  # logged, not raised (module doc)
                    self.errors.append((name, f"{type(exc).__name__}: {exc}"))
                    log.exception("warm-up %s failed", name)
                else:
                    log.info("warm-up %s: %.2f s", name, time.monotonic() - started)
            log.info("warm-up of data version %s done", current)
            with self._passed:
                self.warmed = current
                self.passes.append(current)
                self._passed.notify_all()
        return True

    def wait_for(self, version: int, timeout: float = 60.0) -> bool:
        """Wait until data version ``version`` is warmed; False on timeout."""
        with self._passed:
            return self._passed.wait_for(lambda: self.warmed == version, timeout)
