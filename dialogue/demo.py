"""Demo meetings and next steps for the demo customers (idempotent: keyed by meeting title)."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue import services
from dialogue.models import ActionItem, Meeting
from dialogue.services import MeetingData, NewProblem, NextStep

# customer, days ago, kind, title, author, sentiment, stakeholders (name, title, role),
# notes, customer said, insights, new problem (title, severity) or None,
# next steps (description, owner, due in days; negative = overdue)
MEETINGS = [
    (
        "Nordwind Logistics",
        84,
        "visit",
        "Depot walk-through in Hamburg",
        "sales1",
        "positive",
        [
            ("Katrin Vogel", "COO", "decision_maker"),
            ("Lars Petersen", "Head of Depots", "champion"),
        ],
        "Walked the **cross-dock** with Lars.\n\n- 14 loading bays, 3 idle at peak\n- Manual "
        "slot booking by phone",
        "“We lose two hours a day to trucks waiting for a bay.” Katrin wants fewer empty "
        "kilometres before the 2027 budget round.",
        "Bay scheduling is the pain, not the warehouse system. Lars is our champion.",
        ("Trucks wait for loading bays at peak", "high"),
        [("Send a reference case on dock scheduling", "sales1", -12)],
    ),
    (
        "Nordwind Logistics",
        41,
        "workshop",
        "Dock scheduling workshop",
        "sales1",
        "neutral",
        [
            ("Lars Petersen", "Head of Depots", "champion"),
            ("Anna Brandt", "IT Architect", "gatekeeper"),
        ],
        "Mapped the booking flow end to end. IT insists on their SSO and an audit trail.",
        "Anna: “Anything new must run in our tenant and log every change.” Lars asked how "
        "fast a pilot could start.",
        "IT is a gatekeeper, not a blocker: meet the SSO requirement early.",
        ("No audit trail for slot changes", "medium"),
        [
            ("Draft a pilot plan for two depots", "sales1", -3),
            ("Check SSO and audit requirements with Engineering", "spec1", 5),
        ],
    ),
    (
        "Nordwind Logistics",
        9,
        "call",
        "Pilot scope call",
        "spec1",
        "positive",
        [("Lars Petersen", "Head of Depots", "champion")],
        "Agreed a 6-week pilot at Hamburg and Bremen.",
        "“If the pilot cuts waiting by a third, Katrin will sign.”",
        "Success criterion is explicit: one third less waiting time.",
        None,
        [("Prepare the pilot success dashboard", "spec1", 14)],
    ),
    (
        "Helix Medical",
        63,
        "meeting",
        "Quality and traceability review",
        "sales1",
        "negative",
        [
            ("Dr. Miriam Okafor", "VP Quality", "decision_maker"),
            ("Paul Jensen", "Production Lead", "user"),
        ],
        "Recall last quarter traced back to a missing batch record.",
        "Miriam: “The auditors will be back in March and we are not ready.” Paul: the line "
        "has no time for extra paperwork.",
        "Regulatory pressure makes this urgent; the line workers must not get more typing.",
        ("Batch records are incomplete after shift changes", "critical"),
        [("Share the traceability outline with Miriam", "sales1", -20)],
    ),
    (
        "Helix Medical",
        17,
        "call",
        "Follow-up on audit readiness",
        "spec1",
        "neutral",
        [("Dr. Miriam Okafor", "VP Quality", "decision_maker")],
        "Walked through a scanning-based batch record proposal.",
        "“Show me it works on one line before we talk budget.”",
        "A single-line proof is the way in.",
        None,
        [("Estimate effort for a one-line proof", "spec1", -2)],
    ),
    (
        "Brightwater Foods",
        28,
        "email",
        "Energy cost question from the CFO",
        "sales1",
        "neutral",
        [("Henrik Moll", "CFO", "decision_maker")],
        "Henrik asked for benchmarks on cold-storage energy use.",
        "“Our energy bill doubled; where do companies like us save first?”",
        "Energy cost is the CFO's top topic this year.",
        ("Cold-storage energy costs doubled", "high"),
        [("Send cold-storage energy benchmarks", "sales1", 3)],
    ),
    (
        "Kestrel Aerospace",
        35,
        "meeting",
        "Supplier portal kick-off",
        "sales2",
        "positive",
        [("Ines Carvalho", "Procurement Director", "decision_maker")],
        "Kick-off for the supplier portal evaluation.",
        "“We need supplier certificates in one place before the next programme starts.”",
        "Timeline is driven by the new programme start.",
        None,
        [("Send the portal security questionnaire", "sales2", 7)],
    ),
]


def _stakeholder(customer: Customer, name: str, title: str, role: str) -> Stakeholder:
    stakeholder = Stakeholder.objects.filter(customer=customer, name=name).first()
    if stakeholder is None:
        stakeholder = Stakeholder.objects.create(
            customer=customer, name=name, title=title, buying_role=role
        )
    return stakeholder


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    for row in MEETINGS:
        (name, days_ago, kind, title, author, sentiment, people) = row[:7]
        notes, said, insights, problem, steps = row[7:]
        customer = customers.get(name)
        if customer is None or Meeting.objects.filter(customer=customer, title=title).exists():
            continue
        stakeholders = [_stakeholder(customer, *person) for person in people]
        goals = list(Goal.objects.filter(customer=customer)[:2])
        problems = list(Problem.objects.filter(customer=customer)[:1])
        author_user = users[author]
        attendees = {author_user, users[steps[0][1]]} if steps else {author_user}
        meeting = services.log_meeting(
            customer,
            author=author_user,
            data=MeetingData(
                occurred_at=now - dt.timedelta(days=days_ago, hours=3),
                title=title,
                kind=kind,
                notes=notes,
                customer_said=said,
                insights=insights,
                sentiment=sentiment,
                stakeholders=stakeholders,
                internal_attendees=attendees,
                goals=goals,
                problems=problems,
            ),
            new_problem=NewProblem(title=problem[0], severity=problem[1]) if problem else None,
            next_steps=[
                NextStep(
                    description=description,
                    owner=users[owner],
                    due_on=today + dt.timedelta(days=due_in),
                )
                for description, owner, due_in in steps
            ],
        )
        # What came out of a past meeting dates from that meeting, so the timeline reads true.
        ActionItem.objects.filter(meeting=meeting).update(created_at=meeting.occurred_at)
        Problem.objects.filter(meetings=meeting, created_at__gt=meeting.occurred_at).update(
            created_at=meeting.occurred_at
        )
        # The oldest meeting's follow-up is done, so the list shows a finished item too.
        if days_ago > 80:
            ActionItem.objects.create(
                customer=customer,
                meeting=meeting,
                description="Book the depot visit",
                owner=author_user,
                due_on=today - dt.timedelta(days=days_ago + 7),
                status=ActionItem.Status.DONE,
                completed_at=now - dt.timedelta(days=days_ago + 8),
                created_by=author_user,
            )
