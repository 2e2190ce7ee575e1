"""kombu's Redis transport with one repair our workers need to survive a flapping broker.

With kombu 5.7 / Celery 5.7, when the broker connection drops while a task is reserved or
running (acks_late), the worker's recovery closes the broken connection twice: once through
`Connection.collect()` and once through `Connection.close()`. If Redis is still down during the
first close, the channel's close stops half way (reading its pending BRPOP fails); collect then
detaches the transport from its connection (`transport.client = None`). The second close goes on
to restore the unacknowledged messages, needs a new Redis connection pool, and builds its
parameters from `transport.client`, which is now None: `AttributeError: 'NoneType' object has
no attribute 'hostname'`. That is not a connection error, so Celery reports "Unrecoverable
error" and the worker process exits (RELIABILITY F04, reproduced in
tests/faults/test_redis.py).

The repair: a channel remembers the connection parameters it last built, and uses them when its
transport has been detached. The restore then reaches Redis if it is back (the message returns
to the queue at once), or fails with Redis's own ConnectionError, which Celery's reconnect
loop expects and handles. Either way the worker stays up; a message that could not be restored
is found by the summary sweep (the outbox) as before.

Selected with `CELERY_BROKER_TRANSPORT = "config.broker:Transport"` for redis:// broker URLs.
"""

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        remembered: dict[bool, dict[str, Any]] = self.__dict__.setdefault("_accord_connparams", {})
        if self.connection is None or self.connection.client is None:
            if asynchronous not in remembered:
                raise RedisConnectionError("the broker connection was closed")
            return dict(remembered[asynchronous])
        params = super()._connparams(asynchronous=asynchronous)
        remembered[asynchronous] = dict(params)
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel
