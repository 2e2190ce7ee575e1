"""Demo partners, proposals, contributions and comments (safe to run twice)."""

from decimal import Decimal

from accounts.models import User
from customers.models import Customer, Problem
from solutions import services
from solutions.models import Partner, Proposal

PARTNERS = [
    # name, market, speciality, contact, email
    (
        "Fjord Automation AB",
        "Nordics",
        "Warehouse automation and sorter retrofits",
        "Erik Holm",
        "erik.holm@fjord-automation.example",
    ),
    (
        "Medilab Validation GmbH",
        "DACH",
        "GMP validation of packaging and production lines",
        "Dr. Anna Roth",
        "a.roth@medilab-validation.example",
    ),
    (
        "GreenCold Systems",
        "Benelux",
        "Cold-chain sensors and monitoring",
        "Lotte de Vries",
        "lotte@greencold.example",
    ),
]


def _problems(customer: Customer) -> list[Problem]:
    """The customer's most severe open problems, for the proposal to address."""
    severity_order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    problems = sorted(
        customer.problems.filter(status__in=Problem.OPEN_STATUSES),
        key=lambda p: (severity_order.get(p.severity, 9), p.title),
    )
    return problems[:2]


def _proposal(
    customer: Customer,
    *,
    owner: User,
    title: str,
    summary: str,
    value: str,
    currency: str,
    path: list[str],
) -> tuple[Proposal, bool]:
    existing = Proposal.objects.filter(customer=customer, title=title).first()
    if existing is not None:
        return existing, False
    proposal = services.create_proposal(
        customer,
        by=owner,
        owner=owner,
        title=title,
        summary=summary,
        problems=_problems(customer),
        value=Decimal(value),
        currency=currency,
    )
    for status in path:
        services.transition_proposal(proposal, to_status=status, by=owner)
    return proposal, True


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    partners = {}
    for name, market, speciality, contact, email in PARTNERS:
        partners[name], _ = Partner.objects.get_or_create(
            name=name,
            defaults={
                "market": market,
                "speciality": speciality,
                "contact_name": contact,
                "contact_email": email,
            },
        )
    sales1, spec1, spec2 = users["sales1"], users["spec1"], users["spec2"]

    nordwind = customers.get("Nordwind Logistics")
    if nordwind is not None:
        proposal, created = _proposal(
            nordwind,
            owner=sales1,
            title="Automated cross-dock sorting",
            summary=(
                "Retrofit the **Hamburg cross-dock** with an automated sorter so that peak "
                "volumes no longer cause late departures.\n\n"
                "- Sorter retrofit with Fjord Automation\n- Phased go-live around peak season"
            ),
            value="480000",
            currency="EUR",
            path=["in_review"],
        )
        if created:
            services.request_contribution(
                proposal,
                by=sales1,
                specialist=spec1,
                request="Can you size the controls and integration work for the sorter retrofit?",
            )
            partner_part = services.request_contribution(
                proposal,
                by=sales1,
                partner=partners["Fjord Automation AB"],
                request="Budget quote for the sorter hardware.",
            )
            services.accept_contribution(partner_part, by=sales1)
            question = services.post_comment(
                proposal,
                author=sales1,
                body=(
                    "@spec1 the customer wants a first estimate before the steering meeting. "
                    "Could you look at the controls side this week?"
                ),
            )
            services.post_comment(
                proposal,
                author=spec2,
                parent=question,
                body="Leasing the sorter could keep it off their capex budget; I can model it.",
            )

    helix = customers.get("Helix Medical")
    if helix is not None:
        proposal, created = _proposal(
            helix,
            owner=sales1,
            title="Validated packaging line upgrade",
            summary="Upgrade the blister packaging line with validation support from Medilab.",
            value="260000",
            currency="EUR",
            path=[],
        )
        if created:
            part = services.request_contribution(
                proposal,
                by=sales1,
                specialist=spec1,
                request="Which line controls need replacing for the upgrade?",
            )
            services.accept_contribution(part, by=spec1)
            services.write_contribution(
                part,
                by=spec1,
                expected_version=part.version,
                description="Replace the two PLCs and the vision inspection; reuse the drives.",
                effort_days=Decimal("18"),
                cost_estimate=Decimal("42000"),
            )
            services.complete_contribution(part, by=spec1)
            services.request_contribution(
                proposal,
                by=sales1,
                partner=partners["Medilab Validation GmbH"],
                request="Validation plan (IQ/OQ/PQ) and its cost.",
            )

    brightwater = customers.get("Brightwater Foods")
    if brightwater is not None:
        proposal, created = _proposal(
            brightwater,
            owner=sales1,
            title="Cold-chain monitoring for regional deliveries",
            summary="Sensors in every reefer and alerts before a shipment warms up.",
            value="95000",
            currency="EUR",
            path=["in_review", "presented"],
        )
        if created:
            services.request_contribution(
                proposal,
                by=sales1,
                partner=partners["GreenCold Systems"],
                request="Sensor kit pricing for 40 trucks.",
            )
