"""Reminders to the owners of overdue plan steps, at most one per SPACE_REMINDER_DAYS."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import send_email
from core.validators import single_line
from space.guests import guest_language
from space.models import (
    Guest,
    PlanStep,
)


def steps_due_a_reminder(now: dt.datetime) -> list[int]:
    """Open overdue steps not reminded in the last SPACE_REMINDER_DAYS days."""
    since = now - dt.timedelta(days=settings.SPACE_REMINDER_DAYS)
    return list(
        PlanStep.objects.filter(status=PlanStep.Status.OPEN, due_on__lt=timezone.localdate(now))
        .exclude(last_reminded_at__gte=since)
        .values_list("pk", flat=True)
    )


def remind_step_owner(step_id: int, *, now: dt.datetime | None = None) -> bool:
    """Email the owner of one overdue step, at most once per SPACE_REMINDER_DAYS (the
    conditional UPDATE decides, so two deliveries of the task send one email)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.SPACE_REMINDER_DAYS)
    step = (
        PlanStep.objects.select_related("owner_user", "owner_stakeholder", "space__customer")
        .filter(pk=step_id, status=PlanStep.Status.OPEN, due_on__lt=timezone.localdate(now))
        .first()
    )
    if step is None:
        return False
    recipient, language = _reminder_recipient(step)
    if not recipient:
        return False
    won = (
        PlanStep.objects.filter(pk=step.pk)
        .exclude(last_reminded_at__gte=since)
        .update(last_reminded_at=now)
    )
    if not won:
        return False
    path = (
        reverse("space:space", args=[step.space.customer_id])
        if step.owner_user_id
        else reverse("space:guest-space")
    )
    context = {
        "step": step,
        "customer": step.space.customer,
        "link": settings.SITE_URL.rstrip("/") + path,
    }
    with translation.override(language):
        subject = single_line(render_to_string("space/email/reminder_subject.txt", context))
        body = render_to_string("space/email/reminder.txt", context)
    send_email(EmailMessage(subject=subject, body=body, to=[recipient]))
    return True


def _reminder_recipient(step: PlanStep) -> tuple[str, str]:
    """The owner's address and language: a colleague's own (User.language); a guest's is the
    language of the lead who invited them, the one their invitation and links came in."""
    if step.owner_user_id:
        user = step.owner_user
        if not user.is_active:  # type: ignore[union-attr]
            return "", ""
        return user.email, user.language or settings.LANGUAGE_CODE  # type: ignore[union-attr]
    # A customer-side step: only to a stakeholder who is still a guest of this space.
    guest = (
        Guest.objects.select_related("invited_by")
        .filter(
            space_id=step.space_id,
            stakeholder_id=step.owner_stakeholder_id,
            revoked_at__isnull=True,
        )
        .first()
    )
    if guest is None or not guest.is_active_at(timezone.now()):
        return "", ""
    return guest.email, guest_language(guest)
