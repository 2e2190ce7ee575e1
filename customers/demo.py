"""Demo customers, their account teams and the sales intelligence picture of each."""

import datetime as dt

from django.utils import timezone

from accounts.models import AccountMembership, User
from customers import changes, services
from customers.models import (
    BusinessModel,
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)

SPECIALIST, VIEWER = AccountMembership.Role.SPECIALIST, AccountMembership.Role.VIEWER

CUSTOMERS = [
    # name, industry, website, size, lead, [(member, role)]
    (
        "Nordwind Logistics",
        "Logistics",
        "https://nordwind.example",
        "enterprise",
        "sales1",
        [("spec1", SPECIALIST), ("spec2", SPECIALIST)],
    ),
    (
        "Helix Medical",
        "Medical devices",
        "https://helix-medical.example",
        "large",
        "sales1",
        [("spec1", SPECIALIST)],
    ),
    (
        "Brightwater Foods",
        "Food processing",
        "https://brightwater.example",
        "medium",
        "sales1",
        [("spec2", VIEWER)],
    ),
    (
        "Kestrel Aerospace",
        "Aerospace",
        "https://kestrel.example",
        "enterprise",
        "sales2",
        [("spec2", SPECIALIST)],
    ),
    ("Lumen Retail", "Retail", "https://lumen-retail.example", "large", "sales2", []),
]


def seed(users: dict[str, User]) -> dict[str, Customer]:
    customers: dict[str, Customer] = {}
    for name, industry, website, size, lead, members in CUSTOMERS:
        customer = Customer.objects.filter(name=name).first()
        if customer is None:
            customer = services.create_customer(
                name=name, lead=users[lead], industry=industry, website=website, size=size
            )
        for username, role in members:
            AccountMembership.objects.get_or_create(
                customer=customer, user=users[username], defaults={"role": role}
            )
        customers[name] = customer
    seed_intelligence(users, customers)
    return customers


