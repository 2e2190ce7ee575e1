"""The weekly digest: each lead and manager hears what changed in their accounts."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.visibility import managers_by_customer
from customers.models import Customer
from insights.models import AccountSummary, DigestDelivery


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """Email each lead and manager what changed in their accounts this week; one email each."""
    now = now or timezone.now()
    period_start = (now - dt.timedelta(days=7)).date()
    summaries = (
        AccountSummary.objects.filter(built_at__gt=now - dt.timedelta(days=7), built_at__lte=now)
        .select_related("customer")
        .order_by("customer__name", "customer_id", "number")
    )
    changes_by_customer: dict[int, list[str]] = defaultdict(list)
    customers: dict[int, Customer] = {}
    for summary in summaries:
        customers[summary.customer_id] = summary.customer
        for change in summary.changes:
            if change not in changes_by_customer[summary.customer_id]:
                changes_by_customer[summary.customer_id].append(change)
    recipients: dict[int, set[int]] = defaultdict(set)
    for customer in customers.values():
        recipients[customer.lead_id].add(customer.pk)
    # The managers who see each account now (of its lead's or a specialist's team).
    for customer_id, manager_ids in managers_by_customer(list(customers), observers=True).items():
        for manager_id in manager_ids:
            recipients[manager_id].add(customer_id)
    already = set(
        DigestDelivery.objects.filter(period_start=period_start).values_list("user_id", flat=True)
    )
    users = User.objects.filter(pk__in=recipients.keys() - already, is_active=True).exclude(
        email=""
    )
    sent = 0
    for user in users.order_by("pk"):
        accounts = sorted(
            (customers[pk] for pk in recipients[user.pk] if changes_by_customer[pk]),
            key=lambda c: (c.name, c.pk),
        )
        if not accounts:
            continue
        with transaction.atomic():
            try:
                DigestDelivery.objects.create(user=user, period_start=period_start, sent_at=now)
            except IntegrityError:
                continue
            _digest_email(user, accounts, changes_by_customer).send()
        sent += 1
    return sent


def _digest_email(
    user: User, accounts: list[Customer], changes: dict[int, list[str]]
) -> EmailMessage:
    base = settings.SITE_URL.rstrip("/")
    lines = [f"Hello {user.display_name},", "", "This week in your accounts:"]
    for customer in accounts:
        lines += [
            "",
            f"{customer.name}",
            f"{base}{reverse('insights:summary', args=[customer.pk])}",
        ]
        lines += [f"  - {change}" for change in changes[customer.pk]]
    lines += ["", "Accord"]
    return EmailMessage(
        subject=f"[Accord] Weekly digest: changes in {len(accounts)} account(s)",
        body="\n".join(lines),
        to=[user.email],
    )
