from celery import shared_task
from django.utils import timezone

from core.tasks import retry_policy
from space import guests, reminders


@shared_task(**retry_policy())
def send_sign_in_link(guest_id: int, invitation: bool = False) -> bool:
    """Email one guest a sign-in link."""
    return guests.send_sign_in_link(guest_id, invitation=invitation)


@shared_task(**retry_policy())
def remind_step_owner_task(step_id: int) -> bool:
    """Email the owner of one overdue step (at most once per SPACE_REMINDER_DAYS)."""
    return reminders.remind_step_owner(step_id)


@shared_task(**retry_policy())
def send_step_reminders_task() -> int:
    """Beat: one reminder task per overdue step not reminded lately."""
    step_ids = reminders.steps_due_a_reminder(timezone.now())
    for step_id in step_ids:
        remind_step_owner_task.delay(step_id)
    return len(step_ids)
