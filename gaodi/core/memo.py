"""Derived views computed once per key: a bounded in-process cache with single-flight.

The pages that cost 0.1–1 s to build (the overview, the 大屏, the parks' 亩均 evaluation behind
the map and the parks pages) are keyed by the *data version* (gaodi.audit.service.data_version:
the newest data event of the audit log) and by what else the result depends on (the viewer's
role and scope, the language, the day) — never by the user where the result does not depend on
who asks, so five park offices of one park share one entry.

Single-flight: when N requests miss the same key at once, the first computes and the others wait
for its result instead of computing the same thing N times (the stampede that made the overview's
p95 15 s under 30 readers when every entry expired together). Per process: with ``gaodi serve
--workers N`` each process computes a key at most once at a time, which is fine because the keys
already carry the data version (a write in one process is seen by the others' next read).

An entry past its age whose refresh is under way is still served to the other requests of the
same key (the key holds the data version: the value is the right one for that data; the age only
bounds how long an entry lives), so an expiry costs one request a rebuild, not every reader.

A failed computation is not cached: one of its waiters computes again (and so gets the error
too, or a result if the failure was transient), the others waiting for that one.

Bounded by count and, given a ``weigh`` function, by weight (e.g. the bytes of rendered pages):
least recently used entries go first, and a value heavier than a quarter of the budget is handed
to its waiters but not kept, so a few huge results cannot push out everything else or grow the
process without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: How long a waiter waits for another thread's computation before computing itself (seconds):
#: a stuck computation must not hold every reader forever.
WAIT_SECONDS = 60.0


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    value: Any = None


class Memo(Generic[T]):
    """``get(key, compute)``: the cached value of ``key`` if younger than ``max_age`` seconds,
    else ``compute()`` — run by one thread per key at a time, the others waiting for it.

    At most ``max_entries`` keys are kept (least recently used dropped first), and with ``weigh``
    at most ``max_weight`` in all (a value over a quarter of it is not kept). ``max_age <= 0``
    turns caching off (every call computes; nothing is shared)."""

    def __init__(
        self,
        max_entries: int = 256,
        max_age: float = 30.0,
        *,
        weigh: Callable[[T], int] | None = None,
        max_weight: int = 0,
    ) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self.weigh = weigh
        self.max_weight = max_weight
        #: The weight of the entries kept (0 without ``weigh``).
        self.weight = 0
        self._weights: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        #: How many times a value was computed (for tests and benchmarks).
        self.computed = 0

    def get(self, key: Hashable, compute: Callable[[], T], max_age: float | None = None) -> T:
        age = self.max_age if max_age is None else max_age
        if age <= 0:
            return compute()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and time.monotonic() - hit[0] < age:
                self._entries.move_to_end(key)
                return hit[1]
            flight = self._flights.get(key)
            if flight is not None and hit is not None:
                # only aged, not invalid: the key holds the data version, so the old value is
                # still the answer for this data; one request refreshes it, the rest go on
                return hit[1]
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not owner:
            if not flight.done.wait(WAIT_SECONDS):
                return compute()  # stuck elsewhere: this request computes for itself
            if flight.ok:
                return flight.value  # type: ignore[no-any-return]
            # the owner failed: one of the waiters takes over (the others wait for it)
            return self.get(key, compute, max_age)
        try:
            started = time.monotonic()
            value = compute()
            flight.value, flight.ok = value, True
            weight = self.weigh(value) if self.weigh is not None else 0
            with self._lock:
                self.computed += 1
                self._drop(key)
                if self.weigh is None or weight <= self.max_weight // 4:
                    # stamped when the computation started: its data is at least that old
                    self._entries[key] = (started, value)
                    self._weights[key] = weight
                    self.weight += weight
                while len(self._entries) > self.max_entries or (
                    self.weigh is not None and self.weight > self.max_weight
                ):
                    self._drop(next(iter(self._entries)))
            return value
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def peek(self, key: Hashable, max_age: float | None = None) -> T | None:
        """What :meth:`get` would answer without computing or waiting — the value kept for
        ``key`` if younger than ``max_age`` or being refreshed —, else None (an asynchronous
        caller serves a kept value without a worker thread)."""
        age = self.max_age if max_age is None else max_age
        if age <= 0:
            return None
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if time.monotonic() - hit[0] >= age and key not in self._flights:
                return None  # aged and nobody refreshing it: the caller's get() will
            # fresh, or aged while its refresh is under way: served, as get() would serve it
            self._entries.move_to_end(key)
            return hit[1]

    def _drop(self, key: Hashable) -> None:
        # under self._lock
        if self._entries.pop(key, None) is not None:
            self.weight -= self._weights.pop(key, 0)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weights.clear()
            self.weight = 0

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` is kept (whatever its age)."""
        with self._lock:
            return key in self._entries


def scope_key(principal: Any) -> tuple[Any, ...]:
    """What a scoped result depends on in a principal: its role and scopes, not its name (two
    park offices of the same park see the same figures; an analyst never sees a park office's
    entry, nor a park office another park's)."""
    return (
        principal.role,
        principal.chain_ids,
        principal.park_ids,
        principal.enterprise_ids,
    )
