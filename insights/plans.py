"""The account plan: sections written by the lead and the specialists, and its review."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.models import Area, Notification, User
from accounts.services import notify
from accounts.visibility import managers_of
from core.errors import IllegalTransition
from core.versioning import StaleVersion, save_versioned
from customers.changes import record_account_change
from customers.models import Customer, Goal
from insights.models import (
    AccountPlan,
    PlanComment,
    PlanItem,
    PlanReviewEvent,
    PlanSection,
    PlanSectionRevision,
)

# Review verdicts as whole sentences for the translators, worded per reader (notify()).
PLAN_VERDICTS = {
    True: gettext_noop("%(person)s approved the account plan of %(customer)s."),
    False: gettext_noop("%(person)s requested changes to the account plan of %(customer)s."),
}
SECTION_VERDICTS = {
    True: gettext_noop("%(person)s approved “%(section)s” in the account plan of %(customer)s."),
    False: gettext_noop(
        "%(person)s requested changes to “%(section)s” in the account plan of %(customer)s."
    ),
}


def _with_comment(sentence: str, comment: str) -> str:
    return f"{sentence} {comment}" if comment else sentence


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
        changes: dict[str, Any] = {"body": body, "updated_by": by, "updated_at": now}
        if section.status == PlanSection.Status.APPROVED:
            changes["status"] = PlanSection.Status.DRAFT
        save_versioned(section, expected_version=expected_version, changes=changes)
    _write_revision(section, by=by, at=now)
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
        message=lambda: (
            gettext("%(person)s submitted the account plan of %(customer)s for review.")
            % {"person": by.display_name, "customer": customer.name}
        ),
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
        # Approving the plan approves each section as it reads now.
        PlanSection.objects.filter(customer=customer).update(
            approved_version=F("version"), status=PlanSection.Status.APPROVED
        )
    plan.version += 1
    plan.save()
    action = (
        PlanReviewEvent.Action.APPROVED if approve else PlanReviewEvent.Action.CHANGES_REQUESTED
    )
    PlanReviewEvent.objects.create(plan=plan, action=action, by=by, at=now, comment=comment)
    verdict = PLAN_VERDICTS[approve]
    notify(
        [customer.lead],
        kind=Notification.Kind.PLAN_REVIEW,
        message=lambda: _with_comment(
            gettext(verdict) % {"person": by.display_name, "customer": customer.name}, comment
        ),
        url=reverse("insights:plan", args=[customer.pk]),
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return plan


# --- Structured items and the per-section review ----------------------------------------------


def _names(values: Iterable[Any]) -> list[str]:
    return [str(value) for value in values]


def snapshot_items(section: PlanSection) -> list[dict[str, Any]]:
    """The section's live items as a revision keeps them: their values and the names of what
    they link to (so a later rename or delete does not rewrite what the reviewer saw)."""
    items = (
        PlanItem.objects.filter(section=section)
        .select_related("stakeholder", "owner")
        .prefetch_related("goals")
        .order_by("kind", "created_at", "id")
    )
    return [
        {
            "id": item.pk,
            "kind": item.kind,
            "title": item.title,
            "details": item.details,
            "metric": item.metric,
            "target": item.target,
            "target_on": item.target_on.isoformat() if item.target_on else None,
            "goals": _names(item.goals.all()),
            "likelihood": item.likelihood,
            "impact": item.impact,
            "mitigation": item.mitigation,
            "stakeholder": str(item.stakeholder) if item.stakeholder else "",
            "owner": item.owner.display_name if item.owner else "",
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "effort": item.effort,
        }
        for item in items
    ]


def _write_revision(section: PlanSection, *, by: User, at: Any) -> PlanSectionRevision:
    return PlanSectionRevision.objects.create(
        section=section,
        version=section.version,
        body=section.body,
        items=snapshot_items(section),
        saved_by=by,
        saved_at=at,
    )


def section_for_items(customer: Customer, *, area: Area | None, by: User) -> PlanSection:
    """The live section items go into, created empty (version 0 reads as unwritten) if needed."""
    kind = PlanSection.Kind.AREA if area else PlanSection.Kind.STRATEGY
    found = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return PlanSection.objects.create(
                customer=customer, kind=kind, area=area, updated_by=by, updated_at=timezone.now()
            )
    except IntegrityError:
        return PlanSection.objects.get(customer=customer, kind=kind, area=area)


def _items_changed(section: PlanSection, *, by: User, mark_dirty: bool = True) -> None:
    """A new version of the section, whose revision holds its items as they are now."""
    now = timezone.now()
    changes: dict[str, Any] = {"version": F("version") + 1, "updated_by": by, "updated_at": now}
    PlanSection._base_manager.filter(pk=section.pk).update(**changes)
    PlanSection._base_manager.filter(pk=section.pk, status=PlanSection.Status.APPROVED).update(
        status=PlanSection.Status.DRAFT
    )
    section.refresh_from_db()
    _write_revision(section, by=by, at=now)
    if mark_dirty:
        record_account_change(section.customer_id)


def _check_kind(section: PlanSection, kind: str) -> None:
    allowed = (
        PlanItem.STRATEGY_KINDS
        if section.kind == PlanSection.Kind.STRATEGY
        else PlanItem.AREA_KINDS
    )
    if kind not in allowed:
        raise ValueError(f"A {section.kind} section has no {kind} items.")


def _item_values(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields the kind uses (the title and its own), the rest left empty."""
    used = {"title", *PlanItem.FIELDS[kind]} - {"goals"}
    return {name: value for name, value in values.items() if name in used}


