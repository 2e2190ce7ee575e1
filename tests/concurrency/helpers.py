"""Run the same step in several threads released together by a barrier, each on its own
database connection (closed at the thread's end, so the test database can be dropped)."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(n: int, step: Callable[[int], Any], *, timeout: float = 60) -> list[Any]:
    """Call step(0..n-1) in n threads at once; the results in order (an exception is a result)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = step(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return results
