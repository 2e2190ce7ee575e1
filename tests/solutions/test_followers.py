"""Who hears about what on a proposal: its owner and the thread's participants on new comments
(until they unfollow), the requester and the lead on a contribution's answer."""

from django.urls import reverse

from accounts.models import AccountMembership, Notification
from solutions import services
from tests import factories

COMMENT = Notification.Kind.COMMENT
ANSWER = Notification.Kind.CONTRIBUTION_ANSWER


def _told(user, kind=COMMENT):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("message", flat=True))


def test_the_owner_and_everyone_who_took_part_hear_of_new_comments(actors, proposal_a):
    services.post_comment(proposal_a, author=actors.spec_a, body="How many sites?")
    # The owner (sales_a) hears; the author does not.
    assert _told(actors.sales_a) == [
        f"{actors.spec_a.display_name} commented on “Faster deliveries”."
    ]
    assert _told(actors.spec_a) == []
    services.post_comment(proposal_a, author=actors.sales_a, body="Three.")
    # spec_a took part, so they hear of the answer.
    assert len(_told(actors.spec_a)) == 1
    assert len(_told(actors.sales_a)) == 1


def test_a_mentioned_follower_gets_one_notification_not_two(actors, proposal_a):
    services.post_comment(proposal_a, author=actors.spec_a, body="Hello @sales_a")
    assert _told(actors.sales_a, COMMENT) == []
    assert len(_told(actors.sales_a, Notification.Kind.MENTION)) == 1


def test_unfollowing_stops_comment_notifications_and_following_starts_them(actors, proposal_a):
    services.follow_proposal(proposal_a, user=actors.sales_a, following=False)
    assert not services.is_following(proposal_a, actors.sales_a)
    services.post_comment(proposal_a, author=actors.spec_a, body="Anyone?")
    assert _told(actors.sales_a) == []
    # The viewer did not take part, but chose to follow.
    services.follow_proposal(proposal_a, user=actors.viewer_a, following=True)
    assert services.is_following(proposal_a, actors.viewer_a)
    services.post_comment(proposal_a, author=actors.spec_a, body="Still there?")
    assert len(_told(actors.viewer_a)) == 1
    assert _told(actors.sales_a) == []


def test_a_follower_who_left_the_account_hears_nothing(actors, proposal_a):
    services.post_comment(proposal_a, author=actors.spec_a, body="First")
    AccountMembership.objects.filter(customer=actors.customer_a, user=actors.spec_a).delete()
    services.post_comment(proposal_a, author=actors.sales_a, body="Second")
    assert _told(actors.spec_a) == []


def test_accepting_and_declining_tell_the_requester_and_the_lead(actors, contribution_a):
    other = factories.UserFactory(username="sales_x")
    factories.MembershipFactory(customer=actors.customer_a, user=other)
    contribution_a.requested_by = other
    contribution_a.save(update_fields=["requested_by"])
    services.accept_contribution(contribution_a, by=actors.spec_a)
    assert [m for m in _told(other, ANSWER) if "accepted" in m]
    assert [m for m in _told(actors.sales_a, ANSWER) if "accepted" in m]
    services.decline_contribution(contribution_a, by=actors.spec_a, reason="No capacity")
    assert [m for m in _told(actors.sales_a, ANSWER) if "declined" in m]
    assert _told(actors.spec_a, ANSWER) == []


def test_unfollow_button_and_outsider_404(actors, proposal_a, client):
    url = reverse("solutions:follow-proposal", args=[proposal_a.pk])
    client.force_login(actors.sales_b)
    assert client.post(url, {"following": "0"}).status_code == 404
    client.force_login(actors.sales_a)
    page = client.get(reverse("solutions:proposal", args=[proposal_a.pk])).content.decode()
    assert "Unfollow" in page
    assert client.post(url, {"following": "0"}).status_code == 302
    assert not services.is_following(proposal_a, actors.sales_a)
    page = client.get(reverse("solutions:proposal", args=[proposal_a.pk])).content.decode()
    assert "Follow new comments" in page


def test_posting_an_unknown_mention_says_so(actors, proposal_a, client):
    client.force_login(actors.spec_a)
    answer = client.post(
        reverse("solutions:add-comment", args=[proposal_a.pk]),
        {"body": "Ask @Sara and @sales_b"},
        follow=True,
    )
    text = answer.content.decode()
    assert "@Sara, @sales_b matched nobody on this account" in text
