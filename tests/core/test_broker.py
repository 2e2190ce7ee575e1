"""config.broker: kombu's Redis transport, repaired so a worker survives losing the broker
while a task is in flight (RELIABILITY F04; the whole scenario is in tests/faults)."""

import pytest
from django.conf import settings
from kombu import Connection
from redis.exceptions import ConnectionError as RedisConnectionError

from config.broker import Transport
from config.celery import app as celery_app

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")


def test_celery_uses_the_repaired_transport_for_redis():
    assert settings.CELERY_BROKER_TRANSPORT == "config.broker:Transport"
    with celery_app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)


def test_a_channel_whose_transport_was_detached_still_reaches_redis():
    with Connection(settings.REDIS_URL, transport=Transport) as connection:
        channel = connection.channel()
        channel.client.set("accord-broker-test", "1", ex=30)
        remembered = channel._connparams()
        # What Connection.collect() does between the two closes of a broken connection.
        connection.transport.client = None
        assert channel._connparams() == remembered
        # The pool the restore of unacknowledged messages builds then is a working one.
        channel._disconnect_pools()
        with channel.conn_or_acquire() as client:
            assert client.get("accord-broker-test") == b"1"
        channel._disconnect_pools()


def test_without_remembered_parameters_a_detached_channel_raises_a_connection_error():
    with Connection(settings.REDIS_URL, transport=Transport) as connection:
        channel = connection.channel()
        channel.__dict__.pop("_accord_connparams", None)
        connection.transport.client = None
        # A connection error is what Celery's reconnect loop handles; AttributeError killed
        # the worker ("Unrecoverable error").
        with pytest.raises(RedisConnectionError):
            channel._connparams()
