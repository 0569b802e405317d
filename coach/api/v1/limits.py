"""Request limits for the REST API: per user, and for bad API tokens per client address.

In-process token buckets: each app process counts its own requests (behind a load balancer
the limit is per process; a shared counter would need a shared store).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BAD_TOKENS_PER_CLIENT = 20
"""Unknown or revoked tokens a client address may send per :data:`BAD_TOKEN_WINDOW_S`."""
BAD_TOKEN_WINDOW_S = 600.0


class RateLimiter:
    """A token bucket per key: ``capacity`` requests at once, refilled over ``per_s`` seconds."""

    def __init__(self, capacity: int, per_s: float, *, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(capacity)
        self.rate = capacity / per_s
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - at) * self.rate)

    def wait_s(self, key: str) -> float:
        """Seconds until ``key`` may make a request (0: now), without using one."""
        with self._lock:
            level = self._level(key, self.clock())
            return 0.0 if level >= 1.0 else (1.0 - level) / self.rate

    def take(self, key: str) -> float:
        """Use one request for ``key``; 0 when allowed, else the seconds to wait (nothing used)."""
        with self._lock:
            now = self.clock()
            level = self._level(key, now)
            if level < 1.0:
                self._buckets[key] = (level, now)
                return (1.0 - level) / self.rate
            self._buckets[key] = (level - 1.0, now)
            if len(self._buckets) > 100_000:  # forget full buckets, so memory stays bounded
                self._buckets = {
                    k: v for k, v in self._buckets.items() if self._level(k, now) < self.capacity
                }
            return 0.0
