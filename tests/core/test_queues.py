"""One Celery queue per workload: a flood of account rebuilds never delays a notification."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from accounts.tasks import email_notification
from config.celery import app as celery_app
from insights.tasks import rebuild_summary_task
from tests import factories

QUEUES = settings.CELERY_WORKLOAD_QUEUES


@pytest.mark.parametrize(
    ("task", "workload"),
    [
        ("accounts.tasks.email_notification", "notifications"),
        ("accounts.tasks.send_notification_digests", "notifications"),
        ("space.tasks.remind_step_owner_task", "notifications"),
        ("insights.tasks.send_weekly_digests_task", "notifications"),
        ("integrations.tasks.deliver_webhook_task", "webhooks"),
        ("integrations.tasks.retry_due_webhooks_task", "webhooks"),
        ("integrations.tasks.apply_import_task", "imports"),
        ("integrations.tasks.check_import_task", "imports"),
        ("insights.tasks.rebuild_summary_task", "accounts"),
        ("insights.tasks.refresh_prep_briefs_task", "accounts"),
        ("health.tasks.refresh_health", "accounts"),
        ("strategy.tasks.refresh_scorecard", "accounts"),
    ],
)
def test_each_task_is_routed_to_its_workloads_queue(task, workload):
    assert task in celery_app.tasks
    assert celery_app.amqp.router.route({}, task)["queue"].name == QUEUES[workload]


def test_a_worker_started_without_a_queue_serves_every_workload():
    declared = {queue.name for queue in celery_app.conf.task_queues}
    assert declared == set(QUEUES.values())
    assert celery_app.conf.task_default_queue == QUEUES["accounts"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI always sets it)")
def test_a_flood_of_rebuilds_does_not_delay_a_notification():
    customer = factories.CustomerFactory()
    notification = factories.NotificationFactory(message="Alpha turned red")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(QUEUES["accounts"])
    try:
        for _ in range(500):  # the nightly rebuild, waiting for the account workers
            rebuild_summary_task.delay(customer.pk)
        assert broker.llen(QUEUES["accounts"]) == 500
        # A worker of the notifications queue alone delivers the email at once.
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            queues=[QUEUES["notifications"]],
        ):
            result = email_notification.apply_async(args=[notification.pk], ignore_result=False)
            assert result.get(timeout=30) is True
        assert [m.to for m in mail.outbox] == [[notification.user.email]]
        assert broker.llen(QUEUES["accounts"]) == 500  # none of the flood was in its way
    finally:
        broker.delete(QUEUES["accounts"])
        # The worker narrowed the app's queues to one; later workers serve all of them again.
        celery_app.amqp.queues.select(list(QUEUES.values()))