# The sales intelligence picture of the demo accounts: what a lead would know after a few meetings.
PICTURES: dict[str, dict] = {
    "Nordwind Logistics": {
        "canvas": {
            "key_partners": "Rail operators, port of Hamburg, subcontracted carriers",
            "key_activities": "Contract logistics, cross-dock operations, route planning",
            "key_resources": "14 warehouses, 900 trucks, TMS built in-house in 2009",
            "value_proposition": "Next-day delivery across the DACH region with full traceability",
            "customer_relationships": "Key account managers for the top 40 shippers",
            "channels": "Direct sales, tenders, shipper portal",
            "customer_segments": "Retail chains, automotive suppliers, e-commerce fulfilment",
            "cost_structure": "Fuel and tolls 38%, staff 34%, fleet leasing 14%",
            "revenue_streams": "Per-pallet fees, contract logistics, value-added services",
        },
        "processes": {
            "Order to delivery": [
                "Order intake",
                "Route planning",
                "Loading at cross-dock",
                "Line haul",
                "Last-mile delivery",
                "Proof of delivery and invoicing",
            ],
            "Warehouse replenishment": ["Demand forecast", "Purchase order", "Goods receipt"],
        },
        "people": [
            # name, title, role, influence, attitude, reports to, owner
            ("Katrin Vogel", "CEO", "decision_maker", 5, "neutral", None, "sales1"),
            ("Jonas Brandt", "COO", "decision_maker", 5, "supporter", "Katrin Vogel", "sales1"),
            (
                "Mia Schröder",
                "Head of Transport Planning",
                "champion",
                4,
                "supporter",
                "Jonas Brandt",
                "spec1",
            ),
            ("Felix Wagner", "CFO", "influencer", 4, "detractor", "Katrin Vogel", None),
            ("Lena Koch", "IT Director", "gatekeeper", 3, "neutral", "Jonas Brandt", "spec2"),
            ("Tim Becker", "Dispatcher, Hamburg hub", "user", 2, "supporter", "Mia Schröder", None),
        ],
        "influences": [("Felix Wagner", "Katrin Vogel"), ("Tim Becker", "Mia Schröder")],
        "goals": [
            # title, priority, months ahead, metric, confirmed
            ("Cut empty kilometres by 15%", 1, 12, "Empty km share, monthly", True),
            ("On-time delivery above 97%", 1, 9, "OTD rate per week", True),
            ("Lower cost per pallet by 8%", 2, 18, "EUR per pallet", False),
        ],
        "problems": [
            # title, severity, status, blocks, (process, step index), raised by, confirmed
            (
                "Routes are planned by hand in spreadsheets",
                "critical",
                "open",
                ["Cut empty kilometres by 15%", "On-time delivery above 97%"],
                ("Order to delivery", 1),
                "Mia Schröder",
                True,
            ),
            (
                "No live truck positions for dispatchers",
                "high",
                "open",
                ["On-time delivery above 97%"],
                ("Order to delivery", 3),
                "Tim Becker",
                True,
            ),
            (
                "Cross-dock loading sequence ignores delivery order",
                "medium",
                "open",
                ["On-time delivery above 97%"],
                ("Order to delivery", 2),
                None,
                False,
            ),
            (
                "Invoices go out 12 days after delivery",
                "high",
                "being_addressed",
                ["Lower cost per pallet by 8%"],
                ("Order to delivery", 5),
                "Felix Wagner",
                True,
            ),
            ("Ageing TMS cannot take rail legs", "high", "open", [], None, "Lena Koch", False),
        ],
        "moves": [
            (
                "Intermodal rail corridor Hamburg-Poznań",
                "expansion",
                "announced",
                10,
                "Press release, Sept",
            ),
            (
                "Fleet electrification pilot, 40 e-trucks",
                "digitalisation",
                "in_progress",
                6,
                "COO at the quarterly review",
            ),
            (
                "Possible acquisition of a Polish carrier",
                "acquisition",
                "rumoured",
                18,
                "Trade press",
            ),
        ],
        "options": [
            (
                "strategic",
                "Replace the in-house TMS with a standard product",
                ["Cut empty kilometres by 15%", "Lower cost per pallet by 8%"],
            ),
            (
                "operational",
                "Dynamic route optimisation on top of the current TMS",
                ["Cut empty kilometres by 15%", "On-time delivery above 97%"],
            ),
        ],
    },
    "Helix Medical": {
        "canvas": {
            "key_partners": "Contract sterilisation labs, hospital purchasing groups",
            "key_activities": "R&D, regulatory affairs (MDR), precision manufacturing",
            "key_resources": "Two clean-room plants, 60 patents, notified-body certificates",
            "value_proposition": "Minimally invasive instruments with lower infection rates",
            "customer_relationships": "Clinical specialists on site, surgeon training programmes",
            "channels": "Distributors in 30 countries, direct sales in DACH",
            "customer_segments": "Hospitals, ambulatory surgery centres",
            "cost_structure": "Manufacturing 45%, R&D 20%, regulatory and quality 12%",
            "revenue_streams": "Instrument sales, disposable kits, service contracts",
        },
        "processes": {
            "Batch release": [
                "Production batch closed",
                "Quality inspection",
                "Sterilisation at partner lab",
                "Documentation review",
                "Release to warehouse",
            ],
        },
        "people": [
            (
                "Dr. Anna Lindqvist",
                "VP Operations",
                "decision_maker",
                5,
                "supporter",
                None,
                "sales1",
            ),
            (
                "Marco Rossi",
                "Head of Quality",
                "champion",
                4,
                "supporter",
                "Dr. Anna Lindqvist",
                "spec1",
            ),
            (
                "Sven Olsen",
                "Head of Procurement",
                "gatekeeper",
                4,
                "neutral",
                "Dr. Anna Lindqvist",
                None,
            ),
            (
                "Julia Meier",
                "Regulatory Affairs Manager",
                "influencer",
                3,
                "neutral",
                "Marco Rossi",
                None,
            ),
        ],
        "influences": [("Julia Meier", "Dr. Anna Lindqvist")],
        "goals": [
            ("Release batches in 3 days instead of 9", 1, 12, "Days from close to release", True),
            ("Pass the MDR re-certification audit", 1, 7, "Audit without major findings", True),
        ],
        "problems": [
            (
                "Batch records are on paper and reviewed twice",
                "critical",
                "open",
                ["Release batches in 3 days instead of 9", "Pass the MDR re-certification audit"],
                ("Batch release", 3),
                "Marco Rossi",
                True,
            ),
            (
                "Sterilisation lab slots booked by e-mail",
                "high",
                "open",
                ["Release batches in 3 days instead of 9"],
                ("Batch release", 2),
                None,
                False,
            ),
            (
                "Deviation handling takes weeks",
                "medium",
                "open",
                ["Pass the MDR re-certification audit"],
                ("Batch release", 1),
                "Julia Meier",
                True,
            ),
        ],
        "moves": [
            ("New plant in Ireland", "expansion", "announced", 24, "Annual report"),
            (
                "Paperless quality programme",
                "digitalisation",
                "in_progress",
                9,
                "VP Operations in our meeting",
            ),
        ],
        "options": [
            (
                "operational",
                "Electronic batch records in the existing MES",
                ["Release batches in 3 days instead of 9"],
            ),
            (
                "strategic",
                "Bring sterilisation in-house at the new plant",
                ["Release batches in 3 days instead of 9"],
            ),
        ],
    },
}


