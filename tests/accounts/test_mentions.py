"""@mention suggestions and checks: the people who can see the account, accents folded."""

from django.urls import reverse
from django.utils import timezone

from accounts import mentions
from accounts.models import Notification
from dialogue import services as dialogue_services
from dialogue.services import MeetingData
from tests import factories


def _url(customer):
    return reverse("customers:mentionable", args=[customer.pk])


def test_fold_ignores_accents_and_case():
    assert mentions.fold("Séverine ÅNGSTRÖM") == "severine angstrom"


def test_suggestions_match_first_last_or_username_accents_folded(actors, client):
    severine = factories.UserFactory(username="sdupre", first_name="Séverine", last_name="Dupré")
    factories.MembershipFactory(customer=actors.customer_a, user=severine)
    client.force_login(actors.sales_a)
    for typed in ("sev", "SÉV", "dupre", "sdu"):
        people = client.get(_url(actors.customer_a), {"q": typed}).json()["people"]
        assert [p["username"] for p in people] == ["sdupre"], typed
    assert client.get(_url(actors.customer_a), {"q": "zzz"}).json()["people"] == []


def test_people_who_cannot_see_the_account_are_neither_offered_nor_known(actors, client):
    client.force_login(actors.sales_a)
    answer = client.get(
        _url(actors.customer_a), {"q": "sales", "names": "spec_a,sales_b,nobody"}
    ).json()
    offered = {p["username"] for p in answer["people"]}
    assert "sales_a" in offered
    assert "sales_b" not in offered
    assert answer["unknown"] == ["sales_b", "nobody"]


def test_outsider_gets_404(actors, client):
    client.force_login(actors.sales_b)
    assert client.get(_url(actors.customer_a), {"q": "s"}).status_code == 404


def test_query_count_does_not_grow_with_the_team(actors, client, django_assert_max_num_queries):
    for _ in range(5):
        factories.MembershipFactory(customer=actors.customer_a, user=factories.UserFactory())
    client.force_login(actors.sales_a)
    # session, user, the customer with the user's access, the people who can see it, and the
    # session's first save after sign-in (savepoint, update, release)
    with django_assert_max_num_queries(7):
        assert client.get(_url(actors.customer_a), {"q": ""}).status_code == 200


def test_a_mention_in_meeting_notes_tells_that_person(actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_services.log_meeting(
            actors.customer_a,
            author=actors.sales_a,
            data=MeetingData(
                occurred_at=timezone.now(),
                title="Kick-off",
                notes="@spec_a please size it; @sales_b too",
            ),
        )
    (told,) = Notification.objects.filter(kind=Notification.Kind.MENTION)
    assert told.user == actors.spec_a
    assert "Kick-off" in told.message
