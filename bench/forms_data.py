"""Form bodies for the write probes, as a browser would post them."""

from typing import Any

from django.utils import timezone

from customers.models import Customer


def log_meeting_data(customer_id: int, i: int) -> dict[str, Any]:
    """A typical 'log a meeting' submission: two attendees, a goal, a problem, a next step."""
    customer = Customer.objects.get(pk=customer_id)
    stakeholders = list(customer.stakeholders.values_list("pk", flat=True)[:2])
    goal = customer.goals.values_list("pk", flat=True).first()
    problem = customer.problems.values_list("pk", flat=True).first()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {
        "meeting-occurred_at": now,
        "meeting-kind": "meeting",
        "meeting-title": f"Benchmark meeting {i}",
        "meeting-stakeholders": stakeholders,
        "meeting-internal_attendees": [customer.lead_id],
        "meeting-notes": "Discussed the **delivery** delays and the pilot.",
        "meeting-customer_said": "We need visibility before the peak season.",
        "meeting-insights": "Budget exists if the pilot proves the saving.",
        "meeting-goals": [goal] if goal else [],
        "meeting-problems": [problem] if problem else [],
        "meeting-sentiment": "positive",
        "new_problem-TOTAL_FORMS": "1",
        "new_problem-INITIAL_FORMS": "0",
        "new_person-TOTAL_FORMS": "1",
        "new_person-INITIAL_FORMS": "0",
        "new_problem-0-title": "",
        "new_problem-0-severity": "medium",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-description": "Send the pilot plan",
        "steps-0-owner": str(customer.lead_id),
        "steps-0-due_on": timezone.localdate().isoformat(),
    }
