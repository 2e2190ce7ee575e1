"""Reads of the insights app used by the pages, the API and the tasks."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from accounts.models import AccountMembership, Area
from accounts.visibility import AccountAccess
from customers.models import Customer
from insights.diffs import CHANGED, NEW, SectionDiff, diff_texts
from insights.models import (
    AccountPlan,
    AccountSummary,
    PlanComment,
    PlanReviewEvent,
    PlanSection,
    PlanSectionRevision,
    SummaryBuildState,
)


def latest_summary(customer: Customer) -> AccountSummary | None:
    """The newest version, with its stored HTML (the page does not need the source columns)."""
    return (
        AccountSummary.objects.filter(customer=customer)
        .defer("content", "changes", "markdown")
        .order_by("-number")
        .first()
    )


def build_state(customer: Customer) -> SummaryBuildState | None:
    return SummaryBuildState.objects.filter(customer=customer).first()


def summary_versions(customer: Customer) -> QuerySet[AccountSummary]:
    """Versions newest first, without the heavy document columns."""
    return (
        AccountSummary.objects.filter(customer=customer)
        .order_by("-number")
        .only("pk", "customer_id", "number", "built_at", "source_data_version", "changes")
    )


@dataclass
class PlanSlot:
    """A section of the plan the page shows, written or not yet."""

    area: Area | None
    section: PlanSection | None
    can_edit: bool

    @property
    def title(self) -> str:
        return "Strategy" if self.area is None else f"{self.area.name} section"

    @property
    def area_id(self) -> int | None:
        return self.area.pk if self.area else None


def plan_slots(customer: Customer, access: AccountAccess) -> list[PlanSlot]:
    """The strategy section, then one per area of the account's specialists (or with text)."""
    sections = list(
        PlanSection.objects.filter(customer=customer)
        .select_related("area", "updated_by")
        .order_by("kind", "area__name")
    )
    by_area = {s.area_id: s for s in sections}
    areas = {s.area.pk: s.area for s in sections if s.area}
    for area in Area.objects.filter(
        users__account_memberships__customer=customer,
        users__account_memberships__role=AccountMembership.Role.SPECIALIST,
    ).distinct():
        areas[area.pk] = area
    slots = [PlanSlot(None, by_area.get(None), access.can_write_plan_section(None))]
    for area in sorted(areas.values(), key=lambda a: (a.name, a.pk)):
        slots.append(PlanSlot(area, by_area.get(area.pk), access.can_write_plan_section(area.pk)))
    return slots


def plan_with_events(customer: Customer) -> AccountPlan | None:
    events = PlanReviewEvent.objects.select_related("by").order_by("-at", "-id")
    return (
        AccountPlan.objects.filter(customer=customer)
        .prefetch_related(Prefetch("events", queryset=events[:20], to_attr="recent_events"))
        .first()
    )


def plan_comments(customer: Customer) -> QuerySet[PlanComment]:
    return (
        PlanComment.objects.filter(customer=customer)
        .select_related("author", "section__area")
        .order_by("created_at", "id")
    )


def section_revisions(section: PlanSection | None) -> list[PlanSectionRevision]:
    if section is None:
        return []
    return list(section.revisions.select_related("saved_by").order_by("-version")[:20])


def changes_since_approval(customer: Customer, plan: AccountPlan | None) -> list[SectionDiff]:
    """Each plan section changed since the plan was last approved, as rendered added and
    removed blocks (one query): what a reviewer reads before approving again."""
    if plan is None or plan.last_approved_at is None:
        return []
    approved = PlanSectionRevision.objects.filter(
        section=OuterRef("pk"), saved_at__lte=plan.last_approved_at
    ).order_by("-version")
    sections = (
        PlanSection.objects.filter(customer=customer)
        .select_related("area")
        .annotate(approved_body=Subquery(approved.values("body")[:1]))
        .order_by("-kind", "area__name")  # the strategy, then the areas by name
    )
    changed = []
    for section in sections:
        if section.approved_body is None:
            changed.append(SectionDiff(section.title, NEW, diff_texts("", section.body)))
        elif section.approved_body != section.body:
            blocks = diff_texts(section.approved_body, section.body)
            changed.append(SectionDiff(section.title, CHANGED, blocks))
    return changed
