"""The digest: each lead and manager hears what changed in their accounts, weekly (on Mondays)
or daily, as each of them chose in their notification settings."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.localization import as_user_sees_it
from accounts.models import User
from accounts.visibility import managers_by_customer
from customers.models import Customer
from insights.document import change_texts
from insights.models import AccountSummary, DigestDelivery


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """Email each lead and manager what changed in their accounts since their last digest (a
    day or a week, by their choice; weekly ones go out on Mondays); one email each."""
    now = now or timezone.now()
    frequencies = [User.DigestFrequency.DAILY]
    # Monday is the team's: the deployment's TIME_ZONE (beat runs this at 06:00 there).
    if timezone.localdate(now).weekday() == 0:
        frequencies.append(User.DigestFrequency.WEEKLY)
    sent = 0
    for frequency in frequencies:
        sent += _send_digests(frequency, now=now)
    return sent


def _send_digests(frequency: str, *, now: dt.datetime) -> int:
    days = 1 if frequency == User.DigestFrequency.DAILY else 7
    period_start = timezone.localdate(now) - dt.timedelta(days=days)
    summaries = (
        AccountSummary.objects.filter(built_at__gt=now - dt.timedelta(days=days), built_at__lte=now)
        .select_related("customer")
        .order_by("customer__name", "customer_id", "number")
    )
    changes_by_customer: dict[int, list] = defaultdict(list)
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
    users = User.objects.filter(
        pk__in=recipients.keys() - already, is_active=True, digest_frequency=frequency
    ).exclude(email="")
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
            with as_user_sees_it(user):
                message = _digest_email(user, accounts, changes_by_customer, days=days)
            message.send()
        sent += 1
    return sent


def _digest_email(
    user: User, accounts: list[Customer], changes: dict[int, list], *, days: int
) -> EmailMessage:
    """The digest, worded in the active language (the recipient's)."""
    base = settings.SITE_URL.rstrip("/")
    period = _("Today in your accounts:") if days == 1 else _("This week in your accounts:")
    lines = [_("Hello %(name)s,") % {"name": user.display_name}, "", period]
    for customer in accounts:
        lines += [
            "",
            f"{customer.name}",
            f"{base}{reverse('insights:summary', args=[customer.pk])}",
        ]
        lines += [f"  - {change}" for change in change_texts(changes[customer.pk])]
    lines += [
        "",
        "Accord",
        _("Daily or weekly, and every notification: %(url)s")
        % {"url": f"{base}{reverse('notification-settings')}"},
    ]
    subject = (
        ngettext(
            "Daily digest: changes in %(count)s account",
            "Daily digest: changes in %(count)s accounts",
            len(accounts),
        )
        if days == 1
        else ngettext(
            "Weekly digest: changes in %(count)s account",
            "Weekly digest: changes in %(count)s accounts",
            len(accounts),
        )
    ) % {"count": len(accounts)}
    return EmailMessage(
        subject=f"[Accord] {subject}",
        body="\n".join(lines),
        to=[user.email],
    )
