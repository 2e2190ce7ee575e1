"""Demo account plans, and the first summaries built from everything the other apps seeded."""

from accounts.models import AccountMembership, User
from customers.models import Customer
from insights import plans, summaries
from insights.models import AccountPlan, PlanSection

STRATEGY = {
    "Nordwind Logistics": (
        "## Objectives for the relationship\n\n"
        "- Become Nordwind's partner for warehouse automation, not a parts supplier.\n"
        "- Meet the COO and the CFO at least once a quarter.\n\n"
        "## Next period\n\n"
        "1. Run the hub throughput workshop in Hamburg.\n"
        "2. Present the phased automation proposal before the budget round.\n"
    ),
    "Helix Medical": (
        "## Objectives\n\n- Support the new sterilisation line with validated equipment.\n\n"
        "## Next period\n\n- Agree the validation plan with Quality.\n"
    ),
    "Kestrel Aerospace": (
        "## Objectives\n\n- Secure a framework agreement for ground-support equipment.\n"
    ),
}

AREA_TEXT = {
    "Engineering": (
        "The conveyor retrofit fits the existing racking; we need a site survey "
        "before committing to the throughput figures."
    ),
    "Finance": ("Leasing over 60 months keeps the project under the customer's capex threshold."),
}


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    for name, customer in customers.items():
        if (
            name in STRATEGY
            and not PlanSection.objects.filter(
                customer=customer, kind=PlanSection.Kind.STRATEGY
            ).exists()
        ):
            plans.save_plan_section(
                customer, area=None, body=STRATEGY[name], expected_version=0, by=customer.lead
            )
        specialists = AccountMembership.objects.filter(
            customer=customer, role=AccountMembership.Role.SPECIALIST, user__area__isnull=False
        ).select_related("user__area")
        for membership in specialists:
            area = membership.user.area
            text = AREA_TEXT.get(area.name)
            if text and not PlanSection.objects.filter(customer=customer, area=area).exists():
                plans.save_plan_section(
                    customer, area=area, body=text, expected_version=0, by=membership.user
                )
    nordwind = customers.get("Nordwind Logistics")
    if nordwind is not None and not AccountPlan.objects.filter(customer=nordwind).exists():
        plans.submit_plan(nordwind, by=nordwind.lead, comment="Ready for the quarterly review.")
        plans.review_plan(
            nordwind, by=users["manager1"], approve=True, comment="Good plan; go ahead."
        )
    # Build now rather than wait for a worker: the demo opens with summaries in place.
    for customer in customers.values():
        summaries.rebuild_summary(customer.pk)
