"""Every guest action is in the account's audit trail, with the guest (by name, marked as a
guest) as the actor, and so are the lead's invitations and revocations."""

import html

import pytest
from django.test import Client

from core.models import AuditEvent
from space import guests
from space.models import Message
from tests.space.conftest import link_from_outbox

GUEST = "Katrin Vogel (guest)"
IP = "203.0.113.44"


def guest_posts(client: Client, url: str, data: dict | None = None) -> None:
    assert client.post(url, data or {}, REMOTE_ADDR=IP).status_code == 302


def audit_page(actors) -> str:
    lead = Client()
    lead.force_login(actors.sales_a)
    response = lead.get(f"/customers/{actors.customer_a.pk}/audit/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def guest_audit(shared, actors):
    """The guest signs in, does each kind of thing a guest can do, and signs out."""
    client = Client()
    assert client.get(link_from_outbox()).status_code == 200
    assert client.post(link_from_outbox(), REMOTE_ADDR=IP).status_code == 302
    goal = shared.space.items.get(goal=shared.goal)
    problem = shared.space.items.get(problem=shared.problem)
    step = f"/shared/steps/{shared.step.pk}/"
    prefix = f"s{shared.step.pk}"
    guest_posts(client, f"/shared/items/{goal.pk}/confirm/")
    guest_posts(
        client, f"/shared/items/{problem.pk}/correct/", {f"c{problem.pk}-title": "Gate 3 waits"}
    )
    guest_posts(client, f"/shared/items/{goal.pk}/rank/", {f"r{goal.pk}-value": "1"})
    guest_posts(client, f"/shared/items/{problem.pk}/irrelevant/")
    guest_posts(client, "/shared/suggest/", {"kind": "new_problem", "title": "Pallets break"})
    guest_posts(client, step, {f"{prefix}-action": "done"})
    guest_posts(client, step, {f"{prefix}-action": "reopen"})
    guest_posts(client, step, {f"{prefix}-action": "comment", f"{prefix}-body": "Sent Friday"})
    guest_posts(client, step, {f"{prefix}-action": "date", f"{prefix}-due_on": "2027-02-01"})
    guest_posts(client, "/shared/messages/", {"body": "See you in Bremen"})
    guest_posts(client, "/shared/sign-out/")
    return shared


# (what the audit trail says was done, the kind of record it was done to)
GUEST_ACTIONS = [
    ("signed in to the shared space", "guest"),
    ("confirmed Cut empty kilometres by 15%", "goal"),
    ("suggested a correction to Trucks queue at the Bremen gate", "problem"),
    ("suggested a new priority or severity for Cut empty kilometres by 15%", "goal"),
    ("said this is no longer relevant: Trucks queue at the Bremen gate", "problem"),
    ("suggested Pallets break", "feedback"),
    ("marked done Send the gate data", "plan step"),
    ("reopened Send the gate data", "plan step"),
    ("commented on Send the gate data", "plan step"),
    ("proposed a new date for Send the gate data", "plan step"),
    ("wrote in the shared space See you in Bremen", "message"),
    ("signed out of the shared space", "guest"),
]


def test_every_guest_action_is_audited_with_the_guest_as_actor(guest_audit, actors):
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.GUEST_ACTION).order_by("id"))
    assert [(e.detail, e.object_type) for e in events] == GUEST_ACTIONS
    assert {e.username for e in events} == {GUEST}
    assert {e.actor_id for e in events} == {None}  # a guest is not a user
    assert {e.customer_id for e in events} == {actors.customer_a.pk}
    assert {e.ip_address for e in events} == {IP}
    message = Message.objects.get(step__isnull=True)
    assert events[-2].object_id == str(message.pk)
    assert events[6].object_id == str(guest_audit.step.pk)


def test_guest_actions_are_on_the_accounts_audit_tab(guest_audit, actors):
    page = audit_page(actors)
    assert page.count(f"<td>{GUEST} <span") == len(GUEST_ACTIONS)  # the Who column, with the IP
    for detail, _kind in GUEST_ACTIONS:
        assert detail in page
    assert "Action by a customer guest" in page


def test_the_lead_inviting_and_revoking_a_guest_is_audited(shared, actors):
    guests.revoke_guest(shared.guest, by=actors.sales_a)
    events = list(AuditEvent.objects.filter(object_type="guest", actor=actors.sales_a))
    assert [e.action for e in events] == ["guest_revoked", "guest_invited"]
    assert {e.object_id for e in events} == {str(shared.guest.pk)}
    assert {e.detail for e in events} == {f"{GUEST} <katrin@nordwind.example>"}
    page = audit_page(actors)
    assert "Guest invited to the shared space" in page
    assert "Guest access revoked" in page


def test_another_accounts_audit_tab_shows_no_guest_action(guest_audit, actors):
    lead_b = Client()
    lead_b.force_login(actors.sales_b)
    page = lead_b.get(f"/customers/{actors.customer_b.pk}/audit/").content.decode()
    assert GUEST not in html.unescape(page)
