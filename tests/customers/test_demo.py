from django.core.management import call_command

from customers.models import BusinessModel, Customer, Goal, Problem, Stakeholder


def test_demo_picture_is_believable_and_seeding_twice_changes_nothing(db):
    call_command("seed_demo", verbosity=0)
    counts = (Goal.objects.count(), Problem.objects.count(), Stakeholder.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Goal.objects.count(), Problem.objects.count(), Stakeholder.objects.count()) == counts
    for name in ("Nordwind Logistics", "Helix Medical"):
        customer = Customer.objects.get(name=name)
        assert BusinessModel.objects.get(customer=customer).value_proposition
        problems = Problem.objects.filter(customer=customer)
        assert problems.filter(confirmed=True, blocks_goals__isnull=False).exists()
        assert problems.filter(process_step__isnull=False).exists()
        people = Stakeholder.objects.filter(customer=customer)
        assert people.filter(reports_to__isnull=False).exists()
        assert people.filter(influences__isnull=False).exists()
        assert customer.strategic_moves.exists()
        assert customer.options.filter(serves_goals__isnull=False).exists()
