"""A real Celery worker, consuming from Redis, runs our tasks (not eager mode)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from accounts.models import Notification
from config.celery import app as celery_app
from tests import factories

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI always sets it)"),
]


def test_worker_consumes_from_redis_and_sends_the_email():
    assert celery_app.conf.task_always_eager is False
    assert celery_app.conf.broker_url.startswith("redis://")
    notification = factories.NotificationFactory(message="You were mentioned")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        from accounts.tasks import email_notification

        result = email_notification.apply_async(args=[notification.pk], ignore_result=False)
        assert result.get(timeout=30) is True
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[notification.user.email]]


def test_delivering_the_same_notification_twice_sends_one_email():
    notification = factories.NotificationFactory()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        from accounts.tasks import email_notification

        first = email_notification.apply_async(args=[notification.pk], ignore_result=False)
        second = email_notification.apply_async(args=[notification.pk], ignore_result=False)
        assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [False, True]
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
