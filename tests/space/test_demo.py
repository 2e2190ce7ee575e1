from django.core.management import call_command
from django.test import Client

from accounts.models import User
from space.models import Guest, PlanStep, SharedItem, SharedSpace


def test_the_demo_has_a_shared_space_and_seeding_twice_changes_nothing(db):
    call_command("seed_demo", verbosity=0)
    counts = (SharedSpace.objects.count(), SharedItem.objects.count(), PlanStep.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        SharedSpace.objects.count(),
        SharedItem.objects.count(),
        PlanStep.objects.count(),
    ) == counts
    space = SharedSpace.objects.get(customer__name="Nordwind Logistics")
    assert space.items.count() == 3
    assert Guest.objects.get(space=space).stakeholder.name == "Katrin Vogel"
    client = Client()
    client.force_login(User.objects.get(username="sales1"))
    page = client.get(f"/space/customers/{space.customer_id}/")
    assert "Share last quarter" in page.content.decode()
