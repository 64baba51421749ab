"""The CPU timer the workbook benchmarks share (run as scripts, they import it from their own
folder, as import_under_load.py imports load.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def cpu_seconds(fn: Callable[..., Any], *args: Any) -> float:
    """CPU seconds of this process (``time.process_time``) spent in ``fn(*args)``: the machines
    here are shared, and wall time counts the other sessions' work too."""
    start = time.process_time()
    fn(*args)
    return time.process_time() - start
