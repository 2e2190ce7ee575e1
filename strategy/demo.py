"""Demo strategy tools: an offering catalogue, divisions and whitespace for two accounts, SWOT
and PESTLE items, a playbook and the value at stake of the open proposals (safe to run twice)."""

import datetime as dt

from django.utils import timezone

from accounts.models import Area, User
from customers.models import Customer, Goal, Problem, Stakeholder
from customers.services import create_record
from solutions.models import Proposal
from strategy import services
from strategy.models import AnalysisItem, Division, Offering, Playbook, ProposalValue
from strategy.scorecards import store_scorecard

# area -> offerings, in the grid's order
CATALOGUE = {
    "Engineering": ["Sorter retrofit", "Line automation"],
    "Logistics": ["Telematics", "Cross-dock design"],
    "Service": ["Maintenance contract", "Spare-parts pool"],
    "Finance": ["Equipment leasing"],
}
# customer -> [(division, employees, {offering: (status, value per year, why or competitor)})]
WHITESPACE = {
    "Nordwind Logistics": [
        (
            "Road freight",
            2400,
            {
                "Telematics": ("installed", 120000, ""),
                "Maintenance contract": ("installed", 65000, ""),
                "Cross-dock design": ("opportunity", None, "Hubs run out of dock doors at peak"),
                "Equipment leasing": ("not_a_fit", None, ""),
            },
        ),
        (
            "Contract logistics",
            1800,
            {
                "Sorter retrofit": ("proposed", None, ""),
                "Line automation": ("opportunity", None, "Pick rates flat for two years"),
                "Spare-parts pool": ("competitor", None, "Vanderlande"),
            },
        ),
        ("Nordic parcel", 650, {"Telematics": ("opportunity", None, "Fleet renewal in 2027")}),
    ],
    "Helix Medical": [
        (
            "Implants",
            900,
            {
                "Line automation": ("proposed", None, ""),
                "Maintenance contract": ("installed", 48000, ""),
            },
        ),
        ("Diagnostics", 400, {"Spare-parts pool": ("opportunity", None, "Downtime on analysers")}),
    ],
}
SWOT = {
    "Nordwind Logistics": [
        ("strength", "Dense hub network across the Nordics"),
        ("threat", "Amazon's own delivery network is growing in Sweden"),
        ("economic", "Diesel prices and road tolls rise faster than rates"),
        ("legal", "EU driving-time rules tighten in 2027"),
    ],
    "Helix Medical": [
        ("strength", "Leading share in hip implants in DACH"),
        ("legal", "MDR re-certification of every product line by 2028"),
    ],
}
# An open proposal's chance of a yes, by how far it got.
PROBABILITY = {"draft": 30, "in_review": 50, "presented": 70}


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    offerings = _catalogue()
    playbook, _ = Playbook.objects.get_or_create(
        name="Key logistics accounts",
        defaults={"industry": "Logistics", "min_confirmed_goals": 1, "meeting_cadence_days": 30},
    )
    playbook.required_roles = playbook.required_roles or ["decision_maker", "champion"]
    playbook.save(update_fields=["required_roles"])
    playbook.required_offerings.add(offerings["Telematics"])
    for name, divisions in WHITESPACE.items():
        customer = customers.get(name)
        if customer is not None:
            _whitespace(customer, divisions, offerings)
    for name, items in SWOT.items():
        customer = customers.get(name)
        if customer is not None:
            _analysis(customer, items)
    for customer in customers.values():
        _values(customer)
        store_scorecard(customer.pk)


def _catalogue() -> dict[str, Offering]:
    offerings = {}
    for area_name, names in CATALOGUE.items():
        area = Area.objects.filter(name=area_name).first()
        if area is None:
            continue
        for position, name in enumerate(names):
            offerings[name], _ = Offering.objects.get_or_create(
                area=area, name=name, defaults={"position": position}
            )
    return offerings


def _whitespace(customer: Customer, divisions: list, offerings: dict[str, Offering]) -> None:
    lead = customer.lead
    head = Stakeholder.objects.filter(customer=customer).order_by("-influence", "pk").first()
    goal = Goal.objects.filter(customer=customer).order_by("priority", "pk").first()
    problem = Problem.objects.filter(customer=customer).order_by("pk").first()
    proposal = Proposal.objects.filter(customer=customer).order_by("pk").first()
    for name, employees, cells in divisions:
        division = Division.objects.filter(customer=customer, name=name).first()
        if division is None:
            division = create_record(
                Division,
                customer=customer,
                by=lead,
                fields={"name": name, "employees": employees, "head": head},
                m2m={"goals": [goal] if goal else []},
            )
        for offering_name, (status, value, text) in cells.items():
            offering = offerings.get(offering_name)
            if offering is None or division.cells.filter(offering=offering).exists():
                continue
            fields: dict = {"status": status, "annual_value": value}
            m2m: dict = {}
            if status == "installed":
                fields["installed_since"] = dt.date(2022, 4, 1)
            elif status == "proposed":
                fields["proposal"] = proposal
            elif status == "opportunity":
                fields["reason"] = text
                m2m = {"goals": [goal] if goal else [], "problems": [problem] if problem else []}
            elif status == "competitor":
                fields["competitor"] = text
            services.save_whitespace_cell(
                customer,
                division=division,
                offering=offering,
                expected_version=0,
                fields=fields,
                m2m=m2m,
                by=lead,
            )


def _analysis(customer: Customer, items: list[tuple[str, str]]) -> None:
    for category, text in items:
        if not AnalysisItem.objects.filter(customer=customer, text=text).exists():
            services.add_analysis_item(customer, category=category, text=text, by=customer.lead)
    # One suggestion from the model taken in: the most severe open problem, as a weakness.
    problem = (
        Problem.objects.filter(customer=customer, status__in=Problem.OPEN_STATUSES)
        .order_by("severity", "pk")
        .first()
    )
    if problem is not None and not AnalysisItem.objects.filter(problem=problem).exists():
        services.accept_suggestion(
            customer, source=problem, category=AnalysisItem.Category.WEAKNESS, by=customer.lead
        )


def _values(customer: Customer) -> None:
    """Each open proposal's value at stake, from the value the proposal was written with."""
    decision_on = timezone.localdate() + dt.timedelta(days=60)
    open_proposals = Proposal.objects.filter(
        customer=customer, status__in=Proposal.OPEN_STATUSES, value__isnull=False
    )
    for proposal in open_proposals:
        if ProposalValue.objects.filter(proposal=proposal).exists():
            continue
        services.save_proposal_value(
            proposal,
            expected_version=0,
            fields={
                "amount": proposal.value,
                "currency": proposal.currency,
                "probability": PROBABILITY.get(proposal.status, 50),
                "decision_on": decision_on,
            },
            by=proposal.owner,
        )
