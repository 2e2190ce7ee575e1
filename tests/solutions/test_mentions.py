"""@mentions notify exactly the mentioned users who can see the account, once, after commit."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts import mentions
from accounts.models import Notification
from solutions import services
from solutions.models import Mention
from tests import factories


def _mention_notifications():
    return Notification.objects.filter(kind=Notification.Kind.MENTION)


def test_parsing_mentions():
    body = "@spec_a and @mgr.a, see (@sales_b). mail a@b.com; @spec_a again @end."
    assert mentions.mentioned_usernames(body) == ["spec_a", "mgr.a", "sales_b", "end"]


def test_mention_reaches_members_and_managers(
    actors, proposal_a, django_capture_on_commit_callbacks, mailoutbox
):
    body = f"@{actors.spec_a.username} and @{actors.mgr_a.username}: please look"
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.post_comment(proposal_a, author=actors.sales_a, body=body)
    reached = set(_mention_notifications().values_list("user__username", flat=True))
    assert reached == {actors.spec_a.username, actors.mgr_a.username}
    assert set(Mention.objects.filter(comment=comment).values_list("user", flat=True)) == {
        actors.spec_a.pk,
        actors.mgr_a.pk,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted([actors.spec_a.email, actors.mgr_a.email])
    note = _mention_notifications().get(user=actors.spec_a)
    assert (
        note.url == reverse("solutions:proposal", args=[proposal_a.pk]) + f"#comment-{comment.pk}"
    )
    assert note.customer_id == actors.customer_a.pk


@pytest.mark.parametrize("who", ["outsider", "sales_b", "mgr_b", "inactive", "sales_a2"])
def test_mention_of_anyone_else_notifies_no_one(
    actors, proposal_a, who, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(
            proposal_a, author=actors.sales_a, body=f"@{getattr(actors, who).username} hi"
        )
    assert not _mention_notifications().exists()
    assert not Mention.objects.exists()
    assert mailoutbox == []


def test_mentioning_a_stranger_looks_the_same_as_mentioning_a_member(client, actors, proposal_a):
    client.force_login(actors.sales_a)
    url = reverse("solutions:add-comment", args=[proposal_a.pk])
    member = client.post(url, {"body": "@spec_a hello"}, headers={"HX-Request": "true"})
    stranger = client.post(url, {"body": "@sales_b hello"}, headers={"HX-Request": "true"})
    nobody = client.post(url, {"body": "@no_such_user hello"}, headers={"HX-Request": "true"})
    assert member.status_code == stranger.status_code == nobody.status_code == 200
    for response, name in ((member, "spec_a"), (stranger, "sales_b"), (nobody, "no_such_user")):
        html = response.content.decode()
        assert f"@{name} hello" in html
        assert "sales_b@example.com" not in html
    # The whole thread differs only in the mentioned names.
    assert "Beta" not in stranger.content.decode()


def test_the_author_mentioning_themselves_is_not_notified(actors, proposal_a):
    services.post_comment(proposal_a, author=actors.sales_a, body="@sales_a note to self")
    assert not _mention_notifications().exists()


def test_email_sent_once_per_mention_after_commit(
    actors, proposal_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_comment(
            proposal_a, author=actors.sales_a, body="@spec_a @spec_a twice in one comment"
        )
        assert mailoutbox == []
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    # Delivering the task again (a retry, a duplicate) does not send it twice.
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert Notification.objects.get(user=actors.spec_a).emailed_at is not None


def test_rolled_back_comment_sends_nothing(
    actors, proposal_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.post_comment(proposal_a, author=actors.sales_a, body="@spec_a hi")
                raise RuntimeError("the request failed after the comment")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert not _mention_notifications().exists()


def test_editing_notifies_only_newly_mentioned_users(
    actors, proposal_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.post_comment(proposal_a, author=actors.sales_a, body="@spec_a look")
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_comment(
            comment,
            by=actors.sales_a,
            body=f"@spec_a look, and @{actors.mgr_a.username} too, not @outsider",
            expected_version=comment.version,
        )
    assert _mention_notifications().filter(user=actors.spec_a).count() == 1
    assert _mention_notifications().filter(user=actors.mgr_a).count() == 1
    assert not _mention_notifications().filter(user=actors.outsider).exists()
    assert len(mailoutbox) == 2


def test_mentions_in_contribution_comments_link_to_the_contribution(actors, contribution_a):
    comment = services.post_comment(
        contribution_a.proposal,
        author=actors.spec_a,
        contribution=contribution_a,
        body="@sales_a done soon",
    )
    note = _mention_notifications().get(user=actors.sales_a)
    assert note.url == (
        reverse("solutions:contribution", args=[contribution_a.pk]) + f"#comment-{comment.pk}"
    )


def test_admin_can_be_mentioned_anywhere(actors, proposal_a):
    services.post_comment(proposal_a, author=actors.sales_a, body="@admin_user fyi")
    assert _mention_notifications().filter(user=actors.admin).exists()


def test_no_more_than_the_limit_are_notified(actors, proposal_a):
    users = factories.UserFactory.create_batch(mentions.MAX_MENTIONS + 3)
    for user in users:
        factories.MembershipFactory(customer=actors.customer_a, user=user)
    body = " ".join(f"@{user.username}" for user in users)
    services.post_comment(proposal_a, author=actors.sales_a, body=body)
    assert _mention_notifications().count() == mentions.MAX_MENTIONS
