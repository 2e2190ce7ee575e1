"""The account plan: sections written by the lead and the specialists, and its review."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area, Notification, User
from accounts.services import notify
from accounts.visibility import managers_of
from core.errors import IllegalTransition
from core.versioning import StaleVersion, save_versioned
from customers.changes import record_account_change
from customers.models import Customer
from insights.models import (
    AccountPlan,
    PlanComment,
    PlanReviewEvent,
    PlanSection,
    PlanSectionRevision,
)


@transaction.atomic
def save_plan_section(
    customer: Customer, *, area: Area | None, body: str, expected_version: int, by: User
) -> PlanSection:
    """Save a section's text, refusing a stale version; every saved text is kept as a revision.

    A section that does not exist yet reads as version 0.
    """
    now = timezone.now()
    kind = PlanSection.Kind.AREA if area else PlanSection.Kind.STRATEGY
    section = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
    if section is None:
        if expected_version != 0:
            raise StaleVersion(PlanSection(customer=customer, kind=kind, area=area), None)
        try:
            with transaction.atomic():
                section = PlanSection.objects.create(
                    customer=customer,
                    kind=kind,
                    area=area,
                    body=body,
                    updated_by=by,
                    updated_at=now,
                )
        except IntegrityError as exc:
            current = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
            raise StaleVersion(
                PlanSection(customer=customer, kind=kind, area=area), current
            ) from exc
    else:
        save_versioned(
            section,
            expected_version=expected_version,
            changes={"body": body, "updated_by": by, "updated_at": now},
        )
    PlanSectionRevision.objects.create(
        section=section, version=section.version, body=body, saved_by=by, saved_at=now
    )
    if customer.lead_id != by.pk:
        notify(
            [customer.lead],
            kind=Notification.Kind.PLAN_REVIEW,
            message=f"{by.display_name} submitted “{section.title}” in the account plan of "
            f"{customer.name}.",
            url=reverse("insights:plan", args=[customer.pk]),
            customer_id=customer.pk,
        )
    record_account_change(customer.pk)
    return section


def _plan_for_update(customer: Customer) -> AccountPlan:
    AccountPlan.objects.get_or_create(customer=customer)
    return AccountPlan.objects.select_for_update().get(customer=customer)


@transaction.atomic
def submit_plan(customer: Customer, *, by: User, comment: str = "") -> AccountPlan:
    """The lead asks the account's managers to review the plan."""
    plan = _plan_for_update(customer)
    if plan.status == AccountPlan.Status.SUBMITTED:
        raise IllegalTransition(
            plan.status,
            AccountPlan.Status.SUBMITTED,
            message="The plan is already waiting for review.",
        )
    now = timezone.now()
    plan.status = AccountPlan.Status.SUBMITTED
    plan.submitted_at, plan.submitted_by = now, by
    plan.version += 1
    plan.save()
    PlanReviewEvent.objects.create(
        plan=plan, action=PlanReviewEvent.Action.SUBMITTED, by=by, at=now, comment=comment
    )
    notify(
        managers_of(customer.pk),
        kind=Notification.Kind.PLAN_REVIEW,
        message=f"{by.display_name} submitted the account plan of {customer.name} for review.",
        url=reverse("insights:plan", args=[customer.pk]),
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return plan


@transaction.atomic
def review_plan(customer: Customer, *, by: User, approve: bool, comment: str = "") -> AccountPlan:
    """A manager approves the submitted plan, or requests changes with a comment."""
    plan = _plan_for_update(customer)
    if plan.status != AccountPlan.Status.SUBMITTED:
        raise IllegalTransition(
            plan.status,
            AccountPlan.Status.APPROVED if approve else AccountPlan.Status.CHANGES_REQUESTED,
            [AccountPlan.Status.SUBMITTED],
            message="Only a plan submitted for review can be reviewed.",
        )
    now = timezone.now()
    plan.status = AccountPlan.Status.APPROVED if approve else AccountPlan.Status.CHANGES_REQUESTED
    plan.reviewed_at, plan.reviewed_by = now, by
    if approve:
        plan.last_approved_at = now
    plan.version += 1
    plan.save()
    action = (
        PlanReviewEvent.Action.APPROVED if approve else PlanReviewEvent.Action.CHANGES_REQUESTED
    )
    PlanReviewEvent.objects.create(plan=plan, action=action, by=by, at=now, comment=comment)
    verdict = "approved" if approve else "requested changes to"
    notify(
        [customer.lead],
        kind=Notification.Kind.PLAN_REVIEW,
        message=f"{by.display_name} {verdict} the account plan of {customer.name}."
        + (f" {comment}" if comment else ""),
        url=reverse("insights:plan", args=[customer.pk]),
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return plan


@transaction.atomic
def add_plan_comment(
    customer: Customer, *, by: User, body: str, section: PlanSection | None = None
) -> PlanComment:
    """Comment on the plan; the lead hears about it (unless they wrote it)."""
    comment = PlanComment.objects.create(
        customer=customer, section=section, author=by, body=body, created_at=timezone.now()
    )
    if customer.lead_id != by.pk:
        notify(
            [customer.lead],
            kind=Notification.Kind.PLAN_REVIEW,
            message=f"{by.display_name} commented on the account plan of {customer.name}.",
            url=reverse("insights:plan", args=[customer.pk]),
            customer_id=customer.pk,
        )
    record_account_change(customer.pk)
    return comment
