"""Run the same step in several threads released together by a barrier, each on its own
database connection (closed at the thread's end, so the test database can be dropped)."""

import contextlib
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


class Racers:
    """n threads kept for many rounds, each on its own database connection, as the threads of
    a server are: `race(step)` calls step(0..n-1) in all of them at once, released together
    by a barrier, and returns the results in order (an exception is a result).

    Keeping the threads saves a new PostgreSQL connection (a backend process, cold caches) per
    racer and round; the race itself is the same as with new threads."""

    def __init__(self, n: int, *, timeout: float = 60) -> None:
        self.n = n
        self.timeout = timeout
        # The racers and this thread: the round starts when all are there, ends likewise.
        self._start = threading.Barrier(n + 1)
        self._end = threading.Barrier(n + 1)
        self._step: Callable[[int], Any] | None = None
        self._results: list[Any] = [None] * n
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(n)]

    def __enter__(self) -> "Racers":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._step = None
        with contextlib.suppress(threading.BrokenBarrierError):
            self._start.wait(timeout=self.timeout)  # the racers see no step and leave
        for thread in self._threads:
            thread.join(timeout=self.timeout)
        assert not any(thread.is_alive() for thread in self._threads), "a racing thread hung"

    def race(self, step: Callable[[int], Any]) -> list[Any]:
        self._step = step
        self._results = [None] * self.n
        self._start.wait(timeout=self.timeout)
        self._end.wait(timeout=self.timeout)
        return list(self._results)

    def _run(self, i: int) -> None:
        try:
            while True:
                self._start.wait(timeout=self.timeout)
                step = self._step
                if step is None:
                    return
                try:
                    self._results[i] = step(i)
                except Exception as exc:
                    self._results[i] = exc
                self._end.wait(timeout=self.timeout)
        except threading.BrokenBarrierError:
            return
        finally:
            connections.close_all()
