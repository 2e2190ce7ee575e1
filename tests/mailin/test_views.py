"""The email inbox, an email's page and its attachments, and the forwarding addresses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogue.models import Meeting
from mailin.models import InboundAddress, InboundEmail
from mailin.services import live_address
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox_email(actors, media):
    email = factories.InboundEmailFactory(sender=actors.sales_a, participants=["c@x.example"])
    factories.InboundAttachmentFactory(email=email)
    return email


def test_the_inbox_lists_the_senders_unmatched_emails(client, actors, inbox_email):
    factories.InboundEmailFactory(sender=actors.sales_b, subject="Beta secret")
    factories.InboundEmailFactory(sender=actors.sales_a, status="discarded", subject="Gone")
    client.force_login(actors.sales_a)
    response = client.get("/mailin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilot next steps" in page
    assert "Beta secret" not in page
    assert "Gone" not in page
    assert live_address(user=actors.sales_a).address in page
    # Choices are the accounts the user sees, and no one else's.
    assert "Alpha Industries" in page
    assert "Beta Holdings" not in page


def test_the_inbox_reads_a_fixed_number_of_queries(
    client, actors, media, django_assert_max_num_queries
):
    client.force_login(actors.sales_a)
    live_address(user=actors.sales_a)
    factories.InboundEmailFactory(sender=actors.sales_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/mailin/").status_code == 200
        return len(queries)

    one = count()
    for _ in range(4):
        email = factories.InboundEmailFactory(sender=actors.sales_a)
        factories.InboundAttachmentFactory(email=email)
    assert count() == one
    # session + user, the live address, the emails, their attachments, the account choices
    with django_assert_max_num_queries(7):
        client.get("/mailin/")


def test_assigning_logs_the_email_on_the_chosen_account(client, actors, inbox_email):
    client.force_login(actors.sales_a)
    response = client.post(
        f"/mailin/emails/{inbox_email.pk}/assign/", {"customer": actors.customer_a.pk}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dialogue/meetings/{meeting.pk}/"
    assert (meeting.customer, meeting.kind) == (actors.customer_a, "email")
    inbox_email.refresh_from_db()
    assert (inbox_email.status, inbox_email.meeting) == ("logged", meeting)


def test_assigning_to_another_teams_account_is_404(client, actors, inbox_email):
    client.force_login(actors.sales_a)
    response = client.post(
        f"/mailin/emails/{inbox_email.pk}/assign/", {"customer": actors.customer_b.pk}
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_a_viewer_cannot_assign_to_the_account_they_read(client, actors, media):
    email = factories.InboundEmailFactory(sender=actors.viewer_a)
    client.force_login(actors.viewer_a)
    response = client.post(f"/mailin/emails/{email.pk}/assign/", {"customer": actors.customer_a.pk})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_assigning_without_an_account_says_so(client, actors, inbox_email):
    client.force_login(actors.sales_a)
    response = client.post(f"/mailin/emails/{inbox_email.pk}/assign/", {"customer": ""})
    assert response.status_code == 302
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("value", ["x", "0", "²", "99999999999999999999"])
def test_a_bad_account_id_is_a_400(client, actors, inbox_email, value):
    client.force_login(actors.sales_a)
    response = client.post(f"/mailin/emails/{inbox_email.pk}/assign/", {"customer": value})
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_discarding_takes_the_email_out_of_the_inbox(client, actors, inbox_email):
    client.force_login(actors.sales_a)
    assert client.post(f"/mailin/emails/{inbox_email.pk}/discard/").status_code == 302
    inbox_email.refresh_from_db()
    assert inbox_email.status == InboundEmail.Status.DISCARDED
    assert client.post(f"/mailin/emails/{inbox_email.pk}/discard/").status_code == 404


def test_another_user_gets_404_for_an_inbox_email_and_its_attachment(client, actors, inbox_email):
    attachment = inbox_email.attachments.get()
    client.force_login(actors.sales_a2)
    for url in (
        f"/mailin/emails/{inbox_email.pk}/",
        f"/mailin/attachments/{attachment.pk}/",
    ):
        assert client.get(url).status_code == 404
    for url in (
        f"/mailin/emails/{inbox_email.pk}/assign/",
        f"/mailin/emails/{inbox_email.pk}/discard/",
    ):
        assert client.post(url, {"customer": actors.customer_a2.pk}).status_code == 404


def test_a_logged_email_is_readable_with_its_account_only(client, actors, inbox_email):
    inbox_email.status, inbox_email.customer = "logged", actors.customer_a
    inbox_email.save()
    attachment = inbox_email.attachments.get()
    client.force_login(actors.spec_a)
    assert client.get(f"/mailin/emails/{inbox_email.pk}/").status_code == 200
    download = client.get(f"/mailin/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == b"%PDF-1.4 offer"
    client.force_login(actors.sales_b)
    assert client.get(f"/mailin/emails/{inbox_email.pk}/").status_code == 404
    assert client.get(f"/mailin/attachments/{attachment.pk}/").status_code == 404


def test_the_email_page_folds_quote_and_signature(client, actors, media):
    email = factories.InboundEmailFactory(
        sender=actors.sales_a, quoted="> <script>old</script>", signature="Sam Seller"
    )
    client.force_login(actors.sales_a)
    page = client.get(f"/mailin/emails/{email.pk}/").content.decode()
    assert "<details><summary>Quoted text</summary>" in page
    assert "<script>old" not in page
    assert "&lt;script&gt;old" in page


def test_the_account_address_shows_to_its_writers_and_renews_for_its_lead(client, actors):
    url = f"/mailin/customers/{actors.customer_a.pk}/address/"
    client.force_login(actors.spec_a)
    first = live_address(customer=actors.customer_a)
    page = client.get(url).content.decode()
    assert first.address in page
    assert "New address" not in page
    assert client.post(f"{url}renew/").status_code == 403
    client.force_login(actors.viewer_a)
    assert first.address not in client.get(url).content.decode()
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}renew/").status_code == 404
    client.force_login(actors.sales_a)
    assert "New address" in client.get(url).content.decode()
    assert client.post(f"{url}renew/").status_code == 302
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert InboundAddress.objects.filter(customer=actors.customer_a, revoked_at=None).count() == 1


def test_the_users_own_address_and_its_renewal(client, actors):
    client.force_login(actors.sales_a)
    address = live_address(user=actors.sales_a)
    assert address.address.startswith("user+")
    assert address.address.endswith("@inbound.accord.localhost")
    assert address.address in client.get("/mailin/address/").content.decode()
    assert client.post("/mailin/address/renew/").status_code == 302
    assert live_address(user=actors.sales_a).token != address.token


def test_the_pages_load_the_address_fragments(client, actors):
    client.force_login(actors.sales_a)
    detail = client.get(f"/customers/{actors.customer_a.pk}/").content.decode()
    assert f'hx-get="/mailin/customers/{actors.customer_a.pk}/address/"' in detail
    assert 'hx-get="/mailin/address/"' in client.get("/accounts/preferences/").content.decode()
