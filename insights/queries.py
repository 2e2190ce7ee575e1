"""Reads of the insights app used by the pages, the API and the tasks."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccountMembership, Area
from accounts.visibility import AccountAccess
from customers.models import Customer
from insights.diffs import CHANGED, ITEM_GROUPS, NEW, SectionDiff, diff_texts, section_markdown
from insights.models import (
    AccountPlan,
    AccountSummary,
    PlanComment,
    PlanItem,
    PlanReviewEvent,
    PlanSection,
    PlanSectionRevision,
    SummaryBuildState,
    section_anchor,
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


ADD_LABELS = {
    PlanItem.Kind.OBJECTIVE: gettext_lazy("Add an objective"),
    PlanItem.Kind.RISK: gettext_lazy("Add a risk"),
    PlanItem.Kind.ACTION: gettext_lazy("Add a relationship action"),
    PlanItem.Kind.OFFER: gettext_lazy("Add what we offer"),
    PlanItem.Kind.QUESTION: gettext_lazy("Add an open question"),
}


@dataclass
class ItemGroup:
    """One kind of item in a section, as the plan page lists it."""

    kind: str
    label: str
    add_label: str
    items: list[PlanItem]
    form: object | None


@dataclass
class PlanSlot:
    """A section of the plan the page shows, written or not yet."""

    area: Area | None
    section: PlanSection | None
    can_edit: bool
    can_review: bool = False

    @property
    def title(self) -> str:
        if self.area is None:
            return _("Strategy")
        return _("%(area)s section") % {"area": self.area.name}

    @property
    def anchor(self) -> str:
        return section_anchor(self.area_id)

    @property
    def is_written(self) -> bool:
        return bool(self.section and (self.section.body or self.section.items.all()))

    @property
    def groups(self) -> list[ItemGroup]:
        """Each kind of item the section has, with its live items (and the add form, if any)."""
        kinds = PlanItem.AREA_KINDS if self.area else PlanItem.STRATEGY_KINDS
        items = list(self.section.items.all()) if self.section else []
        forms = getattr(self, "add_forms", {})
        return [
            ItemGroup(
                kind,
                label,
                ADD_LABELS[kind],
                [item for item in items if item.kind == kind],
                forms.get(kind),
            )
            for kind, label in ITEM_GROUPS
            if kind in kinds
        ]

    @property
    def area_id(self) -> int | None:
        return self.area.pk if self.area else None


def plan_slots(customer: Customer, access: AccountAccess) -> list[PlanSlot]:
    """The strategy section, then one per area of the account's specialists (or with text)."""
    items = PlanItem.objects.select_related("stakeholder", "owner").prefetch_related("goals")
    sections = list(
        PlanSection.objects.filter(customer=customer)
        .select_related("area", "updated_by", "submitted_by")
        .prefetch_related(Prefetch("items", queryset=items.order_by("created_at", "id")))
        .order_by("kind", "area__name")
    )
    by_area = {s.area_id: s for s in sections}
    areas = {s.area.pk: s.area for s in sections if s.area}
    for area in Area.objects.filter(
        users__account_memberships__customer=customer,
        users__account_memberships__role=AccountMembership.Role.SPECIALIST,
    ).distinct():
        areas[area.pk] = area
    slots = [
        PlanSlot(
            None,
            by_area.get(None),
            access.can_write_plan_section(None),
            access.can_review_plan_section(None),
        )
    ]
    for area in sorted(areas.values(), key=lambda a: (a.name, a.pk)):
        slots.append(
            PlanSlot(
                area,
                by_area.get(area.pk),
                access.can_write_plan_section(area.pk),
                access.can_review_plan_section(area.pk),
            )
        )
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


def changes_since_approval(customer: Customer) -> list[SectionDiff]:
    """Each plan section changed since its last approval (the section's own or the plan's):
    its items and notes as rendered added and removed blocks, in one query. What a reviewer
    reads before approving again; a section never approved reads as new."""
    approved = PlanSectionRevision.objects.filter(
        section=OuterRef("pk"), version=OuterRef("approved_version")
    )
    current = PlanSectionRevision.objects.filter(
        section=OuterRef("pk"), version=OuterRef("version")
    )
    sections = (
        PlanSection.objects.filter(customer=customer)
        .select_related("area")
        .annotate(
            approved_body=Subquery(approved.values("body")[:1]),
            approved_items=Subquery(approved.values("items")[:1]),
            current_items=Subquery(current.values("items")[:1]),
        )
        .order_by("-kind", "area__name")  # the strategy, then the areas by name
    )
    changed = []
    for section in sections:
        now = section_markdown(section.body, section.current_items or [])
        if section.approved_version is None:
            if now:
                changed.append(SectionDiff(section.title, NEW, diff_texts("", now)))
            continue
        before = section_markdown(section.approved_body or "", section.approved_items or [])
        if before != now:
            changed.append(SectionDiff(section.title, CHANGED, diff_texts(before, now)))
    return changed
