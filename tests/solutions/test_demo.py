from django.core.management import call_command

from accounts.models import Notification, User
from solutions import queries
from solutions.models import Comment, Contribution, Mention, Partner, Proposal


def test_demo_data_is_idempotent_and_gives_spec1_a_request(db):
    call_command("seed_demo", verbosity=0)
    counts = [m.objects.count() for m in (Partner, Proposal, Contribution, Comment, Mention)]
    call_command("seed_demo", verbosity=0)
    assert [
        m.objects.count() for m in (Partner, Proposal, Contribution, Comment, Mention)
    ] == counts
    assert all(counts)
    spec1 = User.objects.get(username="spec1")
    requests = list(queries.requests_for(spec1))
    assert [c.status for c in requests] == ["requested"]
    assert requests[0].proposal.customer.lead.username == "sales1"
    assert Notification.objects.filter(user=spec1, kind="mention").count() == 1
    assert set(Proposal.objects.values_list("customer__lead__username", flat=True)) == {"sales1"}