@transaction.atomic
def add_plan_item(
    customer: Customer,
    *,
    area: Area | None,
    kind: str,
    values: Mapping[str, Any],
    goals: Iterable[Goal] = (),
    by: User,
) -> PlanItem:
    """Add an objective, a risk, an action, an offer or an open question to a section."""
    section = section_for_items(customer, area=area, by=by)
    _check_kind(section, kind)
    item = PlanItem.objects.create(
        customer=customer, section=section, kind=kind, created_by=by, **_item_values(kind, values)
    )
    if kind == PlanItem.Kind.OBJECTIVE:
        item.goals.set(goals)
    _items_changed(section, by=by)
    return item


@transaction.atomic
def update_plan_item(
    item: PlanItem,
    *,
    values: Mapping[str, Any],
    goals: Iterable[Goal] | None = None,
    expected_version: int,
    by: User,
) -> PlanItem:
    """Change an item, refusing a stale version."""
    m2m = {"goals": list(goals)} if goals is not None and item.kind == "objective" else None
    save_versioned(
        item,
        expected_version=expected_version,
        changes=_item_values(item.kind, values),
        m2m=m2m,
    )
    _items_changed(item.section, by=by)
    return item


@transaction.atomic
def delete_plan_item(item: PlanItem, *, by: User) -> bool:
    """Move an item to the account's trash (its goal links stay for a restore)."""
    moved = item.soft_delete(by=by)
    if moved:
        _items_changed(item.section, by=by)
    return moved


def note_item_restored(item: PlanItem, *, by: User) -> None:
    """A restored item is back in its section: a new version says so (the trash marks the
    account changed)."""
    _items_changed(item.section, by=by, mark_dirty=False)


@transaction.atomic
def delete_plan_section(section: PlanSection, *, by: User) -> bool:
    """Move a section (with its items) to the account's trash."""
    moved = section.soft_delete(by=by)
    if moved:
        record_account_change(section.customer_id)
    return moved


def can_restore_section(section: PlanSection) -> bool:
    """A section comes back only where no live section of its kind and area was written since."""
    return not PlanSection.objects.filter(
        customer_id=section.customer_id, kind=section.kind, area_id=section.area_id
    ).exists()


