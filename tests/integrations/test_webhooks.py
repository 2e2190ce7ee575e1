"""Outgoing webhooks: events from the change feed, Standard Webhooks signatures verified with
the library, retries and switching off, SSRF refusals, and the visibility rule."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts.models import Notification
from dialogue import services as dialogue_services
from insights import plans
from integrations import events, webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.tasks import overdue_webhook_events_task
from solutions import services as solutions_services
from tests import factories
from tests.conftest import api_as


class Receiver:
    """A local HTTP server that records what it receives and answers `status`."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                if receiver.status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def endpoint_for(owner, url, events=("meeting.logged",), **kwargs):
    return WebhookEndpoint.objects.create(
        owner=owner,
        url=url,
        events=list(events),
        secret=webhooks.new_secret(),
        allow_private=True,
        **kwargs,
    )


def log_meeting(customer, author, title="Gate review"):
    return dialogue_services.log_meeting(
        customer,
        author=author,
        data=dialogue_services.MeetingData(occurred_at=timezone.now(), kind="meeting", title=title),
    )


def test_meeting_logged_is_delivered_signed_to_a_local_server(
    actors, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(actors.mgr_a, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = log_meeting(actors.customer_a, actors.sales_a)
    # Through the change feed's consumer and the delivery task (eager in tests).
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "meeting.logged"
    assert payload["version"] == events.PAYLOAD_VERSION
    assert payload["data"]["account"]["id"] == actors.customer_a.pk
    assert payload["data"]["meeting"]["id"] == meeting.pk
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("succeeded", 204, 1)
    assert delivery.response_ms is not None
    # A tampered body fails the receiver's check.
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(endpoint.secret).verify(body.replace(b"Gate", b"Fake"), headers)


def test_other_teams_endpoint_hears_nothing(actors, receiver):
    endpoint_for(actors.mgr_b, receiver.url)
    mine = endpoint_for(actors.mgr_a, receiver.url)
    log_meeting(actors.customer_a, actors.sales_a)
    webhooks.publish_account_events(actors.customer_a.pk)
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [mine.pk]


def test_delivery_refused_when_the_owner_no_longer_sees_the_account(actors, receiver):
    endpoint = endpoint_for(actors.mgr_a, receiver.url)
    log_meeting(actors.customer_a, actors.sales_a)
    webhooks.publish_account_events(actors.customer_a.pk)
    actors.mgr_a.managed_teams.all().delete()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert webhooks.deliver(delivery.pk) == "refused"
    assert receiver.received == []


def test_health_band_change_and_problem_events(actors, receiver):
    endpoint_for(
        actors.admin, receiver.url, events=("account.health_band_changed", "problem.created")
    )
    customer = actors.customer_a
    type(customer).objects.filter(pk=customer.pk).update(health_band="green", health_score=75)
    assert webhooks.publish_account_events(customer.pk) == 0  # the first look
    type(customer).objects.filter(pk=customer.pk).update(health_band="red", health_score=31)
    problem = factories.ProblemFactory(customer=customer, title="Gate delays")
    assert webhooks.publish_account_events(customer.pk) == 2
    for delivery_id in webhooks.due_deliveries():
        webhooks.deliver(delivery_id)
    payloads = [json.loads(body) for _headers, body in receiver.received]
    assert [p["type"] for p in payloads] == ["account.health_band_changed", "problem.created"]
    assert payloads[0]["data"]["from"] == "green"
    assert payloads[0]["data"]["to"] == "red"
    assert payloads[1]["data"]["problem"]["id"] == problem.pk
    # Nothing new: nothing sent.
    assert webhooks.publish_account_events(customer.pk) == 0


def test_failing_endpoint_is_retried_then_switched_off(actors, time_machine):
    failing = Receiver(status=500)
    try:
        endpoint = endpoint_for(actors.mgr_a, failing.url)
        log_meeting(actors.customer_a, actors.sales_a)
        webhooks.publish_account_events(actors.customer_a.pk)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        start = timezone.now()
        time_machine.move_to(start, tick=False)
        assert webhooks.deliver(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.response_status) == (1, 500)
        assert delivery.next_attempt_at == delivery.created_at + dt.timedelta(seconds=30)
        # Not due yet: the beat task leaves it.
        assert webhooks.due_deliveries() == []
        attempts = 1
        while delivery.next_attempt_at is not None:
            time_machine.move_to(delivery.next_attempt_at, tick=False)
            assert webhooks.due_deliveries() == [delivery.pk]
            webhooks.deliver(delivery.pk)
            attempts += 1
            delivery.refresh_from_db()
        endpoint.refresh_from_db()
        assert delivery.status == "failed"
        assert attempts == len(failing.received) >= 6
        assert not endpoint.is_active
        assert Notification.objects.filter(user=actors.mgr_a, url__contains="webhooks").exists()
    finally:
        failing.stop()


def test_redirects_are_not_followed(actors):
    redirecting = Receiver(status=302)
    try:
        endpoint = endpoint_for(actors.mgr_a, redirecting.url)
        delivery = webhooks.send_test_event(endpoint)
        webhooks.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.response_status) == ("pending", 302)
        assert len(redirecting.received) == 1
    finally:
        redirecting.stop()


def test_chat_format_is_one_line_with_a_link(actors, receiver):
    endpoint_for(actors.mgr_a, receiver.url, format=WebhookEndpoint.Format.CHAT)
    log_meeting(actors.customer_a, actors.sales_a)
    webhooks.publish_account_events(actors.customer_a.pk)
    for delivery_id in webhooks.due_deliveries():
        webhooks.deliver(delivery_id)
    _headers, body = receiver.received[-1]
    text = json.loads(body)["text"]
    assert "\n" not in text
    assert text == (
        "Meeting logged: Gate review (Alpha Industries) "
        f"http://127.0.0.1:8000/customers/{actors.customer_a.pk}/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_and_local_targets_are_refused(actors, client, url):
    client.force_login(actors.mgr_a)
    response = client.post(
        reverse("integrations:webhooks"),
        {"url": url, "events": ["meeting.logged"], "format": "json"},
    )
    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(webhooks.UnsafeTarget):
        webhooks.check_target(url, allow_private=False)


def test_manager_adds_an_endpoint_and_sends_a_test_event(
    actors, client, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    client.force_login(actors.mgr_a)
    response = client.post(
        reverse("integrations:webhooks"),
        {"url": receiver.url, "events": ["meeting.logged"], "format": "json"},
    )
    endpoint = WebhookEndpoint.objects.get(owner=actors.mgr_a)
    assert response.url == reverse("integrations:webhook", args=[endpoint.pk])
    assert endpoint.secret.startswith("whsec_")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:webhook-test", args=[endpoint.pk]))
    headers, body = receiver.received[-1]
    assert Webhook(endpoint.secret).verify(body, headers)["type"] == "test"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("integrations:webhook-resend", args=[delivery.pk]))
    assert len(receiver.received) == 2
    page = client.get(reverse("integrations:webhook", args=[endpoint.pk]))
    assert page.content.decode().count("Delivered") == 2


def test_salesperson_and_specialist_may_not_manage_webhooks(actors, client):
    for user in (actors.sales_a, actors.spec_a):
        client.force_login(user)
        assert client.get(reverse("integrations:webhooks")).status_code == 403


def test_another_users_endpoint_and_delivery_are_404(actors, client):
    endpoint = endpoint_for(actors.mgr_a, "https://example.com/hook")
    delivery = webhooks.send_test_event(endpoint)
    for user in (actors.mgr_b, actors.admin, actors.sales_a):
        client.force_login(user)
        assert client.get(reverse("integrations:webhook", args=[endpoint.pk])).status_code == 404
        for name in ("webhook-test", "webhook-delete"):
            url = reverse(f"integrations:{name}", args=[endpoint.pk])
            assert client.post(url).status_code == 404
        url = reverse("integrations:webhook-resend", args=[delivery.pk])
        assert client.post(url).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_webhook_pages_query_count(actors, client, django_assert_max_num_queries):
    endpoint = endpoint_for(actors.mgr_a, "https://example.com/hook")
    for _ in range(5):
        webhooks.send_test_event(endpoint)
    client.force_login(actors.mgr_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("integrations:webhook", args=[endpoint.pk])).status_code == 200
    factories.WebhookEndpointFactory(owner=actors.mgr_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("integrations:webhooks")).status_code == 200


def deliver_all() -> None:
    for delivery_id in webhooks.due_deliveries():
        webhooks.deliver(delivery_id)


def received(receiver) -> list[dict]:
    return [json.loads(body) for _headers, body in receiver.received]


def test_problem_confirmed_once_when_the_customer_confirms_it(actors, receiver):
    endpoint_for(actors.mgr_a, receiver.url, events=("problem.confirmed",))
    problem = factories.ProblemFactory(customer=actors.customer_a, title="Gate delays")
    assert webhooks.publish_account_events(actors.customer_a.pk) == 0  # created, not confirmed
    problem.confirmed = True
    problem.save()
    assert webhooks.publish_account_events(actors.customer_a.pk) == 1
    problem.title = "Gate delays at the border"
    problem.save()  # still confirmed: nothing new
    assert webhooks.publish_account_events(actors.customer_a.pk) == 0
    deliver_all()
    [payload] = received(receiver)
    assert payload["type"] == "problem.confirmed"
    assert payload["data"]["problem"] == {
        "id": problem.pk,
        "title": "Gate delays",
        "severity": problem.severity,
        "status": "open",
        "confirmed": True,
    }


def test_contribution_requested_and_done(actors, receiver):
    endpoint_for(actors.mgr_a, receiver.url, events=("contribution.requested", "contribution.done"))
    proposal = factories.ProposalFactory(customer=actors.customer_a, title="Border lanes")
    contribution = solutions_services.request_contribution(
        proposal, by=actors.sales_a, specialist=actors.spec_a, request="Cost it"
    )
    assert webhooks.publish_account_events(actors.customer_a.pk) == 1
    solutions_services.accept_contribution(contribution, by=actors.spec_a)
    assert webhooks.publish_account_events(actors.customer_a.pk) == 0  # in progress: not asked
    contribution.refresh_from_db()
    contribution.description = "Two engineers for a month."
    contribution.save()
    solutions_services.complete_contribution(contribution, by=actors.spec_a)
    assert webhooks.publish_account_events(actors.customer_a.pk) == 1
    deliver_all()
    payloads = received(receiver)
    assert [p["type"] for p in payloads] == ["contribution.requested", "contribution.done"]
    assert payloads[1]["data"]["contribution"]["id"] == contribution.pk
    assert payloads[1]["data"]["contribution"]["specialist"] == actors.spec_a.display_name
    assert payloads[1]["data"]["proposal"] == {"id": proposal.pk, "title": "Border lanes"}


def test_plan_approved_but_not_changes_requested(actors, receiver):
    endpoint_for(actors.admin, receiver.url, events=("plan.approved",))
    customer = actors.customer_a
    plans.submit_plan(customer, by=actors.sales_a)
    plans.review_plan(customer, by=actors.mgr_a, approve=False, comment="Say more")
    plans.submit_plan(customer, by=actors.sales_a)
    assert webhooks.publish_account_events(customer.pk) == 0
    plans.review_plan(customer, by=actors.mgr_a, approve=True, comment="Good")
    assert webhooks.publish_account_events(customer.pk) == 1
    deliver_all()
    [payload] = received(receiver)
    assert payload["type"] == "plan.approved"
    assert payload["data"]["plan"]["approved_by"] == actors.mgr_a.display_name
    assert payload["data"]["plan"]["comment"] == "Good"


def test_action_item_overdue_once_per_item_from_the_daily_job(
    actors, receiver, time_machine, django_capture_on_commit_callbacks
):
    endpoint_for(actors.mgr_a, receiver.url, events=("action_item.overdue",))
    endpoint_for(actors.mgr_b, receiver.url, events=("action_item.overdue",))
    today = dt.date(2026, 12, 7)
    time_machine.move_to(dt.datetime(2026, 12, 7, 7, tzinfo=dt.UTC), tick=False)
    item = factories.ActionItemFactory
    backlog = item(customer=actors.customer_a, due_on=today - dt.timedelta(days=5))
    due_yesterday = item(customer=actors.customer_a, due_on=today - dt.timedelta(days=1))
    item(customer=actors.customer_a, due_on=today - dt.timedelta(days=1), status="done")
    due_today = item(customer=actors.customer_a, due_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert overdue_webhook_events_task() == 1
    # The first look announces what fell overdue overnight, not the account's backlog.
    assert [p["data"]["action_item"]["id"] for p in received(receiver)] == [due_yesterday.pk]
    with django_capture_on_commit_callbacks(execute=True):
        overdue_webhook_events_task()  # the same day again: nothing new
    assert len(receiver.received) == 1
    time_machine.move_to(dt.datetime(2026, 12, 8, 7, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        overdue_webhook_events_task()
    payloads = received(receiver)
    assert [p["data"]["action_item"]["id"] for p in payloads] == [due_yesterday.pk, due_today.pk]
    assert payloads[1]["data"]["action_item"]["due_on"] == "2026-12-07"
    assert payloads[1]["data"]["account"]["id"] == actors.customer_a.pk
    assert backlog.pk not in {p["data"]["action_item"]["id"] for p in payloads}
    # Only the endpoint whose owner sees the account heard about it.
    assert set(WebhookDelivery.objects.values_list("endpoint__owner", flat=True)) == {
        actors.mgr_a.pk
    }


def test_endpoint_failing_for_a_day_is_switched_off_and_its_owner_told(actors, time_machine):
    failing = Receiver(status=503)
    try:
        endpoint = endpoint_for(actors.mgr_a, failing.url)
        start = timezone.now()
        time_machine.move_to(start, tick=False)
        webhooks.deliver(webhooks.send_test_event(endpoint).pk)
        endpoint.refresh_from_db()
        assert (endpoint.is_active, endpoint.failing_since) == (True, start)
        # A day later another event fails too: the endpoint has failed for a day.
        time_machine.move_to(start + dt.timedelta(days=1, seconds=1), tick=False)
        webhooks.deliver(webhooks.send_test_event(endpoint).pk)
        endpoint.refresh_from_db()
        assert not endpoint.is_active
        assert endpoint.disabled_at is not None
        assert not WebhookDelivery.objects.filter(status="pending").exists()
        notice = Notification.objects.get(user=actors.mgr_a)
        assert failing.url in notice.message
        assert notice.url == f"/integrations/webhooks/{endpoint.pk}/"
        # Switched off: later events are not even queued for it.
        log_meeting(actors.customer_a, actors.sales_a)
        assert webhooks.publish_account_events(actors.customer_a.pk) == 0
    finally:
        failing.stop()


def test_a_success_clears_the_failing_clock(actors, receiver, time_machine):
    endpoint = endpoint_for(actors.mgr_a, receiver.url)
    endpoint.failing_since = timezone.now() - dt.timedelta(hours=23)
    endpoint.save()
    webhooks.deliver(webhooks.send_test_event(endpoint).pk)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failing_since) == (True, None)


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        (
            events.event("test", None, {"message": "A test event from Accord."}),
            "Test event: A test event from Accord.",
        ),
        (
            {
                "type": "account.health_band_changed",
                "data": {
                    "account": {"id": 1, "name": "Acme", "url": "https://accord.example/c/1/"},
                    "from": "green",
                    "to": "red",
                },
            },
            "Account health band changed: green → red (Acme) https://accord.example/c/1/",
        ),
    ],
)
def test_chat_text_reads_as_one_line(payload, text):
    assert webhooks.chat_text(payload) == text


def test_every_event_is_a_webhook_in_the_openapi_schema(actors):
    schema = api_as(actors.admin).get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.1")
    assert set(schema["webhooks"]) == set(events.EVENTS)
    body = schema["webhooks"]["action_item.overdue"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert set(component["properties"]) == {"type", "version", "timestamp", "data"}


def switched_off(owner, url="https://hooks.example.com/in"):
    endpoint = endpoint_for(owner, url)
    endpoint.failing_since = timezone.now() - dt.timedelta(days=1, hours=1)
    endpoint.save()
    webhooks.disable_endpoint(endpoint)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    return endpoint


def test_the_owner_switches_a_switched_off_endpoint_on_again_from_its_page(
    actors, client, receiver
):
    endpoint = switched_off(actors.mgr_a, receiver.url)
    client.force_login(actors.mgr_a)
    page = client.get(reverse("integrations:webhook", args=[endpoint.pk]))
    assert "Switch on again" in page.text
    response = client.post(reverse("integrations:webhook-reenable", args=[endpoint.pk]))
    assert response.status_code == 302
    assert response.url == reverse("integrations:webhook", args=[endpoint.pk])
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failing_since, endpoint.disabled_at) == (True, None, None)
    assert "Switch on again" not in client.get(response.url).text
    # Events reach it again, and a new failure starts a new day's count.
    log_meeting(actors.customer_a, actors.sales_a)
    assert webhooks.publish_account_events(actors.customer_a.pk) == 1
    deliver_all()
    assert len(receiver.received) == 1


def test_a_new_failure_after_reenabling_does_not_switch_it_off_at_once(actors, time_machine):
    failing = Receiver(status=503)
    try:
        endpoint = switched_off(actors.mgr_a, failing.url)
        assert webhooks.reenable_endpoint(endpoint)
        webhooks.deliver(webhooks.send_test_event(endpoint).pk)
        endpoint.refresh_from_db()
        assert endpoint.is_active
        assert endpoint.failing_since is not None
        assert timezone.now() - endpoint.failing_since < dt.timedelta(minutes=1)
    finally:
        failing.stop()


def test_reenabling_an_endpoint_that_is_on_changes_nothing(actors, client):
    endpoint = endpoint_for(actors.mgr_a, "https://hooks.example.com/in")
    client.force_login(actors.mgr_a)
    response = client.post(reverse("integrations:webhook-reenable", args=[endpoint.pk]))
    assert response.status_code == 302
    assert not webhooks.reenable_endpoint(endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_reenable_is_post_only_and_another_users_endpoint_is_404(actors, client):
    endpoint = switched_off(actors.mgr_b)
    url = reverse("integrations:webhook-reenable", args=[endpoint.pk])
    client.force_login(actors.mgr_a)
    assert client.post(url).status_code == 404
    client.force_login(actors.mgr_b)
    assert client.get(url).status_code == 405
    api = api_as(actors.mgr_a)
    assert api.post(f"/api/webhook-endpoints/{endpoint.pk}/reenable/").status_code == 404
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_the_api_switches_the_owners_endpoint_on_again(actors):
    endpoint = switched_off(actors.mgr_a)
    response = api_as(actors.mgr_a).post(f"/api/webhook-endpoints/{endpoint.pk}/reenable/")
    assert response.status_code == 200
    assert response.json() == {
        "id": endpoint.pk,
        "url": endpoint.url,
        "is_active": True,
        "failing_since": None,
        "disabled_at": None,
    }
    assert "secret" not in response.text
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_an_admin_switches_anyones_endpoint_on_again(actors, client):
    endpoint = switched_off(actors.mgr_b)
    response = api_as(actors.admin).post(f"/api/webhook-endpoints/{endpoint.pk}/reenable/")
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    # And in the Django admin: the list shows which are off, the action switches them on.
    again = switched_off(actors.mgr_a)
    client.force_login(actors.admin)
    changelist = reverse("admin:integrations_webhookendpoint_changelist")
    assert again.url in client.get(changelist).text
    response = client.post(
        changelist, {"action": "reenable", "_selected_action": [again.pk]}, follow=True
    )
    assert response.status_code == 200
    again.refresh_from_db()
    assert (again.is_active, again.failing_since) == (True, None)
    # An admin's post to the page's URL for someone else's endpoint works too.
    other = switched_off(actors.mgr_b, "https://other.example.com/in")
    response = client.post(reverse("integrations:webhook-reenable", args=[other.pk]))
    assert (response.status_code, response.url) == (302, changelist)
    other.refresh_from_db()
    assert other.is_active


def test_a_switched_off_endpoint_tells_its_owner_in_their_language(actors):
    actors.mgr_a.language = "de"
    actors.mgr_a.save(update_fields=["language"])
    switched_off(actors.mgr_a)
    told = Notification.objects.get(user=actors.mgr_a)
    assert told.message == (
        "Ihr Webhook an https://hooks.example.com/in ist einen Tag lang fehlgeschlagen und wurde "
        "ausgeschaltet."
    )
