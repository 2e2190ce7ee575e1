"""The demo fills the strategy pages: divisions, whitespace, SWOT/PESTLE, a playbook, values."""

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from customers.models import Customer
from strategy.models import (
    AnalysisItem,
    Division,
    Playbook,
    ProposalValue,
    StoredScorecard,
    WhitespaceCell,
)


def strategy_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Division, WhitespaceCell, AnalysisItem, Playbook, ProposalValue)
    )


def test_the_demo_fills_the_strategy_pages_and_seeding_twice_changes_nothing(db, client):
    call_command("seed_demo", verbosity=0)
    counts = strategy_counts()
    call_command("seed_demo", verbosity=0)
    assert strategy_counts() == counts
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    cells = WhitespaceCell.objects.filter(customer=nordwind)
    assert set(cells.values_list("status", flat=True)) == {
        "installed",
        "proposed",
        "opportunity",
        "not_a_fit",
        "competitor",
    }
    assert AnalysisItem.objects.filter(customer=nordwind, problem__isnull=False).exists()
    assert ProposalValue.objects.filter(customer=nordwind).exists()
    card = StoredScorecard.objects.get(customer=nordwind)
    assert card.percent is not None
    assert card.open_value > 0
    assert card.installed_value == 185000

    client.force_login(User.objects.get(username="sales1"))
    page = client.get(reverse("strategy:whitespace", args=[nordwind.pk])).content.decode()
    assert "Road freight" in page
    assert "Telematics" in page
    swot = client.get(reverse("strategy:swot", args=[nordwind.pk])).content.decode()
    assert "Dense hub network" in swot