def _section_for_update(section: PlanSection) -> PlanSection:
    return (
        PlanSection.objects.select_for_update(of=("self",))
        .select_related("customer", "area")
        .get(pk=section.pk)
    )


def _section_event(section: PlanSection, *, action: str, by: User, at: Any, comment: str) -> None:
    plan, _created = AccountPlan.objects.get_or_create(customer_id=section.customer_id)
    PlanReviewEvent.objects.create(
        plan=plan, section=section, action=action, by=by, at=at, comment=comment
    )


@transaction.atomic
def submit_plan_section(section: PlanSection, *, by: User, comment: str = "") -> PlanSection:
    """The section's author asks for its review: the lead hears of it (and the managers, who
    review the lead's own strategy)."""
    section = _section_for_update(section)
    if section.status == PlanSection.Status.SUBMITTED:
        raise IllegalTransition(
            section.status,
            PlanSection.Status.SUBMITTED,
            message="The section is already waiting for review.",
        )
    now = timezone.now()
    section.status = PlanSection.Status.SUBMITTED
    section.submitted_at, section.submitted_by = now, by
    section.save(update_fields=["status", "submitted_at", "submitted_by"])
    _section_event(section, action=PlanReviewEvent.Action.SUBMITTED, by=by, at=now, comment=comment)
    customer = section.customer
    told = [customer.lead] if customer.lead_id else []
    if section.kind == PlanSection.Kind.STRATEGY:
        told += list(managers_of(customer.pk))
    notify(
        [user for user in told if user.pk != by.pk],
        kind=Notification.Kind.PLAN_REVIEW,
        message=lambda: (
            gettext(
                "%(person)s submitted “%(section)s” in the account plan of %(customer)s for review."
            )
            % {"person": by.display_name, "section": section.title, "customer": customer.name}
        ),
        url=reverse("insights:plan", args=[customer.pk]) + f"#section-{section.pk}",
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return section


@transaction.atomic
def review_plan_section(
    section: PlanSection, *, by: User, approve: bool, comment: str = ""
) -> PlanSection:
    """Approve a submitted section as it reads now, or request changes; the lead and the
    section's submitter hear of it."""
    section = _section_for_update(section)
    if section.status != PlanSection.Status.SUBMITTED:
        raise IllegalTransition(
            section.status,
            PlanSection.Status.APPROVED if approve else PlanSection.Status.CHANGES_REQUESTED,
            [PlanSection.Status.SUBMITTED],
            message="Only a section submitted for review can be reviewed.",
        )
    now = timezone.now()
    section.status = (
        PlanSection.Status.APPROVED if approve else PlanSection.Status.CHANGES_REQUESTED
    )
    section.reviewed_at, section.reviewed_by = now, by
    fields = ["status", "reviewed_at", "reviewed_by"]
    if approve:
        section.approved_version = section.version
        fields.append("approved_version")
    section.save(update_fields=fields)
    action = (
        PlanReviewEvent.Action.APPROVED if approve else PlanReviewEvent.Action.CHANGES_REQUESTED
    )
    _section_event(section, action=action, by=by, at=now, comment=comment)
    customer = section.customer
    verdict = SECTION_VERDICTS[approve]
    notify(
        [u for u in (customer.lead, section.submitted_by) if u is not None and u.pk != by.pk],
        kind=Notification.Kind.PLAN_REVIEW,
        message=lambda: _with_comment(
            gettext(verdict)
            % {"person": by.display_name, "section": section.title, "customer": customer.name},
            comment,
        ),
        url=reverse("insights:plan", args=[customer.pk]) + f"#section-{section.pk}",
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return section


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
            message=lambda: (
                gettext("%(person)s commented on the account plan of %(customer)s.")
                % {"person": by.display_name, "customer": customer.name}
            ),
            url=reverse("insights:plan", args=[customer.pk]),
            customer_id=customer.pk,
        )
    record_account_change(customer.pk)
    return comment
