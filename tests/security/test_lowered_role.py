"""Issue 16, "Tests and proof": every write endpoint tried by a user whose role was just lowered.

test_cross_team.py tries every unsafe method on every object URL of the account; this file
covers the other door, the API collections that create a record on an account named in the
body. Each body is first proven valid (the account's lead creates with it), then a specialist
lowered to viewer a moment ago sends it: 403, and nothing is created.
"""

import json

import pytest
from django.utils import timezone

from accounts.models import AccountMembership
from tests import factories
from tests.security.policy import CUSTOMER, rule_for
from tests.security.routes import all_routes, model_of

CREATE_ROUTES = [
    route
    for route in all_routes()
    if route.is_api
    and not route.kwargs
    and "post" in route.actions
    and (rule := rule_for(route.key)) is not None
    and rule.scope == CUSTOMER
    # Creating a customer names no account: can_create_customers, tested in tests/customers.
    and route.key != "api/customers/"
]


def create_body(route, actors, proposal, specialist) -> dict:
    """A body that creates one record on team A's account (fields a serializer does not know
    are ignored)."""
    customer = actors.customer_a
    body = {
        "customer": customer.pk,
        "title": "Created",
        "name": "Created",
        "description": "Created",
        "body": "Created",
        "request": "Created",
        "owner": actors.sales_a.pk,
        "occurred_at": timezone.now().isoformat(),
        "due_on": timezone.localdate().isoformat(),
        "proposal": proposal.pk,
        "currency": "EUR",
        "text": "Created",
        "category": "strength",
        "amount": 1000,
        "probability": 50,
    }
    if route.key == "api/contributions/":
        body["specialist"] = specialist.pk
    if route.key == "api/space-steps/":
        body["owner_user"] = actors.sales_a.pk
    if route.key == "api/plan-items/":
        body["kind"] = "action"
    if route.key == "api/whitespace-cells/":
        body["status"], body["reason"] = "opportunity", "Created"
        body["division"] = factories.DivisionFactory(customer=customer).pk
        body["offering"] = factories.OfferingFactory().pk
    return body


@pytest.mark.parametrize("route", CREATE_ROUTES, ids=lambda r: r.key)
def test_no_create_by_a_specialist_lowered_to_viewer(route, actors, api_client):
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.sales_a)
    colleague = factories.UserFactory(role="specialist")
    factories.MembershipFactory(customer=actors.customer_a, user=colleague)
    body = json.dumps(create_body(route, actors, proposal, colleague))
    model = model_of(route)
    path = "/" + route.key

    api_client.force_authenticate(actors.sales_a)
    control = api_client.post(path, data=body, content_type="application/json")
    # The same kind of body again, for records that may exist once (a proposal's value, a
    # whitespace cell): a refusal must come from the role, not from a uniqueness check.
    another = factories.ProposalFactory(customer=actors.customer_a, owner=actors.sales_a)
    body = json.dumps(create_body(route, actors, another, colleague))
    assert control.status_code == 201, (path, control.content)

    AccountMembership.objects.filter(customer=actors.customer_a, user=actors.spec_a).update(
        role=AccountMembership.Role.VIEWER
    )
    before = model._default_manager.count()
    api_client.force_authenticate(actors.spec_a)
    response = api_client.post(path, data=body, content_type="application/json")

    assert response.status_code == 403, (path, response.content)
    assert model._default_manager.count() == before