def seed_intelligence(users: dict[str, User], customers: dict[str, Customer]) -> None:
    """Give the demo accounts a believable picture; skipped for an account that already has one."""
    today = timezone.localdate()
    for name, picture in PICTURES.items():
        customer = customers.get(name)
        if customer is None or Goal.objects.filter(customer=customer).exists():
            continue
        BusinessModel.objects.get_or_create(customer=customer, defaults=picture["canvas"])
        steps = {}
        for process_name, step_names in picture["processes"].items():
            process = Process.objects.create(customer=customer, name=process_name)
            for position, step_name in enumerate(step_names, start=1):
                steps[process_name, position - 1] = ProcessStep.objects.create(
                    process=process, position=position, name=step_name
                )
        people: dict[str, Stakeholder] = {}
        for person, title, role, influence, attitude, boss, owner in picture["people"]:
            people[person] = Stakeholder.objects.create(
                customer=customer,
                name=person,
                title=title,
                buying_role=role,
                influence=influence,
                attitude=attitude,
                reports_to=people.get(boss) if boss else None,
                owner=users.get(owner) if owner else None,
                email=f"{_ascii(person.split()[-1])}@{customer.website.split('//')[-1]}",
            )
        for source, target in picture["influences"]:
            people[source].influences.add(people[target])
        goals = {}
        for title, priority, months, metric, confirmed in picture["goals"]:
            goals[title] = Goal.objects.create(
                customer=customer,
                title=title,
                priority=priority,
                target_on=today + dt.timedelta(days=30 * months),
                metric=metric,
                confirmed=confirmed,
                source="Discovery meeting" if confirmed else "Our assumption",
            )
        for title, severity, status, blocks, step, raised_by, confirmed in picture["problems"]:
            problem = Problem.objects.create(
                customer=customer,
                title=title,
                severity=severity,
                status=status,
                process_step=steps[step] if step else None,
                raised_by=people.get(raised_by) if raised_by else None,
                confirmed=confirmed,
            )
            problem.blocks_goals.set(goals[g] for g in blocks)
        for title, kind, status, months, source in picture["moves"]:
            StrategicMove.objects.create(
                customer=customer,
                title=title,
                kind=kind,
                status=status,
                horizon_on=today + dt.timedelta(days=30 * months),
                source=source,
            )
        for kind, title, serves in picture["options"]:
            option = Option.objects.create(customer=customer, kind=kind, title=title)
            option.serves_goals.set(goals[g] for g in serves)
        changes.record_account_change(customer.pk)


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans({"ö": "oe", "ä": "ae", "ü": "ue", "ß": "ss"}))
