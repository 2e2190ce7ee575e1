"""A fixed-window counter in the cache, for forms that must not be used without limit.

Sign-in failures are counted by django-axes in the database; this is for the few other forms
(password reset) where a cache counter is enough. When the cache is unreachable (Redis down,
with django-redis ignoring errors) the counter fails open: the form keeps working unlimited
rather than refusing everyone.
"""

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key`; True when that makes more than `limit` in the window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, window_seconds):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window ended between add() and incr(): this use opens a new one.
        cache.add(cache_key, 1, window_seconds)
        return limit < 1
    return count is not None and count > limit
